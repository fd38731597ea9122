"""The planner login: every page that writes calls ``require_planner`` first."""

from __future__ import annotations

import time

import streamlit as st

from indicators.auth import Accounts, LoginRefused, Session, login
from indicators.escape import for_markdown
from indicators.i18n import Lang, _


class AuthKeys:
    """Session-state keys of the login."""

    SESSION = "planner_session"
    FORM = "planner_login_form"
    NAME = "planner_login_name"
    PASSWORD = "planner_login_password"
    LOGOUT = "planner_logout"


def current_planner() -> str | None:
    """The logged-in planner, or None; an expired session is dropped here."""
    session: Session | None = st.session_state.get(AuthKeys.SESSION)
    if session is None:
        return None
    now = time.time()
    if not session.alive(now):
        del st.session_state[AuthKeys.SESSION]
        return None
    st.session_state[AuthKeys.SESSION] = session.touched(now)
    return session.name


def logout() -> None:
    st.session_state.pop(AuthKeys.SESSION, None)


def _drawn_this_run(user_key: str) -> bool:
    """Whether a widget with this key is already on the page in this run.

    A page may guard several forms (tasks and goals); the login form and the logout button
    must appear once, and Streamlit refuses a key twice. It keeps the keys of the current
    run in its script context; if that ever moves, we assume not drawn.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    shared = getattr(get_script_run_ctx(suppress_warning=True), "shared", None)
    keys = getattr(shared, "widget_user_keys_this_run", None)
    try:
        return keys is not None and user_key in keys
    except TypeError:
        return False


def require_planner(lang: Lang) -> str | None:
    """The planner's name; when nobody is logged in, a login form and None.

    Callers stop drawing their write controls on None (viewers never need to log in).
    """
    name = current_planner()
    if name is not None:
        if not _drawn_this_run(AuthKeys.LOGOUT):
            with st.sidebar:
                st.caption(_("auth.logged_in_as", lang, name=for_markdown(name)))
                st.button(_("auth.logout", lang), on_click=logout, key=AuthKeys.LOGOUT)
        return name
    if _drawn_this_run(AuthKeys.NAME):
        return None
    st.info(_("auth.login_needed", lang))
    with st.form(AuthKeys.FORM):
        user = st.text_input(_("auth.name", lang), key=AuthKeys.NAME)
        password = st.text_input(_("auth.password", lang), type="password",
                                 key=AuthKeys.PASSWORD)
        submitted = st.form_submit_button(_("auth.login", lang))
    if not submitted:
        return None
    accounts = Accounts()
    if not accounts.any():
        st.error(_("auth.no_accounts", lang))
        return None
    try:
        session = login(accounts, user, password)
    except LoginRefused as exc:
        if exc.reason == "locked":
            st.error(_("auth.locked", lang, minutes=max(1, round(exc.retry_after / 60))))
        else:
            st.error(_("auth.wrong", lang))
        return None
    st.session_state[AuthKeys.SESSION] = session
    st.rerun()
    return session.name
