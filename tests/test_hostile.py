"""Issue 10: each attack of the review is refused with a reason, exit 1, and the store unchanged.

Time and memory at the review's sizes are measured in bench/bench_hostile.py; here the
files are small and the limits are what is checked.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indicators.base.catalog import Catalog
from indicators.commands.cli import INTERNAL_ERROR, main
from indicators.ingest import Options, check_file, limits
from indicators.ingest.worker import check_file_bounded
from indicators.store import Store
from tests import hostile_files as H
from tests.support import ROOT, StartDashboard


def _ingest(
    store: Store, tmp_path: Path, name: str, data: bytes, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    before = store.dump()
    code = main(["ingest", str(path), "--db", str(store.path), "--lang", "en"])
    out, err = capsys.readouterr()
    assert store.dump() == before  # nothing stored, nothing lost
    assert "Traceback" not in out + err
    return code, out, err


# --- 1. bounded reading -----------------------------------------------------------------------


def test_an_xlsx_declaring_the_whole_grid_reads_only_its_real_cells(catalog: Catalog) -> None:
    started = time.perf_counter()
    checked = check_file(H.xlsx_dimension_bomb(), "dim.xlsx", catalog, Options())
    assert time.perf_counter() - started < 10  # padded, it was 40 minutes
    # The one cell at the bottom is a row of its own, reported at its real row number.
    assert {(p.excel_row, p.code) for p in checked.problems} >= {(1048576, "unknown_indicator")}


def test_a_cell_in_the_last_excel_column_is_refused_as_too_many_columns(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _err = _ingest(
        store, tmp_path, "dim.xlsx", H.xlsx_dimension_bomb(column="XFD"), capsys
    )
    assert code == 1
    assert "16384 columns, more than the limit of 500" in out


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_while_inflating(
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 4 * 1024 * 1024)
    bomb = H.xlsx_zip_bomb(6)
    assert len(bomb) < 40_000  # 6 MB of XML in a few kilobytes
    checked = check_file(bomb, "bomb.xlsx", catalog, Options())
    assert [p.code for p in checked.problems] == ["xlsx_unpacked"]
    assert "xl/worksheets/sheet1.xml" in checked.problems[0].message("en")
    assert "4 MB" in checked.problems[0].message("en")


def test_an_xlsx_whose_directory_understates_a_part_is_refused(catalog: Catalog) -> None:
    lying = H.lie_about_size(H.xlsx_zip_bomb(3), "xl/worksheets/sheet1.xml", 1000)
    checked = check_file(lying, "lie.xlsx", catalog, Options())
    assert not checked.ok and checked.problems[0].code in ("bad_xlsx", "xlsx_unpacked")


def test_an_xlsx_with_more_filled_cells_than_the_limit_is_refused(
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_XLSX_CELLS", 25)
    rows = [H.GOOD_TABLE[0]] + [
        ["信息消费规模", "全国", str(2000 + i), "7", "万亿元"] for i in range(10)
    ]
    checked = check_file(H.xlsx(H.sheet(H.sheet_rows(rows))), "many.xlsx", catalog, Options())
    assert [p.code for p in checked.problems] == ["too_many_cells"]
    assert "more than 25 filled cells" in checked.problems[0].message("en")


def test_a_million_column_csv_header_is_refused_before_it_is_read(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _ingest(store, tmp_path, "wide.csv", H.csv_wide_header(1_000_000), capsys)
    assert code == 1
    assert "The first line (the header) runs past 1024 KB without ending" in out


def test_a_header_of_600_columns_is_refused_naming_the_count(catalog: Catalog) -> None:
    checked = check_file(H.csv_wide_header(600), "w.csv", catalog, Options())
    assert [(p.code, p.params) for p in checked.problems] == [
        ("too_many_columns_file", {"n": 600, "limit": 500})
    ]


def test_the_worker_stops_a_check_over_its_memory_ceiling(catalog: Catalog) -> None:
    data = H.csv(
        [f"信息消费规模,全国,{2000 + i % 20}-{1 + i % 12:02d},7,万亿元,s," for i in range(200_000)]
    )
    started = time.perf_counter()
    checked = check_file_bounded(data, "big.csv", catalog, Options(), memory_mb=1)
    assert [p.code for p in checked.problems] == ["too_much_memory"]
    assert "more than 1 MB of memory" in checked.problems[0].message("en")
    assert time.perf_counter() - started < 15
    assert not mp.active_children()


def test_the_worker_stops_when_the_page_goes_away(catalog: Catalog) -> None:
    data = H.csv(
        [f"信息消费规模,全国,{2000 + i % 20}-{1 + i % 12:02d},7,万亿元,s," for i in range(200_000)]
    )

    def session_ended(elapsed: float) -> None:
        raise RuntimeError("the browser left")

    with pytest.raises(RuntimeError, match="browser left"):
        check_file_bounded(data, "big.csv", catalog, Options(), keep_going=session_ended)
    assert not mp.active_children()  # the child was killed and reaped


def test_the_worker_returns_the_same_answer_as_checking_in_process(catalog: Catalog) -> None:
    data = H.csv([H.GOOD_ROW, "信息消费规模,全国,2019,1e300,万亿元,s,"])
    inside = check_file(data, "a.csv", catalog, Options())
    bounded = check_file_bounded(data, "a.csv", catalog, Options())
    assert (
        [(p.code, p.excel_row) for p in bounded.problems]
        == [(p.code, p.excel_row) for p in inside.problems]
        == [("implausible", 3)]
    )


# --- 2. no tracebacks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("p0.csv", H.csv(["信息消费规模,全国,0000,5,万亿元,s,"]), "Period not understood"),
        ("one.csv", H.csv_one_line_no_newline(), "The file has a header but no data rows"),
        ("laughs.xlsx", H.xlsx_with_doctype(), "contains a DOCTYPE/ENTITY declaration"),
        ("xxe.xlsx", H.xlsx_with_doctype(H.XXE), "contains a DOCTYPE/ENTITY declaration"),
    ],
)
def test_each_hostile_input_gets_one_reason_and_exit_1(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes,
    reason: str,
) -> None:
    code, out, err = _ingest(store, tmp_path, name, data, capsys)
    assert code == 1
    assert reason in out
    assert "rejected: 1 problem(s); nothing was stored" in err


def test_a_data_row_without_a_final_newline_is_read(catalog: Catalog) -> None:
    data = (H.HEADER + "\n" + H.GOOD_ROW).encode()
    checked = check_file(data, "n.csv", catalog, Options())
    assert checked.ok and list(checked.rows["value"]) == [7.1]


def test_a_fault_of_ours_exits_3_with_one_line(
    store: Store,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("indicators.commands.db.status_rows", broken)
    assert main(["status", "--db", str(store.path)]) == INTERNAL_ERROR == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        "internal error (ZeroDivisionError: division by zero); this is a bug, not your input."
        " Run again with INDICATORS_DEBUG=1 for the details."
    ]


def _corrupt(path: Path) -> None:
    with path.open("r+b") as fh:  # overwrite blocks after the header: checksums fail
        fh.seek(12288)
        fh.write(os.urandom(120_000))


def test_a_damaged_database_is_refused_by_every_command_and_by_make_run(
    store: Store,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _corrupt(store.path)
    for argv in (["status"], ["uploads"], ["init-db", "--if-absent"]):
        assert main([*argv, "--db", str(store.path)]) == 1, argv
        err = capsys.readouterr().err
        assert err.startswith(f"error: the database file {store.path} is damaged"), err
        assert "run `python -m indicators init-db`" in err and "Traceback" not in err


def test_a_file_that_is_not_a_database_is_refused_at_start(tmp_path: Path) -> None:
    bad = tmp_path / "junk.duckdb"
    bad.write_bytes(b"not a database" * 1000)
    proc = subprocess.run(
        [sys.executable, "-m", "indicators", "init-db", "--if-absent", "--db", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "is damaged" in proc.stderr and "Traceback" not in proc.stderr
    assert bad.read_bytes() == b"not a database" * 1000  # left for the planner to rescue


def test_a_read_only_database_is_viewed_and_a_write_refused(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As root, file modes do not stop writes; the store's own check is what decides.
    from indicators.store.engines import DuckEngine

    monkeypatch.setattr(DuckEngine, "writable", lambda self: False)
    assert main(["status", "--db", str(store.path)]) == 0
    capsys.readouterr()
    path = tmp_path / "in.csv"
    path.write_bytes(H.csv([H.GOOD_ROW]))
    before = store.dump()
    assert main(["ingest", str(path), "--db", str(store.path)]) == 1
    err = capsys.readouterr().err
    assert "is read-only here: it can be viewed but not changed" in err
    assert store.dump() == before


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 5 MB tmpfs (needs root and mount); the test is skipped where neither is allowed."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    ok = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(mnt)], capture_output=True
        ).returncode
        == 0
    )
    if not ok:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_full_disk_refuses_the_upload_and_keeps_every_figure(
    store: Store,
    tiny_disk: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tiny_disk / "db.duckdb"
    db.write_bytes(store.path.read_bytes())
    small = Store(db)
    before = small.dump()
    free = os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize
    (tiny_disk / "fill").write_bytes(b"\0" * max(0, free - 64 * 1024))
    rows = [
        f"信息消费规模,全国,{2001 + i // 300}-{1 + i % 12:02d}-{1 + i // 12 % 25:02d},"
        f"{i % 50 / 10 + 1},万亿元,{'x' * 60}{i},"
        for i in range(7000)
    ]
    path = tmp_path / "many.csv"
    path.write_bytes(H.csv(rows))
    code = main(["ingest", str(path), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert f"the disk holding {db} is full: nothing was stored" in err
    (tiny_disk / "fill").unlink()
    assert small.dump() == before


@pytest.mark.parametrize("page", [None, "pages/history.py"])
def test_the_pages_on_a_damaged_database_say_what_to_do(
    store: Store,
    dashboard: StartDashboard,
    page: str | None,
) -> None:
    _corrupt(store.path)
    at = dashboard(store.path, lang="en")
    if page:
        at.switch_page(page).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"The database file {store.path} is damaged or cannot be opened: restore it from a "
        "backup, or move it aside and run python -m indicators init-db"
    ]


# --- 5. plausibility -------------------------------------------------------------------------


def test_plausibility_bounds_come_from_the_catalog_file(catalog: Catalog) -> None:
    bounds = catalog.plausibility
    assert (bounds.first_year, bounds.years_ahead) == (2000, 1)
    scale = bounds.for_target(catalog.targets["info_consumption_scale"])
    assert (scale.low, scale.high) == (0, 100)
    growth = bounds.for_target(catalog.targets["info_consumption_growth"])
    assert (growth.low, growth.high) == (-100, 500)


@pytest.mark.parametrize(
    ("row", "code", "message"),
    [
        (
            "信息消费规模,全国,0001,5,万亿元,s,",
            "period_range",
            "Period outside the plausible range (2000 to 2027)",
        ),
        (
            "信息消费规模,全国,1900,5,万亿元,s,",
            "period_range",
            "Period outside the plausible range (2000 to 2027)",
        ),
        (
            "信息消费规模,全国,2019,1e300,万亿元,s,",
            "implausible",
            "Value outside this indicator's plausible range (0 to 100 万亿元)",
        ),
        (
            "信息消费规模年均增速,全国,2019,800,%,s,",
            "implausible",
            "Value outside this indicator's plausible range (-100 to 500 %)",
        ),
    ],
)
def test_implausible_periods_and_values_are_reported_like_any_problem(
    catalog: Catalog,
    row: str,
    code: str,
    message: str,
) -> None:
    from datetime import date

    checked = check_file(H.csv([row]), "p.csv", catalog, Options(today=date(2026, 11, 23)))
    assert [(p.code, p.excel_row) for p in checked.problems] == [(code, 2)]
    assert checked.problems[0].message("en") == message


def test_the_worker_takes_the_bounds_with_the_catalog_and_a_bad_file_stops_the_caller(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indicators.base.catalog as catalog_module
    from indicators.base.catalog import CatalogError

    def refuse(directory: Path, targets: object) -> None:
        raise CatalogError("plausibility.csv row 7: unknown target id 'related_outptu'")

    # The store rebuilds its catalog from tables: the bounds are read on first use, in the
    # caller (the child process would not see this stand-in and read the real file).
    monkeypatch.setattr(catalog_module, "load_plausibility", refuse)
    with pytest.raises(CatalogError, match="row 7: unknown target id 'related_outptu'"):
        check_file_bounded(H.csv([H.GOOD_ROW]), "a.csv", store.catalog(), Options())


# --- 3. uploaded text is never markup ---------------------------------------------------------

LINK = '<a href="http://evil.example">官方数据</a><span style="font-size:40px">!</span>'


def _store_with_source(store: Store, source: str, user: str = "alice") -> None:
    from indicators.ingest import commit

    row = f"信息消费规模,全国,2022,7.1,万亿元,{source.replace(',', ' ')},"
    checked = check_file(H.csv([row]), "s.csv", store.catalog(), Options())
    assert checked.ok, checked.problems
    commit(store, checked, user=user)


@pytest.mark.browser  # the SVG is exported through kaleido and chromium
def test_an_uploaded_source_is_drawn_as_text_on_charts_and_in_exported_svg(
    store: Store,
) -> None:
    from indicators.domain.snapshot import load_snapshot
    from indicators.export.static import figure_bytes
    from indicators.present.charts import trajectory_chart

    _store_with_source(store, LINK, user="<b>mallory</b>")
    fig = trajectory_chart(load_snapshot(store), "info_consumption_scale", "en")
    texts = [a.text for a in fig.layout.annotations] + [
        h for t in fig.data for h in (t.hovertext or t.text or []) if isinstance(h, str)
    ]
    drawn = "\n".join(texts)
    assert '&lt;a href="http://evil.example"&gt;官方数据&lt;/a&gt;' in drawn
    assert "<a href" not in drawn and "<span style" not in drawn and "<b>mallory" not in drawn
    svg = figure_bytes(fig, "svg").decode()
    assert "evil.example" in svg  # shown as text ...
    assert "<a " not in svg and 'xlink:href="http://evil' not in svg  # ... never a link


def test_an_uploaded_markdown_link_in_a_source_is_inert_under_the_chart_on_the_page(
    store: Store, dashboard: StartDashboard
) -> None:
    from tests.test_views_pages import open_page, start

    _store_with_source(store, "[官方数据](http://evil.example) <b>&</b>")
    at = open_page(start(dashboard, store.path, lang="en"), "domain-scale")
    captions = [c.value for c in at.caption]
    cited = [c for c in captions if "evil" in c]
    assert cited, captions
    # escaped for Markdown once, from the text as typed (not from plotly's &lt;/&amp; form)
    assert all(r"\[官方数据\]\(http\://evil\.example\) \<b\>&\</b\>" in c for c in cited)
    assert not [c for c in captions if "[官方数据](" in c or "&amp;" in c or "&lt;" in c]


def test_a_sheet_name_is_inert_in_the_planner_message(catalog: Catalog) -> None:
    from indicators.ingest.display import read_summary

    name = "[click](http://evil.example) **now**"
    data = H.xlsx(H.sheet(H.sheet_rows(H.GOOD_TABLE)), sheet_name=name)
    checked = check_file(data, "s.xlsx", catalog, Options())
    summary = read_summary(checked, "en")
    assert r"\[click\]\(http\://evil\.example\) \*\*now\*\*" in summary
    assert "[click](" not in summary


def test_user_names_and_notes_lose_their_markdown_and_plotly_markup() -> None:
    from indicators.base.escape import for_markdown, for_plotly

    assert for_markdown("[x](http://evil.example) **b** $x$ :red[y]") == (
        r"\[x\]\(http\://evil\.example\) \*\*b\*\* \$x\$ \:red\[y\]"
    )
    assert for_markdown("two\nlines") == "two lines"
    assert for_plotly('<span style="x">&</span>') == '&lt;span style="x"&gt;&amp;&lt;/span&gt;'


# --- 4 and 7. formulas after trimming, clearer messages ----------------------------------------


@pytest.mark.parametrize(
    "cell", [' =HYPERLINK("http://evil.example";"x")', "\t+cmd|' /C calc'!A0", "\u3000@SUM(A1)"]
)
def test_a_formula_behind_spaces_is_refused_as_a_formula(catalog: Catalog, cell: str) -> None:
    data = H.csv([f"信息消费规模,全国,2022,7.1,万亿元,{cell},"])
    checked = check_file(data, "f.csv", catalog, Options())
    assert [(p.code, p.excel_row, p.column) for p in checked.problems] == [
        ("formula", 2, "F · 来源/source")
    ]


def test_minus_inf_is_not_a_number_rather_than_a_formula(catalog: Catalog) -> None:
    checked = check_file(
        H.csv(["信息消费规模,全国,2022,-inf,万亿元,s,"]), "i.csv", catalog, Options()
    )
    assert [(p.code, p.value) for p in checked.problems] == [("not_numeric", "-inf")]


def test_an_invisible_bom_in_the_middle_of_a_file_is_dropped(catalog: Catalog) -> None:
    data = H.csv(["\ufeff信息消费规模,全国,2022,7.1,万亿元,s,"])
    checked = check_file(data, "b.csv", catalog, Options())
    assert checked.ok and list(checked.rows["indicator_id"]) == ["info_consumption_scale"]


def test_an_undecodable_file_names_the_encodings_tried(catalog: Catalog) -> None:
    data = bytes(range(128, 256)) * 50 + b"\x00\xff\xfe" * 400
    checked = check_file(data, "x.csv", catalog, Options())
    messages = [p.message("en") for p in checked.problems]
    assert any("tried UTF-8, UTF-16, GB18030 (GBK), Big5" in m for m in messages), messages
