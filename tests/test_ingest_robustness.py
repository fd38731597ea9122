"""A killed ingest leaves all of its upload or none; two writers both land or one is told
"busy, try again" with nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from indicators.commands.cli import main
from indicators.ingest import Options, check_file, commit
from indicators.store import Store, StoreBusy

ROOT = Path(__file__).resolve().parents[1]
BOTH_BACKENDS = True
# Kills at chosen moments and racing writers: timings that another test beside them would skew.
pytestmark = pytest.mark.serial


def _big_csv(path: Path, rows: int, first_day: date = date(2000, 1, 1)) -> Path:
    """Daily figures for one indicator across the 32 regions: unique keys, all before today."""
    codes = [
        "000000",
        *(
            f"{c}0000"
            for c in (
                11,
                12,
                13,
                14,
                15,
                21,
                22,
                23,
                31,
                32,
                33,
                34,
                35,
                36,
                37,
                41,
                42,
                43,
                44,
                45,
                46,
                50,
                51,
                52,
                53,
                54,
                61,
                62,
                63,
                64,
                65,
            )
        ),
    ]
    lines = ["indicator,region,period,value"]
    for i in range(rows):
        day = first_day + timedelta(days=i // len(codes))
        lines.append(f"info_consumption_scale,{codes[i % len(codes)]},{day},{1 + i % 50 / 10}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _state(db: str) -> tuple[int, int, list[tuple[int, int]]]:
    """Uploads, actual rows, and (rows_total, rows written) of each file upload."""
    store = Store(db)
    counts = store.counts()
    per = [
        (u.rows_total, len(store.upload_rows(u.id)))
        for u in sorted(store.uploads(), key=lambda u: u.id)
        if u.kind == "file"
    ]
    return counts["uploads"], counts["actuals"], per


CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from indicators import store as store_mod
    from indicators.commands.cli import main

    real_write = store_mod.Store.write_actuals

    def write_actuals(self, *a, **kw):
        print("COMMITTING", flush=True)
        return real_write(self, *a, **kw)

    def bump(con):
        # Stop inside the transaction, after the rows are inserted and before COMMIT.
        print("IN_TRANSACTION", flush=True)
        time.sleep(60)

    # Guarded: the ingest check runs in a worker process, which imports this file again.
    if __name__ == "__main__":
        store_mod.Store.write_actuals = write_actuals
        if sys.argv[1] == "hold-in-transaction":
            store_mod.Store._bump = staticmethod(bump)
        sys.exit(main(["ingest", sys.argv[2], "--db", sys.argv[3], "--user", "killed"]))
""")


def _run_child(tmp_path: Path, mode: str, csv: Path, db: str) -> subprocess.Popen:
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(root=str(ROOT)), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(script), mode, str(csv), db],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(proc: subprocess.Popen, marker: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if marker in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"child ended before {marker}: {proc.stderr.read()}")
    raise AssertionError(f"no {marker} within {timeout}s")


def test_sigkill_inside_the_commit_transaction_leaves_none_of_the_upload(
    store: Store,
    tmp_path: Path,
) -> None:
    csv = _big_csv(tmp_path / "big.csv", 20_000)
    before = store.dump()
    proc = _run_child(tmp_path, "hold-in-transaction", csv, store.location)
    _wait_for(proc, "IN_TRANSACTION")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert store.dump() == before  # opens fine, and holds nothing of the killed upload


@pytest.mark.parametrize("delay", [0.0, 0.08, 0.13, 0.3])  # before, during, after
def test_sigkill_at_any_moment_of_a_large_commit_leaves_all_or_none(
    store: Store,
    tmp_path: Path,
    delay: float,
) -> None:
    rows = 150_000
    csv = _big_csv(tmp_path / "big.csv", rows)
    n_up, n_act, _ = _state(store.location)
    proc = _run_child(tmp_path, "plain", csv, store.location)
    _wait_for(proc, "COMMITTING")
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    after_up, after_act, per = _state(store.location)
    assert (after_up, after_act) in {(n_up, n_act), (n_up + 1, n_act + rows)}
    assert all(total == written for total, written in per)
    # And the store is usable afterwards: the same file goes in (or is known) cleanly.
    checked = check_file(csv.read_bytes(), "big.csv", store.catalog(), Options())
    assert checked.ok
    if after_up == n_up:
        assert commit(store, checked, user="after").rows_new == rows


def test_two_processes_uploading_at_once_both_land(store: Store, tmp_path: Path) -> None:
    a = _big_csv(tmp_path / "a.csv", 60_000, date(2006, 1, 1))
    b = _big_csv(tmp_path / "b.csv", 60_000, date(2000, 1, 1))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "indicators", "ingest", str(p), "--db", str(store.location)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in (a, b)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    codes = [p.returncode for p in procs]
    for code, (out, err) in zip(codes, outs, strict=True):
        # Each either landed, or was told plainly that the database was busy (DuckDB: one
        # writing process at a time); on PostgreSQL writers queue and both must land.
        assert code == 0 or (
            code == 1 and "busy" in err and "try again" in err and store.path is not None
        ), (out, err)
    files = {u.file_name: u for u in store.uploads() if u.kind == "file"}
    for code, name in zip(codes, ("a.csv", "b.csv"), strict=True):
        assert (name in files) == (code == 0)
        if code == 0:
            assert len(store.upload_rows(files[name].id)) == 60_000


def test_two_sessions_of_one_server_committing_at_once_both_land(store: Store) -> None:
    catalog = store.catalog()

    def batch(year: int) -> bytes:
        rows = "".join(f"信息消费规模,全国,{year}-{m:02d},{m}\n" for m in range(1, 13))
        return ("指标,地区,时期,数值\n" + rows).encode()

    results: dict[int, object] = {}

    def run(year: int) -> None:
        checked = check_file(batch(year), f"{year}.csv", catalog, Options())
        try:
            results[year] = commit(store, checked, user=str(year))
        except StoreBusy as exc:  # acceptable, but must say so
            results[year] = exc

    read_errors: list[Exception] = []

    def read() -> None:  # other sessions keep viewing meanwhile
        for _ in range(10):
            try:
                store.current_actuals()
                store.data_version()
            except Exception as exc:
                read_errors.append(exc)

    threads = [threading.Thread(target=run, args=(y,)) for y in (2016, 2017, 2018, 2019)]
    threads += [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert read_errors == []
    landed = [y for y, r in results.items() if not isinstance(r, StoreBusy)]
    assert sorted(landed) == [2016, 2017, 2018, 2019]
    cur = store.current_actuals(["info_consumption_scale"], ["000000"])
    assert {f"{y}-{m:02d}" for y in landed for m in range(1, 13)} <= set(cur["period"])


def test_a_writer_that_cannot_get_the_database_is_told_busy_and_nothing_is_lost(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if store.path is None:
        pytest.skip("DuckDB's file lock; PostgreSQL writers queue instead (test above)")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('HELD', flush=True); time.sleep(60)",
            str(store.location),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and "HELD" in holder.stdout.readline()
        csv = _big_csv(tmp_path / "c.csv", 100)
        import indicators.commands.ingest as cmd

        monkeypatch.setattr(cmd, "Store", lambda db: Store(db, busy_timeout=0.5))
        assert main(["ingest", str(csv), "--db", str(store.location)]) == 1
        err = capsys.readouterr().err
        assert "busy" in err and "try again" in err
    finally:
        holder.kill()
        holder.wait()
    n_up, _, _ = _state(store.location)
    assert main(["ingest", str(csv), "--db", str(store.location)]) == 0  # once free, it lands
    assert _state(store.location)[0] == n_up + 1
