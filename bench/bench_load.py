"""Many people at once: N headless browser sessions open the overview and a domain page.

    .venv/bin/python bench/bench_load.py [--sessions 20] [--ramp 10] [--timeout 300]
                                         [--budget 1500]
    .venv/bin/python bench/bench_load.py --protocol --sessions 50 [--ramp 0] [--via URL]

--protocol: no browser. N Streamlit sessions over the websocket protocol itself
(bench/protocol_load.py) each ask for the overview and wait for its script run to finish;
one line: `sessions N  p50 X s  p95 Y s  errors E  cpu/view Z s` (server CPU from /proc).
It starts a fresh app on DuckDB itself; with --nginx N, N replicas on a throwaway PostgreSQL
store behind a real nginx (deploy/indicators.nginx.conf); with --via it measures a running
deployment (CPU is that of every serve.py process on this machine).

Two set-ups, each on the real catalog and published figures:
  * one replica on DuckDB (the default, one machine);
  * two replicas on one PostgreSQL store (a throwaway server started here, stopped at the
    end), sessions spread over them as sticky sessions behind a proxy would be.
Every session is its own browser context (its own Streamlit session) in one headless
Chromium; they arrive spread over --ramp seconds (people do not click in the same
millisecond). For each page the time to first chart is measured: from navigation until the
first plotly chart has drawn. Errors (a page with no chart, a Streamlit exception, a
time-out) are counted. Everything runs on 127.0.0.1 and stops by itself: each page has a
time limit, each set-up --timeout, and the whole run --budget. When fewer than half the
pages of a set-up drew a chart, it is run again with half the sessions (while the budget
lasts), so the output says what the machine bore, with the load average as the reason.
"""

from __future__ import annotations

import argparse
import asyncio
import os
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

from indicators.commands.build import build_database  # noqa: E402
from indicators.store import Store  # noqa: E402
from indicators.store.engines import dispose  # noqa: E402
from tests.pgserver import start_server, stop_server  # noqa: E402
from tests.support import CHROMIUM, CHROMIUM_ARGS, serve_app  # noqa: E402

PAGES = ("/?lang=en", "/domain-scale?lang=en")
CHART = ".js-plotly-plot .main-svg"


async def _session(
    browser: object, base: str, page_timeout: float, times: list[float], errors: list[str]
) -> None:
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


async def _arrive(
    delay: float,
    browser: object,
    base: str,
    page_timeout: float,
    times: list[float],
    errors: list[str],
) -> None:
    await asyncio.sleep(delay)
    await _session(browser, base, page_timeout, times, errors)


