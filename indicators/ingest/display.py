"""Tables the data-entry pages show, built here so the pages only lay them out.

Every header and word goes through the label table; values keep their qualifier (">98").
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from indicators.base.catalog import Catalog
from indicators.base.escape import for_markdown
from indicators.base.formatting import qualifier_text
from indicators.base.i18n import Lang, _, has_label
from indicators.base.sources import note_text, source_text
from indicators.ingest.pipeline import ALL_SHEETS, Checked, Preview
from indicators.ingest.shape import Shape
from indicators.store import Upload


def figure_text(
    value: float | str | None,
    qualifier: object = None,
    lang: Lang | None = None,
    high: object = None,
) -> str:
    """A stored figure as published: 98 with qualifier ">" is ">98", a range "5.4-5.5"; with
    ``lang``, a word qualifier in that language ("about 5" on an English page), which uploads
    read back."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    q = qualifier if isinstance(qualifier, str) else ""
    text = f"{qualifier_text(q, lang) if q else ''}{float(value):g}"
    if isinstance(high, int | float) and not math.isnan(high):
        text += f"-{float(high):g}"  # read back by an upload as the same range
    return text


def _highs(rows: pd.DataFrame) -> list[object]:
    return list(rows["value_high"]) if "value_high" in rows else [None] * len(rows)


def read_summary(checked: Checked, lang: Lang) -> str:
    """What was detected, said plainly: the planner checks it before trusting the preview."""
    info = checked.info
    if info is None:
        return ""
    parts = [info.format.upper()]
    if info.format == "csv":
        how = _("ingest.detected" if info.encoding_detected else "ingest.chosen", lang)
        parts.append(
            _("ingest.info.encoding", lang, encoding=encoding_name(info.encoding, lang), how=how)
        )
        parts.append(
            _(
                "ingest.info.delimiter",
                lang,
                delimiter=_(f"ingest.delimiter.{info.delimiter}", lang),
            )
        )
    elif info.format == "xlsx":
        # Sheet names are the planner's text, shown in a Markdown message: made inert.
        parts.append(
            _(
                "ingest.info.sheet",
                lang,
                sheet=for_markdown(info.sheet),
                sheets=", ".join(for_markdown(s) for s in info.sheets),
            )
        )
    if checked.layout:
        side = _(f"ingest.side.{checked.side}", lang) if checked.side else ""
        parts.append(_(f"ingest.layout.{checked.layout}", lang, side=side))
    return " · ".join(parts)


def encoding_name(codec: str | None, lang: Lang) -> str:
    """An encoding by the name planners know (`UTF-8 (带 BOM)`), not Python's (`utf_8_sig`)."""
    code = (codec or "").lower().replace("-", "_")
    return (
        _(f"ingest.encoding.{code}", lang)
        if has_label(f"ingest.encoding.{code}")
        else (codec or "")
    )


def sheet_choice(sheet: str, lang: Lang) -> str:
    return _("upload.sheet.all", lang) if sheet == ALL_SHEETS else sheet


def _shape_lines(shape: Shape, catalog: Catalog, lang: Lang) -> list[str]:
    lines = []
    rows = shape.header_rows
    lines.append(
        _(
            "ingest.read.header" if len(rows) == 1 else "ingest.read.header2",
            lang,
            row=rows[0],
            last=rows[-1],
        )
    )
    if shape.indicator and shape.indicator in catalog.targets:
        lines.append(
            _("ingest.read.indicator", lang, name=catalog.targets[shape.indicator].name(lang))
        )
    if shape.unit is not None:
        # The unit, its cell and column headers are the file's text, shown as Markdown.
        lines.append(
            _(
                "ingest.read.unit",
                lang,
                unit=for_markdown(shape.unit),
                cell=for_markdown(shape.unit_cell or ""),
            )
        )
    for column, unit in shape.column_units.items():
        lines.append(
            _("ingest.read.column_unit", lang, unit=for_markdown(unit), column=for_markdown(column))
        )
    if shape.no_figure:
        lines.append(_("ingest.read.no_figure", lang, n=shape.no_figure))
    if shape.ignored:
        lines.append(_("ingest.read.ignored", lang, n=len(shape.ignored)))
    return lines


