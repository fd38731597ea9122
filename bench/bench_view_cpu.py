"""Server CPU seconds per overview view (issue 10), and first paint in the browser (issue 9).

    .venv/bin/python bench/bench_view_cpu.py [--views 10] [--concurrent 4]

Starts the dashboard as `make run` does (serve.py) on a fresh copy of the shipped data, warms
it with one view (imports, snapshot, caches: reported apart as the cold start), then opens
the overview:
  * N times one after the other, each in a fresh browser context (empty cache, new session:
    an official opening a link), waiting until the run is done;
  * N times again in one context that keeps its HTTP cache (a returning browser: the
    JavaScript comes from cache, so only the session and its script run cost the server);
  * C sessions at once, fresh contexts.
For each it prints the server process's CPU seconds (user + system, from /proc, children
included) divided by the views, its resident memory, and per view the bytes sent over the
websocket and over HTTP, the first card and first chart times. Two clocks for paint: "in
DOM" is when the page's own MutationObserver saw the card (what the screen can show once the
frame is painted) and "seen" is when Playwright's polling saw it, later when the page's main
thread is busy (e.g. evaluating plotly.js). The load average is printed at the start and end:
timings on this shared 2-core machine swing with it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indicators.commands.build import build_database  # noqa: E402
from indicators.store import Store  # noqa: E402
from tests.support import CHROMIUM, CHROMIUM_ARGS, serve_app  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
CARD = '[data-testid="stMarkdownContainer"] >> text=/完成度 \\d/'
CHART = ".js-plotly-plot .main-svg"
DONE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
# Marks, in the page's own clock, when the first card and the first chart reach the DOM.
MARKS = r"""
window.__marks = {};
new MutationObserver(() => {
  const m = window.__marks, b = document.body;
  if (!b) return;
  if (!('card' in m) && /完成度 \d/.test(b.textContent || '')) m.card = performance.now();
  if (!('chart' in m) && document.querySelector('.js-plotly-plot .main-svg'))
    m.chart = performance.now();
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def server_pid(port: int) -> int:
    """The serve.py process listening on ``port`` (serve_app keeps its handle to itself)."""
    want = f"--server.port\0{port}\0".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                cmd = (entry / "cmdline").read_bytes()
                if b"serve.py" in cmd and want in cmd:
                    return int(entry.name)
    raise RuntimeError(f"no server process on port {port}")


def cpu_seconds(pid: int) -> float:
    """utime + stime + cutime + cstime of ``pid``, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


async def view(context: object, url: str) -> dict[str, float]:
    """Open the overview in ``context`` and wait until its run is done."""
    sent = {"ws": 0, "http": 0}
    page = await context.new_page()

    def on_ws(ws: object) -> None:
        ws.on("framereceived", lambda payload: sent.__setitem__("ws", sent["ws"] + len(payload)))

    async def body_size(resp: object) -> None:
        with contextlib.suppress(Exception):  # an aborted request has no sizes
            # Bytes received: none (-1) for what came from the browser's cache.
            sent["http"] += max(0, (await resp.request.sizes())["responseBodySize"])

    pending: list[asyncio.Task] = []
    page.on("websocket", on_ws)
    page.on("response", lambda r: pending.append(asyncio.ensure_future(body_size(r))))
    await page.add_init_script(MARKS)
    start = time.perf_counter()
    await page.goto(f"{url}/?lang=zh", wait_until="commit", timeout=120_000)
    await page.wait_for_selector(CARD, timeout=120_000)
    card = time.perf_counter() - start
    await page.wait_for_selector(CHART, timeout=120_000)
    chart = time.perf_counter() - start
    await page.wait_for_function(DONE, timeout=120_000)
    done = time.perf_counter() - start
    marks = await page.evaluate("() => ({nav: performance.timeOrigin, ...window.__marks})")
    await asyncio.gather(*pending)
    await page.close()
    return {
        "card_dom": marks.get("card", float("nan")) / 1000,
        "chart_dom": marks.get("chart", float("nan")) / 1000,
        "card": card,
        "chart": chart,
        "done": done,
        "ws_kb": sent["ws"] / 1024,
        "http_kb": sent["http"] / 1024,
    }


def report(label: str, pid: int, cpu0: float, results: list[dict[str, float]], wall: float) -> None:
    n = len(results)
    cpu = cpu_seconds(pid) - cpu0

    def med(key: str) -> float:
        return statistics.median(r[key] for r in results)

    print(
        f"{label:<28}{n:>3} views  server CPU {cpu / n:5.2f} s/view  wall {wall:6.1f} s  "
        f"RSS {rss_mb(pid):4.0f} MB"
    )
    print(
        f"{'':<28}median: card in DOM {med('card_dom'):5.2f} s, seen {med('card'):5.2f} s; "
        f"chart in DOM {med('chart_dom'):5.2f} s, seen {med('chart'):5.2f} s; "
        f"run done {med('done'):5.2f} s; ws {med('ws_kb'):4.0f} KB, "
        f"http {med('http_kb'):5.0f} KB"
    )


async def main_async(views: int, concurrent: int) -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        build_database(Store(db))
        print(f"load average at start: {load_average()}")
        with serve_app(db) as url:
            pid = server_pid(int(url.rsplit(":", 1)[1]))
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )

                async def fresh() -> dict[str, float]:
                    context = await browser.new_context(viewport={"width": 1440, "height": 900})
                    try:
                        return await view(context, url)
                    finally:
                        await context.close()

                cpu0, t0 = cpu_seconds(pid), time.perf_counter()
                first = [await fresh()]
                report("cold start (first view)", pid, cpu0, first, time.perf_counter() - t0)

                cpu0, t0 = cpu_seconds(pid), time.perf_counter()
                seq = [await fresh() for _ in range(views)]
                report("fresh browser, one by one", pid, cpu0, seq, time.perf_counter() - t0)

                context = await browser.new_context(viewport={"width": 1440, "height": 900})
                await view(context, url)  # fills the HTTP cache
                cpu0, t0 = cpu_seconds(pid), time.perf_counter()
                cached = [await view(context, url) for _ in range(views)]
                report("cached JS, one by one", pid, cpu0, cached, time.perf_counter() - t0)
                await context.close()

                cpu0, t0 = cpu_seconds(pid), time.perf_counter()
                together = await asyncio.gather(*(fresh() for _ in range(concurrent)))
                report(
                    f"fresh browser, {concurrent} at once",
                    pid,
                    cpu0,
                    together,
                    time.perf_counter() - t0,
                )
                await browser.close()
        print(f"load average at end: {load_average()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=10)
    parser.add_argument("--concurrent", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(main_async(args.views, args.concurrent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
