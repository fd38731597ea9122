"""Single sign-on through the organisation's identity provider (OpenID Connect, st.login).

Configured as Streamlit configures it: an ``[auth]`` table in .streamlit/secrets.toml, or the
INDICATORS_OIDC_* environment variables serve.py turns into one. A person signed in there is
one of our accounts when an admin linked their subject or verified e-mail address
(``add-planner --oidc-subject/--email``); anyone else reads as everyone does and is told so.
Local passwords keep working beside it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from indicators.base.escape import for_markdown
from indicators.base.i18n import Lang, _
from indicators.domain.auth import Account, Accounts
from indicators.domain.signin import sso_account
from ui.session import store

LOGIN_KEY = "sso_login"
LOGOUT_KEY = "sso_logout"


def configured() -> bool:
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # no secrets at all
        return False


def claims() -> dict[str, Any]:
    """What the identity provider said about the person signed in there, or {}."""
    if not configured():
        return {}
    try:
        return dict(st.user.to_dict()) if st.user.is_logged_in else {}
    except Exception:  # outside a browser session (AppTest)
        return {}


def account() -> Account | None:
    """Our account for the person signed in at the identity provider, or None."""
    said = claims()
    return sso_account(Accounts(store()), said) if said else None


def who(said: dict[str, Any]) -> str:
    return str(said.get("email") or said.get("sub") or "?")


def offer(lang: Lang) -> None:
    """Beside the password form: the provider's sign-in, or, for a person signed in there
    whom no account names, why they cannot write and how to leave."""
    if not configured():
        return
    said = claims()
    if said:
        st.warning(_("auth.sso_unknown", lang, who=for_markdown(who(said))))
        st.button(_("auth.sso_logout", lang), on_click=st.logout, key=LOGOUT_KEY)
        return
    st.button(_("auth.sso_login", lang), on_click=st.login, key=LOGIN_KEY, type="primary")
