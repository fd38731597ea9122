"""A real nginx (deploy/indicators.nginx.conf, rendered by deploy/render.py) in front of two
replicas on one PostgreSQL store, driven in headless chromium: the overview renders, nginx
serves Streamlit's JavaScript itself (gzip, cached a year), a sign-in on one replica is
honoured after a reload routed to the other, a commit shows through both, and a replica
killed mid-session loses nothing: the browser reconnects to the live one, still signed in."""

from __future__ import annotations

import gzip
import re
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from indicators.domain.auth import Accounts
from indicators.domain.signin import BROWSER_COOKIE, COOKIE
from indicators.store import Store
from tests.conftest import drop_pg_store, new_pg_store
from tests.pgserver import PgServer
from tests.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    SERVERS,
    nginx_in_front,
    screenshot,
    serve_app,
    wait_for_app,
)

# Two servers, nginx and a replica killed: alone on the machine. nginx comes from the
# Makefile's test packages (Debian's nginx); without it this fails rather than skips.
pytestmark = [pytest.mark.browser, pytest.mark.serial]
UPLOADER = '[data-testid="stFileUploader"]'


def _get(url: str, **headers: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as r:
        return {k.lower(): v for k, v in r.headers.items()}, r.read()


def _browser_cookie_for(front: str, replica: str) -> str:
    """A browser cookie that nginx routes to `replica` ("127.0.0.1:PORT")."""
    for _ in range(200):
        value = secrets.token_urlsafe(24)
        headers, _body = _get(f"{front}/", Cookie=f"{BROWSER_COOKIE}={value}")
        if headers["x-upstream"] == replica:
            return value
    raise AssertionError(f"no cookie routed to {replica}")


def _pin(context: object, front: str, value: str) -> None:
    context.add_cookies([{"name": BROWSER_COOKIE, "value": value, "url": front}])


def _as_of(page: object) -> str:
    return page.get_by_text("Data as of").first.inner_text()


def _commit_2023(store: Store, tmp_path: Path) -> None:
    csv = tmp_path / "new.csv"
    csv.write_text(
        "indicator,region,period,value\ninfo_consumption_scale,000000,2023,7.6\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "indicators",
            "ingest",
            str(csv),
            "--db",
            store.location,
            "--user",
            "alice",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_nginx_in_front_of_two_replicas(
    pg_server: PgServer, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    store: Store = new_pg_store(pg_server, request.getfixturevalue("_built_pg"))
    Accounts(store).add("alice", "correct horse", role="planner")
    try:
        with (
            serve_app(store.location) as one,
            serve_app(store.location) as two,
            nginx_in_front([one[7:], two[7:]], tmp_path) as front,
            sync_playwright() as pw,
        ):
            a, b = one[7:], two[7:]  # "127.0.0.1:PORT", as nginx names them
            # Streamlit's JavaScript comes from nginx, compressed and cached for a year.
            _headers, html = _get(f"{front}/")
            script = re.search(rb'src="\./(static/js/[^"]+\.js)"', html)
            assert script is not None, html[:500]
            headers, body = _get(f"{front}/{script[1].decode()}", **{"Accept-Encoding": "gzip"})
            assert headers.get("x-served-by") == "nginx"
            assert headers.get("content-encoding") == "gzip"
            assert "immutable" in headers.get("cache-control", "")
            assert gzip.decompress(body)[:200]

            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{front}/?lang=en")
            wait_for_app(page)
            assert "Data as of 2021" in _as_of(page)
            screenshot(page, "nginx-overview-1440-en")

            # Signed in on replica one ...
            to_a, to_b = _browser_cookie_for(front, a), _browser_cookie_for(front, b)
            _pin(context, front, to_a)
            response = page.goto(f"{front}/data-upload?lang=en")
            assert response is not None and response.headers["x-upstream"] == a
            page.get_by_label("Name", exact=True).fill("alice")
            page.get_by_label("Password", exact=True).fill("correct horse")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_selector(UPLOADER)
            assert any(c["name"] == COOKIE for c in context.cookies())
            # ... still signed in after a reload routed to replica two.
            _pin(context, front, to_b)
            response = page.reload()
            assert response is not None and response.headers["x-upstream"] == b
            page.wait_for_selector(UPLOADER)
            page.get_by_text("Logged in as alice").wait_for()

            # A commit shows through both replicas.
            _commit_2023(store, tmp_path)
            for pin in (to_a, to_b):
                _pin(context, front, pin)
                page.goto(f"{front}/?lang=en")
                wait_for_app(page)
                assert "Data as of 2023" in _as_of(page)

            # Replica two killed mid-session: the browser reconnects through nginx to
            # replica one, still signed in, nothing lost.
            page.goto(f"{front}/data-upload?lang=en")
            page.wait_for_selector(UPLOADER)
            SERVERS[two].kill()
            SERVERS[two].wait(timeout=10)
            page.wait_for_function(
                "() => fetch('/_stcore/health').then(r => r.ok, () => false)", polling=500
            )
            page.wait_for_selector(UPLOADER, timeout=90_000)
            page.get_by_text("Logged in as alice").wait_for(timeout=90_000)
            # The live session answers: in-app navigation over the new websocket (B is gone,
            # so this script run is replica one's), the figures all there.
            page.get_by_role("link", name="Overview").first.click()
            wait_for_app(page)
            page.get_by_text(re.compile(r"(Data as of|数据截至) 2023")).first.wait_for()
            screenshot(page, "nginx-after-replica-lost-1440-en")
            latest = store.current_actuals(["info_consumption_scale"], ["000000"])
            assert "2023" in set(latest["period"])
            browser.close()
    finally:
        drop_pg_store(pg_server, store)