def read_details(checked: Checked, catalog: Catalog, lang: Lang) -> list[str]:
    """How the sheet was read, one line each: header row, unit applied, what was set aside.

    Nothing for a file in our template read as it is; a line per sheet for a workbook.
    """
    if checked.sheets:
        lines = []
        for s in checked.sheets:
            if s.skipped is not None:
                lines.append(
                    _(
                        "ingest.read.sheet_skipped",
                        lang,
                        sheet=for_markdown(s.name),
                        reason=for_markdown(s.skipped.message(lang)),
                    )
                )
                continue
            lines.append(_("ingest.read.sheet_taken", lang, sheet=for_markdown(s.name), n=s.rows))
            if s.shape is not None and not s.shape.plain:
                lines += [f"· {line}" for line in _shape_lines(s.shape, catalog, lang)]
        return lines
    shape = checked.shape
    if shape is None or not shape.found or shape.plain:
        return []
    return _shape_lines(shape, catalog, lang)


def ignored_table(checked: Checked, lang: Lang) -> pd.DataFrame:
    """The rows (and columns) of the sheet that hold no figure to store, and why."""
    found: list[tuple[str | None, Shape | None]] = [
        (s.name, s.shape) for s in checked.sheets if s.shape is not None
    ] or [(None, checked.shape)]
    records = []
    for sheet, shape in found:
        for i in shape.ignored if shape is not None else ():
            record = (
                {} if sheet is None or not checked.sheets else {_("ingest.col.sheet", lang): sheet}
            )
            records.append(
                record
                | {
                    _("ingest.col.row", lang): i.excel_row,
                    _("ingest.col.column", lang): i.column or "",
                    _("ingest.col.value", lang): i.text,
                    _("ingest.col.why", lang): _(f"ingest.ignored.{i.reason}", lang),
                }
            )
    return pd.DataFrame(records)


def _names(catalog: Catalog, lang: Lang) -> tuple[dict[str, str], dict[str, str]]:
    targets = {t.id: t.name(lang) for t in catalog.targets.values()}
    regions = {r.code: r.name(lang) for r in catalog.regions.values()}
    return targets, regions


def preview_table(preview: Preview, catalog: Catalog, lang: Lang, change: str) -> pd.DataFrame:
    """Rows of one change (new / changed / unchanged), with the old value beside the new."""
    targets, regions = _names(catalog, lang)
    rows = preview.rows[preview.rows["change"] == change]
    out = {} if "sheet" not in rows.columns else {_("ingest.col.sheet", lang): rows["sheet"]}
    out |= {
        _("ingest.col.row", lang): rows["excel_row"].astype("Int64"),
        _("ingest.col.indicator", lang): rows["indicator_id"].map(targets),
        _("ingest.col.region", lang): rows["region_code"].map(regions),
        _("ingest.col.period", lang): rows["period"],
    }
    if change == "changed":
        out[_("ingest.col.old", lang)] = [
            figure_text(v, q) for v, q in zip(rows["old_value"], rows["old_qualifier"], strict=True)
        ]
    out[_("ingest.col.new" if change != "unchanged" else "ingest.col.figure", lang)] = [
        figure_text(v, q, high=h)
        for v, q, h in zip(rows["value"], rows["qualifier"], _highs(rows), strict=True)
    ]
    out[_("ingest.col.unit", lang)] = rows["unit"].map(lambda u: _unit(u, lang))
    return pd.DataFrame(out).reset_index(drop=True)


def _unit(unit: object, lang: Lang) -> str:
    if not isinstance(unit, str):
        return ""
    return _(f"unit.{unit}", lang) if has_label(f"unit.{unit}") else unit


