"""Which client a sign-in comes from, for slowing password guessing and for the audit log.

Streamlit reports no address on loopback and behind a proxy, so every browser counted as
one client and a stranger's failures delayed everybody. The address is trusted only where
serve.py's ClientAddress middleware vouches for it (the X-Forwarded-For of a configured
trusted proxy, INDICATORS_TRUSTED_PROXIES); else the browser's session stands for it.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from ui.streamlit_private import session_id

# Set by serve.py's middleware only (it drops the header from every incoming request).
CLIENT_HEADER = "X-Indicators-Client"


def client_address() -> str:
    """The real address from a trusted proxy; else Streamlit's own, unless loopback; else
    "session <hash>" (the session id itself opens its uploads: only a hash is logged)."""
    try:
        vouched = st.context.headers.get(CLIENT_HEADER)
        if vouched:
            return str(vouched)
        direct = str(st.context.ip_address or "")
    except Exception:  # outside a browser session (AppTest) there is none
        direct = ""
    if direct and direct not in ("127.0.0.1", "::1"):
        return direct
    session = session_id()
    if session is None:
        return ""
    return f"session {hashlib.sha256(session.encode()).hexdigest()[:12]}"
