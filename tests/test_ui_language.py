"""Chinese pages carry no English left over from Streamlit's widget defaults."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.support import ROOT


def test_the_tasks_status_filter_has_a_chinese_placeholder(monkeypatch, store):
    monkeypatch.setenv("INDICATORS_DB", str(store.path))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = "zh"
    at.switch_page("pages/tasks.py").run()
    assert not at.exception
    placeholders = [m.proto.placeholder for m in at.multiselect]
    assert placeholders == ["全部状态"]
