"""Issue 25 (reliability round 3): each break the attack found, with the behaviour that
mends it. Browser halves are marked `browser`; bench/bench_hostile.py measures the sizes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indicators.base.catalog import Catalog
from indicators.commands.cli import main
from indicators.domain.auth import Accounts, LoginRefused, login
from indicators.export.data import looks_like_formula, to_csv_bytes
from indicators.ingest import Options, check_file
from indicators.store import Store
from tests import hostile_files as H
from tests.support import StartDashboard
from tests.test_views_pages import open_page, start

# --- 5. formulas: the audit log's exports, full-width signs -------------------------------------

HYPERLINK = '=HYPERLINK("http://evil.example","open")'


@pytest.mark.parametrize(
    ("value", "formula"),
    [("＝1+1", True), ("＋cmd|' /C calc'!A0", True), ("＠SUM(A1)", True), ("－2+3", True)],
)
def test_full_width_signs_count_as_formulas_in_exports(value: str, formula: bool) -> None:
    assert looks_like_formula(value) is formula
    import pandas as pd

    out = to_csv_bytes(pd.DataFrame({"a": [value]}), "en").decode("utf-8-sig")
    assert out.splitlines()[1] == f"'{value}"


@pytest.mark.parametrize("cell", ["＝HYPERLINK(1)", "＠SUM(A1)", "＋cmd|x", "\u3000＝1+1"])
def test_a_full_width_formula_is_refused_at_ingest(catalog: Catalog, cell: str) -> None:
    data = H.csv([f"信息消费规模,全国,2022,7.1,万亿元,{cell},"])
    checked = check_file(data, "f.csv", catalog, Options())
    assert [(p.code, p.excel_row, p.column) for p in checked.problems] == [
        ("formula", 2, "F · 来源/source")
    ]


def _failed_login_under_a_formula(store: Store) -> None:
    with pytest.raises(LoginRefused):
        login(Accounts(store), HYPERLINK, "x", client="203.0.113.9")


def test_the_cli_audit_csv_carries_no_formula(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    _failed_login_under_a_formula(store)
    assert main(["audit", "--db", str(store.path)]) == 0
    out = capsys.readouterr().out
    assert HYPERLINK not in out.replace(f"'{HYPERLINK}", "")
    assert "'=HYPERLINK" in out


def test_the_audit_table_shows_formulas_inert_so_its_toolbar_csv_is_safe(
    store: Store, dashboard: StartDashboard
) -> None:
    """Streamlit's toolbar "Download as CSV" writes each cell as shown, escaping nothing."""
    from indicators.domain.auth import Session
    from ui.auth_ui import AuthKeys

    Accounts(store).add("rev", "long enough", role="reviewer")
    _failed_login_under_a_formula(store)
    at = start(dashboard, store.path)
    now = time.time()
    at.session_state[AuthKeys.SESSION] = Session("rev", now, now, "t")
    open_page(at, "review")
    audit = at.dataframe[-1].value
    assert next(iter(audit.columns)) == "编号"  # an entry's number, not "Upload"
    users = audit["操作人"].tolist()
    assert f"'{HYPERLINK}" in users and HYPERLINK not in users


# --- 2. control characters already stored: every renderer survives them ------------------------

DIRTY = "统计局\x1b[31m\x00\x01"


def _store_dirty_figure(store: Store) -> None:
    """A published figure whose source holds controls, as stored before they were refused."""
    import pandas as pd

    from indicators.store import ACTUAL_COLUMNS

    row = dict.fromkeys(ACTUAL_COLUMNS) | {
        "indicator_id": "info_consumption_scale",
        "region_code": "000000",
        "period": "2022",
        "t": 2022.0,
        "value": 7.3,
        "unit": "万亿元",
        "source": DIRTY,
        "note": "n\x1b",
    }
    store.write_actuals(
        pd.DataFrame([row]), kind="file", user="nat", file_name="d.csv", review=False
    )


def test_the_upload_page_and_its_template_survive_stored_control_characters(
    store: Store, dashboard: StartDashboard
) -> None:
    from openpyxl import load_workbook

    from indicators.ingest.template import template_xlsx

    _store_dirty_figure(store)
    import io

    sheet = load_workbook(
        io.BytesIO(template_xlsx(store.catalog(), store.current_actuals()))
    ).active
    assert "统计局[31m" in [c.value for row in sheet.iter_rows() for c in row]
    from indicators.domain.auth import Session
    from ui.auth_ui import AuthKeys

    Accounts(store).add("nat", "long enough")
    at = start(dashboard, store.path)
    now = time.time()
    at.session_state[AuthKeys.SESSION] = Session("nat", now, now, "t")
    open_page(at, "data-upload")  # asserts no exception: it crashed for every visitor


