"""The public static site: build time, rebuild after one approval, first paint, page weight.

Run: .venv/bin/python bench/bench_site.py
On a temporary database built from data/ it prints:
- the whole site (both languages, every page and open-data file) built and swapped into
  place, twice (aim: at most 60 s);
- after a reviewer approves one submitted upload, the time until the rebuilt site is in
  place (what `review approve` with INDICATORS_SITE_DIR waits for; aim: at most 15 s);
- the overview served by `python -m http.server`, in a fresh headless chromium each run
  (cold cache): first contentful paint (aim 0.5 s) and the first chart drawn (aim 1.5 s),
  from navigation start;
- the overview's weight: its HTML, stylesheet and script, besides the shared, cacheable
  plotly.min.js (aim: at most 300 KB).
The load average is printed: on this shared 2-core machine timings swing with it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.commands.build import build_database
from indicators.domain.auth import Accounts
from indicators.domain.review import decide
from indicators.site import SiteOptions, build_site, rebuild_after
from indicators.store import ACTUAL_COLUMNS, Store
from tests.support import browser_page, free_port

RUNS = 3
# Recorded by the page itself: when the first plotly chart's SVG appears.
WATCH_CHART = """
window.__chart = null;
new MutationObserver((m, obs) => {
  if (document.querySelector('.js-plotly-plot .main-svg')) {
    window.__chart = performance.now(); obs.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def _approve_one(store: Store) -> object:
    accounts = Accounts(store)
    accounts.add("nat", "long enough")
    accounts.add("rev", "long enough", role="reviewer")
    row = dict.fromkeys(ACTUAL_COLUMNS) | {
        "indicator_id": "info_consumption_scale",
        "region_code": "000000",
        "period": "2022",
        "t": 2022.0,
        "value": 7.3,
        "unit": "万亿元",
    }
    up = store.write_actuals(
        pd.DataFrame([row]), kind="file", user="nat", file_name="nat.csv", review=True
    )
    return decide(store, up.id, "rev", approve=True)


def _serve(root: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(200):
        try:
            urllib.request.urlopen(f"{url}/index.html", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    return proc, url


def _first_paint(url: str) -> tuple[float, float, float, float, int, int]:
    """Seconds from navigation start: first contentful paint, plotly.min.js received,
    plotly.min.js evaluated (the site script starts), first chart; bytes besides plotly.js,
    plotly.js bytes."""
    sizes: dict[str, int] = {}
    with browser_page(1440, 900) as page:
        page.add_init_script(WATCH_CHART)

        def record(response: object) -> None:
            try:
                sizes[response.url] = len(response.body())  # type: ignore[attr-defined]
            except Exception:
                sizes[response.url] = 0  # type: ignore[attr-defined]

        page.on("response", record)
        page.goto(f"{url}/en/index.html")
        page.wait_for_function("window.__chart !== null", timeout=30_000)
        fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
        chart = page.evaluate("window.__chart")
        received = page.evaluate(
            "performance.getEntriesByType('resource')"
            ".find(e => e.name.endsWith('plotly.min.js')).responseEnd"
        )
        ready = page.evaluate("performance.getEntriesByName('site-js')[0].startTime")
    plotly_js = sum(v for k, v in sizes.items() if k.endswith("plotly.min.js"))
    rest = sum(v for k, v in sizes.items() if not k.endswith("plotly.min.js"))
    return fcp / 1000, received / 1000, ready / 1000, chart / 1000, rest, plotly_js


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores, shared)")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "indicators.duckdb"
        build_database(Store(db))
        out = Path(tmp) / "public"
        store = Store(db)
        for i in range(2):
            report = build_site(store, out, SiteOptions())
            print(
                f"whole site, run {i + 1}: {report.seconds:.1f} s "
                f"({report.pages} pages, {report.files} files, "
                f"{report.bytes / 1e6:.1f} MB besides plotly.min.js)  [aim <= 60 s]"
            )
        os.environ["INDICATORS_SITE_DIR"] = str(out)
        started = time.perf_counter()
        up = _approve_one(store)
        approved = time.perf_counter()
        rebuilt = rebuild_after(store, up)  # type: ignore[arg-type]
        done = time.perf_counter()
        assert rebuilt is not None
        print(
            f"approval {approved - started:.2f} s, then the rebuilt site in place after "
            f"{done - approved:.1f} s  [aim <= 15 s]"
        )
        overview = out / "en" / "index.html"
        weight = sum(
            p.stat().st_size
            for p in (overview, out / "assets" / "site.css", out / "assets" / "site.js")
        )
        html_kb = overview.stat().st_size / 1024
        print(
            f"overview page weight: {weight / 1024:.0f} KB (HTML {html_kb:.0f} KB) "
            "besides plotly.min.js "
            f"{(out / 'assets' / 'plotly.min.js').stat().st_size / 1024:.0f} KB  [aim <= 300 KB]"
        )
        proc, url = _serve(out)
        try:
            for i in range(RUNS):
                fcp, received, ready, chart, rest, js = _first_paint(url)
                print(
                    f"fresh browser {i + 1}: first paint {fcp:.2f} s [aim 0.5], first chart "
                    f"{chart:.2f} s [aim 1.5] (plotly.js received {received:.2f} s, "
                    f"evaluated {ready:.2f} s); fetched {rest / 1024:.0f} KB + plotly.js "
                    f"{js / 1024:.0f} KB"
                )
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
