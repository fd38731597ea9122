"""Roles and review in the app (AppTest): a provincial planner refused another province's
row, submit → approve → an official sees the figure, and nothing an anonymous visitor can
reach writes anything."""

from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from indicators.domain.auth import Accounts, Session
from indicators.domain.review import decide
from indicators.store import Store, Upload
from tests.support import nat_uploads_2022_scale
from tests.test_views_pages import open_page, page_text, start
from ui import preview as preview_page
from ui.auth_ui import AuthKeys

PASSWORD = "long enough"
WRITE_KEYS = {
    "upload.commit",
    "edit.commit",
    "edit.check",
    "history.undo",
    "review.approve",
    "review.reject",
    "views.status.submit",
}


def _team(store: Store) -> None:
    accounts = Accounts(store)
    accounts.add("gd", PASSWORD, regions=["440000"])
    accounts.add("nat", PASSWORD)
    accounts.add("rev", PASSWORD, role="reviewer")
    accounts.add("boss", PASSWORD, role="admin")


@pytest.fixture
def submitted(store: Store) -> Upload:
    """The team's accounts, and planner nat's one figure waiting for review."""
    _team(store)
    return nat_uploads_2022_scale(store)


def _as(at: AppTest, name: str) -> None:
    now = time.time()
    at.session_state[AuthKeys.SESSION] = Session(name, now, now, "t")


def _upload(at: AppTest, text: str) -> None:
    open_page(at, "data-upload")
    data = ("指标,地区,时期,数值\n" + text).encode("utf-8")
    at.file_uploader[0].set_value(("in.csv", data, "text/csv")).run()
    assert not at.exception, at.exception


def test_every_page_url_without_login_writes_nothing(
    dashboard, monkeypatch, store: Store, submitted: Upload
) -> None:
    up = submitted
    decide(store, up.id, "rev", approve=True)
    before = store.dump()
    at = start(dashboard, store.path)
    for path in list(at.pages):
        open_page(at, path)
        # no write control is drawn for a visitor (the login form is no write)
        keys = {b.key for b in at.button}
        assert not keys & WRITE_KEYS and not any(str(k).startswith("accounts.") for k in keys)
        assert len(at.file_uploader) == 0, path
    assert store.dump() == before
    text = page_text(open_page(at, "upload-history"))
    assert "nat.csv" in text
    for name in ("gd", "nat", "rev", "boss"):  # no account name for a visitor
        assert f" {name} " not in f" {text} ".replace("\n", " ")


def test_a_provincial_planner_is_refused_another_provinces_row(
    dashboard, monkeypatch, store: Store
) -> None:
    _team(store)
    at = start(dashboard, store.path)
    _as(at, "gd")
    before = store.dump()
    _upload(at, "行政村通光纤比例,广东,2020,99.5\n行政村通光纤比例,广西,2020,99.1\n")
    assert "发现 1 个问题" in at.error[0].value
    table = at.dataframe[0].value
    assert list(table.iloc[0])[:3] == [3, "地区/region", "广西壮族自治区"]
    assert "不在账户 gd 可填报的地区内（广东省）" in table.iloc[0]["问题"]
    assert not [b for b in at.button if b.key == "upload.commit"]
    assert store.dump() == before


def test_submit_then_approve_then_an_official_sees_the_figure(
    dashboard, monkeypatch, store: Store
) -> None:
    _team(store)
    at = start(dashboard, store.path)
    _as(at, "gd")
    _upload(at, "行政村通光纤比例,广东,2020,99.5\n")
    at.button(key="upload.commit").click().run()
    assert not at.exception
    assert any("已提交审核" in i.value for i in at.info)
    up = store.uploads()[0]
    assert (up.user_name, up.state) == ("gd", "submitted")
    assert store.current_actuals(region_codes=["440000"]).empty  # not shown yet

    reviewer = start(dashboard, store.path)
    _as(reviewer, "rev")
    open_page(reviewer, "review")
    preview = reviewer.dataframe[1].value
    assert list(preview.iloc[0])[2:4] == ["–", "99.5 (2020)"]
    reviewer.button(key="review.approve").click().run()
    assert not reviewer.exception
    assert any(f"上传 #{up.id} 已批准" in s.value for s in reviewer.success)
    assert list(store.current_actuals(region_codes=["440000"])["value"]) == [99.5]

    official = start(dashboard, store.path, region="440000")
    open_page(official, "upload-history")
    assert "in.csv" in official.dataframe[0].value.to_string()


