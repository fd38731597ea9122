"""Filters of the officials' views that live in the URL, so a copied link opens the same view.

Each filter has a plain session-state value (kept across pages, read once from the query
string when the session starts) and a widget key; widgets copy their value back on change.
The query string is rewritten on every run of a view, because switching pages clears it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from indicators.base.catalog import NATIONAL, Catalog, Lang
from indicators.base.i18n import _
from indicators.domain.snapshot import Snapshot
from indicators.domain.taskboard import ROLES, SHOWN_STATUSES
from ui.common import derived


class ViewKeys:
    """Query-string names of the views' filters (session-state keys add a prefix)."""

    REGION = "region"
    YEARS = "years"
    DEPARTMENT = "dept"
    ROLE = "role"
    TASK_STATUS = "task_status"
    DOCUMENT = "doc"
    TARGET = "target"
    TILE_METRIC = "tiles"

    @staticmethod
    def state(name: str) -> str:
        return f"views.url.{name}"

    @staticmethod
    def widget(name: str) -> str:
        return f"views.widget.{name}"


# name -> (parse from text, format to text, default); parse returns None when invalid.
_Codec = tuple[Callable[[str], object | None], Callable[[object], str], object]


def year_span() -> tuple[int, int]:
    """The year filter's bounds, from the data (cached with the snapshot, so per day)."""
    first, last = derived(Snapshot.year_span)
    return int(first), int(last)


def _years_parse(text: str) -> tuple[int, int] | None:
    try:
        a, b = (int(x) for x in text.split("-"))
    except ValueError:
        return None
    first, last = year_span()
    return (a, b) if first <= a <= b <= last else None


def _codecs(catalog: Catalog) -> dict[str, _Codec]:
    def one_of(options: list[str] | tuple[str, ...], default: object) -> _Codec:
        return (lambda t: t if t in options else None, str, default)

    return {
        ViewKeys.REGION: one_of([NATIONAL, *(r.code for r in catalog.provinces)], NATIONAL),
        ViewKeys.YEARS: (_years_parse, lambda v: f"{v[0]}-{v[1]}", None),
        ViewKeys.DEPARTMENT: one_of(list(catalog.departments), None),
        ViewKeys.ROLE: one_of(ROLES, "any"),
        ViewKeys.TASK_STATUS: (
            lambda t: tuple(s for s in t.split(",") if s in SHOWN_STATUSES) or None,
            lambda v: ",".join(v),
            (),
        ),
        ViewKeys.DOCUMENT: one_of(list(catalog.documents), None),
        ViewKeys.TARGET: one_of(list(catalog.targets), None),
        ViewKeys.TILE_METRIC: one_of(("status", "pct_achieved"), "status"),
    }


def value(catalog: Catalog, name: str) -> Any:
    """The filter's value: from this session, else the URL, else its default."""
    key = ViewKeys.state(name)
    if key not in st.session_state:
        parse, _fmt, default = _codecs(catalog)[name]
        raw = st.query_params.get(name)
        parsed = parse(raw) if raw else None
        st.session_state[key] = default if parsed is None else parsed
    return st.session_state[key]


def set_value(name: str, new: object) -> None:
    st.session_state[ViewKeys.state(name)] = new


def publish(catalog: Catalog, *names: str) -> None:
    """Write the given filters to the query string (defaults are left out to keep it short)."""
    codecs = _codecs(catalog)
    for name in names:
        _parse, fmt, default = codecs[name]
        current = value(catalog, name)
        if current is None or current == default:
            if name in st.query_params:
                del st.query_params[name]
        else:
            st.query_params[name] = fmt(current)


def _copy(name: str) -> None:
    set_value(name, st.session_state[ViewKeys.widget(name)])


def _prepare(catalog: Catalog, name: str, shown: object) -> str:
    """Point the widget at the stored value, so it shows what the URL asked for."""
    wkey = ViewKeys.widget(name)
    st.session_state[wkey] = shown
    return wkey