async def _load(
    urls: list[str], sessions: int, page_timeout: float, total_timeout: float, ramp: float
) -> tuple[list[float], list[str], float]:
    from playwright.async_api import async_playwright

    times: list[float] = []
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            # Warm each replica once (first script run, imports), as a deployed app would be.
            await asyncio.gather(*(_session(browser, u, page_timeout, [], []) for u in urls))
            start = time.monotonic()
            tasks = [
                asyncio.create_task(
                    _arrive(
                        ramp * i / sessions,
                        browser,
                        urls[i % len(urls)],
                        page_timeout,
                        times,
                        errors,
                    )
                )
                for i in range(sessions)
            ]
            _, pending = await asyncio.wait(tasks, timeout=total_timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
            wall = time.monotonic() - start
        finally:
            await browser.close()
    missing = (
        sessions * len(PAGES) - len(times) - len([e for e in errors if "exception shown" not in e])
    )
    errors += [f"not done within {total_timeout:g} s"] * max(missing, 0)
    return times, errors, wall


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def report(
    name: str, times: list[float], errors: list[str], wall: float, n: int, load: str
) -> None:
    expected = n * len(PAGES)
    if times:
        print(
            f"{name:<24} {n:>3} sessions  {len(times):>3}/{expected} pages  "
            f"median {statistics.median(times):5.1f} s  p95 {_p95(times):5.1f} s  "
            f"errors {len(errors)}  wall {wall:5.1f} s  load {load}",
            flush=True,
        )
    else:
        print(
            f"{name:<24} {n:>3} sessions  no page drew a chart; errors {len(errors)}  load {load}",
            flush=True,
        )
    for e in sorted(set(errors))[:5]:
        print(f"    {errors.count(e)} x {e}", flush=True)


def run_setup(
    name: str, location: str, count: int, sessions: int, args: argparse.Namespace, deadline: float
) -> None:
    """Run a set-up; halve the sessions while fewer than half the pages drew a chart."""
    n = sessions
    while n >= 1:
        with replicas(location, count) as urls:
            before = _load_average()
            times, errors, wall = asyncio.run(
                _load(urls, n, args.page_timeout, args.timeout, args.ramp)
            )
        report(name, times, errors, wall, n, f"{before} -> {_load_average()}")
        if len(times) * 2 >= n * len(PAGES):
            return
        if n == 1 or time.monotonic() + args.timeout > deadline:
            print(
                f"    (stopped: {'budget spent' if n > 1 else 'one session is the floor'};"
                f" {os.cpu_count()} cores, load average {_load_average()})",
                flush=True,
            )
            return
        n //= 2
        print(f"    fewer than half the pages drew a chart: trying {n} sessions", flush=True)


@contextmanager
def replicas(location: str, count: int) -> Iterator[list[str]]:
    with ExitStack() as stack:
        yield [stack.enter_context(serve_app(location)) for _ in range(count)]


def protocol(args: argparse.Namespace) -> int:
    from bench.protocol_load import measure, server_pids

    ramp = 0.0 if args.ramp is None else args.ramp
    if args.via:
        print(measure([args.via.rstrip("/")], args.sessions, server_pids(), ramp=ramp), flush=True)
        return 0
    if args.nginx:
        return _protocol_via_nginx(args.nginx, args.sessions, ramp)
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        duck = str(Path(tmp) / "bench.duckdb")
        build_database(Store(duck))
        with serve_app(duck) as url:
            pids = server_pids([int(url.rsplit(":", 1)[1])])
            measure([url], 1, pids)  # the first view warms the caches, as in service
            print(measure([url], args.sessions, pids, ramp=ramp), flush=True)
    return 0


def _protocol_via_nginx(count: int, sessions: int, ramp: float) -> int:
    from bench.protocol_load import measure, server_pids
    from tests.support import nginx_in_front

    server = start_server()
    try:
        with psycopg.connect(server.url(), autocommit=True) as con:
            con.execute("CREATE DATABASE bench")
        pg = server.url("bench")
        build_database(Store(pg))
        dispose(pg)
        with (
            replicas(pg, count) as urls,
            tempfile.TemporaryDirectory(prefix="bench_nginx_") as tmp,
            nginx_in_front([u.removeprefix("http://") for u in urls], Path(tmp)) as front,
        ):
            pids = server_pids([int(u.rsplit(":", 1)[1]) for u in urls])
            measure([front], 2 * count, pids)  # warm every replica
            print(f"via nginx, {count} replicas on PostgreSQL:", flush=True)
            print(measure([front], sessions, pids, ramp=ramp), flush=True)
    finally:
        stop_server(server)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--protocol", action="store_true", help="websocket sessions, no browser")
    parser.add_argument("--via", help="with --protocol: a running deployment's URL")
    parser.add_argument(
        "--nginx", type=int, default=0, help="with --protocol: N replicas behind nginx"
    )
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument(
        "--ramp", type=float, help="seconds over which the sessions arrive (10; --protocol: 0)"
    )
    parser.add_argument("--page-timeout", type=float, default=120)
    parser.add_argument("--timeout", type=float, default=300, help="per set-up, seconds")
    parser.add_argument(
        "--budget", type=float, default=1500, help="whole run, seconds, shared by the two set-ups"
    )
    args = parser.parse_args()
    if args.protocol:
        return protocol(args)
    args.ramp = 10.0 if args.ramp is None else args.ramp
    deadline = time.monotonic() + args.budget

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
            print(
                f"time to first chart, overview then a domain page, {args.sessions} "
                f"browser sessions arriving over {args.ramp:g} s ({os.cpu_count()} cores "
                "shared by app, database, browser)",
                flush=True,
            )
            setups = (("DuckDB, 1 replica", duck, 1), ("PostgreSQL, 2 replicas", pg, 2))
            for i, (name, location, count) in enumerate(setups):
                # each set-up gets its share of what is left of the budget
                share = (deadline - time.monotonic()) / (len(setups) - i)
                run_setup(name, location, count, args.sessions, args, time.monotonic() + share)
        finally:
            stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
