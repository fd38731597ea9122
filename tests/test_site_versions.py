"""Store.published_versions, the open data's history of each figure, on both backends."""

from __future__ import annotations

import pandas as pd

from indicators.base.catalog import NATIONAL
from indicators.store import ACTUAL_COLUMNS, Store

BOTH_BACKENDS = True


def _upload(store: Store, value: float, *, review: bool = False, user: str = "nat") -> int:
    row = dict.fromkeys(ACTUAL_COLUMNS) | {
        "indicator_id": "info_consumption_scale",
        "region_code": NATIONAL,
        "period": "2021",
        "t": 2021.0,
        "value": value,
        "unit": "万亿元",
    }
    up = store.write_actuals(
        pd.DataFrame([row]), kind="file", user=user, file_name="r.csv", review=review
    )
    return up.id


def _history(store: Store) -> list[tuple[float, int, bool]]:
    v = store.published_versions(["info_consumption_scale"], [NATIONAL])
    v = v[v["period"] == "2021"]
    assert "user_name" not in v  # the public's data names no account
    return list(zip(v["value"], v["upload_id"], v["undone"].astype(bool), strict=True))


def test_published_versions_keep_revisions_flag_undone_ones_and_hide_unreviewed(store: Store):
    revised = _upload(store, 6.9)
    assert _history(store) == [(6.8, 1, False), (6.9, revised, False)]
    store.undo_upload(revised, user="nat", review=False)
    assert _history(store) == [(6.8, 1, False), (6.9, revised, True)]
    # With review on, a submitted figure is nobody's published version yet.
    _upload(store, 7.0, review=True)
    assert [v for v, _u, _d in _history(store)] == [6.8, 6.9]
