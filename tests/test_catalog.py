"""Catalog completeness: every figure the two documents state is tracked, with its source."""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import fields
from pathlib import Path

import pytest

from indicators.base.catalog import KINDS, CatalogError, Region, load_catalog
from indicators.base.paths import CATALOG_DIR, SOURCES_DIR

CJK = re.compile(r"[\u3400-\u9fff]")

REQUIRED = {
    # id: (kind, target value, target year, unit)
    "info_consumption_scale": ("level", 6, 2020, "万亿元"),
    "info_consumption_growth": ("growth_rate", 11, 2020, "%"),
    "related_output": ("level", 15, 2020, "万亿元"),
    "fibre_village_share": ("share", 98, 2020, "%"),
    "village_info_station_coverage": ("share", 80, 2020, "%"),
    "skills_training_projects": ("count", 100, 2020, "个"),
    "5g_commercial_launch": ("milestone", None, 2020, "event"),
}


@pytest.mark.parametrize("target_id", REQUIRED)
def test_every_headline_figure_of_the_2017_document_is_in_the_catalog(catalog, target_id):
    t = catalog.targets[target_id]
    assert (t.kind, t.target_value, t.target_year, t.unit) == REQUIRED[target_id]
    assert t.document_id == "guofa_2017_40"
    assert t.headline


def test_every_quote_is_verbatim_from_its_document(catalog):
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SOURCES_DIR.glob("*.txt")}
    for t in catalog.targets.values():
        assert t.quote in texts[t.document_id], t.id


def test_quotes_contain_the_target_figure(catalog):
    assert "6萬億元" in catalog.targets["info_consumption_scale"].quote
    assert "11%以上" in catalog.targets["info_consumption_growth"].quote
    assert "15萬億元" in catalog.targets["related_output"].quote
    assert "98%的行政村通光纖" in catalog.targets["fibre_village_share"].quote
    assert "80%" in catalog.targets["village_info_station_coverage"].quote
    assert "100個以上" in catalog.targets["skills_training_projects"].quote
    assert "2020年啟動商用" in catalog.targets["5g_commercial_launch"].quote


def test_internet_plus_goals_for_2018_and_2025_are_checklist_items(catalog):
    goals = [t for t in catalog.targets.values() if t.document_id == "guofa_2015_40"]
    assert {t.target_year for t in goals} == {2018, 2025}
    assert all(t.kind == "qualitative" for t in goals)


def test_every_target_and_task_belongs_to_a_known_domain_and_kind(catalog):
    for t in catalog.targets.values():
        assert t.domain_id in catalog.domains
        assert t.kind in KINDS
        assert t.name_hans and t.name_hant and t.name_en
    for task in catalog.tasks.values():
        assert task.domain_id in catalog.domains


def test_domains_cover_the_four_key_areas_and_the_eleven_actions(catalog):
    kinds = [d.kind for d in catalog.domains.values()]
    assert kinds.count("key_area") == 4
    assert kinds.count("action") == 11


def test_each_internet_plus_action_is_the_task_of_its_own_domain(catalog):
    actions = [d for d in catalog.domains.values() if d.kind == "action"]
    for d in actions:
        assert len(catalog.tasks_in(d.id)) == 1


def test_the_first_named_department_leads(catalog):
    deps = catalog.departments_of("t2017_12")
    assert [d.department_id for d in deps] == ["miit", "ndrc", "most"]
    assert [d.role for d in deps] == ["lead", "co", "co"]
    assert catalog.tasks["t2017_12"].and_others


def test_regions_are_national_plus_31_provinces_with_gbt2260_codes(catalog):
    assert catalog.regions["000000"].level == "national"
    provinces = catalog.provinces
    assert len(provinces) == 31
    assert catalog.regions["450000"].short_hans == "广西"
    assert catalog.regions["450000"].name_hant == "廣西壯族自治區"
    assert all(r.code.endswith("0000") and r.parent_code == "000000" for r in provinces)


