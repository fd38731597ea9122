"""The login: every page that writes calls ``require_planner`` (or ``require_account``) first."""

from __future__ import annotations

import time
from typing import Literal
from urllib.parse import urlencode

import streamlit as st
from streamlit import config

from indicators.base.escape import for_markdown
from indicators.base.i18n import Lang, _
from indicators.domain.auth import Account, Accounts, LoginRefused, Session, login
from indicators.domain.signin import (
    ADOPT_PATH,
    BROWSER_COOKIE,
    COOKIE,
    SIGNOUT_PATH,
    Refusal,
    SignIns,
    stamp,
)
from ui import client, sso, upload_guard
from ui.session import per_run, store
from ui.streamlit_private import current_page_path, send_browser_to, widget_drawn_this_run


class AuthKeys:
    """Session-state keys of the login."""

    SESSION = "planner_session"
    FORM = "planner_login_form"
    NAME = "planner_login_name"
    PASSWORD = "planner_login_password"
    LOGOUT = "planner_logout"
    STAMP = "planner_session_stamp"  # the account's password and role when it signed in
    REFUSED = "planner_cookie_refused"  # why the browser's sign-in cookie was not honoured


def current_account() -> Account | None:
    """The logged-in account, or None; an expired session, or one whose account was disabled
    or removed or logged out since, is dropped here. Asked of the store once per run."""
    account: Account | None = per_run("account", _signed_in)
    # Streamlit's upload route then answers this session (serve.py's UploadGuard), or not.
    upload_guard.allow(account is not None and account.may_upload)
    return account


def _signed_in() -> Account | None:
    session: Session | None = st.session_state.get(AuthKeys.SESSION)
    if session is None:
        return _cookie_account()
    now = time.time()
    account = Accounts(store()).get(session.name) if session.alive(now) else None
    held = st.session_state.get(AuthKeys.STAMP)
    if (
        account is None
        or account.disabled
        or account.logged_out_since(session.started)
        or (held is not None and held != stamp(account))
    ):
        del st.session_state[AuthKeys.SESSION]
        return None
    st.session_state[AuthKeys.SESSION] = session.touched(now)
    return account


def _cookies() -> dict[str, str]:
    try:
        return dict(st.context.cookies)
    except Exception:  # outside a browser session (AppTest) there are none
        return {}


def _cookie_account() -> Account | None:
    """The account the browser's sign-in cookie names (signin.py), else the one the
    identity provider's sign-in is linked to (ui/sso.py), or None; why a cookie was refused
    is kept for the sign-in form to say."""
    checked = SignIns(store()).check(_cookies().get(COOKIE, ""))
    st.session_state[AuthKeys.REFUSED] = checked.refusal
    return checked.account or sso.account()


def _redirect(path: str, **query: str) -> None:
    """Send the browser to the server's own route `path` (how st.login leaves the page)."""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    send_browser_to(f"{'/' + base if base else ''}/{path}?{urlencode(query)}")


def _here() -> str:
    """This page's path and query, where the browser comes back to. (Not st.context.url:
    it trims a page alias off the end and writes '/data-/data-upload'.)"""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    path = "/" + "/".join(p for p in (base, current_page_path() or "") if p)
    query = urlencode(st.query_params.to_dict())
    return f"{path}?{query}" if query else path


def client_address() -> str:
    """The browser's address (or its session), for slowing down password guessing per
    client and for the audit log (ui/client.py)."""
    return client.client_address()


def logout() -> None:
    """Ends every session of this account (other tabs and replicas see it on their next run)
    and has the server drop this browser's cookie."""
    session: Session | None = st.session_state.pop(AuthKeys.SESSION, None)
    name = session.name if session is not None else None
    if name is None:
        account = _cookie_account()
        name = account.name if account is not None else None
    if name is None:
        return
    SignIns(store()).end_all(name)
    store().audit(name, "logout", client=client_address() or None)
    st.session_state[AuthKeys.REFUSED] = "none"
    if sso.claims():
        st.logout()  # the provider's sign-in too (Streamlit's identity cookie)
    elif COOKIE in _cookies():
        _redirect(SIGNOUT_PATH, next=_here())


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


def require_account(
    lang: Lang, who: Literal["planner", "reviewer", "admin"] = "planner"
) -> Account | None:
    """The logged-in account (any role); when nobody is logged in, a login form saying
    whose login the page needs (the accounts page told an admin "needs a planner login")."""
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
    refused: Refusal = st.session_state.get(AuthKeys.REFUSED, "none")
    if refused != "none":
        st.warning(_(f"auth.cookie.{refused}", lang))
    st.info(_("auth.login_needed" if who == "planner" else f"auth.login_needed.{who}", lang))
    sso.offer(lang)
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
    account = accounts.get(session.name)
    if account is not None:
        st.session_state[AuthKeys.STAMP] = stamp(account)
    browser = _cookies().get(BROWSER_COOKIE, "")
    if account is not None and browser:
        # The browser collects a cookie at the server's route, then comes back here signed
        # in (a reload, a new tab, another replica keep it so).
        nonce = SignIns(store()).start(account, browser)
        st.session_state[AuthKeys.REFUSED] = "none"
        _redirect(ADOPT_PATH, n=nonce, next=_here())
        st.success(_("auth.signing_in", lang))
        return None
    st.rerun()
    return None
