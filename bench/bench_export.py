"""Export timings: one PNG cold (chromium starting) and warm, and the full briefing pack.

Run: .venv/bin/python bench/bench_export.py  (or `make bench`). Uses data/indicators.duckdb
when it exists, else builds a temporary database from data/. Aim: a warm PNG under 1 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.base.paths import default_db_path
from indicators.commands.build import build_database
from indicators.domain.snapshot import load_snapshot
from indicators.export.pack import build_pack
from indicators.export.static import figure_bytes
from indicators.present import charts
from indicators.store import Store

TARGET = "info_consumption_scale"


def _timed(label: str, fn: object) -> float:
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    print(f"{label:<42} {seconds:6.2f} s")
    return seconds


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(default_db_path())
        if not store.exists():
            store = Store(Path(tmp) / "bench.duckdb")
            build_database(store)
        snap = load_snapshot(store)
        cold_fig = charts.bullet_chart(snap, TARGET, "zh")
        warm_fig = charts.trajectory_chart(snap, TARGET, "zh")  # a different figure: no cache
        _timed("PNG cold (starts chromium)", lambda: figure_bytes(cold_fig, "png"))
        warm = _timed("PNG warm (another figure)", lambda: figure_bytes(warm_fig, "png"))
        _timed("PNG cached (same figure again)", lambda: figure_bytes(warm_fig, "png"))
        for lang, fmt in (("zh", "pdf"), ("en", "pptx")):
            _timed(
                f"briefing pack, full catalog, {lang} {fmt}",
                lambda lang=lang, fmt=fmt: build_pack(snap, lang, fmt),
            )
    print("warm PNG under 1 s:", "yes" if warm < 1 else "NO")
    return 0 if warm < 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
