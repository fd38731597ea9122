"""The login: every page that writes calls ``require_planner`` (or ``require_account``) first."""

from __future__ import annotations

import time

import streamlit as st

from indicators.base.escape import for_markdown
from indicators.base.i18n import Lang, _
from indicators.domain.auth import Account, Accounts, LoginRefused, Session, login
from ui.session import per_run, store
from ui.streamlit_private import widget_drawn_this_run


class AuthKeys:
    """Session-state keys of the login."""

    SESSION = "planner_session"
    FORM = "planner_login_form"
    NAME = "planner_login_name"
    PASSWORD = "planner_login_password"
    LOGOUT = "planner_logout"


def current_account() -> Account | None:
    """The logged-in account, or None; an expired session, or one whose account was disabled
    or removed or logged out since, is dropped here. Asked of the store once per run."""
    account: Account | None = per_run("account", _signed_in)
    return account


def _signed_in() -> Account | None:
    session: Session | None = st.session_state.get(AuthKeys.SESSION)
    if session is None:
        return None
    now = time.time()
    account = Accounts(store()).get(session.name) if session.alive(now) else None
    if account is None or account.disabled or account.logged_out_since(session.started):
        del st.session_state[AuthKeys.SESSION]
        return None
    st.session_state[AuthKeys.SESSION] = session.touched(now)
    return account


def client_address() -> str:
    """The browser's address, for slowing down password guessing per client."""
    try:
        return str(st.context.ip_address or "")
    except Exception:  # outside a browser session (AppTest) there is none
        return ""


def logout() -> None:
    """Ends every session of this account (other tabs and replicas see it on their next run)."""
    session: Session | None = st.session_state.pop(AuthKeys.SESSION, None)
    if session is not None:
        store().audit(session.name, "logout", client=client_address() or None)


def _drawn_this_run(user_key: str) -> bool:
    """Whether a widget with this key is already on the page in this run.

    A page may guard several forms (tasks and goals); the login form and the logout button
    must appear once, and Streamlit refuses a key twice. It keeps the keys of the current
    run in its script context; if that ever moves, we assume not drawn.
    """
    return widget_drawn_this_run(user_key)


def require_planner(lang: Lang) -> Account | None:
    """A logged-in account that may upload; else a login form (or a refusal) and None.
    Callers stop drawing their write controls on None (viewers never log in)."""
    account = require_account(lang)
    if account is None:
        return None
    if not account.may_upload:
        st.warning(_("auth.not_a_planner", lang, role=_(f"auth.role.{account.role}", lang)))
        return None
    return account


def require_account(lang: Lang) -> Account | None:
    """The logged-in account (any role); when nobody is logged in, a login form and None."""
    account = current_account()
    if account is not None:
        if not _drawn_this_run(AuthKeys.LOGOUT):
            with st.sidebar:
                st.caption(_("auth.logged_in_as", lang, name=for_markdown(account.name)))
                st.caption(_(f"auth.role.{account.role}", lang))
                st.button(_("auth.logout", lang), on_click=logout, key=AuthKeys.LOGOUT)
        return account
    if _drawn_this_run(AuthKeys.NAME):
        return None
    st.info(_("auth.login_needed", lang))
    with st.form(AuthKeys.FORM):
        user = st.text_input(_("auth.name", lang), key=AuthKeys.NAME)
        password = st.text_input(_("auth.password", lang), type="password", key=AuthKeys.PASSWORD)
        submitted = st.form_submit_button(_("auth.login", lang))
    if not submitted:
        return None
    accounts = Accounts(store())
    if not accounts.any():
        st.error(_("auth.no_accounts", lang))
        return None
    try:
        session = login(accounts, user, password, client=client_address())
    except LoginRefused as exc:
        if exc.reason == "wait":
            st.error(_("auth.slowed", lang, seconds=max(1, round(exc.retry_after))))
        else:
            st.error(_("auth.wrong", lang))
        return None
    st.session_state[AuthKeys.SESSION] = session
    st.rerun()
    return None