def test_named_entries_show_simplified_chinese_or_english_and_provinces_their_short_name(catalog):
    assert catalog.targets["fibre_village_share"].name("zh") == "行政村通光纤比例"
    assert catalog.departments["miit"].name("en").startswith("Ministry of Industry")
    guangdong = catalog.regions["440000"]
    assert (guangdong.name("zh"), guangdong.name("en")) == ("广东", "Guangdong")
    # The store's tables follow each class's own field order, which the mixin leaves alone.
    assert [f.name for f in fields(Region)][:8] == [
        "code",
        "level",
        "parent_code",
        "name_hans",
        "name_hant",
        "short_hans",
        "short_hant",
        "name_en",
    ]


def _catalog_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, directory)
    return directory


def test_every_quote_has_an_english_rendering_that_is_not_the_original(catalog):
    for t in catalog.targets.values():
        assert t.quote_en.strip() and not CJK.search(t.quote_en), t.id
    assert catalog.targets["fibre_village_share"].quote_en == (
        "By 2020, connect 98% of administrative villages to optical fibre"
    )


def test_a_target_whose_english_rendering_was_dropped_is_refused_by_name(tmp_path):
    directory = _catalog_copy(tmp_path)
    path = directory / "targets.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # drop the rendering of the fourth target (fibre_village_share) only
    renderings = [i for i, line in enumerate(lines) if line.startswith("  quote_en:")]
    del lines[renderings[3]]
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"targets\.yaml #4 \(fibre_village_share\).*quote_en"):
        load_catalog(directory)


def test_an_empty_english_rendering_is_refused_as_missing(tmp_path):
    directory = _catalog_copy(tmp_path)
    path = directory / "targets.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '  quote_en: "Marked results are achieved in raising network speeds and lowering charges"',
        '  quote_en: ""',
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"target speed_up_fee_cut: quote_en .* is missing"):
        load_catalog(directory)


def test_a_task_without_its_english_text_is_refused_by_name(tmp_path):
    directory = _catalog_copy(tmp_path)
    path = directory / "tasks.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    rows[0]["text_en"] = " "
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(CatalogError, match=r"task t2017_01: text_en .* is missing"):
        load_catalog(directory)


def test_a_plausibility_row_for_an_unknown_target_id_stops_the_catalog_loading(tmp_path):
    directory = _catalog_copy(tmp_path)
    path = directory / "plausibility.csv"
    text = path.read_text(encoding="utf-8")
    # row 7 (after the header and six rows) is related_output's: misspell its id
    assert text.splitlines()[6].startswith("related_output,")
    path.write_text(text.replace("\nrelated_output,", "\nrelated_outptu,"), encoding="utf-8")
    with pytest.raises(
        CatalogError, match=r"^plausibility\.csv row 7: unknown target id 'related_outptu'$"
    ):
        load_catalog(directory)


def test_plausibility_bounds_are_read_once_with_the_catalog_not_on_every_check(
    tmp_path, monkeypatch
):
    from datetime import date

    import indicators.base.catalog as catalog_module
    from indicators.ingest import Options, check_file

    directory = _catalog_copy(tmp_path)
    reads: list[str] = []
    read_csv = catalog_module._read_csv

    def counting(path: Path) -> list[dict[str, str]]:
        reads.append(path.name)
        return read_csv(path)

    monkeypatch.setattr(catalog_module, "_read_csv", counting)
    catalog = load_catalog(directory)
    assert reads.count("plausibility.csv") == 1
    data = "指标,地区,时期,数值\n信息消费规模,全国,2019,5.4\n".encode()
    for _ in range(3):
        assert check_file(data, "a.csv", catalog, Options(today=date(2024, 1, 1))).ok
    assert reads.count("plausibility.csv") == 1
    # The bounds the checks used are this directory's.
    bounds = catalog.plausibility.for_target(catalog.targets["related_output"])
    assert (bounds.low, bounds.high) == (0, 200)
