"""Ingest a 1,000,000-row long-format CSV end to end and compare with DuckDB's own reader.

    .venv/bin/python bench/bench_ingest.py [--rows N] [--process-rows N] [--repeat N]

In process: (a) DuckDB's own read_csv of the same file into a table, the floor for "bytes to
table"; (b) pandas read_csv + to_sql into SQLite, what a quick script would do (shown, no
longer an aim). Ours parses, matches names, validates every rule, diffs against the store
and commits in one transaction. The aim: within 1.5x of (a).
As whole processes: `python -m indicators ingest` (start-up, the worker, everything) against
a `python -c` process running DuckDB's read_csv, on a --process-rows file (61,000: a year of
monthly county figures), and the peak memory (PSS) of the 1 M-row ingest's process tree
(aim < 1 GB). "read back": the million stored figures read as the dashboard reads them (all
current figures, one province's, the published snapshot), on each backend.
PostgreSQL: the same 1 M-row ingest into a store on a throwaway server (tests/pgserver.py;
skipped with --no-pg or where no server binaries are installed), against the server's own
`COPY ... FROM STDIN (FORMAT csv)` of the file into a table, the floor there.
The files are generated (fixed seed) in bench/out/, which git ignores.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indicators.base.catalog import load_catalog  # noqa: E402
from indicators.commands.build import build_database  # noqa: E402
from indicators.ingest import Options, check_file, commit, preview  # noqa: E402
from indicators.store import Store  # noqa: E402

OUT = ROOT / "bench" / "out"
INDICATORS = {  # id -> (low, high, whole number)
    "info_consumption_scale": (1.0, 8.0, False),
    "info_consumption_growth": (-5.0, 30.0, False),
    "related_output": (1.0, 20.0, False),
    "fibre_village_share": (50.0, 100.0, False),
    "village_info_station_coverage": (30.0, 100.0, False),
    "skills_training_projects": (0.0, 500.0, True),
}


def make_file(path: Path, rows: int) -> None:
    """Unique (indicator, region, day) keys: every day since 2000 for each pair."""
    regions = sorted(load_catalog().regions)
    pairs = [(i, r) for i in INDICATORS for r in regions]
    days = -(-rows // len(pairs))
    dates = [(date(2000, 1, 1) + timedelta(days=d)).isoformat() for d in range(days)]
    rng = np.random.default_rng(40)
    ind = np.repeat([p[0] for p in pairs], days)[:rows]
    reg = np.repeat([p[1] for p in pairs], days)[:rows]
    per = np.tile(dates, len(pairs))[:rows]
    lo = np.array([INDICATORS[i][0] for i in ind])
    hi = np.array([INDICATORS[i][1] for i in ind])
    val = np.round(lo + rng.random(rows) * (hi - lo), 2)
    whole = np.array([INDICATORS[i][2] for i in ind])
    val[whole] = np.floor(val[whole])
    frame = pd.DataFrame(
        {
            "indicator": ind,
            "region": reg,
            "period": per,
            "value": val,
            "unit": "",
            "source": "bench",
            "note": "",
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


def _pss_kb(pid: int) -> int:
    """Proportional set size: a page shared by the fork server and its worker counts once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return next(int(ln.split()[1]) for ln in fh if ln.startswith("Pss:"))
    except (OSError, StopIteration, ValueError):
        return 0


def _tree_rss_mb(root: int) -> float:
    """Memory of a process and all its descendants (the ingest's worker among them), in MB,
    as PSS so pages they share are not counted twice."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo += children.get(pid, [])
    return total / 1024


def run_process(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (MB of PSS over the process tree, sampled every 10 ms)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.01)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed: {proc.stderr.read().decode()[-500:]}")
    return took, peak


def whole_processes(path: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """`indicators ingest` vs a DuckDB read_csv process on the same file (best of `repeat`)."""
    env = dict(os.environ, INDICATORS_UPLOAD_SECONDS="600")
    best: dict[str, tuple[float, float]] = {}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            tmpdir = Path(tmp)
            build_database(Store(tmpdir / "ours.duckdb"), actuals_dir=tmpdir / "none")
            runs = {
                "read_csv": [
                    sys.executable,
                    "-c",
                    "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
                    'con.execute("CREATE TABLE t AS SELECT * FROM read_csv(\'" '
                    '+ sys.argv[2] + "\')"); con.close()',
                    str(tmpdir / "a.duckdb"),
                    str(path),
                ],
                # The floor under any Python ingest on this stack: the interpreter and the
                # libraries' own start-up, reading nothing.
                "imports": [
                    sys.executable,
                    "-c",
                    "import duckdb, numpy, pandas, pyarrow.compute, pyarrow.csv",
                ],
                "ours": [
                    sys.executable,
                    "-m",
                    "indicators",
                    "ingest",
                    str(path),
                    "--db",
                    str(tmpdir / "ours.duckdb"),
                    "--max-mb",
                    "200",
                    "--user",
                    "bench",
                ],
            }
            for name, cmd in runs.items():
                took, peak = run_process(cmd, env)
                if took < best.get(name, (float("inf"), 0))[0]:
                    best[name] = (took, peak)
    return best


def read_back(store: Store) -> str:
    """The stored figures read again as the dashboard reads them: every current figure, one
    province's, and the published snapshot the pages start from."""
    from indicators.domain.snapshot import load_snapshot

    took = {}
    for name, fn in (
        ("all current figures", lambda: store.current_actuals()),
        ("one province's", lambda: store.current_actuals(region_codes=["440000"])),
        ("published snapshot", lambda: load_snapshot(store, as_of=date(2026, 11, 30))),
    ):
        start = time.perf_counter()
        fn()
        took[name] = time.perf_counter() - start
    return "  ".join(f"{k} {v:.2f} s" for k, v in took.items())


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


