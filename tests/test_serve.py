"""serve.py's answer to a nested address (/overview/x): no page has one, and Streamlit would
answer it with an empty page, so it is sent to the overview, which names it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from serve import NestedPaths, nested_path, upload_limit_option


def _scope(path: str, query: bytes = b"", method: str = "GET") -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "query_string": query}


@pytest.mark.parametrize(
    ("path", "base", "nested"),
    [
        ("/overview/x", "", "overview/x"),
        ("/foo/bar/", "", "foo/bar"),
        ("/a/b/c", "", "a/b/c"),
        ("/task-list", "", None),  # a page
        ("/", "", None),
        ("/static/js/index.js", "", None),  # Streamlit's own routes
        ("/_stcore/health", "", None),
        ("/component/x/index.html", "", None),
        ("/media/abc.png", "", None),
        ("/app/static/logo.png", "", None),
        ("/dash/task-list", "dash", None),  # a page under the app's prefix
        ("/dash/overview/x", "dash", "overview/x"),
        ("/other/x", "dash", None),  # not this app's
    ],
)
def test_a_path_of_two_segments_outside_streamlits_routes_is_nested(path, base, nested):
    assert nested_path(_scope(path), base) == nested


def test_only_a_get_or_head_request_is_looked_at() -> None:
    assert nested_path(_scope("/overview/x", method="HEAD")) == "overview/x"
    assert nested_path(_scope("/overview/x", method="POST")) is None
    assert nested_path({"type": "websocket", "path": "/overview/x"}) is None


def _through(scope: dict[str, Any], status: int, content_type: bytes) -> list[dict[str, Any]]:
    """The messages NestedPaths sends for `scope` when the app answers `status`."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", content_type)]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"<html>the app</html>"})

    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    asyncio.run(NestedPaths(app)(scope, receive, send))
    return sent


def test_the_apps_page_at_a_nested_address_becomes_a_redirect_to_the_overview_naming_it():
    sent = _through(_scope("/overview/x", b"lang=en&missing=old"), 200, b"text/html; charset=utf-8")
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 302
    # the language kept, the path named once (an older name replaced), and no page body
    assert dict(sent[0]["headers"])[b"location"] == b"/?lang=en&missing=overview%2Fx"
    assert sent[1]["body"] == b""


def test_anything_else_at_a_nested_address_and_any_page_pass_unchanged():
    for scope, status, kind in (
        (_scope("/overview/x.js"), 200, b"text/javascript"),  # not the app's page
        (_scope("/overview/x"), 404, b"text/html"),
        (_scope("/task-list"), 200, b"text/html"),  # a page's own address
    ):
        sent = _through(scope, status, kind)
        assert sent[0]["status"] == status and sent[1]["body"] == b"<html>the app</html>"


def test_the_servers_upload_route_takes_what_the_uploader_takes_above_our_own_limit(monkeypatch):
    # at our own limit, a file just over it was cut off by the server ("status code 413")
    # before our check could say "文件 60 MB，超过上限 50 MB"
    monkeypatch.delenv("INDICATORS_MAX_UPLOAD_MB", raising=False)
    assert upload_limit_option([]) == ["--server.maxUploadSize", "101"]
    monkeypatch.setenv("INDICATORS_MAX_UPLOAD_MB", "1")
    assert upload_limit_option([]) == ["--server.maxUploadSize", "3"]
    assert upload_limit_option(["--server.maxUploadSize", "7"]) == []  # the operator's word


def _signin_answer(path: str, query: bytes, **headers: str) -> dict[str, Any]:
    """What SignInRoute answers to a GET of `path` (no store is reached without a nonce)."""
    from serve import SignInRoute

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the route answers itself")

    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    scope = _scope(path, query)
    scope["headers"] = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    asyncio.run(SignInRoute(app)(scope, receive, send))
    return sent[0]


@pytest.mark.parametrize(
    ("target", "sent_to"),
    [
        ("/data-upload?lang=en", b"/data-upload?lang=en"),
        ("//evil.example/x", b"/"),  # another site
        ("/\t/evil.example", b"/"),  # a browser drops the tab: //evil.example
        ("https://evil.example/", b"/"),
        ("/\\evil.example", b"/"),
    ],
)
def test_the_sign_in_route_only_ever_sends_a_browser_back_to_this_site(target, sent_to):
    from urllib.parse import quote

    answer = _signin_answer("/_signin/out", f"next={quote(target)}".encode())
    assert answer["status"] == 303
    assert dict(answer["headers"])[b"location"] == sent_to
    # Signing out drops the cookie: HttpOnly, SameSite=Lax, expired now.
    cookie = dict(answer["headers"])[b"set-cookie"].decode()
    assert cookie.startswith("indicators_session=;") and "Max-Age=0" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_sign_in_route_refuses_what_another_site_started():
    answer = _signin_answer("/_signin/adopt", b"n=x&next=/", sec_fetch_site="cross-site")
    assert answer["status"] == 403
    assert b"set-cookie" not in dict(answer["headers"])
    # No nonce or no browser cookie: back to the page, and no cookie set.
    answer = _signin_answer("/_signin/adopt", b"next=/tasks")
    assert answer["status"] == 303 and b"set-cookie" not in dict(answer["headers"])


def test_the_client_header_is_ours_alone_and_set_only_for_a_trusted_proxy() -> None:
    from serve import vouched_headers

    forged = [(b"x-indicators-client", b"1.1.1.1"), (b"x-forwarded-for", b"9.9.9.9, 10.0.0.2")]
    direct = {"client": ("198.51.100.7", 5000), "headers": forged}
    assert vouched_headers(direct, frozenset({"10.0.0.2"})) == forged[1:]
    proxied = {"client": ("10.0.0.2", 5000), "headers": forged}
    assert vouched_headers(proxied, frozenset({"10.0.0.2"})) == [
        forged[1],
        (b"x-indicators-client", b"9.9.9.9"),
    ]
