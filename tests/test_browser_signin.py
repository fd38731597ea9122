"""Sign-in that lasts, in headless chromium against two replicas on one PostgreSQL store: a
reload and the other replica keep a planner signed in, a logout ends it in every browser,
and a forged or expired cookie leaves read-only access with a message saying so."""

from __future__ import annotations

import hashlib
import time

import pytest

from indicators.domain.auth import Accounts
from indicators.domain.signin import BROWSER_COOKIE, COOKIE
from indicators.store import Store
from tests.conftest import drop_pg_store, new_pg_store
from tests.pgserver import PgServer
from tests.support import CHROMIUM, CHROMIUM_ARGS, screenshot, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.serial]  # two servers at once
UPLOADER = '[data-testid="stFileUploader"]'
NEEDS_LOGIN = "text=This needs a planner login"


def _settle(page: object) -> None:
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def _upload_page(page: object, url: str) -> None:
    page.goto(f"{url}/data-upload?lang=en")
    page.wait_for_selector(f'{UPLOADER}, [data-testid="stForm"]')
    _settle(page)


def _sign_in(page: object, url: str) -> None:
    _upload_page(page, url)
    page.get_by_label("Name", exact=True).fill("alice")
    page.get_by_label("Password", exact=True).fill("correct horse")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector(UPLOADER)
    _settle(page)


def _signed_in(page: object) -> bool:
    return page.locator(UPLOADER).count() == 1 and page.get_by_text("Logged in as alice").count()


def _cookie(context: object, name: str) -> dict[str, object]:
    (cookie,) = [c for c in context.cookies() if c["name"] == name]
    return cookie


@pytest.fixture
def two_replicas(pg_server: PgServer, request: pytest.FixtureRequest):
    store: Store = new_pg_store(pg_server, request.getfixturevalue("_built_pg"))
    Accounts(store).add("alice", "correct horse", role="planner")
    try:
        with serve_app(store.location) as one, serve_app(store.location) as two:
            yield store, one, two
    finally:
        drop_pg_store(pg_server, store)


def test_a_sign_in_lasts_across_reloads_and_replicas_until_logout_anywhere(two_replicas):
    from playwright.sync_api import sync_playwright

    _store, one, two = two_replicas
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            laptop = browser.new_context(viewport={"width": 1280, "height": 900})
            page = laptop.new_page()
            page.set_default_timeout(45_000)
            _sign_in(page, one)
            assert page.url.startswith(f"{one}/data-upload")  # back where it signed in
            cookie = _cookie(laptop, COOKIE)
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            assert _cookie(laptop, BROWSER_COOKIE)["httpOnly"]

            page.reload()
            page.wait_for_selector(UPLOADER)
            _settle(page)
            assert _signed_in(page)
            tab = laptop.new_page()  # a new tab on the other replica
            tab.set_default_timeout(45_000)
            _upload_page(tab, two)
            assert _signed_in(tab)
            screenshot(tab, "signin-kept-on-replica-two-en")

            # Another browser (a phone) signed in as alice too, on replica two.
            phone = browser.new_context(viewport={"width": 390, "height": 844})
            other = phone.new_page()
            other.set_default_timeout(45_000)
            _sign_in(other, two)
            assert _cookie(phone, COOKIE)["value"] != cookie["value"]  # its own token

            # Log out on replica one: the laptop's cookie goes, the phone's sign-in ends.
            page.get_by_role("button", name="Log out").click()
            page.wait_for_selector(NEEDS_LOGIN)
            _settle(page)
            assert not [c for c in laptop.cookies() if c["name"] == COOKIE and c["value"]]
            tab.reload()
            tab.wait_for_selector(NEEDS_LOGIN)
            other.reload()
            other.wait_for_selector(NEEDS_LOGIN)
            other.wait_for_selector("text=This browser's sign-in has ended")
            assert other.locator(UPLOADER).count() == 0
            screenshot(other, "signin-ended-elsewhere-390-en")
        finally:
            browser.close()


def test_a_forged_or_expired_cookie_reads_only_and_says_so(two_replicas):
    from playwright.sync_api import sync_playwright

    store, one, two = two_replicas
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            page.set_default_timeout(45_000)
            _sign_in(page, one)
            value = str(_cookie(context, COOKIE)["value"])
            token, _, mac = value.partition(".")

            forged = f"{token[:-1]}{'A' if token[-1] != 'A' else 'B'}.{mac}"
            context.add_cookies([{"name": COOKIE, "value": forged, "url": one}])
            _upload_page(page, two)
            page.wait_for_selector("text=This browser's sign-in could not be verified")
            assert page.locator(UPLOADER).count() == 0
            screenshot(page, "signin-forged-1440-en")
            page.goto(f"{two}/?lang=en")  # reading needs no sign-in
            page.wait_for_selector(".js-plotly-plot .main-svg")

            # The real cookie, left idle longer than the idle time (8 h).
            context.add_cookies([{"name": COOKIE, "value": value, "url": one}])
            key = hashlib.sha256(token.encode()).hexdigest()
            store.touch_sign_in(key, time.time() - 8 * 3600 - 5)
            page.goto(f"{one}/data-upload?lang=zh")
            page.wait_for_selector("text=长时间未操作，登录已过期")
            assert page.locator(UPLOADER).count() == 0
            _settle(page)
            screenshot(page, "signin-expired-1440-zh")
            _upload_page(page, one)  # the expired sign-in is gone from the store
            page.wait_for_selector("text=This browser's sign-in has ended")
        finally:
            browser.close()
