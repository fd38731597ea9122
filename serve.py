"""Start the dashboard: `python serve.py [streamlit run options]` (what `make run` does).

Streamlit treats a folder named ``pages/`` beside the main script as an old-style
multipage app on the first run of each server process, so a pasted link such as /tasks ran
``pages/tasks.py`` alone, without the navigation or the language switch. This app builds its
navigation with st.navigation, so say so before the server starts.

The app is served as an st.App (this file's `app`) so that one middleware can answer a
nested address such as /overview/x, which never reaches the app's script (NestedPaths).
"""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import secrets
import sys
import threading
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode

from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import App, config
from streamlit.web import cli

from indicators.base.paths import default_db_location
from indicators.domain.auth import MAX_SESSION_S
from indicators.domain.signin import (
    ADOPT_PATH,
    BROWSER_COOKIE,
    COOKIE,
    ROUTE,
    SIGNOUT_PATH,
    SignIns,
)
from indicators.store import Store
from pages.registry import MISSING_PATH
from ui.streamlit_private import turn_off_pages_directory


def upload_limit_option(argv: list[str]) -> list[str]:
    """The server's upload route takes what the upload page's uploader takes (the backstop
    above our own limit), unless the command line says otherwise: set to our limit itself,
    a file just over it was cut off by the server before our check could name the limit
    ("AxiosError: Request failed with status code 413")."""
    if any(a.startswith("--server.maxUploadSize") for a in argv):
        return []
    from indicators.ingest.read import upload_backstop_mb

    return ["--server.maxUploadSize", str(upload_backstop_mb())]


# Loaded, and the published snapshot worked out, while the server starts: the first
# visitor's script run otherwise pays for them (about 1 s before the page's title appears).
WARM = ("pages.registry", "ui.preview", "ui.chart_view", "ui.downloads", "pages.views_nav")


def warm() -> None:
    for name in WARM:
        importlib.import_module(name)
    from pages.overview import FIRST_DRAWN
    from ui.common import warm as warm_snapshot

    warm_snapshot(*FIRST_DRAWN)


# First segments of Streamlit's own routes (scripts, uploads, components, login): never a page.
_SERVER_ROUTES = (
    "_stcore",
    "static",
    "media",
    "component",
    "app",
    "auth",
    "oauth2callback",
    ROUTE,
)


def _base() -> str:
    return str(config.get_option("server.baseUrlPath") or "").strip("/")


def nested_path(scope: Scope, base: str = "") -> str | None:
    """'overview/x' for a GET of /overview/x?…: a path of two or more segments outside
    Streamlit's routes, which no page can have (a page's address is one segment). `base`:
    the app's own prefix (server.baseUrlPath), not counted."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return None
    path = scope["path"].strip("/")
    if base:
        if not path.startswith(f"{base}/"):
            return None
        path = path[len(base) + 1 :].strip("/")
    parts = path.split("/")
    return path if len(parts) > 1 and parts[0] not in _SERVER_ROUTES else None


class NestedPaths:
    """Sends a nested address (/overview/x, a stale or mistyped link) to the overview,
    which says there is no such page (pages/registry.py `missing_path_notice`), as it
    does for an unknown one-segment path. Streamlit would answer it with the app's page,
    whose relative script addresses then fall under /overview/ and are answered with that
    page again instead of the scripts: the reader got an empty page. Only that answer
    (200, HTML) is replaced, so anything Streamlit serves at a nested address is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = nested_path(scope, _base())
        if path is None:
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_or_redirect(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                html = headers.get(b"content-type", b"").startswith(b"text/html")
                replaced = message["status"] == 200 and html
                if replaced:
                    await send(_redirect(scope, path))
                    await send({"type": "http.response.body", "body": b""})
                    return
            if not replaced:
                await send(message)

        await self.app(scope, receive, send_or_redirect)


def _redirect(scope: Scope, path: str) -> Message:
    """302 to the overview, query string kept (the language), naming `path`."""
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
    query = [(k, v) for k, v in query if k != MISSING_PATH] + [(MISSING_PATH, path)]
    base = _base()
    location = f"{'/' + base if base else ''}/?{urlencode(query)}"
    return {
        "type": "http.response.start",
        "status": 302,
        "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")],
    }


# --- sign-in cookies (indicators/signin.py) ------------------------------------------------


@cache
def _store() -> Store:
    return Store(default_db_location())


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed header signs nobody in
                continue
    return {k: m.value for k, m in jar.items()}


