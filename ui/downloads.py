"""Download buttons under every chart and table (presenters' exports).

Rendering a figure costs a few hundred milliseconds, so nothing is rendered on a rerun:
each button gets a callable that Streamlit runs only when it is clicked, and the export
module caches on the figure's JSON, so a second click of the same chart is instant.
"""

from __future__ import annotations

import re
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.base.i18n import Lang, _
from indicators.export import data as export_data
from indicators.export import static
from ui.common import memo_on


class ExportKeys:
    """Widget keys; ``name`` (unique on the page) keeps two charts' buttons apart."""

    PREFIX = "dl"

    @staticmethod
    def of(name: str, what: str) -> str:
        return f"{ExportKeys.PREFIX}.{name}.{what}"


def safe_name(name: str) -> str:
    """A file-name stem: keeps letters (Chinese too), digits, dot, dash, underscore."""
    return re.sub(r"[^\w.\-]+", "_", name).strip("_") or "export"


def _data_buttons(df: pd.DataFrame, name: str, lang: Lang, *, notes: list[str]) -> None:
    stem = safe_name(name)
    c1, c2 = st.columns(2)
    c1.download_button(
        _("dl.table.csv", lang),
        data=partial(export_data.to_csv_bytes, df, lang),
        file_name=f"{stem}.csv",
        mime=export_data.MIME["csv"],
        help=_("dl.table.help", lang),
        key=ExportKeys.of(name, "csv"),
        on_click="ignore",
        icon=":material/table:",
    )
    c2.download_button(
        _("dl.table.xlsx", lang),
        data=partial(export_data.to_xlsx_bytes, df, lang, sheet=stem, notes=notes),
        file_name=f"{stem}.xlsx",
        mime=export_data.MIME["xlsx"],
        help=_("dl.table.help", lang),
        key=ExportKeys.of(name, "xlsx"),
        on_click="ignore",
        icon=":material/grid_on:",
    )


def figure_downloads(fig: go.Figure, name: str, lang: Lang) -> None:
    """PNG / SVG / PDF of ``fig`` at a size preset, plus the data it plots as CSV / XLSX.

    ``name`` is the file-name stem and must be unique on the page (e.g. ``"bullet-T01"``).
    """
    # The JSON and the plotted data are worked out once per figure, not on every view.
    fig_json = memo_on(fig, "json", fig.to_json)
    stem = safe_name(name)
    with st.popover(_("dl.figure.button", lang), icon=":material/download:"):
        preset = st.radio(
            _("dl.figure.preset", lang),
            tuple(static.PRESETS),
            horizontal=True,
            format_func=lambda p: _(f"dl.preset.{p}", lang),
            key=ExportKeys.of(name, "preset"),
            help=_("dl.figure.help", lang),
        )
        for col, fmt in zip(st.columns(len(static.FORMATS)), static.FORMATS, strict=True):
            col.download_button(
                fmt.upper(),
                data=partial(static.figure_bytes, fig_json, fmt, preset),
                file_name=f"{stem}-{preset}.{fmt}",
                mime=static.MIME[fmt],
                key=ExportKeys.of(name, fmt),
                on_click="ignore",
                width="stretch",
            )
        df = memo_on(fig, ("data", lang), lambda: export_data.figure_data(fig, lang))
        if not df.empty:
            st.caption(_("dl.figure.data", lang))
            _data_buttons(
                df,
                f"{name}-data",
                lang,
                notes=memo_on(fig, "notes", lambda: export_data.figure_notes(fig)),
            )


def table_downloads(df: pd.DataFrame, name: str, lang: Lang) -> None:
    """CSV (UTF-8 with BOM) and XLSX of ``df``; headers as they are in ``df`` (already in
    ``lang``), units from ``df.attrs["units"]``. ``name`` is unique on the page."""
    _data_buttons(df, name, lang, notes=[])
