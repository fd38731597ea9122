"""Checks on the catalog CSVs (tasks, responsible departments, departments, regions)."""

import csv
from collections import defaultdict
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog"

DOMAINS_2017 = {
    "life",
    "public_service",
    "industry",
    "new_products",
    "infrastructure",
    "rural_access",
    "skills",
    "cost",
    "experience",
    "environment",
    "monitoring",
}
DOMAINS_2015 = [
    "ip_entrepreneurship",
    "ip_manufacturing",
    "ip_agriculture",
    "ip_energy",
    "ip_finance",
    "ip_public_services",
    "ip_logistics",
    "ip_ecommerce",
    "ip_transport",
    "ip_green",
    "ip_ai",
]


def read(name):
    with open(CATALOG / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def tasks():
    return read("tasks.csv")


@pytest.fixture(scope="module")
def task_departments():
    return read("task_departments.csv")


@pytest.fixture(scope="module")
def by_task(task_departments):
    grouped = defaultdict(list)
    for row in task_departments:
        grouped[row["task_id"]].append(row)
    for rows in grouped.values():
        rows.sort(key=lambda r: int(r["position"]))
    return grouped


@pytest.fixture(scope="module")
def and_others():
    return {r["task_id"]: r["and_others"] for r in read("task_and_others.csv")}


@pytest.fixture(scope="module")
def regions():
    return read("regions.csv")


def test_task_counts(tasks):
    docs = [t["document_id"] for t in tasks]
    assert docs.count("guofa_2017_40") == 42
    assert docs.count("guofa_2015_40") == 11
    assert len(docs) == 53
    assert len({t["id"] for t in tasks}) == 53


@pytest.mark.parametrize("document_id,n", [("guofa_2017_40", 42), ("guofa_2015_40", 11)])
def test_seq_contiguous(tasks, document_id, n):
    seqs = sorted(int(t["seq"]) for t in tasks if t["document_id"] == document_id)
    assert seqs == list(range(1, n + 1))


def test_task_ids_and_clauses(tasks):
    for t in tasks:
        seq = int(t["seq"])
        if t["document_id"] == "guofa_2017_40":
            assert t["id"] == f"t2017_{seq:02d}"
            assert t["clause"] == f"附件 {seq}"
        else:
            assert t["id"] == f"ip_{seq:02d}"
            assert t["clause"].startswith("二(")
        for col in ("text_hant", "text_hans", "text_en"):
            assert t[col].strip(), (t["id"], col)


def test_domains(tasks):
    for t in tasks:
        if t["document_id"] == "guofa_2017_40":
            assert t["domain_id"] in DOMAINS_2017, t["id"]
        else:
            assert t["domain_id"] == DOMAINS_2015[int(t["seq"]) - 1], t["id"]


def test_every_task_has_departments_and_a_lead(tasks, by_task):
    for t in tasks:
        rows = by_task[t["id"]]
        assert rows, t["id"]
        assert [int(r["position"]) for r in rows] == list(range(1, len(rows) + 1))
        assert rows[0]["role"] == "lead", t["id"]
        assert {r["role"] for r in rows} <= {"lead", "co"}
        assert not any(r["name_as_written"].endswith("等") for r in rows)


def test_task_departments_refer_to_known_tasks(tasks, task_departments):
    ids = {t["id"] for t in tasks}
    assert {r["task_id"] for r in task_departments} <= ids


def test_and_others_covers_all_tasks(tasks, and_others):
    assert set(and_others) == {t["id"] for t in tasks}
    assert set(and_others.values()) <= {"true", "false"}


def test_task_1(by_task, and_others):
    assert [r["department_id"] for r in by_task["t2017_01"]] == ["ndrc", "miit", "mot"]
    assert [r["role"] for r in by_task["t2017_01"]] == ["lead", "co", "co"]
    assert and_others["t2017_01"] == "true"


def test_task_20(by_task, and_others):
    rows = by_task["t2017_20"]
    assert [(r["department_id"], r["role"]) for r in rows] == [
        ("local_governments_all_levels", "lead")
    ]
    assert rows[0]["name_as_written"] == "地方各級政府"
    assert and_others["t2017_20"] == "false"


def test_task_21(by_task):
    rows = by_task["t2017_21"]
    assert len(rows) == 5
    assert rows[0]["department_id"] == "miit"
    assert [r["department_id"] for r in rows] == ["miit", "ndrc", "mohrss", "moe", "moa"]


def test_task_23(by_task):
    rows = by_task["t2017_23"]
    assert (rows[0]["department_id"], rows[0]["role"]) == ("miit", "lead")
    assert ("local_governments", "co") in [(r["department_id"], r["role"]) for r in rows]


def test_jointly_led_actions(by_task, and_others):
    assert [r["department_id"] for r in by_task["ip_02"]] == ["miit", "ndrc", "most"]
    assert [r["department_id"] for r in by_task["ip_09"]] == ["ndrc", "mot"]
    for tid in ("ip_02", "ip_09"):
        assert all(r["role"] == "lead" for r in by_task[tid])
        assert and_others[tid] == "false"


def test_single_lead_elsewhere(by_task):
    for tid, rows in by_task.items():
        if tid in ("ip_02", "ip_09"):
            continue
        assert [r["role"] for r in rows].count("lead") == 1, tid


def test_departments_exist(task_departments):
    departments = read("departments.csv")
    ids = [d["id"] for d in departments]
    assert len(ids) == len(set(ids))
    used = {r["department_id"] for r in task_departments}
    assert used <= set(ids)
    assert set(ids) <= used
    for d in departments:
        assert d["name_hant"] and d["name_hans"] and d["name_en"], d["id"]
    names = {d["id"]: d["name_hant"] for d in departments}
    assert names["ndrc"] == "國家發展改革委"
    assert names["cac"] == "中央網信辦"


def test_regions(regions):
    assert len(regions) == 32
    codes = [r["code"] for r in regions]
    assert len(set(codes)) == 32
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    national = regions[0]
    assert national["code"] == "000000"
    assert national["level"] == "national"
    assert national["parent_code"] == ""
    provinces = regions[1:]
    assert all(r["level"] == "province" for r in provinces)
    assert all(r["code"].endswith("0000") for r in provinces)
    assert all(r["parent_code"] == "000000" for r in provinces)
    cells = [(int(r["tile_row"]), int(r["tile_col"])) for r in provinces]
    assert len(set(cells)) == 31
    assert all(r >= 0 and c >= 0 for r, c in cells)
    guangxi = [r for r in provinces if r["short_hans"] == "广西"]
    assert len(guangxi) == 1
    assert guangxi[0]["code"] == "450000"
    assert guangxi[0]["name_hant"] == "廣西壯族自治區"