def test_the_uploader_cannot_approve_their_own_upload_and_a_rejection_needs_a_reason(
    dashboard,
    monkeypatch,
    store: Store,
) -> None:
    _team(store)
    at = start(dashboard, store.path)
    _as(at, "boss")
    _upload(at, "信息消费规模,全国,2022,7.3\n")
    at.button(key="upload.commit").click().run()
    open_page(at, "review")
    assert not [b for b in at.button if b.key == "review.approve"]
    reviewer = start(dashboard, store.path)
    _as(reviewer, "rev")
    open_page(reviewer, "review")
    reviewer.button(key="review.reject").click().run()
    assert "请填写退回原因" in reviewer.error[0].value
    reviewer.text_input(key="review.reason").set_value("单位应为万亿元")
    reviewer.button(key="review.reject").click().run()
    up = store.uploads()[0]
    assert (up.state, up.reason) == ("rejected", "单位应为万亿元")
    open_page(at, "upload-history")
    assert "已退回：单位应为万亿元" in at.dataframe[0].value.to_string()


def test_an_admin_creates_a_provincial_planner_and_sees_the_password_once(
    dashboard,
    monkeypatch,
    store: Store,
) -> None:
    _team(store)
    at = start(dashboard, store.path)
    _as(at, "boss")
    open_page(at, "accounts")
    at.text_input(key="accounts.new.name").set_value("gx")
    at.multiselect(key="accounts.new.regions").set_value(["450000"])
    at.button(key="FormSubmitter:accounts.new.form-创建账户").click().run()
    assert not at.exception
    assert any("只显示这一次" in i.value for i in at.info)
    password = at.code[0].value
    gx = Accounts(store).get("gx")
    assert gx is not None and (gx.role, gx.regions) == ("planner", ("450000",))
    assert Accounts(store).verify("gx", password)
    assert store.audit_log().iloc[0]["action"] == "account_add"
    # a planner is no admin
    _as(at, "gd")
    open_page(at, "accounts")
    assert "此页面需要管理员账户" in at.warning[0].value


def test_logging_out_in_one_tab_ends_the_session_in_the_other(
    dashboard, monkeypatch, store: Store
) -> None:
    _team(store)
    tabs = [start(dashboard, store.path), start(dashboard, store.path)]
    for tab in tabs:
        _as(tab, "nat")
        open_page(tab, "data-upload")
        assert len(tab.file_uploader) == 1
    tabs[0].button(key=AuthKeys.LOGOUT).click().run()
    assert len(tabs[0].file_uploader) == 0
    tabs[1].run()
    assert len(tabs[1].file_uploader) == 0
    assert "此操作需要规划人员登录" in tabs[1].info[0].value
    assert store.audit_log().iloc[0]["action"] == "logout"


def test_an_admin_reloads_the_catalog_and_the_audit_log_says_so(
    dashboard, monkeypatch, store: Store
) -> None:
    _team(store)
    figures = store.counts()["actuals"]
    at = start(dashboard, store.path)
    _as(at, "boss")
    open_page(at, "accounts")
    at.button(key="accounts.catalog").click().run()
    assert not at.exception
    assert any("目录已重新载入：18 个目标" in s.value for s in at.success)
    assert store.counts()["actuals"] == figures
    entry = store.audit_log().iloc[0]
    assert (entry["user_name"], entry["action"], entry["detail"]) == (
        "boss",
        "catalog_reload",
        "18 targets",
    )


def test_a_reviewer_previews_an_upload_on_every_view_and_an_official_never_sees_it(
    dashboard, monkeypatch, store: Store, submitted: Upload
) -> None:
    up = submitted
    pending = f"待发布（上传 #{up.id}，尚未批准）：2022"

    reviewer = start(dashboard, store.path)
    _as(reviewer, "rev")
    open_page(reviewer, "review")
    reviewer.button(key="review.preview").click().run()
    assert reviewer.session_state["preview.upload"] == up.id
    # (the banner is drawn by dashboard.py around every page: the browser test sees it)
    open_page(reviewer, "overview")
    assert pending in page_text(reviewer)
    assert "7.3 万亿元" in page_text(reviewer)  # the card shows the pending figure
    open_page(reviewer, "domain-scale")
    assert any(w.value == pending for w in reviewer.warning)
    chart = json.loads(reviewer.get("plotly_chart")[1].proto.spec)  # trajectory, after bullet
    rings = [t for t in chart["data"] if t.get("name") == f"待发布：上传 #{up.id}"]
    assert [p["y"] for p in rings] == [[7.3]]

    official = start(dashboard, store.path)
    for forged in (False, True):
        if forged:  # a preview choice smuggled into a session without an account
            official.session_state["preview.upload"] = up.id
        for path in ("overview", "domain-scale"):
            open_page(official, path)
            text = page_text(official) + "".join(w.value for w in official.warning)
            assert "预览" not in text and "待发布" not in text, (path, forged)
        open_page(official, "overview")
        assert "6.8 万亿元" in page_text(official) and "7.3 万亿元" not in page_text(official)

    # approved: the preview ends by itself; the figure is now published for everyone
    open_page(reviewer, "review")
    reviewer.button(key="review.approve").click().run()
    open_page(reviewer, "overview")
    assert "preview.upload" not in reviewer.session_state
    assert pending not in page_text(reviewer) and "7.3 万亿元" in page_text(reviewer)


