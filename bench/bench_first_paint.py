"""Overview first paint in a fresh browser session: where the time goes.

Run: .venv/bin/python bench/bench_first_paint.py [--settled] [--baseline]  (or `make bench`).
Starts the dashboard as `make run` does on a temporary copy of the database (with --settled,
the first browser comes some seconds after the start), opens the overview in a new headless
chromium (cold cache) and prints, from navigation start: the first websocket
message from the server, the page title drawn, the first card drawn, the progress chart
drawn, the run done, with the bytes the server sent over the websocket (the figures'
JSON) and over HTTP (the JavaScript, plotly.js among it). Three runs: the first also pays
for the server's cold start (imports, database, figure cache). Aim: cards' first paint
under 2 s.

"card in DOM" is when the page's own MutationObserver saw the first card; "painted" is the
animation frame after that, the one that draws it (its callback runs just before the frame,
and waits out any long task queued first: this is the first paint the aim is about); "1st
card" is when Playwright's polling saw it, which also waits for whatever long task runs then
(plotly.js evaluating takes 1-4 s on this machine). --baseline also times a minimal Streamlit
page (a title and one line) served the same way: Streamlit's own floor on this machine. The
load average is printed: on this shared 2-core machine timings swing with it.
bench_view_cpu.py measures the server's CPU per view.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.base.paths import default_db_path
from indicators.commands.build import build_database
from indicators.store import Store
from tests.support import browser_page, serve_app

RUNS = 3
SETTLE = 8.0  # seconds, with --settled
# A card's "完成度 113%" line: the cards are drawn once it is.
CARD = '[data-testid="stMarkdownContainer"] >> text=/完成度 \\d/'
MARKS = r"""
window.__marks = {};
new MutationObserver(() => {
  const b = document.body;
  if (b && !('title' in window.__marks) && document.querySelector('h1'))
    window.__marks.title = performance.now();
  if (b && !('card' in window.__marks) && /完成度 \d/.test(b.textContent || '')) {
    window.__marks.card = performance.now();
    // The next animation frame is the one that paints the card: its callback runs just
    // before that frame is drawn, so a long task (plotly.js evaluating) delays it too.
    requestAnimationFrame(() => { window.__marks.card_frame = performance.now(); });
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def one_run(url: str, *, chart: bool = True) -> dict[str, float]:
    sent = {"ws": 0, "http": 0}
    first_frame: list[float] = []
    with browser_page(1440, 900) as page:

        def on_ws(ws: object) -> None:
            def frame(payload: bytes | str) -> None:
                if not first_frame:
                    first_frame.append(time.perf_counter())
                sent["ws"] += len(payload)

            ws.on("framereceived", frame)

        def on_response(resp: object) -> None:
            # Redirects and aborted requests have no body.
            with contextlib.suppress(Exception):
                sent["http"] += len(resp.body())

        page.on("websocket", on_ws)
        page.on("response", on_response)
        page.add_init_script(MARKS)
        start = time.perf_counter()
        page.goto(f"{url}/?lang=zh", wait_until="commit")
        page.wait_for_selector(CARD)
        card = time.perf_counter()
        if chart:
            page.wait_for_selector(".js-plotly-plot .main-svg")
        drawn = time.perf_counter()
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
        charts = time.perf_counter()
        card_dom = page.evaluate("window.__marks.card") / 1000
        card_frame = page.evaluate("window.__marks.card_frame") / 1000
        title_dom = page.evaluate("window.__marks.title") / 1000
    return {
        "card_dom": card_dom,
        "card_frame": card_frame,
        "title_dom": title_dom,
        "ws_first": (first_frame[0] if first_frame else charts) - start,
        "card": card - start,
        "chart": drawn - start,
        "charts": charts - start,
        "ws_kb": sent["ws"] / 1024,
        "http_kb": sent["http"] / 1024,
    }


# The floor: Streamlit drawing one title and one card-like line, nothing else (no sidebar,
# navigation, data or charts), served and opened the same way. What the overview adds to
# first paint is its "painted" minus this one's.
MINIMAL_APP = 'import streamlit as st\nst.title("基线")\nst.markdown("完成度 100%")\n'


def print_runs(url: str, *, chart: bool = True) -> None:
    print(
        f"{'run':<5}{'1st ws msg':>11}{'title':>7}{'card in DOM':>12}{'painted':>9}"
        f"{'1st card':>10}{'1st chart':>11}{'run done':>12}{'ws KB':>9}{'http KB':>9}"
    )
    for i in range(1, RUNS + 1):
        r = one_run(url, chart=chart)
        print(
            f"{i:<5}{r['ws_first']:>10.2f}s{r['title_dom']:>6.2f}s{r['card_dom']:>11.2f}s{r['card_frame']:>8.2f}s{r['card']:>9.2f}s"
            f"{r['chart']:>10.2f}s{r['charts']:>11.2f}s{r['ws_kb']:>9.0f}"
            f"{r['http_kb']:>9.0f}"
        )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        if Store(default_db_path()).exists():
            shutil.copy(default_db_path(), db)
        else:
            build_database(Store(db))
        started = time.perf_counter()
        with serve_app(db) as url:
            print(
                f"server up in {time.perf_counter() - started:.2f} s; "
                f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
            )
            if "--settled" in sys.argv:
                # The first visitor some seconds after a start, as after a deployment, not
                # the instant the port opens: serve.py's warm-up has finished by then.
                time.sleep(SETTLE)
            print_runs(url)
        if "--baseline" in sys.argv:
            minimal = Path(tmp) / "minimal.py"
            minimal.write_text(MINIMAL_APP, encoding="utf-8")
            with serve_app(db, script=minimal) as url:
                print("a minimal Streamlit page (a title and one line, no chart):")
                print_runs(url, chart=False)
        print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
