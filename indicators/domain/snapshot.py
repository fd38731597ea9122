"""One consistent read of the store for a page run: catalog, current actuals, metrics.

Views cache a Snapshot on (database path, data version), so a rerun that changed nothing
costs one tiny query. A preview snapshot is "published + upload N": the figures as they will
be once a reviewer approves that submitted upload, with the points it changes named, so the
views can mark them (only for signed-in planners and reviewers: see ui/preview.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from indicators.base.catalog import NATIONAL, Catalog
from indicators.base.i18n import Lang, _
from indicators.base.periods import parse_period
from indicators.domain.metrics import Progress, assess_all, assess_regions
from indicators.store import NotWaiting, Store, Upload


@dataclass(frozen=True)
class Snapshot:
    catalog: Catalog
    actuals: pd.DataFrame  # current actuals, national and provinces
    national: dict[str, Progress]
    summary: dict[str, Any]
    statuses: pd.DataFrame  # current task / checklist statuses
    as_of: date
    # The submitted upload shown as if published, and the (indicator, region, period) keys
    # whose figure it sets or (an undo) takes back; None and empty for the published view.
    preview: int | None = None
    pending: frozenset[tuple[str, str, str]] = frozenset()
    # An as-of view of the past: the figures as known that day (every line says so).
    known_on: date | None = None

    def pending_periods(
        self, indicator_ids: list[str] | tuple[str, ...], region_code: str
    ) -> list[str]:
        """Periods of these indicators' figures in `region_code` that are not published yet
        (sorted); empty outside a preview."""
        if not self.pending:
            return []
        return sorted({p for i, r, p in self.pending if r == region_code and i in indicator_ids})

    def pending_regions(self, indicator_id: str) -> set[str]:
        return {r for i, r, _p in self.pending if i == indicator_id}

    def regional(self, target_id: str) -> list[Progress]:
        return assess_regions(
            self.catalog, self.catalog.targets[target_id], self.actuals, as_of=self.as_of
        )

    def year_span(self) -> tuple[int, int]:
        """The years a time axis may show: from the earliest figure or baseline to the
        latest figure, target year or today, so a filter hides no figure and no deadline."""
        targets = self.catalog.targets.values()
        periods = set(self.actuals["period"].unique())
        periods |= {t.baseline_period for t in targets if t.baseline_period}
        years = {parse_period(p).year for p in periods}
        years |= {t.target_year for t in targets}
        years.add(self.as_of.year)
        return min(years), max(years)

    def as_of_line(self, lang: Lang, *, clock: bool = True) -> str:
        """'Data as of <newest period>; last upload <when>', the one wording of the pages
        and the pack (the pack, printed, gives the day without the time); for a past date,
        'As known on <date>: data to <newest period then>'."""
        if self.known_on is not None:
            return self.known_line(lang)
        when = self.summary.get("last_upload_at")
        return _(
            "overview.as_of",
            lang,
            period=self.summary.get("newest_period") or _("views.no_data", lang),
            when=f"{when:%Y-%m-%d %H:%M}"
            if when and clock
            else f"{when:%Y-%m-%d}"
            if when
            else "–",
        )

    def known_line(self, lang: Lang) -> str:
        national = self.actuals[self.actuals["region_code"] == NATIONAL]
        newest = str(national.sort_values("t")["period"].iloc[-1]) if len(national) else None
        return _(
            "overview.as_known",
            lang,
            date=(self.known_on or self.as_of).isoformat(),
            period=newest or _("views.no_data", lang),
        )


def load_snapshot(
    store: Store,
    as_of: date | None = None,
    preview: int | None = None,
    *,
    as_known: bool | None = None,
) -> Snapshot:
    """The published figures; with `preview`, published + that submitted upload."""
    as_of = as_of or date.today()
    # a past date is read as known then; today (the default) is the latest of everything,
    # and a review preview shows pending figures now
    # `as_known` False: judged on as_of with the latest of everything (the dashboard's
    # clock); None: as known then whenever as_of is a past date (status, export-*, pack)
    past = as_of < date.today() if as_known is None else as_known
    known_on = as_of if past and preview is None else None
    catalog = store.catalog()
    # Counties can be millions of rows; the views show national and provincial figures.
    top = [r.code for r in catalog.regions.values() if r.level in ("national", "province")]
    pending: frozenset[tuple[str, str, str]] = frozenset()
    if preview is not None:
        upload = store.upload(preview)
        if upload.state != "submitted":
            raise NotWaiting(f"upload {preview} is {upload.state}, not waiting for review")
        # An undo's pending points are the figures it takes back.
        rows = store.upload_rows(upload.rows_id)
        rows = rows[rows["region_code"].isin(top)]
        pending = frozenset(
            zip(rows["indicator_id"], rows["region_code"], rows["period"], strict=True)
        )
    # "as of D" is as known on D: the figures published by then, each at its value then
    actuals = store.current_actuals(
        region_codes=top,
        as_if_published=[preview] if preview is not None else None,
        known_on=known_on,
    )
    national = {
        p.target_id: p
        for p in assess_all(catalog, actuals[actuals["region_code"] == NATIONAL], as_of=as_of)
    }
    statuses = pd.concat(
        [
            store.current_statuses("task").assign(subject_type="task"),
            store.current_statuses("target").assign(subject_type="target"),
        ],
        ignore_index=True,
    )
    summary = store.summary()
    if preview is not None:
        summary = _preview_summary(summary, upload, actuals, pending)
    return Snapshot(
        catalog, actuals, national, summary, statuses, as_of, preview, pending, known_on
    )


def _preview_summary(
    summary: dict[str, Any],
    upload: Upload,
    actuals: pd.DataFrame,
    pending: frozenset[tuple[str, str, str]],
) -> dict[str, Any]:
    """The 'data as of' facts of a preview: the previewed upload counts as the last one,
    and its figures can be the newest (an undo's newest is read from what is left)."""
    newest = summary.get("newest_period")
    if upload.kind == "undo":
        if not actuals.empty:
            newest = actuals.sort_values(["t", "id"]).iloc[-1]["period"]
    else:
        periods = {p for _i, _r, p in pending} | ({newest} if newest else set())
        if periods:
            newest = max(periods, key=lambda p: parse_period(p).t)
    last = summary.get("last_upload_at")
    when = upload.created_at if last is None else max(last, upload.created_at)
    return {**summary, "newest_period": newest, "last_upload_at": when}
