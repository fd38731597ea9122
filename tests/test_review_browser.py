"""Review in headless chromium: a provincial planner is refused another province's row, then
submits; a reviewer approves in another browser; an official then sees the figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.domain.auth import Accounts
from indicators.store import Store
from tests.support import browser_page, nat_uploads_2022_scale, screenshot, serve_app

pytestmark = pytest.mark.browser
PASSWORD = "long enough"


def _settle(page: object) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def _login(page: object, name: str) -> None:
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_submit_approve_and_an_official_sees_it_and_another_province_is_refused(
    store: Store,
    tmp_path: Path,
) -> None:
    accounts = Accounts(store)
    accounts.add("gd", PASSWORD, regions=["440000"])
    accounts.add("rev", PASSWORD, role="reviewer")
    bad = tmp_path / "两省.csv"
    bad.write_text(
        "指标,地区,时期,数值\n行政村通光纤比例,广东,2020,99.5\n行政村通光纤比例,广西,2020,99.1\n",
        encoding="utf-8",
    )
    good = tmp_path / "广东.csv"
    good.write_text("指标,地区,时期,数值\n行政村通光纤比例,广东,2020,99.5\n", encoding="utf-8")
    with serve_app(store.path) as url:
        with browser_page(1280, 900) as page:
            page.goto(f"{url}/data-upload?lang=zh")
            page.wait_for_selector("text=此操作需要规划人员登录")
            _settle(page)
            _login(page, "gd")
            page.wait_for_selector('[data-testid="stFileUploader"]')
            page.locator('input[type="file"]').set_input_files(str(bad))
            page.wait_for_selector("text=发现 1 个问题")
            # the problem grid is drawn on a canvas; its cells stay in the DOM for readers
            page.wait_for_selector(
                "text=地区 450000 不在账户 gd 可填报的地区内（广东省）", state="attached"
            )
            _settle(page)
            screenshot(page, "review-province-refused-zh")
            page.locator('input[type="file"]').set_input_files(str(good))
            page.get_by_role("button", name="确认写入 1 个数值").click()
            page.wait_for_selector("text=已提交审核")
        up = store.uploads()[0]
        assert (up.user_name, up.state) == ("gd", "submitted")
        assert store.current_actuals(region_codes=["440000"]).empty

        with browser_page(1280, 900) as page:
            page.goto(f"{url}/review?lang=zh")
            _settle(page)
            _login(page, "rev")
            page.wait_for_selector("text=预览：批准后各指标的最新值和状态")
            _settle(page)
            screenshot(page, "review-queue-zh")
            page.get_by_role("button", name=f"批准上传 #{up.id}").click()
            page.wait_for_selector(f"text=上传 #{up.id} 已批准并对外显示")
        assert list(store.current_actuals(region_codes=["440000"])["value"]) == [99.5]

        with browser_page(1280, 900) as page:  # an official: no login
            page.goto(f"{url}/upload-history?lang=zh")
            page.wait_for_selector("text=追溯一个数值")
            _settle(page)
            screenshot(page, "review-official-history-zh")
            # the newest published upload is the approved one, with its figure
            page.wait_for_selector(f"text=上传 #{up.id} 写入的数值")
            page.wait_for_selector("text=广东.csv", state="attached")
            page.wait_for_selector("text=99.5", state="attached")
            assert "gd" not in page.inner_text("body").split()  # no account names


def test_a_reviewer_previews_the_dashboard_with_a_pending_upload_and_an_official_does_not(
    store: Store,
) -> None:

    accounts = Accounts(store)
    accounts.add("nat", PASSWORD)
    accounts.add("rev", PASSWORD, role="reviewer")
    up = nat_uploads_2022_scale(store)
    banner = f"text=预览：上传 #{up.id} 尚未发布"
    pending = f"text=待发布（上传 #{up.id}，尚未批准）：2022"
    with serve_app(store.path) as url:
        with browser_page(1280, 900) as page:
            page.goto(f"{url}/review?lang=zh")
            _settle(page)
            _login(page, "rev")
            page.get_by_role("button", name=f"预览批准后的仪表板（上传 #{up.id}）").click()
            page.wait_for_selector(banner)
            # moving between pages inside the app keeps the session, and the preview
            nav = page.locator('[data-testid="stSidebarNav"]')
            nav.get_by_role("link", name="总览").click()
            page.wait_for_selector(banner)
            page.wait_for_selector(pending)
            page.wait_for_selector("text=7.3 万亿元")
            _settle(page)
            screenshot(page, "preview-overview-zh")
            nav.get_by_role("link", name="信息消费规模与带动").click()
            page.wait_for_selector(banner)
            page.wait_for_selector(pending)
            page.wait_for_selector(f"text=待发布：上传 #{up.id}")  # the ring's legend entry
            _settle(page)
            screenshot(page, "preview-domain-zh")
            page.get_by_role("button", name="退出预览").click()
            page.wait_for_selector(banner, state="detached")
            page.wait_for_selector(pending, state="detached")

        with browser_page(1280, 900) as page:  # an official: no login, no preview
            page.goto(f"{url}/?lang=zh")
            page.wait_for_selector("text=6.8 万亿元")
            _settle(page)
            body = page.inner_text("body")
            assert "预览" not in body and "待发布" not in body and "7.3 万亿元" not in body
