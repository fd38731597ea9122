"""The data-entry pages in Streamlit's AppTest: login first, then upload, history, edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.domain.auth import Accounts
from indicators.store import Store
from tests.support import StartDashboard

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
LOGIN_FORM_SUBMIT = "FormSubmitter:planner_login_form-登录"


@pytest.fixture
def app(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dashboard: StartDashboard
) -> AppTest:
    Accounts(store).add("alice", "correct horse")
    return dashboard(store.path, lang=None)


def _login(at: AppTest, password: str = "correct horse") -> None:
    at.text_input(key="planner_login_name").set_value("alice")
    at.text_input(key="planner_login_password").set_value(password)
    at.button(key=LOGIN_FORM_SUBMIT).click().run()


def test_viewers_see_the_history_but_writing_needs_a_login(app: AppTest) -> None:
    app.switch_page("pages/upload.py").run()
    assert not app.exception
    assert len(app.file_uploader) == 0
    assert "此操作需要规划人员登录" in app.info[0].value
    app.switch_page("pages/history.py").run()
    assert not app.exception
    assert "published_actuals.csv" in app.dataframe[0].value.to_string()
    assert not [b for b in app.button if b.key == "history.undo"]


def test_a_wrong_password_is_refused(app: AppTest) -> None:
    app.switch_page("pages/upload.py").run()
    _login(app, "wrong horse")
    assert app.error[0].value == "用户名或密码错误"
    assert len(app.file_uploader) == 0


def test_a_planner_uploads_sees_the_preview_and_commits(app: AppTest, store: Store) -> None:
    app.switch_page("pages/upload.py").run()
    _login(app)
    data = "指标,地区,时期,数值\n信息消费规模,全国,2021,6.9\n行政村通光纤比例,广西,2020,99.5\n"
    app.file_uploader[0].set_value(("g.csv", data.encode("gbk"), "text/csv")).run()
    assert not app.exception
    assert "自动检测编码：GBK/GB18030" in app.info[0].value
    assert [(m.label, m.value) for m in app.metric] == [("新增", "1"), ("修改", "1"), ("不变", "0")]
    # Tabs with rows only, new first: no empty "修改" tab in front of the new rows.
    assert [t.label for t in app.tabs] == ["新增", "修改"]
    changed = app.tabs[1].dataframe[0].value
    assert list(changed.iloc[0][["时期", "原值", "新值"]]) == ["2021", "6.8", "6.9"]
    app.button(key="upload.commit").click().run()
    up = store.uploads()[0]
    assert (up.user_name, up.file_name, up.rows_new, up.rows_changed) == ("alice", "g.csv", 1, 1)
    assert f"上传编号 {up.id}" in app.success[0].value
    # one account, no reviewer: the figures are published now, and the planner is told so
    assert up.state == "published"
    assert app.info[-1].value == f"已发布：官员现在即可看到这些数值（上传 #{up.id}）。"


def test_a_bad_upload_shows_the_problem_table_and_no_commit_button(
    app: AppTest,
    store: Store,
) -> None:
    app.switch_page("pages/upload.py").run()
    _login(app)
    before = store.dump()  # after the login, which the audit log records
    data = (FIXTURES / "unknown_region.csv").read_bytes()
    app.file_uploader[0].set_value(("bad.csv", data, "text/csv")).run()
    assert "发现 1 个问题" in app.error[0].value
    table = app.dataframe[0].value
    assert list(table.iloc[0])[:5] == [3, "B · 地区/region", "火星", "未知地区", "信息消费规模"]
    assert table.iloc[0]["提示"].startswith("没有相近的地区名")
    assert not [b for b in app.button if b.key == "upload.commit"]
    assert store.dump() == before


def test_a_problem_about_the_whole_file_leaves_its_row_blank_not_none(
    app: AppTest, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INDICATORS_MAX_UPLOAD_MB", "0.001")  # about 1 KB
    app.switch_page("pages/upload.py").run()
    _login(app)
    data = b"indicator,region,period,value\n" + b"fibre_village_share,110000,2020,99\n" * 60
    app.file_uploader[0].set_value(("big.csv", data, "text/csv")).run()
    assert "发现 1 个问题" in app.error[0].value
    table = app.dataframe[0].value
    assert table.iloc[0]["行"] == ""  # Streamlit drew a missing number as "None"
    assert "超过上限" in table.iloc[0]["问题"]


def test_a_pasted_yearbook_table_shows_how_it_was_read_and_commits_like_a_file(
    app: AppTest,
    store: Store,
) -> None:
    app.switch_page("pages/upload.py").run()
    _login(app)
    pasted = (FIXTURES / "yearbook_title_unit.csv").read_text(encoding="utf-8").replace(",", "\t")
    app.text_area(key="upload.paste.0").input(pasted).run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    how = "\n".join(m.value for m in app.markdown)
    assert "表头：第 4 行" in how
    assert "单位:%（见 A3 · 单位:%）" in how.replace("：", ":")
    ignored = app.dataframe[0].value
    assert list(ignored["行"]) == [1, 3, 8]
    assert list(ignored["忽略原因"]) == ["标题行", "单位行", "表下注释"]
    assert [(m.label, m.value) for m in app.metric] == [("新增", "6"), ("修改", "0"), ("不变", "0")]
    assert [t.label for t in app.tabs] == ["新增"]
    app.button(key="upload.commit").click().run()
    up = store.uploads()[0]
    assert (up.file_name, up.rows_new, up.rows_unchanged) == ("粘贴的表格.tsv", 6, 0)


def test_a_planner_undoes_an_upload_from_the_history(app: AppTest, store: Store) -> None:
    from indicators.ingest import Options, check_file, commit

    checked = check_file(
        "指标,地区,时期,数值\n信息消费规模,全国,2021,6.9\n".encode(),
        "u.csv",
        store.catalog(),
        Options(),
    )
    up = commit(store, checked, user="alice")
    app.switch_page("pages/history.py").run()
    _login(app)
    app.selectbox(key="history.upload").set_value(up.id).run()
    app.checkbox(key="history.confirm").check().run()
    app.button(key="history.undo").click().run()
    assert not app.exception
    assert store.upload(up.id).undone_by is not None
    cur = store.current_actuals(["info_consumption_scale"], ["000000"])
    assert cur.loc[cur["period"] == "2021", "value"].item() == 6.8


def test_the_edit_form_is_behind_the_login_and_lists_current_values(app: AppTest) -> None:
    app.switch_page("pages/edit.py").run()
    assert not app.exception
    assert not [s for s in app.selectbox if s.key == "edit.indicator"]
    _login(app)
    assert not app.exception
    app.selectbox(key="edit.indicator").set_value("info_consumption_scale").run()
    app.selectbox(key="edit.region").set_value("000000").run()
    assert not app.exception
    assert "尚无修改" in [c.value for c in app.caption]


def test_the_edit_form_turns_changed_and_added_rows_into_records(store: Store) -> None:
    from indicators.ingest.edits import edited_records, editor_frame

    original = editor_frame(store.current_actuals(), "fibre_village_share", "000000")
    assert list(original["value"]) == [">98", ">99"]  # as published, qualifier kept
    edited = original.copy()
    edited.loc[1, "value"] = ">99.5"
    edited.loc[2] = ["2022", "99.8", "%", "工信部", ""]
    edited.loc[3] = ["", "", "", "", ""]  # an added row never filled in
    records, rows = edited_records(original, edited, "fibre_village_share", "000000")
    assert rows == [2, 3]
    assert [(r["period"], r["value"]) for r in records] == [("2021-05", ">99.5"), ("2022", "99.8")]


def test_the_edit_form_opens_for_a_region_with_no_figure_yet(app: AppTest, store: Store) -> None:
    """A region with no figure of the indicator: the empty table's columns were typed as
    float and st.data_editor refused its text columns (the page crashed for a regional
    planner on first opening it), so no first figure could be entered through the form."""
    from indicators.ingest.edits import edited_records, editor_frame

    assert store.current_actuals(["info_consumption_scale"], ["110000"]).empty
    app.switch_page("pages/edit.py").run()
    _login(app)
    app.selectbox(key="edit.indicator").set_value("info_consumption_scale").run()
    app.selectbox(key="edit.region").set_value("110000").run()
    assert not app.exception
    assert "尚无修改" in [c.value for c in app.caption]
    # The first figure typed into the empty table becomes a record.
    original = editor_frame(store.current_actuals(), "info_consumption_scale", "110000")
    assert original.empty
    edited = original.copy()
    edited.loc[0] = ["2021", "0.8", "万亿元", "北京市统计局", ""]
    records, rows = edited_records(original, edited, "info_consumption_scale", "110000")
    assert rows == [1]
    assert records[0]["value"] == "0.8" and records[0]["period"] == "2021"