def region_filter(catalog: Catalog, lang: Lang) -> str:
    codes = [NATIONAL, *(r.code for r in catalog.provinces)]
    current = value(catalog, ViewKeys.REGION)
    wkey = _prepare(catalog, ViewKeys.REGION, current)
    st.sidebar.selectbox(
        _("views.filter.region", lang),
        codes,
        key=wkey,
        format_func=lambda c: catalog.regions[c].name(lang),
        on_change=_copy,
        args=(ViewKeys.REGION,),
    )
    return str(value(catalog, ViewKeys.REGION))


def years_filter(catalog: Catalog, lang: Lang) -> tuple[int, int] | None:
    """A year range for the time axes; None (the default) lets each chart fit its data."""
    first, last = year_span()
    options = list(range(first, last + 1))
    current = value(catalog, ViewKeys.YEARS)
    if current is not None and not first <= current[0] <= current[1] <= last:
        # Kept from before the data (or the year) changed: show the whole span instead.
        set_value(ViewKeys.YEARS, None)
        current = None
    wkey = _prepare(catalog, ViewKeys.YEARS, current or (options[0], options[-1]))

    def on_change() -> None:
        a, b = st.session_state[wkey]
        set_value(ViewKeys.YEARS, None if (a, b) == (options[0], options[-1]) else (a, b))

    # A numeric range slider: AppTest replays a range select_slider as a single value.
    st.sidebar.slider(
        _("views.filter.years", lang),
        options[0],
        options[-1],
        key=wkey,
        step=1,
        format="%d",
        on_change=on_change,
    )
    years = value(catalog, ViewKeys.YEARS)
    return None if years is None else (int(years[0]), int(years[1]))


def choice(
    catalog: Catalog,
    name: str,
    label: str,
    options: list[str],
    container: object,
    format_func: Callable[[str], str],
    *,
    all_option: str = "*",
) -> str | None:
    """A single choice kept in the URL; the 'all' option is stored as None."""
    current = value(catalog, name)
    shown = all_option if current is None else current
    if shown not in options:
        shown = options[0]
        set_value(name, None if shown == all_option else shown)
    wkey = _prepare(catalog, name, shown)

    def on_change() -> None:
        picked = st.session_state[wkey]
        set_value(name, None if picked == all_option else picked)

    container.selectbox(  # type: ignore[attr-defined]
        label,
        options,
        key=wkey,
        format_func=format_func,
        on_change=on_change,
    )
    picked = value(catalog, name)
    return None if picked is None else str(picked)


def statuses(
    catalog: Catalog,
    label: str,
    options: tuple[str, ...],
    format_func: Callable[[str], str],
    placeholder: str,
) -> tuple[str, ...]:
    """Task statuses to show; none chosen means all."""
    current = value(catalog, ViewKeys.TASK_STATUS) or ()
    wkey = _prepare(catalog, ViewKeys.TASK_STATUS, list(current))
    st.multiselect(
        label,
        list(options),
        key=wkey,
        format_func=format_func,
        placeholder=placeholder,  # Streamlit's default is English-only
        on_change=lambda: set_value(ViewKeys.TASK_STATUS, tuple(st.session_state[wkey])),
    )
    return tuple(value(catalog, ViewKeys.TASK_STATUS) or ())


def tile_metric_filter(catalog: Catalog, lang: Lang) -> str:
    options = ["status", "pct_achieved"]
    wkey = _prepare(catalog, ViewKeys.TILE_METRIC, value(catalog, ViewKeys.TILE_METRIC))
    st.sidebar.radio(
        _("views.domain.tile_metric", lang),
        options,
        key=wkey,
        format_func=lambda m: _("col.status" if m == "status" else "col.pct_achieved", lang),
        on_change=_copy,
        args=(ViewKeys.TILE_METRIC,),
    )
    return str(value(catalog, ViewKeys.TILE_METRIC))
