"""Issue 25's browser halves: Streamlit's upload route, driven as an attacker would."""

from __future__ import annotations

import re
import time
import urllib.request
from pathlib import Path

import pytest

from indicators.domain.auth import Accounts
from indicators.store import Store
from tests.support import browser_page, serve_app

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


def _settle(page: object) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


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
        _login(page)
        # A real file through the uploader: its address names this tab's session.
        page.locator('input[type="file"]').set_input_files(str(good))
        page.wait_for_selector("text=确认写入 1 个数值")
        _settle(page)
        session = puts[0].split("/upload_file/")[1].split("/")[0]
        assert _held_bytes(url) == good.stat().st_size
        # Committed: the preview is gone and so are its bytes.
        page.get_by_role("button", name="确认写入 1 个数值").click()
        page.wait_for_selector("text=已写入")
        _settle(page)
        assert _settled_held(url, 0) == 0

        def put(file_id: str, n: int) -> int:
            route = f"{url}/_stcore/upload_file/{session}/{file_id}"
            return int(page.evaluate(PUT, [route, n]))

        # Signed out, the same tab is anonymous: refused, nothing held (it was taken and
        # kept in memory for the tab's life).
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_selector("text=此操作需要规划人员登录")
        _settle(page)
        assert put("invented-1", 2 * MB) == 403
        assert _held_bytes(url) == 0

        # Signed in: files within the session's bound are taken, the next one is not.
        _login(page)
        assert put("invented-2", int(2.5 * MB)) in (200, 204)
        assert put("invented-3", int(2.5 * MB)) in (200, 204)
        assert put("invented-4", int(2.5 * MB)) == 413
        assert _held_bytes(url) < 6 * MB
        # The page's next run frees what no uploader holds (strays included).
        other = tmp_path / "other.csv"
        other.write_bytes("指标,地区,时期,数值\n信息消费规模,全国,2021,7.0\n".encode())
        page.locator('input[type="file"]').set_input_files(str(other))
        page.wait_for_selector("text=确认写入 1 个数值")
        _settle(page)
        assert _settled_held(url, other.stat().st_size) == other.stat().st_size


def _login(page: object) -> None:
    page.wait_for_selector("text=此操作需要规划人员登录")
    _settle(page)
    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill("correct horse")
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector('[data-testid="stFileUploader"]')
    _settle(page)