@pytest.mark.browser  # kaleido renders through chromium
def test_svg_png_pdf_and_the_packs_survive_stored_control_characters(store: Store) -> None:
    import io
    import xml.dom.minidom

    from PIL import Image
    from pptx import Presentation
    from pypdf import PdfReader

    from indicators.domain.snapshot import load_snapshot
    from indicators.export.data import to_xlsx_bytes
    from indicators.export.pack import build_pack
    from indicators.export.static import figure_bytes
    from indicators.present import charts

    _store_dirty_figure(store)
    snap = load_snapshot(store)
    fig = charts.bullet_chart(snap, "info_consumption_scale", "zh")
    svg = figure_bytes(fig, "svg", "slide")
    assert "统计局[31m" in xml.dom.minidom.parseString(svg).toxml()  # well-formed XML
    assert Image.open(io.BytesIO(figure_bytes(fig, "png", "slide"))).size[0] > 0
    assert len(PdfReader(io.BytesIO(figure_bytes(fig, "pdf", "slide"))).pages) == 1
    assert len(PdfReader(io.BytesIO(build_pack(snap, "zh", "pdf"))).pages) > 3
    assert len(Presentation(io.BytesIO(build_pack(snap, "en", "pptx"))).slides) > 3
    import pandas as pd

    assert to_xlsx_bytes(pd.DataFrame({"source": [DIRTY]}), "zh")[:2] == b"PK"


# --- 7. the smaller ones ---------------------------------------------------------------------


