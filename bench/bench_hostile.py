"""Each hostile upload of the attack review (issue 10) at its real size: time and peak memory.

    .venv/bin/python bench/bench_hostile.py [WORDS]   (only the files whose label has WORDS)

Every file goes through the worker process the upload page and the CLI use; printed per
file: answer (refused with which code, or accepted), wall seconds, and the worker's peak
RSS (sampled every 20 ms). The aim: any file up to the 50 MB limit answered within 15 s and
600 MB on the 2-core machine.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import multiprocessing as mp  # noqa: E402

from indicators.base.catalog import load_catalog  # noqa: E402
from indicators.ingest import Options  # noqa: E402
from indicators.ingest.worker import _rss_mb, check_file_bounded  # noqa: E402
from tests import hostile_files as H  # noqa: E402


def _peak_rss_while(fn):  # type: ignore[no-untyped-def]
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for child in mp.active_children():
                if child.pid:
                    peak[0] = max(peak[0], _rss_mb(child.pid))
            time.sleep(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        return fn(), peak[0]
    finally:
        done.set()
        t.join()


# Catalog indicators with values inside their plausible range, written as planners do.
_REAL = (
    ("信息消费规模", "万亿元", 5.0),
    ("信息消费规模年均增速", "%", 10.0),
    ("拉动相关领域产出", "万亿元", 8.0),
    ("行政村通光纤比例", "%", 90.0),
    ("村级信息服务站覆盖率", "%", 80.0),
)


def _real_rows(limit: int) -> bytes:
    """As many valid rows as fit in `limit` bytes (the upload limit: ~900,000 rows in
    50 MB): Chinese names, distinct (indicator, region, day) keys from 2000 on."""
    from datetime import date, timedelta

    regions = sorted(load_catalog().regions)
    first = date(2000, 1, 1)
    keys = len(_REAL) * len(regions)
    days = [(first + timedelta(days=d)).isoformat() for d in range(limit // 45 // keys)]
    rows = [
        f"{name},{regions[i % len(regions)]},{days[i // keys]},{base + i % 50 / 10},{unit},bench,"
        for i in range(len(days) * keys)
        for name, unit, base in [_REAL[i // len(regions) % len(_REAL)]]
    ]
    data = H.csv(rows)
    return data[: data.rindex(b"\n", 0, limit) + 1]


def _last_row_with(data: bytes, cell: str) -> bytes:
    """`data` with its last row's source replaced by `cell` (issue 25: the check must find
    one bad cell at the very end of a file at the limit)."""
    head, last = data.rstrip(b"\n").rsplit(b"\n", 1)
    fields = last.decode("utf-8").split(",")
    fields[5] = cell
    return head + b"\n" + ",".join(fields).encode("utf-8") + b"\n"


def _issue_25_cases(real: bytes) -> list[tuple[str, str, bytes | None]]:
    """The files of reliability round 3 (issue 25)."""
    # The first 200,000 valid rows of the file at the limit, as UTF-32LE with its BOM.
    lines = real.decode("utf-8-sig").split("\n")[:200_001]
    body = "\n".join(lines) + "\n"
    return [
        (
            "csv at the 50 MB limit, ESC in the last source",
            "esc.csv",
            _last_row_with(real, "a\x1b[31m"),
        ),
        (
            "csv at the 50 MB limit, NUL in the last source",
            "nul.csv",
            _last_row_with(real, "a\x00b"),
        ),
        ("csv at the 50 MB limit, C1 (U+0085) last", "c1.csv", _last_row_with(real, "a\u0085b")),
        (
            "csv at the 50 MB limit, full-width ＝ formula last",
            "fw.csv",
            _last_row_with(real, "＝1+1"),
        ),
        ("csv UTF-32LE with BOM, 200,000 rows (accepted)", "u32.csv", body.encode("utf-32")),
        (
            "csv one 20,000-character name with an RTL override",
            "rtl.csv",
            H.csv([f"信息\u202e{'长' * 20_000},全国,2021,6.9,万亿元,s,"]),
        ),
    ]


def main() -> None:
    catalog = load_catalog()
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    real = _real_rows(Options().max_bytes)
    cases = [
        (
            "xlsx dimension A1:XFD1048576, one cell at the bottom",
            "dim.xlsx",
            H.xlsx_dimension_bomb(),
        ),
        ("xlsx sheet XML inflating to 1.87 GB", "bomb.xlsx", H.xlsx_zip_bomb(1870)),
        ("xlsx billion laughs", "laughs.xlsx", H.xlsx_with_doctype()),
        (
            "csv 9.9 MB, 1,000,000 columns on one line",
            "wide.csv",
            H.csv_wide_header(1_000_000)[: int(9.9 * 1024 * 1024)],
        ),
        ("csv one line, no final newline", "one.csv", H.csv_one_line_no_newline()),
        ("csv of valid rows up to the 50 MB limit (accepted)", "real.csv", None),
        # The problem report's worst case: 699,999 rows repeating the first, all refused.
        (
            "csv 700,000 rows, one figure repeated (refused)",
            "dup.csv",
            H.csv(["信息消费规模,全国,2019,5.1,万亿元,bench,"] * 700_000),
        ),
        *_issue_25_cases(real),
    ]
    cases = [c for c in cases if only in c[0]]
    print(f"{'file':56} {'MB':>6} {'answer':28} {'s':>6} {'peak MB':>8}")
    worst_s = worst_mb = 0.0
    for label, name, data in cases:
        if data is None:
            data = real
        started = time.perf_counter()
        checked, peak = _peak_rss_while(
            lambda d=data, n=name: check_file_bounded(d, n, catalog, Options())
        )
        secs = time.perf_counter() - started
        answer = (
            f"accepted, {len(checked.table):,} rows"
            if checked.ok
            else f"refused: {checked.problems[0].code}"
        )
        print(f"{label:56} {len(data) / 1024 / 1024:6.1f} {answer:28} {secs:6.2f} {peak:8.0f}")
        worst_s, worst_mb = max(worst_s, secs), max(worst_mb, peak)
    print(
        f"worst: {worst_s:.1f} s, {worst_mb:.0f} MB peak worker RSS "
        f"(aim: 15 s, 600 MB; {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
