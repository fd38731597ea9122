"""Single sign-on against a real OpenID Connect provider process (oidc-provider-mock), in
headless chromium: a planner linked by verified e-mail signs in at the provider, uploads,
and signs out; an identity no account names reads only, and is told so."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from indicators.commands.cli import main
from indicators.store import Store
from tests.support import browser_page, free_port, screenshot, serve_app

pytestmark = pytest.mark.browser
UPLOADER = '[data-testid="stFileUploader"]'
PLANNER = {"sub": "wang-7f3a", "email": "Wang.Ming@example.gov.cn", "email_verified": True}
STRANGER = {"sub": "stranger-1", "email": "someone@example.com", "email_verified": True}


@contextmanager
def oidc_provider() -> Iterator[str]:
    """The provider on a free port; its issuer URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "oidc_provider_mock", "--port", str(port)),
            *("--user-claims", json.dumps(PLANNER), "--user-claims", json.dumps(STRANGER)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the OIDC provider did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _settle(page: object) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def _sign_in_as(page: object, app: str, subject: str) -> None:
    page.goto(f"{app}/data-upload?lang=en")
    page.get_by_role("button", name="Sign in with your organisation's account").click()
    page.get_by_role("button", name=subject).click()  # the provider's page
    _back_home(page, app)
    page.goto(f"{app}/data-upload?lang=en")


def _signed_out_at_provider(page: object, app: str) -> None:
    """Streamlit ends the provider's session too; the provider asks, then sends us back."""
    page.get_by_role("button", name="End session").click()
    _back_home(page, app)


def _back_home(page: object, app: str) -> None:
    """Streamlit's callback (or sign-out) ends on the app's root: wait until it is there."""
    page.wait_for_url(re.compile(rf"^{re.escape(app)}/?(\?.*)?$"))
    page.wait_for_selector('[data-testid="stApp"]')
    _settle(page)


def test_single_sign_on_sign_in_upload_sign_out(store: Store, tmp_path) -> None:
    assert main(["add-planner", "wang", "--email", PLANNER["email"], "--db", str(store.path)]) == 0
    app_port = free_port()
    app = f"http://127.0.0.1:{app_port}"
    with oidc_provider() as issuer:
        env = {
            "INDICATORS_OIDC_METADATA_URL": f"{issuer}/.well-known/openid-configuration",
            "INDICATORS_OIDC_CLIENT_ID": "indicators-dashboard",
            "INDICATORS_OIDC_CLIENT_SECRET": "test-client-secret",
            "INDICATORS_OIDC_REDIRECT_URI": f"{app}/oauth2callback",
            "INDICATORS_OIDC_COOKIE_SECRET": "test-cookie-secret-0123456789",
        }
        with serve_app(store.path, env=env, port=app_port), browser_page(1280, 900) as page:
            # Someone the provider knows but no account names: read-only, told why.
            _sign_in_as(page, app, STRANGER["sub"])
            page.wait_for_selector("text=The identity someone@example.com is not registered")
            _settle(page)
            assert page.locator(UPLOADER).count() == 0
            screenshot(page, "sso-unknown-identity-en")
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(f"{app}/data-upload?lang=zh")
            page.wait_for_selector("text=尚未在本系统登记，现为只读访问")
            _settle(page)
            assert page.get_by_role("button", name="使用单位统一身份登录").count() == 0
            screenshot(page, "sso-unknown-identity-390-zh")
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(f"{app}/data-upload?lang=en")
            page.wait_for_selector("text=The identity someone@example.com is not registered")
            page.get_by_role("button", name="Sign out of your organisation's account").click()
            _signed_out_at_provider(page, app)

            # The planner, linked by verified e-mail (matched whatever its case).
            _sign_in_as(page, app, PLANNER["sub"])
            page.wait_for_selector(UPLOADER)
            page.get_by_text("Logged in as wang").wait_for()
            good = tmp_path / "sso.csv"
            good.write_text(
                "indicator,region,period,value\ninfo_consumption_scale,000000,2023,7.6\n",
                encoding="utf-8",
            )
            page.locator('input[type="file"]').set_input_files(str(good))
            page.get_by_role("button", name=re.compile(r"^Store 1 figure")).click()
            page.wait_for_selector("text=Stored as upload")
            _settle(page)
            screenshot(page, "sso-uploaded-en")

            page.get_by_role("button", name="Log out").click()
            _signed_out_at_provider(page, app)
            page.goto(f"{app}/data-upload?lang=en")
            page.wait_for_selector("text=This needs a planner login")
            _settle(page)
            assert page.locator(UPLOADER).count() == 0
    upload = store.uploads()[0]  # the newest
    assert (upload.user_name, upload.rows_new) == ("wang", 1)
    log = store.audit_log()
    assert "account_identity" in set(log["action"])
