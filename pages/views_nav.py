"""The officials' domain pages, one per domain of the catalog, generated at every run.

A domain added to data/catalog gets its page here with no code change.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from indicators.base.i18n import Lang, _
from ui.common import catalog_or_none

_PAGES: dict[str, st.Page] = {}


def url_path(domain_id: str) -> str:
    return f"domain-{domain_id}"


def domain_url(domain_id: str, lang: Lang) -> str:
    """A relative link to the domain page, keeping the language."""
    return f"{url_path(domain_id)}?lang={lang}"


def domain_page(domain_id: str) -> st.Page | None:
    """The page object, for st.page_link; None when navigation was not built (tests)."""
    return _PAGES.get(domain_id)


def _renderer(domain_id: str) -> Callable[[], None]:
    def page() -> None:
        from pages import domain

        domain.render(domain_id)

    page.__name__ = f"domain_{domain_id}"
    return page


def domain_sections(lang: Lang) -> dict[str, list[st.Page]]:
    """One navigation section per document, holding its domains in catalog order."""
    catalog = catalog_or_none()
    if catalog is None:
        return {}
    sections: dict[str, list[st.Page]] = {}
    docs = sorted(catalog.documents.values(), key=lambda d: d.date, reverse=True)
    for doc in docs:
        pages = []
        for d in sorted(
            (d for d in catalog.domains.values() if d.document_id == doc.id), key=lambda d: d.sort
        ):
            page = st.Page(_renderer(d.id), title=d.name(lang), url_path=url_path(d.id))
            _PAGES[d.id] = page
            pages.append(page)
        if pages:
            sections[_("nav.section.document", lang, number=doc.number(lang))] = pages
    return sections