def _header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin-1"))
    return ""


def _set_cookie(scope: Scope, name: str, value: str, max_age: int) -> tuple[bytes, bytes]:
    """HttpOnly (no script reads it), SameSite=Lax (no cross-site form or request carries
    it), Secure behind https (the proxy says so in X-Forwarded-Proto)."""
    base = _base()
    https = scope.get("scheme") == "https" or _header(scope, b"x-forwarded-proto") == "https"
    attrs = [
        f"{name}={value}",
        f"Path=/{base}",
        f"Max-Age={max_age}",
        "HttpOnly",
        "SameSite=Lax",
        *(["Secure"] if https else []),
    ]
    return b"set-cookie", "; ".join(attrs).encode("latin-1")


def _local(target: str) -> str:
    """`target` when it is a path of this site, else the app's root: the route never sends
    a browser elsewhere (an open redirect)."""
    # Browsers drop tabs and newlines from a URL ("/\t/x" is "//x", another site).
    bad = not target.startswith("/") or "\\" in target or any(c <= " " for c in target)
    if bad or "".join(target.split()).startswith("//"):
        return f"/{_base()}"
    return target


class SignInRoute:
    """The server's own sign-in route, and the browser cookie it relies on.

    - ``/_signin/adopt?n=NONCE&next=PATH``: the page that checked the password sends the
      browser here; the nonce, honoured once and only with the browser cookie the page saw,
      becomes a signed session cookie; then back to PATH. A request another site started
      (Sec-Fetch-Site: cross-site) is refused.
    - ``/_signin/out?next=PATH``: the cookie dropped (the sign-in itself ended already).
    - Any page of the app: a random browser cookie when the browser has none, which ties a
      hand-over to the browser that signed in.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        base = _base()
        path = scope["path"].strip("/")
        if base and path.startswith(f"{base}/"):
            path = path[len(base) + 1 :]
        if path in (ADOPT_PATH, SIGNOUT_PATH):
            await send({"type": "http.response.start", **await self._answer(scope, path)})
            await send({"type": "http.response.body", "body": b""})
            return
        cookies = _cookies(scope)
        if BROWSER_COOKIE in cookies:
            await self.app(scope, receive, send)
            return
        browser = _set_cookie(scope, BROWSER_COOKIE, secrets.token_urlsafe(24), MAX_SESSION_S)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if dict(headers).get(b"content-type", b"").startswith(b"text/html"):
                    message = {**message, "headers": [*headers, browser]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _answer(self, scope: Scope, path: str) -> dict[str, object]:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        target = _local(query.get("next", [""])[0])
        headers = [(b"location", target.encode("latin-1")), (b"cache-control", b"no-store")]
        if _header(scope, b"sec-fetch-site") == "cross-site" or scope["method"] != "GET":
            return {"status": 403, "headers": [(b"content-length", b"0")]}
        cookies = _cookies(scope)
        if path == SIGNOUT_PATH:
            headers.append(_set_cookie(scope, COOKIE, "", 0))
            return {"status": 303, "headers": headers}
        nonce, browser = query.get("n", [""])[0], cookies.get(BROWSER_COOKIE, "")
        value = None
        if nonce and browser:
            sign_ins = SignIns(_store())
            value = await asyncio.to_thread(sign_ins.adopt, nonce, browser, cookies.get(COOKIE, ""))
        if value is not None:
            headers.append(_set_cookie(scope, COOKIE, value, MAX_SESSION_S))
        return {"status": 303, "headers": headers}


def oidc_secrets(env: dict[str, str] | None = None) -> dict[str, Any] | None:
    """Single sign-on from the environment, as Streamlit's ``[auth]`` secrets (st.login):
    INDICATORS_OIDC_METADATA_URL (the provider's .well-known/openid-configuration),
    INDICATORS_OIDC_CLIENT_ID, INDICATORS_OIDC_CLIENT_SECRET, INDICATORS_OIDC_REDIRECT_URI
    (this site's /oauth2callback) and INDICATORS_OIDC_COOKIE_SECRET (the same on every
    replica). None when unset: .streamlit/secrets.toml may configure it instead."""
    env = dict(os.environ) if env is None else env
    metadata = env.get("INDICATORS_OIDC_METADATA_URL", "")
    if not metadata:
        return None
    return {
        "auth": {
            "server_metadata_url": metadata,
            "client_id": env.get("INDICATORS_OIDC_CLIENT_ID", ""),
            "client_secret": env.get("INDICATORS_OIDC_CLIENT_SECRET", ""),
            "redirect_uri": env.get("INDICATORS_OIDC_REDIRECT_URI", ""),
            "cookie_secret": env.get("INDICATORS_OIDC_COOKIE_SECRET", ""),
            "client_kwargs": {"scope": "openid email profile"},
        }
    }


class ClientAddress:
    """The browser's real address, for slowing password guessing per client: taken from
    X-Forwarded-For only when the connection comes from a trusted proxy
    (INDICATORS_TRUSTED_PROXIES, comma-separated addresses), and handed to the app in a
    header of ours (ui/client.py), which any other sender's copy of is dropped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = dict(scope)
            scope["headers"] = vouched_headers(scope, trusted_proxies())
        await self.app(scope, receive, send)


_CLIENT_HEADER = b"x-indicators-client"


def trusted_proxies() -> frozenset[str]:
    raw = os.environ.get("INDICATORS_TRUSTED_PROXIES", "")
    return frozenset(a.strip() for a in raw.split(",") if a.strip())


def vouched_headers(scope: Scope, trusted: frozenset[str]) -> list[tuple[bytes, bytes]]:
    """The request's headers without any client header of ours, plus ours when the peer is
    a trusted proxy: the right-most X-Forwarded-For address that is not one of them."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != _CLIENT_HEADER]
    peer = (scope.get("client") or ("", 0))[0]
    if peer not in trusted:
        return headers
    hops = [
        h.strip()
        for k, v in headers
        if k.lower() == b"x-forwarded-for"
        for h in v.decode("latin-1").split(",")
        if h.strip()
    ]
    real = next((h for h in reversed(hops) if h not in trusted), None)
    if real:
        headers.append((_CLIENT_HEADER, real.encode("latin-1")))
    return headers


_UPLOAD_ROUTE = re.compile(r"_stcore/upload_file/([^/]+)/([^/]+)")
_UPLOAD_REFUSED = {"not_signed_in": 403, "session_full": 413, "server_full": 503}


class UploadGuard:
    """Streamlit's upload route answers only sessions of a signed-in planner, within the
    bytes held per session and in total (ui/upload_guard.py): an anonymous visitor could
    otherwise fill the server's memory with PUTs under invented file ids."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = upload_session(scope, _base())
        if route is None:
            await self.app(scope, receive, send)
            return
        session, file_id = route
        from indicators.ingest.read import upload_backstop_mb
        from ui import upload_guard

        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length", b"")
        # Without a length, the most Streamlit's route will take (it stops the body there).
        incoming = int(length) if length.isdigit() else upload_backstop_mb() * 1024 * 1024
        refused = upload_guard.refusal(session, incoming)
        if refused is not None:
            await _plain_answer(send, _UPLOAD_REFUSED[refused], refused)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            upload_guard.arrived(session, incoming, file_id)


def upload_session(scope: Scope, base: str = "") -> tuple[str, str] | None:
    """(session id, file id) of a PUT to Streamlit's upload route, else None."""
    if scope["type"] != "http" or scope["method"] != "PUT":
        return None
    path = scope["path"].strip("/")
    if base:
        if not path.startswith(f"{base}/"):
            return None
        path = path[len(base) + 1 :]
    m = _UPLOAD_ROUTE.fullmatch(path)
    return (m.group(1), m.group(2)) if m else None


async def _plain_answer(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# `streamlit run serve.py` serves this app: dashboard.py behind ClientAddress (the client's
# address), SignInRoute, NestedPaths and UploadGuard (uploads for planners only).
app = App(
    Path(__file__).with_name("dashboard.py"),
    middleware=[
        Middleware(ClientAddress),
        Middleware(SignInRoute),
        Middleware(NestedPaths),
        Middleware(UploadGuard),
    ],
    secrets=oidc_secrets(),
)


if __name__ == "__main__":
    turn_off_pages_directory()
    # A thread: the server listens at once; a visitor arriving sooner waits on the same
    # cache entry instead of working it out twice.
    threading.Thread(target=warm, name="warm", daemon=True).start()
    args = sys.argv[1:]
    sys.argv = [
        "streamlit",
        "run",
        str(Path(__file__)),  # its `app`: dashboard.py behind NestedPaths
        *args,
        *upload_limit_option(args),
    ]
    sys.exit(cli.main())
