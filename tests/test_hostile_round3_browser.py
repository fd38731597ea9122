"""Issue 25's browser halves: Streamlit's upload route, driven as an attacker would."""

from __future__ import annotations

import re
import time
import urllib.request
from pathlib import Path

import pytest

from indicators.domain.auth import Accounts
from indicators.store import Store
from tests.support import browser_page, serve_app, settle, sign_in_to_upload
from ui import upload_guard

pytestmark = pytest.mark.browser
MB = 1024 * 1024

# A PUT to the upload route as the page's own script would send it (XSRF header included).
PUT = """async ([url, n]) => {
    const xsrf = document.cookie.split('; ').find(c => c.startsWith('_streamlit_xsrf='));
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(n)]), 'x.csv');
    const r = await fetch(url, {method: 'PUT', body: form, credentials: 'same-origin',
        headers: xsrf ? {'X-Xsrftoken': decodeURIComponent(xsrf.split('=').slice(1).join('='))}
                      : {}});
    return r.status;
}"""


def _held_bytes(url: str) -> int:
    """What Streamlit's uploaded-file manager holds, from its own metrics."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=5) as r:
        text = r.read().decode()
    found = re.findall(r'cache_memory_bytes\{cache_type="UploadedFileManager"[^}]*\} (\d+)', text)
    return sum(int(n) for n in found)


def _settled_held(url: str, expected: int) -> int:
    """The bytes held once the page's run has freed what it frees (a second at most)."""
    deadline = time.monotonic() + 5
    while (held := _held_bytes(url)) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return held


def test_the_upload_route_answers_only_a_signed_in_planner_within_its_bytes(
    store: Store, tmp_path: Path
) -> None:
    Accounts(store).add("alice", "correct horse")
    # Our limit 1 MB: Streamlit's backstop 3 MB, a session may hold 6 MB.
    env = {"INDICATORS_MAX_UPLOAD_MB": "1"}
    good = tmp_path / "good.csv"
    good.write_bytes("指标,地区,时期,数值\n信息消费规模,全国,2021,6.9\n".encode())
    with serve_app(store.path, env=env) as url, browser_page(1280, 900) as page:
        puts: list[str] = []
        page.on("request", lambda r: puts.append(r.url) if r.method == "PUT" else None)
        page.goto(f"{url}/data-upload?lang=zh")
        sign_in_to_upload(page)
        # A real file through the uploader: its address names this tab's session.
        page.locator('input[type="file"]').set_input_files(str(good))
        page.wait_for_selector("text=确认写入 1 个数值")
        settle(page)
        session = puts[0].split("/upload_file/")[1].split("/")[0]
        assert _held_bytes(url) == good.stat().st_size
        # Committed: the preview is gone and so are its bytes.
        page.get_by_role("button", name="确认写入 1 个数值").click()
        page.wait_for_selector("text=已写入")
        settle(page)
        assert _settled_held(url, 0) == 0

        def put(file_id: str, n: int) -> int:
            route = f"{url}/_stcore/upload_file/{session}/{file_id}"
            return int(page.evaluate(PUT, [route, n]))

        # Signed out, the same tab is anonymous: refused, nothing held (it was taken and
        # kept in memory for the tab's life).
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_selector("text=此操作需要规划人员登录")
        settle(page)
        assert put("invented-1", 2 * MB) == 403
        assert _held_bytes(url) == 0

        # Signed in again (a sign-in may reload the page: a new session), a real file first
        # to learn the session's address; then files within its bound are taken, the next
        # one is not.
        sign_in_to_upload(page)
        other = tmp_path / "other.csv"
        other.write_bytes("指标,地区,时期,数值\n信息消费规模,全国,2021,7.0\n".encode())
        page.locator('input[type="file"]').set_input_files(str(other))
        page.wait_for_selector("text=确认写入 1 个数值")
        settle(page)
        session = puts[-1].split("/upload_file/")[1].split("/")[0]
        assert put("invented-2", int(2.5 * MB)) in (200, 204)
        assert put("invented-3", int(2.5 * MB)) in (200, 204)
        assert put("invented-4", int(2.5 * MB)) == 413
        assert _held_bytes(url) < 6 * MB
        # The page's next run frees what no uploader holds (strays included), once the
        # few seconds a new file has to be claimed by its uploader are over.
        time.sleep(upload_guard.CLAIM_S + 0.5)
        third = tmp_path / "third.csv"
        third.write_bytes("指标,地区,时期,数值\n信息消费规模,全国,2021,7.1\n".encode())
        page.locator('input[type="file"]').set_input_files(str(third))
        page.wait_for_selector("text=确认写入 1 个数值")
        settle(page)
        assert _settled_held(url, third.stat().st_size) == third.stat().st_size


