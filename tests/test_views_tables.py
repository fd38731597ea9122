"""Cards, tables, task filters, method text and labels of the officials' views."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from indicators.base.paths import CATALOG_DIR
from indicators.domain import metrics
from indicators.domain.method import citations, sections
from indicators.domain.snapshot import load_snapshot
from indicators.domain.taskboard import UNREPORTED, department_counts, filter_tasks, task_rows
from indicators.present.cards import headline_cards, target_card
from indicators.present.tables import checklist_table, tasks_table

AS_OF = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[1]


def snap_of(store):
    return load_snapshot(store, as_of=AS_OF)


def task_departments() -> list[dict[str, str]]:
    with (CATALOG_DIR / "task_departments.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_headline_card_of_the_scale_reads_as_worked_out_by_hand(store):
    cards = {c.target_id: c for c in headline_cards(snap_of(store), "zh")}
    c = cards["info_consumption_scale"]
    assert (c.value, c.period) == ("6.8 万亿元", "2021")
    assert c.target == "6 万亿元（2020年）"
    assert c.pct_achieved == "113%"  # 6.8 / 6 = 113.3 %
    assert c.gap == "超出 0.8 万亿元"
    # 2020 has passed: the status is the verdict, and no trend arrow stands beside it
    assert c.status_label == "逾期实现" and c.arrow == ""
    # 5.8 < 6 in 2020 (0.2 short, 0.2 / 6 = 3.3 % of the target), met in 2021
    assert c.detail == "2020 为 5.8 万亿元，差 0.2 万亿元（目标的 3.3%）；2021 首次达到"


def test_a_gap_in_percent_is_given_in_percentage_points(store):
    c = target_card(snap_of(store), "fibre_village_share", "en")
    assert c.value == ">99%" and c.gap == "exceeded by 1 percentage point"
    assert c.status_label == "Met on time"
    assert c.detail == ">98% in 2019-08, met early"


def test_a_missed_rate_falls_short_in_percentage_points(store):
    # average growth 2016-2020: (5.8 / 3.9) ** (1 / 4) - 1 = 10.43 %, 0.57 points under 11 %
    c = target_card(snap_of(store), "info_consumption_growth", "en")
    assert c.status_label == "Missed"
    assert c.detail == "10.43% in 2020, short by 0.57 percentage points"
    assert c.gap == "short by 0.57 percentage points"


def test_headline_cards_cover_every_quantitative_headline_target(store, catalog):
    expected = [
        t.id for t in sorted(catalog.headline_targets, key=lambda t: t.sort) if t.quantitative
    ]
    assert [c.target_id for c in headline_cards(snap_of(store), "en")] == expected


def test_cards_without_figures_say_no_data_while_open_and_unverified_after(empty_store):
    for c in headline_cards(load_snapshot(empty_store, as_of=date(2019, 6, 1)), "en"):
        assert c.value == "No data" and not c.has_data and c.status == "no_data"
    for c in headline_cards(snap_of(empty_store), "en"):
        assert c.value == "No data" and not c.has_data and c.status == "unverified"
        assert c.detail is not None and c.detail.startswith("no figure for 2020")


def test_a_single_old_figure_is_context_not_the_2020_outcome(store):
    # village stations: only 34 % (2018-06); 2020 has no figure, so it cannot be judged
    c = target_card(snap_of(store), "village_info_station_coverage", "en")
    assert c.status_label == "Unverified"
    assert c.detail == (
        "no figure for 2020, so the outcome cannot be known; "
        "last figure 2018-06: about 34%, short by 46 percentage points"
    )
    # before 2020 was over, the same figure was a figure without a trend, not "no data"
    early = target_card(
        load_snapshot(store, as_of=date(2019, 12, 31)), "village_info_station_coverage", "en"
    )
    assert (early.status, early.value) == ("insufficient_data", "about 34%")


def test_filter_by_department_finds_everything_it_leads_or_shares(store):
    rows = task_rows(snap_of(store), "zh")
    links = task_departments()
    miit_any = {r["task_id"] for r in links if r["department_id"] == "miit"}
    miit_lead = {
        r["task_id"] for r in links if r["department_id"] == "miit" and r["role"] == "lead"
    }
    assert {r.id for r in filter_tasks(rows, department_id="miit")} == miit_any
    assert {r.id for r in filter_tasks(rows, department_id="miit", role="lead")} == miit_lead
    assert {
        r.id for r in filter_tasks(rows, department_id="miit", role="co")
    } == miit_any - miit_lead
    assert len(rows) == 53 and 0 < len(miit_lead) < len(miit_any)


def test_task_status_is_unreported_until_a_planner_sets_it(store):
    assert {r.status for r in task_rows(snap_of(store), "en")} == {UNREPORTED}
    store.set_status("task", "t2017_01", "delayed", user="王明", evidence="督查通报 2019")
    rows = task_rows(snap_of(store), "zh")
    first = next(r for r in rows if r.id == "t2017_01")
    assert (first.status, first.updated_by, first.evidence) == ("delayed", "王明", "督查通报 2019")
    assert [r.id for r in filter_tasks(rows, statuses=["delayed"])] == ["t2017_01"]
    table = tasks_table(snap_of(store), "zh", [first])
    assert table.iloc[0]["状态"] == "滞后" and table.iloc[0]["更新人"] == "王明"
    assert table.iloc[0]["证据说明"] == "督查通报 2019"


def test_tasks_table_names_lead_and_co_departments(store, catalog):
    snap = snap_of(store)
    table = tasks_table(snap, "zh").set_index("id")
    leads = [r for r in task_departments() if r["task_id"] == "t2017_01"]
    lead = next(r for r in leads if r["role"] == "lead")
    assert table.loc["t2017_01", "牵头部门"] == catalog.departments[lead["department_id"]].name_hans
    for r in leads:
        if r["role"] == "co":
            assert (
                catalog.departments[r["department_id"]].name_hans
                in table.loc["t2017_01", "参与部门"]
            )


def test_department_counts_add_up_to_every_task_department_link(store):
    counts = department_counts(snap_of(store))
    assert counts["n"].sum() == len(task_departments())


def test_checklist_lists_the_qualitative_goals_with_their_evidence(store):
    store.set_status(
        "target", "ip_2018_economy", "done", user="李华", evidence="国务院常务会议 2019"
    )
    table = checklist_table(snap_of(store), "ip_goals", "en")
    assert len(table) == 6  # the six Internet+ goals
    row = table.set_index("id").loc["ip_2018_economy"]
    assert (row["Status"], row["Evidence note"], row["Updated by"]) == (
        "Done",
        "国务院常务会议 2019",
        "李华",
    )


def test_method_text_uses_the_thresholds_of_the_metrics_and_cites_both_documents(catalog):
    for lang in ("zh", "en"):
        text = " ".join(s.body for s in sections(lang))
        assert f"{metrics.ON_TRACK:.2f}" in text and f"{metrics.MODERATE:.2f}" in text
        cites = " ".join(citations(catalog, lang))
        for doc in catalog.documents.values():
            assert doc.number(lang) in cites and doc.title(lang) in cites
        assert all(s.heading for s in sections(lang))


def test_method_text_writes_every_subscripted_symbol_as_an_inline_formula():
    # Markdown has no subscript: a bare "y_T" was printed as typed; "$y_T$" is drawn by KaTeX
    for lang in ("zh", "en"):
        bodies = " ".join(s.body for s in sections(lang))
        outside = re.sub(r"\$[^$]+\$", "", bodies)
        assert not re.search(r"[A-Za-z]_[A-Za-z0-9]", outside), lang
        assert "$y_T$" in bodies and "$y_0$" in bodies and "$t_0$" in bodies


# Labels used and defined, both ways and in every module: tests/test_i18n.py.


def test_and_others_closes_the_department_list_it_ends_never_a_cell_of_its_own(store):
    from datetime import date

    from indicators.domain.snapshot import load_snapshot
    from indicators.present.tables import tasks_table

    table = tasks_table(load_snapshot(store, as_of=date(2026, 11, 23)), "zh").set_index("id")
    # 附件 4 names 教育部等 with no co-department: the 等 follows the lead.
    assert table.loc["t2017_04", "牵头部门"] == "教育部等"
    assert table.loc["t2017_04", "参与部门"] == "–"
    # 附件 12 has co-departments: the 等 ends their list.
    assert table.loc["t2017_12", "参与部门"] == "国家发展改革委、科技部等"
    assert not (table["参与部门"].str.strip() == "等").any()


def test_the_checklist_reads_in_the_page_language_with_the_original_beside_it(store):
    from indicators.present.tables import checklist_table

    zh = checklist_table(snap_of(store), "ip_goals", "zh")
    first = zh.iloc[0]
    # OpenCC's t2s: the Simplified column differs from the Traditional original
    assert first["原文"] != first["原文（繁体原件）"]
    assert "互联网" in "".join(zh["原文"]) and "互聯網" in "".join(zh["原文（繁体原件）"])
    en = checklist_table(snap_of(store), "ip_goals", "en").set_index("id")
    speed = en.loc["ip_2018_economy"]
    assert speed["Text of the document (English rendering)"].startswith(
        "Economic development further improves in quality and efficiency."
    )
    assert speed["Original wording (as published)"].startswith("經濟發展進一步提質增效。")


def test_the_5g_milestone_row_says_when_it_happened_not_1_and_2020(store):
    from indicators.present.tables import targets_table

    row = targets_table(snap_of(store), "en").set_index("id").loc["5g_commercial_launch"]
    assert row["Latest actual"] == "happened on 2019-10-31"
    assert row["Target value"] == "by the end of 2020"


def test_method_formulas_speak_the_page_language():
    # LaTeX commands (\frac, \text, ...) aside, a zh formula has no English word in it
    for section in sections("zh"):
        for formula in section.formulas:
            words = re.findall(r"[A-Za-z]{3,}", re.sub(r"\\[A-Za-z]+", "", formula))
            assert words == [], (section.heading, formula)
    assert any("achieved" in f for s in sections("en") for f in s.formulas)


def test_the_data_as_of_line_has_one_wording_with_the_time_on_pages_and_the_day_in_the_pack(
    store, empty_store
):
    # today's view (a past date reads "As known on", tests/test_vintages.py)
    snap = load_snapshot(store)
    assert re.fullmatch(
        r"Data as of 2021; last upload \d{4}-\d\d-\d\d \d\d:\d\d", snap.as_of_line("en")
    )
    assert re.fullmatch(
        r"数据截至 2021；最近上传 \d{4}-\d\d-\d\d", snap.as_of_line("zh", clock=False)
    )
    empty = load_snapshot(empty_store)
    assert empty.as_of_line("zh") == "数据截至 暂无数据；最近上传 –"
