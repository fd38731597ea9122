"""The downloadable templates: bilingual headers, real stored figures as examples, and they
read back through the same pipeline without changing anything."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from indicators.ingest import Options, check_file, preview
from indicators.ingest.template import HEADERS, template_csv, template_xlsx
from indicators.store import Store


def test_the_csv_template_has_chinese_and_english_headers_and_stored_examples(
    store: Store,
) -> None:
    data = template_csv(store.catalog(), store.current_actuals())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese correctly
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(HEADERS)
    assert "指标/indicator" in rows[0] and "数值/value" in rows[0]
    assert len(rows) > 2
    assert ["行政村通光纤比例", "全国", "2021-05", ">99", "%"] in [r[:5] for r in rows]


def test_a_template_uploaded_unchanged_is_valid_and_changes_nothing(store: Store) -> None:
    catalog, current = store.catalog(), store.current_actuals()
    for name, data in (("t.csv", template_csv(catalog, current)),
                       ("t.xlsx", template_xlsx(catalog, current))):
        checked = check_file(data, name, catalog, Options())
        assert checked.ok, (name, [(p.code, p.value) for p in checked.problems])
        pv = preview(store, checked)
        assert pv.new == pv.changed == 0
        assert pv.unchanged == len(checked.rows) > 0


def test_the_xlsx_template_lists_the_indicators_and_regions_it_accepts(store: Store) -> None:
    wb = load_workbook(io.BytesIO(template_xlsx(store.catalog(), store.current_actuals())))
    assert wb.sheetnames == ["数据 data", "指标 indicators", "地区 regions"]
    ids = [r[0] for r in wb["指标 indicators"].iter_rows(min_row=2, values_only=True)]
    assert "info_consumption_scale" in ids
    assert "infra_world_leading" not in ids  # qualitative: takes no figures
    assert wb["地区 regions"].max_row == 1 + len(store.catalog().regions)
