"""Each private Streamlit surface in ui/streamlit_private.py, held to what the app needs of
it: a Streamlit upgrade that renames or removes one fails here, not quietly in production
(where each reader falls back to the public behaviour)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import streamlit
from streamlit.testing.v1 import AppTest

from ui import streamlit_private as private

FRONTEND = Path(streamlit.__file__).parent / "static"


def _surfaces_app() -> None:
    """Runs in AppTest: records what each surface gives inside a real script run."""
    import streamlit as st

    from tests.support import ROOT
    from ui import streamlit_private as private

    def drawn() -> None:
        pass

    seen = st.session_state.setdefault("seen", {"markers": []})
    seen["markers"].append(private.run_marker())
    seen["in_run"] = private.in_script_run()
    seen["function_page"] = private.page_source(st.Page(drawn, url_path="drawn")) is drawn
    seen["file_page"] = private.page_source(st.Page(ROOT / "pages" / "method.py", url_path="m"))
    seen["drawn_before"] = private.widget_drawn_this_run("the-button")
    st.button("press", key="the-button")
    seen["drawn_after"] = private.widget_drawn_this_run("the-button")
    seen["requested"] = private.requested_page_name()
    seen["session"] = private.session_id()


def _run() -> dict:
    at = AppTest.from_function(_surfaces_app, default_timeout=30)
    at.run()
    at.run()
    assert not at.exception
    return at.session_state["seen"]


def test_a_page_gives_its_function_or_its_script_path() -> None:
    seen = _run()
    assert seen["function_page"] is True
    assert seen["file_page"] is not None and Path(seen["file_page"]).name == "method.py"


def test_each_script_run_has_a_marker_of_its_own() -> None:
    markers = _run()["markers"]
    assert len(markers) == 2 and all(m is not None for m in markers)
    assert markers[0] is not markers[1]


def test_the_keys_of_the_widgets_drawn_this_run_are_readable() -> None:
    seen = _run()
    assert seen["drawn_before"] is False
    assert seen["drawn_after"] is True


def test_the_page_manager_says_which_page_a_run_was_asked_for() -> None:
    seen = _run()
    assert seen["in_run"] is True
    # A run that names no page: the manager is there and answers None, not an error.
    assert seen["requested"] is None
    from streamlit.runtime.pages_manager import PagesManager

    for name in ("intended_page_name", "intended_page_script_hash"):
        assert isinstance(inspect.getattr_static(PagesManager, name), property)


def test_outside_a_run_every_reader_answers_none() -> None:
    assert private.in_script_run() is False
    assert private.run_marker() is None
    assert private.widget_drawn_this_run("the-button") is False
    assert private.requested_page_name() is None
    assert private.session_id() is None
    # no server runtime: every session counts as held, and no upload store is there
    assert private.session_is_active("no-such-session") is True
    assert private.uploaded_file_manager() is None


def test_a_run_knows_its_session_and_the_runtime_names_what_the_upload_guard_reads() -> None:
    from streamlit.runtime import Runtime

    session = _run()["session"]
    assert isinstance(session, str) and session
    # read on a live server by ui/upload_guard.py and ui/client.py
    assert callable(Runtime.exists) and callable(Runtime.instance)
    assert callable(Runtime.is_active_session)
    assert isinstance(Runtime.__dict__.get("uploaded_file_mgr"), property)


def test_the_pages_directory_lookup_can_be_turned_off() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    before = PagesManager.uses_pages_directory
    try:
        private.turn_off_pages_directory()
        assert PagesManager.uses_pages_directory is False
        # Read where Streamlit decides whether to look in pages/: the flag is what it reads.
        assert "uses_pages_directory" in inspect.getsource(PagesManager)
    finally:
        PagesManager.uses_pages_directory = before


def test_every_css_test_id_is_still_in_streamlits_frontend() -> None:
    bundle = "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in FRONTEND.rglob("*.js")
    )
    for test_id in private.TEST_IDS:
        # `"data-testid": "x"`, or one side of a choice (`"data-testid": r ? `x` : `y``)
        pattern = rf"""data-testid["']?\s*:\s*(?:\w+\s*\?\s*)?[`"']{test_id}[`"']"""
        assert re.search(pattern, bundle), test_id
    selectors = (
        private.UPLOADER_DROPZONE,
        private.UPLOADER_INSTRUCTIONS,
        private.MARKDOWN_CONTAINER,
        private.SKIP_TO_CONTENT,
        private.SIDEBAR_NAV,
        private.SIDEBAR_NAV_ITEMS,
        private.CAPTION,
        private.PLOTLY_CHART,
        private.ELEMENT_CONTAINER,
        private.PAGE_LINK,
        private.UPLOADER,
    )
    assert {re.search(r'"(\w+)"', s).group(1) for s in selectors} == set(private.TEST_IDS)


def test_no_other_module_of_the_app_touches_a_private_surface() -> None:
    root = Path(__file__).resolve().parents[1]
    private_names = re.compile(
        r"data-testid|get_script_run_ctx|streamlit\.runtime|streamlit\.web\.server"
        r"|pages_manager|PagesManager|\._page\b|widget_user_keys_this_run|\.cursors\b"
    )
    files = [*(root / "ui").rglob("*.py"), *(root / "pages").rglob("*.py")]
    files += [root / "dashboard.py", root / "serve.py", *(root / "indicators").rglob("*.py")]
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for path in files
        if path.name != "streamlit_private.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if private_names.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def test_a_script_can_send_the_browser_to_a_route_and_knows_its_page_address() -> None:
    def app() -> None:
        import streamlit as st

        from ui import streamlit_private as private

        def page() -> None:
            st.write(f"page:{private.current_page_path()}")
            st.write(f"sent:{private.send_browser_to('/_signin/out?next=/')}")

        st.navigation([st.Page(page, title="Tasks", url_path="task-list")]).run()

    at = AppTest.from_function(app).run()
    assert [m.value for m in at.markdown] == ["page:", "sent:True"]  # the default page: ''
    assert private.current_page_path() is None and private.send_browser_to("/x") is False
