"""Progress for one region, and provinces ranked by how far they are from the target.

Provincial figures are judged by the same metrics as national ones (``metrics.assess``);
a target the catalog does not mark ``regional`` has no provincial target value, so its
provinces can only be ranked by their latest figure.
"""

from __future__ import annotations

import pandas as pd

from indicators.base.catalog import NATIONAL
from indicators.domain.metrics import Progress, assess, series_for
from indicators.domain.snapshot import Snapshot


def progress_at(snap: Snapshot, target_id: str, region_code: str = NATIONAL) -> Progress:
    if region_code == NATIONAL and target_id in snap.national:
        return snap.national[target_id]
    target = snap.catalog.targets[target_id]
    points = series_for(snap.catalog, target, snap.actuals, region_code)
    return assess(target, points, as_of=snap.as_of, region_code=region_code)


def province_rows(snap: Snapshot, target_id: str) -> pd.DataFrame:
    """The current provincial figures a target's province charts plot (its own and, if
    derived, its source's): what their source line must cite."""
    target = snap.catalog.targets[target_id]
    ids = [target.id] + ([target.derived_from] if target.derived_from else [])
    provinces = [r.code for r in snap.catalog.provinces]
    a = snap.actuals
    return a[a["indicator_id"].isin(ids) & a["region_code"].isin(provinces)]


def pending_provinces(snap: Snapshot, target_id: str) -> set[str]:
    """The provinces whose figure on a target's province charts is not published yet (a
    preview; empty otherwise). A province is judged on the target's own figures: a rate
    is derived from its level target (``derived_from``) for the nation only
    (``metrics.series_for``), so a pending figure of the level changes nothing drawn for a
    province, and a pending national figure is not on these charts at all."""
    known = {r.code for r in snap.catalog.provinces}
    return snap.pending_regions(target_id) & known


def provinces_with_figures(snap: Snapshot, target_id: str) -> bool:
    rows = snap.actuals[snap.actuals["indicator_id"] == target_id]
    return bool((rows["region_code"] != NATIONAL).any())


def ranked_provinces(snap: Snapshot, target_id: str) -> list[Progress]:
    """Provinces with figures, furthest from the target first.

    Without a provincial target (no gap) the lowest latest value comes first; for a
    lower-is-better target ``gap`` is already signed so that larger means further away.
    """
    known = {r.code for r in snap.catalog.provinces}
    results = [
        p for p in snap.regional(target_id) if p.region_code in known and p.latest_value is not None
    ]
    target = snap.catalog.targets[target_id]
    if all(p.gap is not None for p in results):
        return sorted(results, key=lambda p: (-(p.gap or 0.0), p.region_code))
    sign = 1 if target.lower_is_better else -1
    return sorted(results, key=lambda p: (-sign * (p.latest_value or 0.0), p.region_code))


def targets_with_provinces(snap: Snapshot) -> list[str]:
    """Quantitative targets that have at least one provincial figure, in catalog order."""
    a = snap.actuals
    ids = set(a.loc[a["region_code"] != NATIONAL, "indicator_id"])
    return [
        t.id
        for t in sorted(snap.catalog.targets.values(), key=lambda t: t.sort)
        if t.id in ids and t.quantitative
    ]
