"""The method note, in both languages: how % achieved, growth, projections, statuses and
verdicts are computed (see the docstring of ``indicators.metrics``). The briefing pack ends
with it; a view can show the same paragraphs."""

from __future__ import annotations

from ..i18n import Lang, _

METHOD_KEYS = (
    "method.pct_achieved", "method.growth", "method.status", "method.projection",
    "method.verdict", "method.sources",
)


def method_note(lang: Lang) -> list[str]:
    """The note's paragraphs, in order; its heading is ``_("method.title", lang)``."""
    return [_(key, lang) for key in METHOD_KEYS]