CPU: dict[str, float] = {}  # CPU seconds (every thread) of each name's fastest run


def timed(fn, name: str = "") -> float:
    """Wall seconds; the CPU seconds of the run go to CPU[name] when it is the fastest, as
    CPU time swings far less than wall time on a shared machine."""
    start, cpu = time.perf_counter(), _cpu()
    fn()
    took = time.perf_counter() - start
    if name and took < CPU.get(name + ":wall", float("inf")):
        CPU[name], CPU[name + ":wall"] = _cpu() - cpu, took
    return took


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each; the best is reported (the machine may be shared)",
    )
    ap.add_argument(
        "--process-rows",
        type=int,
        default=61_000,
        help="rows of the file ingested as a whole process (0: skip)",
    )
    ap.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL runs")
    args = ap.parse_args()
    path = OUT / f"long_{args.rows}.csv"
    if not path.exists():
        make_file(path, args.rows)
    size_mb = path.stat().st_size / 1e6
    best: dict[str, float] = {}
    stages: dict[str, float] = {}
    reads = ""
    for attempt in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            tmpdir = Path(tmp)

            def duckdb_read_csv(tmpdir: Path = tmpdir) -> None:
                # A baseline, not app code: the app's SQL stays in indicators/store/.
                con = duckdb.connect(str(tmpdir / "a.duckdb"))
                con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}')")
                con.close()

            def pandas_sqlite(tmpdir: Path = tmpdir) -> None:
                con = sqlite3.connect(tmpdir / "b.sqlite")
                pd.read_csv(path).to_sql("t", con, index=False)
                con.commit()
                con.close()

            store = Store(tmpdir / "ours.duckdb")
            build_database(store, actuals_dir=tmpdir / "none")
            catalog = store.catalog()
            run: dict[str, float] = {}

            def ours(store: Store = store, catalog=catalog, run=run) -> None:
                t0 = time.perf_counter()
                data = path.read_bytes()
                checked = check_file(
                    data,
                    path.name,
                    catalog,
                    Options(max_bytes=len(data) + 1, today=date(2026, 1, 1)),
                )
                assert checked.ok, checked.problems[:5]
                t1 = time.perf_counter()
                pv = preview(store, checked)
                assert pv.new == args.rows
                t2 = time.perf_counter()
                up = commit(store, checked, user="bench")
                assert up.rows_new == args.rows
                t3 = time.perf_counter()
                run.update(parse_validate=t1 - t0, diff=t2 - t1, commit=t3 - t2)

            for name, fn in (("a", duckdb_read_csv), ("b", pandas_sqlite), ("ours", ours)):
                took = timed(fn, name)
                if took < best.get(name, float("inf")):
                    best[name] = took
                    if name == "ours":
                        stages = dict(run)
            if attempt == args.repeat - 1:
                # Before the read-back, whose frames are not the ingest's memory.
                in_process_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                reads = read_back(store)
    a, b, c = best["a"], best["b"], best["ours"]
    print(
        f"ingest benchmark: {args.rows:,} rows, {size_mb:.1f} MB long-format CSV, "
        f"best of {args.repeat}"
    )
    print(f"  (a) DuckDB read_csv into a table     {a:7.2f} s")
    print(f"  (b) pandas read_csv + to_sql SQLite  {b:7.2f} s")
    print(
        f"  ours: parse+validate+diff+commit     {c:7.2f} s   "
        + "  ".join(f"{k} {v:.2f} s" for k, v in stages.items())
    )
    print(f"  ours / (a) = {c / a:.2f}x (aim <= 1.5x);  (b) / ours = {b / c:.1f}x")
    print(f"  read back: {reads}")
    print(
        f"  CPU seconds (all threads) of those runs: (a) {CPU['a']:.2f}  (b) {CPU['b']:.2f}  "
        f"ours {CPU['ours']:.2f}  ours / (a) = {CPU['ours'] / CPU['a']:.2f}x"
    )
    print(f"  peak RSS of this benchmark process (all three, in turn): {in_process_peak:.0f} MB")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    if not args.no_pg:
        postgresql(path, args.rows, args.repeat)
    if not args.process_rows:
        return 0
    small = OUT / f"long_{args.process_rows}.csv"
    if not small.exists():
        make_file(small, args.process_rows)
    procs = whole_processes(small, args.repeat)
    _took, big_peak = run_process(
        [
            sys.executable,
            "-m",
            "indicators",
            "ingest",
            str(path),
            "--user",
            "bench",
            "--max-mb",
            "200",
            "--db",
            str(_built(OUT / "rss.duckdb")),
        ],
        dict(os.environ, INDICATORS_UPLOAD_SECONDS="600"),
    )
    (ta, pa_), (to, po), (ti, pi) = procs["read_csv"], procs["ours"], procs["imports"]
    print(
        f"whole processes, {args.process_rows:,}-row file "
        f"({small.stat().st_size / 1e6:.1f} MB), best of {args.repeat}:"
    )
    print(f"  python -c duckdb read_csv           {ta:7.2f} s  peak PSS {pa_:5.0f} MB")
    print(
        f"  python -m indicators ingest         {to:7.2f} s  peak PSS {po:5.0f} MB   "
        f"ours / read_csv = {to / ta:.2f}x"
    )
    print(
        f"  python -c import duckdb numpy pandas pyarrow  {ti:5.2f} s  peak PSS {pi:5.0f} MB   "
        f"(start-up alone: {ti / ta:.2f}x read_csv)"
    )
    print(
        f"  {args.rows:,}-row ingest as a process: peak {big_peak:.0f} MB "
        "(PSS of the process tree: command, fork server, worker; aim < 1024 MB)"
    )
    return 0


