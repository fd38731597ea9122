"""`python -m indicators init-db` and `status`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from indicators.commands.cli import main
from tests.support import ROOT

STATUS_KEYS = [
    "id",
    "unit",
    "target_value",
    "target_year",
    "latest_value",
    "latest_period",
    "pct_achieved",
    "gap",
    "required_cagr",
    "observed_cagr",
    "projected_value",
    "status",
    "verdict",
    "shortfall",
    "shortfall_pct",
    "first_met_period",
]


def test_init_db_builds_and_is_idempotent(tmp_path, capsys):
    db = tmp_path / "x.duckdb"
    assert main(["init-db", "--db", str(db)]) == 0
    assert "12 figures" in capsys.readouterr().out
    assert main(["init-db", "--db", str(db)]) == 0
    assert "figures" not in capsys.readouterr().out  # shipped figures are loaded once
    assert main(["init-db", "--db", str(db), "--if-absent"]) == 0
    assert "left as it is" in capsys.readouterr().out


def test_status_json_has_one_object_per_quantitative_target(store, capsys):
    assert main(["status", "--db", str(store.path), "--json", "--as-of", "2026-11-23"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 7
    assert all(list(r)[: len(STATUS_KEYS)] == STATUS_KEYS for r in rows)
    scale = next(r for r in rows if r["id"] == "info_consumption_scale")
    assert scale["latest_value"] == 6.8
    assert scale["pct_achieved"] == pytest.approx(6.8 / 6 * 100, abs=1e-6)
    assert scale["required_cagr"] == pytest.approx(((6 / 3.9) ** 0.25 - 1) * 100, abs=1e-6)
    assert (scale["status"], scale["verdict"], scale["first_met_period"]) == (
        "met_late",
        "met_late",
        "2021",
    )
    by_id = {r["id"]: r for r in rows}
    growth = by_id["info_consumption_growth"]
    assert growth["status"] == "missed"
    assert growth["shortfall"] == pytest.approx(11 - ((5.8 / 3.9) ** 0.25 - 1) * 100, abs=1e-6)
    assert growth["shortfall"] == pytest.approx(0.57, abs=0.005)
    assert by_id["village_info_station_coverage"]["status"] == "unverified"
    assert by_id["fibre_village_share"]["status"] == "met_on_time"
    assert by_id["related_output"]["status"] == "unverified"
    assert all(r["status"] == r["verdict"] for r in rows)


def test_status_before_the_deadline_tells_one_figure_from_none(store, capsys):
    main(["status", "--db", str(store.path), "--json", "--as-of", "2019-12-31"])
    by_id = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert by_id["village_info_station_coverage"]["status"] == "insufficient_data"
    assert by_id["related_output"]["status"] == "no_data"
    assert all(r["verdict"] is None for r in by_id.values())
    # growth from 3.9 (2016) to about 5 (2018): (5 / 3.9) ** (1 / 2) - 1 = 13.23 %/yr, above
    # the 11 % asked, but the target is judged on 2020: on track, never "achieved" before
    growth = by_id["info_consumption_growth"]
    assert growth["latest_value"] == pytest.approx(((5 / 3.9) ** 0.5 - 1) * 100, abs=1e-6)
    assert growth["status"] == "on_track"


def test_verdict_is_null_before_the_target_year(store, capsys):
    main(["status", "--db", str(store.path), "--json", "--as-of", "2019-01-01"])
    assert all(r["verdict"] is None for r in json.loads(capsys.readouterr().out))


def test_status_table_is_printed_for_people(store, capsys):
    assert main(["status", "--db", str(store.path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("id")
    assert "fibre_village_share" in out


def test_a_missing_database_is_an_error_not_a_traceback(tmp_path, capsys):
    assert main(["status", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "init-db" in capsys.readouterr().err


def test_usage_errors_exit_2():
    proc = subprocess.run(
        [sys.executable, "-m", "indicators", "no-such-command"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2


HEAVY = ("plotly", "reportlab", "pptx", "streamlit", "kaleido")
_LOADED = (
    "import sys\nfrom indicators.commands.cli import main\ntry:\n    main({argv!r})\n"
    "except SystemExit:\n    pass\n"
    "print(sorted({{m.split('.')[0] for m in sys.modules}}))\n"
)


def _top_modules_after(argv: list[str]) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", _LOADED.format(argv=argv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1].replace("'", '"')))


def test_ingest_help_loads_neither_chart_export_nor_database_libraries():
    loaded = _top_modules_after(["ingest", "--help"])
    assert not loaded & {*HEAVY, "pandas", "pyarrow", "duckdb", "numpy"}


def test_an_ingest_loads_no_chart_export_or_web_library(store):
    csv = store.path.parent / "one.csv"
    csv.write_text("indicator,region,period,value\n信息消费规模,全国,2019,5.1\n", encoding="utf-8")
    loaded = _top_modules_after(["ingest", str(csv), "--db", str(store.path), "--dry-run"])
    assert "duckdb" in loaded  # it did run
    assert not loaded & set(HEAVY)


def test_every_command_is_routed_to_the_module_that_registers_it():
    from indicators.commands.cli import COMMANDS, build_parser

    full = build_parser()
    names = set(full._subparsers._group_actions[0].choices)
    assert names == set(COMMANDS)


def test_the_status_table_prints_a_qualified_figure_as_published(store, capsys):
    # shipped: fibre ">99" (2021-05) against 98: % achieved is over 101, not 101; the
    # village stations' derived share "约34" is about 34
    assert main(["status", "--db", str(store.path), "--as-of", "2026-11-23"]) == 0
    lines = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()}
    assert lines["fibre_village_share"][1] == ">99"
    assert lines["fibre_village_share"][5] == ">101"
    assert lines["village_info_station_coverage"][1] == "约34"
    assert lines["village_info_station_coverage"][5].startswith("≈")
