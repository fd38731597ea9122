"""`python -m indicators ingest | undo | uploads`: exit 0 stored, 1 refused, 2 usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indicators.commands.cli import main
from indicators.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
BOTH_BACKENDS = True


def _write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ingest_prints_the_preview_and_stores_the_file(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _write(
        tmp_path, "指标,地区,时期,数值\n信息消费规模,全国,2021,6.9\n信息消费规模,全国,2022,7.3\n"
    )
    assert main(["ingest", str(path), "--db", store.location, "--user", "alice"]) == 0
    out = capsys.readouterr().out
    assert "encoding utf_8 (detected), delimiter comma, layout long" in out
    assert "preview: 1 new, 1 changed, 0 unchanged (2 rows)" in out
    assert "row 2: info_consumption_scale 000000 2021: 6.8 -> 6.9" in out
    up = store.uploads()[0]
    assert f"stored as upload {up.id}" in out
    assert (up.user_name, up.file_name, up.rows_new, up.rows_changed) == ("alice", "in.csv", 1, 1)


def test_a_dry_run_previews_and_stores_nothing(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = store.dump()
    path = _write(tmp_path, "指标,地区,时期,数值\n信息消费规模,全国,2022,7.3\n")
    assert main(["ingest", str(path), "--db", store.location, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "preview: 1 new" in out and "dry run: nothing was stored" in out
    assert store.dump() == before


def test_a_rejected_file_exits_1_with_the_problem_table(
    store: Store,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ingest", str(FIXTURES / "unknown_region.csv"), "--db", store.location]) == 1
    out, err = capsys.readouterr()
    assert "rejected: 1 problem(s); nothing was stored" in err
    lines = out.splitlines()
    assert lines[1].split() == ["行", "列", "内容", "问题"]
    assert lines[2].split() == ["3", "B", "·", "地区/region", "火星", "未知地区"]


def test_the_same_file_twice_exits_1_and_says_when_it_came(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _write(tmp_path, "指标,地区,时期,数值\n信息消费规模,全国,2022,7.3\n")
    assert main(["ingest", str(path), "--db", store.location]) == 0
    first = store.uploads()[0].id
    capsys.readouterr()
    assert main(["ingest", str(path), "--db", store.location]) == 1
    out, err = capsys.readouterr()
    assert f"already uploaded as upload {first}" in out + err
    assert store.uploads()[0].id == first
    assert main(["ingest", str(path), "--db", store.location, "--allow-duplicate"]) == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["ingest"],
        ["ingest", "no-such-file.csv"],
        ["ingest", "x.csv", "--layout", "diagonal"],
        ["undo", "not-a-number"],
        ["uploads", "--bogus"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], store: Store) -> None:
    if argv[:2] == ["ingest", "no-such-file.csv"]:
        assert main([*argv, "--db", store.location]) == 2
        return
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_undo_and_uploads_from_the_command_line(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _write(tmp_path, "指标,地区,时期,数值\n信息消费规模,全国,2021,6.9\n")
    main(["ingest", str(path), "--db", store.location])
    up = store.uploads()[0]
    capsys.readouterr()
    assert main(["undo", str(up.id), "--db", store.location, "--user", "bob"]) == 0
    assert "1 figure(s) retired" in capsys.readouterr().out
    cur = store.current_actuals(["info_consumption_scale"], ["000000"])
    assert cur.loc[cur["period"] == "2021", "value"].item() == 6.8
    assert main(["undo", str(up.id), "--db", store.location]) == 1  # already undone
    assert "already been undone" in capsys.readouterr().err
    assert main(["undo", "9999", "--db", store.location]) == 1
    capsys.readouterr()
    assert main(["uploads", "--db", store.location, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [u["kind"] for u in listed[:2]] == ["undo", "file"]
    assert listed[0]["undoes"] == up.id and listed[1]["undone_by"] == listed[0]["id"]
    assert main(["uploads", "--db", store.location]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["id", "kind", "file_name"]
    assert len(table) == 1 + len(listed)


def test_ingest_reads_the_catalog_from_the_store_once(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from indicators.domain.auth import Accounts

    # A planner for Guangdong: the check, the region scope and "how the file was read" all
    # need the catalog.
    Accounts(store).add("gd", "a long enough password 1", regions=["440000"])
    calls: list[int] = []
    catalog = Store.catalog

    def counting(self: Store) -> object:
        calls.append(1)
        return catalog(self)

    monkeypatch.setattr(Store, "catalog", counting)
    path = _write(tmp_path, "单位：万亿元\n指标,地区,时期,数值\n信息消费规模,广东,2022,1.1\n")
    argv = ["ingest", str(path), "--db", store.location, "--user", "gd", "--dry-run"]
    assert main(argv) == 0
    assert "preview: 1 new" in capsys.readouterr().out
    assert len(calls) == 1
