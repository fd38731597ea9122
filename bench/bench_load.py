"""Many people at once: N headless browser sessions open the overview and a domain page.

    .venv/bin/python bench/bench_load.py [--sessions 20] [--timeout 240]

Two set-ups, each on the real catalog and published figures:
  * one replica on DuckDB (the default, one machine);
  * two replicas on one PostgreSQL store (a throwaway server started here, stopped at the
    end), sessions spread over them as sticky sessions behind a proxy would be.
Every session is its own browser context (its own Streamlit session) in one headless
Chromium; all start together. For each page the time to first chart is measured: from
navigation until the first plotly chart has drawn. Errors (a page with no chart, a Streamlit
exception, a time-out) are counted. Everything runs on 127.0.0.1 and stops by itself:
each page has a time limit, and the whole run is bounded by --timeout per set-up.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indicators.build import build_database  # noqa: E402
from indicators.store import Store  # noqa: E402
from indicators.store.engines import dispose  # noqa: E402
from tests.pgserver import start_server, stop_server  # noqa: E402
from tests.support import CHROMIUM, CHROMIUM_ARGS, serve_app  # noqa: E402

PAGES = ("/?lang=en", "/domain-scale?lang=en")
CHART = ".js-plotly-plot .main-svg"


async def _session(browser: object, base: str, page_timeout: float,
                   times: list[float], errors: list[str]) -> None:
    """Open each page in turn; results go into the shared lists as they come, so a run cut
    off by the overall limit still reports what finished."""
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = await context.new_page()
        for path in PAGES:
            start = time.monotonic()
            try:
                await page.goto(base + path, timeout=page_timeout * 1000)
                await page.wait_for_selector(CHART, timeout=page_timeout * 1000)
                times.append(time.monotonic() - start)
                if await page.locator('[data-testid="stException"]').count():
                    errors.append(f"{path}: exception shown")
            except Exception as exc:  # a time-out or a dropped page counts as an error
                errors.append(f"{path}: {type(exc).__name__}")
    finally:
        await context.close()


async def _load(urls: list[str], sessions: int, page_timeout: float,
                total_timeout: float) -> tuple[list[float], list[str], float]:
    from playwright.async_api import async_playwright

    times: list[float] = []
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=CHROMIUM_ARGS)
        try:
            # Warm each replica once (first script run, imports), as a deployed app would be.
            await asyncio.gather(*(_session(browser, u, page_timeout, [], []) for u in urls))
            start = time.monotonic()
            tasks = [asyncio.create_task(
                _session(browser, urls[i % len(urls)], page_timeout, times, errors))
                for i in range(sessions)]
            _, pending = await asyncio.wait(tasks, timeout=total_timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
            wall = time.monotonic() - start
        finally:
            await browser.close()
    missing = sessions * len(PAGES) - len(times) - len(
        [e for e in errors if "exception shown" not in e])
    errors += [f"not done within {total_timeout:g} s"] * max(missing, 0)
    return times, errors, wall


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(name: str, times: list[float], errors: list[str], wall: float, n: int) -> None:
    expected = n * len(PAGES)
    if times:
        print(f"{name:<28} {n:>3} sessions  {len(times):>3}/{expected} pages  "
              f"median {statistics.median(times):5.2f} s  p95 {_p95(times):5.2f} s  "
              f"errors {len(errors)}  wall {wall:5.1f} s")
    else:
        print(f"{name:<28} {n:>3} sessions  no page drew a chart; errors {len(errors)}")
    for e in sorted(set(errors))[:5]:
        print(f"    {e}")


@contextmanager
def replicas(location: str, count: int) -> Iterator[list[str]]:
    with ExitStack() as stack:
        yield [stack.enter_context(serve_app(location)) for _ in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--page-timeout", type=float, default=120)
    parser.add_argument("--timeout", type=float, default=300, help="per set-up, seconds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        duck = str(Path(tmp) / "bench.duckdb")
        build_database(Store(duck))
        server = start_server()
        try:
            with psycopg.connect(server.url(), autocommit=True) as con:
                con.execute("CREATE DATABASE bench")
            pg = server.url("bench")
            build_database(Store(pg))
            dispose(pg)
            print(f"time to first chart, overview then a domain page, {args.sessions} "
                  "concurrent browser sessions (2 cores shared by app, database, browser)")
            for name, location, count in (("DuckDB, 1 replica", duck, 1),
                                          ("PostgreSQL, 2 replicas", pg, 2)):
                with replicas(location, count) as urls:
                    times, errors, wall = asyncio.run(
                        _load(urls, args.sessions, args.page_timeout, args.timeout))
                report(name, times, errors, wall, args.sessions)
        finally:
            stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
