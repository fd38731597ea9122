"""Helpers for tests that run the real app: a Streamlit server and headless chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from streamlit.testing.v1 import AppTest

from indicators.domain.review_policy import submits_for_review
from indicators.store import ACTUAL_COLUMNS, Store, Upload

ROOT = Path(__file__).resolve().parents[1]
# The `dashboard` fixture (conftest.py): store, then lang, run, timeout, query-string values.
StartDashboard = Callable[..., AppTest]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The server process behind each URL serve_app yields (a test may kill one: a replica lost).
SERVERS: dict[str, subprocess.Popen[bytes]] = {}


@contextmanager
def serve_app(
    db_path: Path,
    *,
    env: dict[str, str] | None = None,
    script: Path | None = None,
    port: int | None = None,
) -> Iterator[str]:
    """Run the dashboard as `make run` does (serve.py) on a free loopback port (or `port`);
    yield its URL. `script`: another Streamlit app served the same way instead."""
    port = port or free_port()
    app = [str(ROOT / "serve.py")] if script is None else ["-m", "streamlit", "run", str(script)]
    # The server's output goes to a file, not a pipe: nobody reads a pipe while the app runs,
    # and once its 64 KB buffer fills (a warning per page run, many sessions) the server
    # blocks on its next log line and every page hangs.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                *app,
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env={**os.environ, "INDICATORS_DB": str(db_path), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                # Our process first: under pytest-xdist another worker's server could hold
                # the port, and its health answer must not be taken for ours.
                if proc.poll() is None:
                    try:
                        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                            if r.status == 200:
                                break
                    except OSError:
                        pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    out = log.read().decode(errors="replace")
                    raise RuntimeError(f"streamlit did not start:\n{out}")
                time.sleep(0.3)
            SERVERS[url] = proc
            yield url
        finally:
            SERVERS.pop(url, None)
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _render_nginx(replicas: list[str], listen: str) -> str:
    """deploy/render.py's nginx file (deploy/ is not a package: loaded by path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("deploy_render", ROOT / "deploy" / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.render(replicas, listen))


@contextmanager
def nginx_in_front(replicas: list[str], workdir: Path) -> Iterator[str]:
    """nginx in the foreground on a free port, everything it writes under `workdir`."""
    port = free_port()
    (workdir / "site.conf").write_text(
        _render_nginx(replicas, f"127.0.0.1:{port}"), encoding="utf-8"
    )
    temps = "\n".join(
        f"  {kind}_temp_path {workdir / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    (workdir / "nginx.conf").write_text(
        f"""daemon off;
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
  include /etc/nginx/mime.types;
  access_log {workdir / "access.log"};
{temps}
  uwsgi_temp_path {workdir / "uwsgi"};
  scgi_temp_path {workdir / "scgi"};
  include {workdir / "site.conf"};
}}
""",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        ["nginx", "-p", str(workdir), "-c", str(workdir / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {proc.stderr.read()!r}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# Set by tests/tiers.py for a test outside the browser tier: calling it says which mark to add.
BROWSER_REFUSED: Callable[[], object] | None = None


@contextmanager
def browser_page(width: int = 1280, height: int = 720) -> Iterator[object]:
    """A Playwright page in Debian's chromium (never a downloaded browser)."""
    if BROWSER_REFUSED is not None:
        BROWSER_REFUSED()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(45_000)
            yield page
        finally:
            browser.close()


def wait_for_app(page: object) -> None:
    """Wait until Streamlit has finished running the script and drawn a chart."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_selector(".js-plotly-plot .main-svg")
    settle(page)


# Every table on the page drawn: Streamlit loads its grid lazily, showing a grey placeholder
# and then an empty box until the grid's canvas is there (a review-page artifact showed both).
TABLES_DRAWN = """() => !document.querySelector('[data-testid^="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stDataFrame"]')]
        .every(t => t.querySelector('canvas'))"""


def settle(page: object) -> None:
    """Until Streamlit's running indicator is gone: the script run has finished."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def sign_in_to_upload(page: object, name: str = "alice", password: str = "correct horse") -> None:
    """On the Chinese upload page: sign in through its form and wait for the uploader."""
    page.wait_for_selector("text=此操作需要规划人员登录")
    settle(page)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector('[data-testid="stFileUploader"]')
    settle(page)


def screenshot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    with suppress(Exception):  # a picture for people to look at, not what the test asserts
        page.wait_for_function(TABLES_DRAWN, timeout=15_000)
    page.screenshot(path=str(path), full_page=True)
    return path


def nat_uploads_2022_scale(store: Store, value: float = 7.3) -> Upload:
    """Planner "nat" uploads one national figure, information consumption 2022 (万亿元):
    with review on, it waits for a reviewer."""
    import pandas as pd

    row = dict.fromkeys(ACTUAL_COLUMNS) | {
        "indicator_id": "info_consumption_scale",
        "region_code": "000000",
        "period": "2022",
        "t": 2022.0,
        "value": value,
        "unit": "万亿元",
    }
    return store.write_actuals(
        pd.DataFrame([row]),
        kind="file",
        user="nat",
        file_name="nat.csv",
        review=submits_for_review(store),
    )
