"""Chinese pages carry no English left over from Streamlit's widget defaults."""

from __future__ import annotations


def test_the_tasks_status_filter_has_a_chinese_placeholder(dashboard, store):
    at = dashboard(store.path, lang="zh", run=False)
    at.switch_page("pages/tasks.py").run()
    assert not at.exception
    placeholders = [m.proto.placeholder for m in at.multiselect]
    assert placeholders == ["全部状态"]