def postgresql(path: Path, rows: int, repeat: int) -> None:
    """The same ingest into a PostgreSQL store, against the server's own COPY of the file."""
    try:
        import psycopg

        from tests.pgserver import start_server, stop_server

        server = start_server()
    except (ImportError, RuntimeError) as exc:
        print(f"PostgreSQL: not measured ({str(exc).splitlines()[0]})")
        return
    from indicators.store.engines import dispose

    best: dict[str, float] = {}
    stages: dict[str, float] = {}
    reads = ""
    try:
        for attempt in range(repeat):
            name = f"bench{attempt}"
            with psycopg.connect(server.url(), autocommit=True) as con:
                con.execute(f"CREATE DATABASE {name}")
            url = server.url(name)
            store = Store(url)
            build_database(store, actuals_dir=OUT / "none")
            catalog = store.catalog()

            def copy(url: str = url) -> None:
                # A baseline, not app code: the server parses the CSV into a table.
                with psycopg.connect(url) as con, con.cursor() as cur:
                    cur.execute(
                        "CREATE TABLE raw (indicator text, region text, "
                        "period text, value double precision, unit text, "
                        "source text, note text)"
                    )
                    with (
                        cur.copy("COPY raw FROM STDIN (FORMAT csv, HEADER true)") as cp,
                        open(path, "rb") as fh,
                    ):
                        while block := fh.read(1 << 20):
                            cp.write(block)

            run: dict[str, float] = {}

            def ours(store: Store = store, catalog=catalog, run=run) -> None:
                t0 = time.perf_counter()
                data = path.read_bytes()
                checked = check_file(
                    data,
                    path.name,
                    catalog,
                    Options(max_bytes=len(data) + 1, today=date(2026, 1, 1)),
                )
                assert checked.ok, checked.problems[:5]
                t1 = time.perf_counter()
                assert preview(store, checked).new == rows
                t2 = time.perf_counter()
                assert commit(store, checked, user="bench").rows_new == rows
                run.update(parse_validate=t1 - t0, diff=t2 - t1, commit=time.perf_counter() - t2)

            for key, fn in (("copy", copy), ("ours", ours)):
                took = timed(fn, "pg_" + key)
                if took < best.get(key, float("inf")):
                    best[key] = took
                    if key == "ours":
                        stages = dict(run)
            if attempt == repeat - 1:
                reads = read_back(store)
            dispose(url)
    finally:
        stop_server(server)
    a, c = best["copy"], best["ours"]
    print(f"PostgreSQL store, same file, best of {repeat}:")
    print(f"  (a') COPY FROM STDIN (csv) into a table {a:7.2f} s")
    print(
        f"  ours: parse+validate+diff+commit     {c:7.2f} s   "
        + "  ".join(f"{k} {v:.2f} s" for k, v in stages.items())
    )
    print(
        f"  ours / (a') = {c / a:.2f}x;  CPU seconds of this process: COPY "
        f"{CPU['pg_copy']:.2f} (the server's are not counted), ours {CPU['pg_ours']:.2f}"
    )
    print(f"  read back: {reads}")


def _built(db: Path) -> Path:
    db.unlink(missing_ok=True)
    build_database(Store(db), actuals_dir=OUT / "none")
    return db


if __name__ == "__main__":
    raise SystemExit(main())