def test_the_cli_preview_prints_a_figure_without_qualifier_plainly(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.csv"
    # Beside a change of a qualified figure (">98"), the unqualified one printed "nan6.8".
    body = "指标,地区,时期,数值\n信息消费规模,全国,2021,6.95\n行政村通光纤比例,全国,2019-08,99\n"
    path.write_bytes(body.encode())
    assert main(["ingest", str(path), "--db", str(store.path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "info_consumption_scale" in x)
    assert "nan" not in line and line.endswith("6.8 -> 6.95 万亿元"), line
    assert "2019-08: >98 -> 99 %" in out


def test_the_cli_problem_table_cuts_long_values_and_shows_controls_as_marks(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.csv"
    rows = f"信息消费规模{'长' * 20_000},全国,2021,6.9\n信息\u202e规模,全国,2021,6.9\n"
    path.write_bytes(("指标,地区,时期,数值\n" + rows).encode())
    assert main(["ingest", str(path), "--db", str(store.path), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) < 300
    assert "长…" in out
    # The right-to-left override no longer reorders the row: it is shown as a mark.
    assert "信息<U+202E>规模" in out and "\u202e" not in out


# --- 6. restore: recorded, and refused for a rewritten audit log -------------------------------


def test_restore_refuses_a_backup_whose_audit_log_was_rewritten_unless_told_why(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attack: edit a copy of the store, back it up, restore --replace into the live
    store: it said "verified" and nothing recorded the restore."""
    import getpass
    import shutil

    store.audit("rev", "approve", "upload 7")
    store.audit("rev", "login", client="10.0.0.1")
    copy = Store(shutil.copy(store.path, tmp_path / "copy.duckdb"))
    with copy.engine.transaction() as con:
        con.execute("UPDATE audit_log SET user_name = 'nobody' WHERE action = 'approve'")
    folder = tmp_path / "bk"
    assert main(["backup", str(folder), "--db", str(copy.path)]) == 0
    before = store.dump()
    assert main(["restore", str(folder), "--db", str(store.path), "--replace"]) == 1
    err = capsys.readouterr().err
    assert "audit log does not verify" in err and "--accept-broken-audit" in err
    assert store.dump() == before
    code = main(
        [
            *("restore", str(folder), "--db", str(store.path), "--replace", "--user", "ops"),
            *("--accept-broken-audit", "copy edited for the inquiry, ticket 12"),
        ]
    )
    assert code == 0
    entry = store.audit_log().iloc[0]
    assert (entry["user_name"], entry["action"], entry["client"]) == (
        "ops",
        "restore",
        f"os:{getpass.getuser()}",
    )
    assert "restored anyway: copy edited for the inquiry, ticket 12" in entry["detail"]


def test_restore_and_copy_store_of_a_sound_log_are_recorded_and_verify(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.audit("rev", "login")
    folder = tmp_path / "bk"
    assert main(["backup", str(folder), "--db", str(store.path)]) == 0
    assert main(["restore", str(folder), "--db", str(store.path), "--replace"]) == 0
    assert store.audit_log().iloc[0]["action"] == "restore"
    assert "audit chain verified" in store.audit_log().iloc[0]["detail"]
    target = tmp_path / "copy.duckdb"
    assert main(["copy-store", "--from", str(store.path), "--to", str(target)]) == 0
    assert Store(target).audit_log().iloc[0]["action"] == "copy_store"
    assert main(["audit", "--verify", "--db", str(target)]) == 0
    assert main(["audit", "--verify", "--db", str(store.path)]) == 0


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be"])
def test_utf32_with_a_bom_is_read_as_utf32_not_utf16(catalog: Catalog, codec: str) -> None:
    """UTF-32LE's BOM begins with UTF-16LE's: the file was read as UTF-16, names garbled."""
    body = "指标,地区,时期,数值\n信息消费规模,全国,2021,6.9\n"
    data = body.encode(codec) if codec == "utf-32" else b"\x00\x00\xfe\xff" + body.encode(codec)
    checked = check_file(data, "u.csv", catalog, Options())
    assert checked.ok, checked.problems
    assert checked.info.encoding == "utf_32"
    assert list(checked.rows["indicator_id"]) == ["info_consumption_scale"]


def test_the_accounts_page_asks_for_an_administrator_not_a_planner(
    store: Store, dashboard: StartDashboard
) -> None:
    at = start(dashboard, store.path)
    open_page(at, "accounts")
    assert "管理员登录" in at.info[0].value and "规划人员" not in at.info[0].value
    open_page(at, "review")
    assert "审核人员" in at.info[0].value


def test_an_english_page_names_the_regions_outside_an_account_in_english(
    catalog: Catalog,
) -> None:
    from indicators.domain.auth import Account
    from indicators.ingest import check_records
    from indicators.ingest.scope import outside_scope

    records = [
        {"indicator": "fibre_village_share", "region": "450000", "period": "2020", "value": "99"}
    ]
    checked = check_records(records, catalog, Options())
    account = Account("gd", "planner", ("440000", "110000"))
    problem = outside_scope(checked, account, catalog, "en").problems[0]
    assert problem.value == "Guangxi"
    assert "(Beijing, Guangdong)" in problem.message("en") or "(Guangdong, Beijing)" in (
        problem.message("en")
    )
    assert "广" not in problem.message("en")


def test_a_commit_whose_preview_went_stale_says_so_and_stores_nothing_yet(
    store: Store, dashboard: StartDashboard
) -> None:
    """Two planners' overlapping previews: the second's said "1 new" and its commit stored
    "0 new, 1 changed". Now the commit is held, with the preview as it stands."""
    import pandas as pd

    from indicators.domain.auth import Session
    from indicators.store import ACTUAL_COLUMNS
    from ui.auth_ui import AuthKeys

    Accounts(store).add("nat", "long enough")
    at = start(dashboard, store.path)
    now = time.time()
    at.session_state[AuthKeys.SESSION] = Session("nat", now, now, "t")
    open_page(at, "data-upload")
    data = "指标,地区,时期,数值\n信息消费规模,全国,2023,7.9\n".encode()
    at.file_uploader[0].set_value(("in.csv", data, "text/csv")).run()
    assert [m.value for m in at.metric][:2] == ["1", "0"]  # 1 new, 0 changed
    uploads = len(store.uploads())
    # Meanwhile another planner stores the same figure.
    row = dict.fromkeys(ACTUAL_COLUMNS) | {
        "indicator_id": "info_consumption_scale",
        "region_code": "000000",
        "period": "2023",
        "t": 2023.0,
        "value": 7.5,
        "unit": "万亿元",
    }
    store.write_actuals(pd.DataFrame([row]), kind="file", user="other", review=False)
    at.button(key="upload.commit").click().run()
    assert not at.exception
    assert len(store.uploads()) == uploads + 1  # the other planner's only
    assert any("本次未写入" in w.value and "修改 1" in w.value for w in at.warning)
    assert [m.value for m in at.metric][:2] == ["0", "1"]  # the preview as it is now
    at.button(key="upload.commit").click().run()  # confirmed again, on what it now says
    assert len(store.uploads()) == uploads + 2
    assert (store.uploads()[0].rows_new, store.uploads()[0].rows_changed) == (0, 1)


def test_with_postgresql_down_visitors_get_an_answer_at_once_without_host_or_user(
    dashboard: StartDashboard,
) -> None:
    """It was a blank page for ~20 s, then a message naming the database host and user."""
    from indicators.domain.auth import Account

    url = "postgresql://secretuser:pw@127.0.0.1:1/indicators"
    started = time.monotonic()
    at = dashboard(url)
    assert time.monotonic() - started < 3
    shown = " ".join(e.value for e in at.error)
    assert "暂时无法读取数据" in shown
    assert "secretuser" not in shown and "127.0.0.1" not in shown
    # An admin (as this session last knew it) is told where.
    at = dashboard(url, run=False)
    at.session_state["run.account"] = (None, Account("boss", "admin", ("000000",)))
    at.run()
    assert "secretuser:***@127.0.0.1" in " ".join(e.value for e in at.error)
