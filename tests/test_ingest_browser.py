"""The upload page in headless chromium: login, a rejected file, then a preview, in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.domain.auth import Accounts
from tests.support import browser_page, screenshot, serve_app, settle, sign_in_to_upload

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ZONE = "[data-testid='stFileUploaderDropzone']"
# The text a CSS ::after adds to the element a selector finds.
AFTER = "s => getComputedStyle(document.querySelector(s), '::after').content"


def test_a_planner_uploads_in_the_browser_and_sees_problems_then_a_preview(store, tmp_path):
    Accounts(store).add("alice", "correct horse")
    with serve_app(store.path) as url, browser_page(1280, 900) as page:
        page.goto(f"{url}/data-upload?lang=zh")
        page.wait_for_selector("text=此操作需要规划人员登录")
        settle(page)
        # serve.py turns off Streamlit's legacy pages/ lookup: a deep link routes cleanly
        assert page.get_by_role("dialog").count() == 0
        page.get_by_label("用户名").fill("alice")
        page.get_by_label("密码").fill("correct horse")
        page.get_by_role("button", name="登录").click()
        page.wait_for_selector('[data-testid="stFileUploader"]')
        settle(page)
        # Streamlit's own uploader words ("Upload", "101MB per file") replaced by ours in Chinese
        zone = page.locator('[data-testid="stFileUploaderDropzone"]').inner_text()
        assert "Upload" not in zone and "per file" not in zone, zone
        assert page.evaluate(AFTER, f"{ZONE} button [data-testid='stMarkdownContainer']") == (
            '"选择文件"'
        )
        note = page.evaluate(AFTER, "[data-testid='stFileUploaderDropzoneInstructions'] > div")
        assert "每个文件不超过 50 MB" in note and "CSV、TXT" in note, note
        screenshot(page, "upload-empty-zh")

        page.locator('input[type="file"]').set_input_files(str(FIXTURES / "not_numeric.csv"))
        page.wait_for_selector("text=发现 1 个问题")
        page.wait_for_selector('[data-testid="stDataFrame"]')
        settle(page)
        screenshot(page, "upload-rejected-zh")

        good = tmp_path / "广西.csv"
        good.write_bytes(
            "指标,地区,时期,数值\n信息消费规模,全国,2021,6.9\n"
            "行政村通光纤比例,广西,2020,99.5\n".encode("gbk")
        )
        page.locator('input[type="file"]').set_input_files(str(good))
        page.wait_for_selector("text=自动检测编码：GBK/GB18030")
        page.wait_for_selector("text=确认写入 2 个数值")
        settle(page)
        shot = screenshot(page, "upload-preview-zh")
        assert shot.stat().st_size > 20_000
        page.get_by_role("button", name="确认写入 2 个数值").click()
        page.wait_for_selector("text=已写入")

        # A yearbook table pasted from a web page: read below its title, and shown how.
        pasted = (FIXTURES / "yearbook_title_unit.csv").read_text(encoding="utf-8")
        page.locator("textarea").fill(pasted.replace(",", "\t"))
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("text=表头：第 4 行")
        page.wait_for_selector("text=确认写入 6 个数值")
        settle(page)
        screenshot(page, "upload-pasted-yearbook-zh")

        page.goto(f"{url}/upload-history?lang=en")
        page.wait_for_selector("text=Trace a figure")
        settle(page)
        assert page.get_by_role("dialog").count() == 0
        screenshot(page, "upload-history-en")
    up = store.uploads()[0]
    assert (up.user_name, up.file_name, up.rows_new, up.rows_changed) == ("alice", "广西.csv", 1, 1)


def test_a_file_over_the_limit_is_refused_in_the_planners_language_not_by_the_server(
    store, tmp_path
):
    Accounts(store).add("alice", "correct horse")
    big = tmp_path / "big.csv"
    big.write_text(
        "indicator,region,period,value\n" + "fibre_village_share,全国,2020,99\n" * 60_000,
        encoding="utf-8",
    )  # 2 MB against a 1 MB limit
    env = {"INDICATORS_MAX_UPLOAD_MB": "1"}
    with serve_app(store.path, env=env) as url, browser_page(1280, 900) as page:
        page.goto(f"{url}/data-upload?lang=zh")
        sign_in_to_upload(page)
        page.locator('input[type="file"]').set_input_files(str(big))
        page.wait_for_selector("text=发现 1 个问题")
        settle(page)
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "413" not in text and "Error" not in text, text
        screenshot(page, "upload-too-large-zh")


def test_a_file_over_streamlits_own_limit_is_refused_in_the_planners_language(store, tmp_path):
    # Past the uploader's backstop (twice our limit, +1 MB) Streamlit refuses the file in the
    # browser itself, in English ("File must be 3.0MB or smaller."): worded in Chinese here.
    Accounts(store).add("alice", "correct horse")
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"indicator,region,period,value\n" + b"x" * (4 * 1024 * 1024))
    env = {"INDICATORS_MAX_UPLOAD_MB": "1"}
    with serve_app(store.path, env=env) as url, browser_page(1280, 900) as page:
        page.goto(f"{url}/data-upload?lang=zh")
        sign_in_to_upload(page)
        page.locator('input[type="file"]').set_input_files(str(huge))
        note = page.locator('[data-testid="stFileUploader"] .ind-too-large')
        note.wait_for()
        assert note.is_visible() and note.inner_text().startswith("文件不得超过 3")
        text = page.locator('[data-testid="stFileUploader"]').inner_text()
        assert "File must be" not in text and "Error" not in text, text
        screenshot(page, "upload-over-backstop-zh")