def uploads_table(
    uploads: Iterable[Upload], lang: Lang, *, show_users: bool = True
) -> pd.DataFrame:
    """The history: one row per upload, form edit or undo, newest first. Visitors get no
    account names (`show_users=False`): they would hand a guesser the login names."""
    records = []
    for u in uploads:
        state = ""
        if u.state == "submitted":
            state = _("review.state.submitted", lang)
        elif u.state == "rejected":
            state = _("review.state.rejected", lang, reason=u.reason or "")
        elif u.undone_by is not None:
            state = _("history.undone_by", lang, id=u.undone_by)
        elif u.undoes is not None:
            state = _("history.undoes", lang, id=u.undoes)
        records.append(
            {
                _("history.col.id", lang): u.id,
                _("history.col.kind", lang): _(f"history.kind.{u.kind}", lang),
                _("history.col.file", lang): u.file_name or "",
                **(
                    {
                        _("history.col.user", lang): u.user_name,
                        _("history.col.reviewer", lang): u.reviewer or "",
                    }
                    if show_users
                    else {}
                ),
                _("history.col.when", lang): f"{u.created_at:%Y-%m-%d %H:%M:%S}",
                _("history.col.state", lang): state,
                _("history.col.rows", lang): u.rows_total,
                _("history.col.new", lang): u.rows_new,
                _("history.col.changed", lang): u.rows_changed,
                _("history.col.unchanged", lang): u.rows_unchanged,
                # The first 12 hex digits tell files apart; the page shows the whole hash below.
                _("history.col.sha256", lang): (u.sha256 or "")[:12],
            }
        )
    return pd.DataFrame(records)


def upload_rows_table(rows: pd.DataFrame, catalog: Catalog, lang: Lang) -> pd.DataFrame:
    """The figures one upload wrote."""
    targets, regions = _names(catalog, lang)
    return pd.DataFrame(
        {
            _("ingest.col.indicator", lang): rows["indicator_id"].map(targets),
            _("ingest.col.region", lang): rows["region_code"].map(regions),
            _("ingest.col.period", lang): rows["period"],
            _("ingest.col.figure", lang): [
                figure_text(v, q, lang, h)
                for v, q, h in zip(rows["value"], rows["qualifier"], _highs(rows), strict=True)
            ],
            _("ingest.col.unit", lang): rows["unit"].map(lambda u: _unit(u, lang)),
            # Shipped figures carry their citation and quote in English too.
            _("ingest.col.source", lang): rows["source"]
            .fillna("")
            .map(lambda v: source_text(v, lang)),
            _("ingest.col.note", lang): rows["note"].fillna("").map(lambda v: note_text(v, lang)),
        }
    )


def figure_history_table(
    history: pd.DataFrame, lang: Lang, *, show_users: bool = True
) -> pd.DataFrame:
    """Every version of one figure, newest first: which upload wrote it, and is it live."""
    table = pd.DataFrame(
        {
            _("ingest.col.figure", lang): [
                figure_text(v, q, high=h)
                for v, q, h in zip(
                    history["value"], history["qualifier"], _highs(history), strict=True
                )
            ],
            # the vintage: when the figure was published ("–": no date recorded)
            _("history.col.published", lang): history["published"].fillna("–").tolist()
            if "published" in history
            else ["–"] * len(history),
            _("history.col.id", lang): history["upload_id"],
            _("history.col.kind", lang): history["kind"].map(
                lambda k: _(f"history.kind.{k}", lang)
            ),
            _("history.col.file", lang): history["file_name"].fillna(""),
            _("history.col.user", lang): history["user_name"],
            _("history.col.when", lang): history["created_at"].map(
                lambda t: f"{t:%Y-%m-%d %H:%M:%S}"
            ),
            _("ingest.col.source", lang): history["source"].fillna(""),
            _("history.col.state", lang): [
                _(f"history.state.{s}", lang) for s in figure_states(history["undone"])
            ],
        }
    )
    return table if show_users else table.drop(columns=[_("history.col.user", lang)])


def figure_states(undone: Iterable[bool]) -> list[str]:
    """Newest first: the first version not undone is current, older ones superseded."""
    states, found = [], False
    for u in undone:
        if u:
            states.append("undone")
        elif not found:
            states.append("current")
            found = True
        else:
            states.append("superseded")
    return states