def test_a_planner_previews_its_own_submitted_upload_not_another_planners(
    dashboard, monkeypatch, store: Store, submitted: Upload
) -> None:
    up = submitted
    nat = start(dashboard, store.path)
    _as(nat, "nat")
    open_page(nat, "review")
    assert not [b for b in nat.button if b.key in ("review.approve", "review.reject")]
    nat.button(key="review.preview").click().run()
    open_page(nat, "overview")
    assert f"待发布（上传 #{up.id}，尚未批准）：2022" in page_text(nat)
    gd = start(dashboard, store.path)
    _as(gd, "gd")
    open_page(gd, "review")
    assert "没有待审核的上传" in page_text(gd)
    gd.session_state["preview.upload"] = up.id  # not its upload: refused on the next run
    open_page(gd, "overview")
    assert "7.3 万亿元" not in page_text(gd) and "待发布" not in page_text(gd)
    assert "preview.upload" not in gd.session_state


def test_a_page_run_asks_the_store_once_who_is_signed_in_and_what_they_preview(
    dashboard, monkeypatch, store: Store, submitted: Upload
) -> None:
    up = submitted
    calls = {"account": 0, "preview": 0}
    account, allowed = Store.account, preview_page.may_preview

    def counted_account(self: Store, name: str):  # type: ignore[no-untyped-def]
        calls["account"] += 1
        return account(self, name)

    def counted_preview(*args):  # type: ignore[no-untyped-def]
        calls["preview"] += 1
        return allowed(*args)

    monkeypatch.setattr(Store, "account", counted_account)
    monkeypatch.setattr(preview_page, "may_preview", counted_preview)
    at = start(dashboard, store.path)
    _as(at, "rev")
    at.session_state["preview.upload"] = up.id
    # Navigation, the banner, snapshot(), the login box and the undo check all ask.
    for path in ("upload-history", "overview", "review"):
        calls.update(account=0, preview=0)
        open_page(at, path)
        assert calls == {"account": 1, "preview": 1}, path
    assert at.session_state["preview.upload"] == up.id
    # A logout in another tab is seen on the next run, not a run later.
    store.audit("rev", "logout")
    open_page(at, "overview")
    assert AuthKeys.SESSION not in at.session_state
    assert "preview.upload" not in at.session_state


def test_the_accounts_page_reads_the_account_list_once_per_run(
    dashboard,
    monkeypatch,
    store: Store,
) -> None:
    _team(store)
    calls = []
    listed = Store.accounts

    def counted(self: Store):  # type: ignore[no-untyped-def]
        calls.append(1)
        return listed(self)

    monkeypatch.setattr(Store, "accounts", counted)
    at = start(dashboard, store.path)
    _as(at, "boss")
    calls.clear()
    open_page(at, "accounts")
    # the table and the change form both show the four accounts, from one read
    assert at.dataframe[0].value["用户名"].tolist() == ["boss", "gd", "nat", "rev"]
    assert at.selectbox(key="accounts.choose").options == ["boss", "gd", "nat", "rev"]
    assert len(calls) == 1
    # every run reads the list afresh, once
    at.selectbox(key="accounts.choose").set_value("gd").run()
    assert len(calls) == 2  # one more run, one more read
    at.multiselect(key="accounts.regions.gd").set_value(["440000", "450000"])
    calls.clear()
    at.button(key="accounts.save").click().run()
    assert not at.exception
    assert len(calls) == 2  # the run that saved and the rerun it asked for: one read each
    table = at.dataframe[0].value.set_index("用户名")
    assert table.loc["gd", "可填报地区"] == "广东、广西"  # the rerun shows the change


def test_an_upload_decided_after_the_queue_was_read_leaves_the_queue_without_an_error(
    dashboard, monkeypatch, store: Store, submitted: Upload
) -> None:
    up = submitted
    stale = store.submitted_uploads()
    decide(store, up.id, "boss", approve=True)  # by another reviewer, in between
    calls: list[int] = []
    real = Store.submitted_uploads

    def read_before_the_decision(self: Store):  # type: ignore[no-untyped-def]
        calls.append(1)
        return stale if len(calls) == 1 else real(self)

    monkeypatch.setattr(Store, "submitted_uploads", read_before_the_decision)
    at = start(dashboard, store.path)
    _as(at, "rev")
    open_page(at, "review")
    assert len(calls) == 2  # read again on the rerun
    assert any(c.value == "没有待审核的上传" for c in at.caption)
    assert not at.error