# --- 1. no sign-in lockout by strangers ---------------------------------------------------------


def _newest_entry(store: Store) -> int:
    """The newest audit entry's id, once the log has stopped growing for a second (an
    attempt's entry can land after its words show: the next attempt must not take it)."""
    newest, still_since = -1, time.monotonic()
    deadline = still_since + 20
    while time.monotonic() < deadline:
        log = store.audit_log()
        now_newest = int(log["id"].max()) if len(log) else 0
        if now_newest != newest:
            newest, still_since = now_newest, time.monotonic()
        elif time.monotonic() - still_since >= 1.0:
            break
        time.sleep(0.1)
    return newest


def _try_login(page: object, store: Store, name: str, password: str) -> str:
    """Submit the sign-in form; the error it answers with, or "" once signed in. Answered
    by this attempt's own audit entry (a refusal to wait adds none: its words show)."""
    before = _newest_entry(store)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # generous: under a loaded CI machine a sign-in (argon2, the app's rerun) can take a while
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        log = store.audit_log()
        new = log[log["id"] > before]
        if ((new["action"] == "login") & (new["user_name"] == name)).any():
            # Signed in: the sign-in's cookie hand-over reloads the page with the uploader.
            page.wait_for_selector('[data-testid="stFileUploader"]')
            settle(page)
            return ""
        if (new["action"] == "login_failed").any() or page.locator("text=秒后再试").count():
            break
        page.wait_for_timeout(100)
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    settle(page)
    return str(page.locator('[data-testid="stAlertContentError"]').first.inner_text())


def test_a_stranger_failing_under_invented_names_delays_no_account(store: Store) -> None:
    """On loopback Streamlit knows no client address: every browser was one client, and a
    dozen failures under invented names made every account, admin included, wait (up to
    15 minutes). Now only that browser's session is slowed, and only under names it tried."""
    from playwright.sync_api import sync_playwright

    from tests.support import CHROMIUM, CHROMIUM_ARGS

    Accounts(store).add("alice", "correct horse")
    Accounts(store).add("boss", "correct horse", role="admin")
    with serve_app(store.path) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        stranger, planner = browser.new_page(), browser.new_page()
        for page in (stranger, planner):
            page.set_default_timeout(45_000)
            page.goto(f"{url}/data-upload?lang=zh")
            page.wait_for_selector("text=此操作需要规划人员登录")
            settle(page)
        for i in range(14):
            assert _try_login(stranger, store, f"nobody{i}", "guess") == "用户名或密码错误"
        for _ in range(4):
            _try_login(stranger, store, "alice", "guess")
        assert "秒后再试" in _try_login(stranger, store, "alice", "guess")  # that browser waits
        # ... and no one else: the planner in her own browser signs in at once.
        assert _try_login(planner, store, "alice", "correct horse") == ""
        browser.close()
    log = store.audit_log()
    failed = log[log["action"] == "login_failed"]
    clients = set(failed["client"])
    # The client used is the stranger's session (no address is known on loopback).
    assert len(clients) == 1 and next(iter(clients)).startswith("session ")
    assert log.iloc[0]["action"] == "login" and log.iloc[0]["client"].startswith("session ")
    assert log.iloc[0]["client"] not in clients


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(store: Store) -> None:
    Accounts(store).add("alice", "correct horse")
    # Two proxies: the outer one at 203.0.113.20, the inner one on this machine.
    env = {"INDICATORS_TRUSTED_PROXIES": "127.0.0.1,203.0.113.20"}
    with serve_app(store.path, env=env) as url, browser_page(1280, 900) as page:
        page.set_extra_http_headers(
            {"X-Forwarded-For": "198.51.100.7, 203.0.113.20", "X-Indicators-Client": "1.1.1.1"}
        )
        page.goto(f"{url}/data-upload?lang=zh")
        page.wait_for_selector("text=此操作需要规划人员登录")
        settle(page)
        assert _try_login(page, store, "alice", "guess") == "用户名或密码错误"
        assert _try_login(page, store, "alice", "correct horse") == ""
    log = store.audit_log()
    # The right-most address no trusted proxy has; our own header cannot be forged.
    assert list(log["client"][:2]) == ["198.51.100.7", "198.51.100.7"]
