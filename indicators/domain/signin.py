"""Sign-ins that outlive a page: a signed cookie bound to a row in the store.

A Streamlit session lives as long as its websocket, so a reload, a new tab or the other
replica used to forget who signed in. Now the password check (in the page, as before) ends
with a *hand-over*: the page sends the browser to the server's own route
(``ADOPT_PATH``, serve.py), which sets an HttpOnly, SameSite=Lax cookie holding a fresh
random token signed with a key every replica shares. The store keeps only the token's hash,
with the account and a fingerprint of its password and role, so:

- every replica honours the cookie (the row and the key are in the store);
- "Log out" deletes the account's rows: every browser, every replica;
- a change of password or role, a disabled account, or ``idle_timeout_s()`` without a page
  run ends it; a forged or unknown cookie is refused (the page then reads as for anyone);
- the hand-over cannot be replayed or forced on another browser: its nonce is single-use,
  short-lived, and only honoured with the browser cookie (``BROWSER_COOKIE``) the signing-in
  page was opened with, which a cross-site page can neither read nor send on a websocket.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from indicators.domain.auth import MAX_SESSION_S, Account, Accounts, AuthError, idle_timeout_s
from indicators.store import Store, StoreError

# Cookie names and the server's routes (under server.baseUrlPath).
COOKIE = "indicators_session"
BROWSER_COOKIE = "indicators_browser"
ROUTE = "_signin"
ADOPT_PATH = f"{ROUTE}/adopt"
SIGNOUT_PATH = f"{ROUTE}/out"

HANDOVER_S = 120  # from the password check to the browser collecting its cookie
TOUCH_EVERY_S = 60  # last_seen is written at most this often (one write per page run else)
_KEY_NAME = "cookie"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Why a cookie was not honoured; "none" when there was no cookie.
Refusal = Literal["none", "forged", "ended", "expired", "changed"]


def stamp(account: Account) -> str:
    """A fingerprint of the account's password hash and role: either changing ends its
    sign-ins (a reset password logs out whoever knew the old one)."""
    return hashlib.sha256(f"{account.hash}\0{account.role}".encode()).hexdigest()[:32]


def _key(token: str) -> str:
    """What the store keeps of a token: its hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def _mac(secret: str, token: str) -> str:
    digest = hmac.new(secret.encode(), token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(secret: str, token: str) -> str:
    return f"{token}.{_mac(secret, token)}"


def unsign(secret: str, value: str) -> str | None:
    """The token of a cookie value signed with `secret`, or None."""
    token, _, mac = value.partition(".")
    if not token or not mac or not hmac.compare_digest(mac, _mac(secret, token)):
        return None
    return token


_secrets: dict[str, str] = {}


@dataclass(frozen=True)
class Checked:
    """What a cookie is worth: the account it signs in, or why it signs in nobody."""

    account: Account | None
    refusal: Refusal = "none"


class SignIns:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def secret(self) -> str:
        """The signing key: INDICATORS_COOKIE_SECRET, else one kept in the store (made by
        the first replica that needed it), so every replica signs and checks alike."""
        configured = os.environ.get("INDICATORS_COOKIE_SECRET", "")
        if configured:
            return configured
        held = _secrets.get(self.store.location)
        if held is None:
            held = self.store.sign_in_key(_KEY_NAME, secrets.token_urlsafe(32))
            _secrets[self.store.location] = held
        return held

    def start(self, account: Account, browser: str) -> str:
        """After the password check: a single-use nonce for the browser `browser` (its
        BROWSER_COOKIE) to collect its cookie with at ADOPT_PATH."""
        nonce, now = secrets.token_urlsafe(32), self.clock()
        self.store.add_sign_in(
            _key(nonce),
            account.name,
            binding=_key(browser),
            stamp=stamp(account),
            at=now,
            forget_before=now - max(idle_timeout_s(), HANDOVER_S),
        )
        return nonce

    def adopt(self, nonce: str, browser: str, previous: str = "") -> str | None:
        """The cookie value for the browser presenting `nonce` with its own cookie `browser`,
        or None. A fresh token each time (rotation); the cookie it held before, if any, ends."""
        token, now = secrets.token_urlsafe(32), self.clock()
        name = self.store.adopt_sign_in(
            _key(nonce), binding=_key(browser), new_key=_key(token), at=now, since=now - HANDOVER_S
        )
        if name is None:
            return None
        old = unsign(self.secret(), previous) if previous else None
        if old is not None:
            self.store.end_sign_in(_key(old))
        return sign(self.secret(), token)

    def check(self, value: str) -> Checked:
        """The account a cookie value signs in, touching its idle clock; or why not."""
        if not value:
            return Checked(None)
        token = unsign(self.secret(), value)
        if token is None:
            return Checked(None, "forged")
        row = self.store.sign_in(_key(token))
        if row is None or row["pending"]:
            return Checked(None, "ended")
        now = self.clock()
        if now - row["last_seen"] >= idle_timeout_s() or now - row["created_at"] >= MAX_SESSION_S:
            self.store.end_sign_in(_key(token))
            return Checked(None, "expired")
        account = Accounts(self.store).get(row["account"])
        if account is None or account.disabled:
            return Checked(None, "ended")
        if stamp(account) != row["stamp"]:
            self.store.end_sign_in(_key(token))
            return Checked(None, "changed")
        if now - row["last_seen"] >= TOUCH_EVERY_S:
            self.store.touch_sign_in(_key(token), now)
        return Checked(account)

    def end(self, value: str) -> None:
        """This cookie's sign-in only."""
        token = unsign(self.secret(), value) if value else None
        if token is not None:
            self.store.end_sign_in(_key(token))

    def end_all(self, name: str) -> int:
        """Every sign-in of account `name` (Log out: every browser, every replica)."""
        return self.store.end_sign_ins(name)


# --- single sign-on: an identity provider's account, matched to one of ours ------------------

IdentityKind = Literal["subject", "email"]


def sso_account(accounts: Accounts, claims: Mapping[str, object]) -> Account | None:
    """Our account for the identity provider's `claims`: linked by its subject, or else by
    its e-mail address when the provider says it verified it. An unknown identity, or a
    disabled account, gets None: it reads as anyone does and writes nothing."""
    name = None
    subject = str(claims.get("sub") or "")
    if subject:
        name = accounts.store.identity_account("subject", subject)
    email = str(claims.get("email") or "").strip().lower()
    if name is None and email and claims.get("email_verified") is True:
        name = accounts.store.identity_account("email", email)
    account = accounts.get(name) if name else None
    return account if account is not None and not account.disabled else None


def link_identity(accounts: Accounts, name: str, kind: IdentityKind, value: str, *, by: str) -> str:
    """Let the identity provider's `value` (a subject, or an e-mail address) sign in as
    `name`; the value as kept (an address in lower case)."""
    value = value.strip().lower() if kind == "email" else value.strip()
    if not value:
        raise AuthError(f"an empty {kind} cannot be linked")
    if kind == "email" and not EMAIL_PATTERN.match(value):
        raise AuthError(f"not an e-mail address: {value!r}")
    try:
        accounts.store.link_identity(name, kind, value, user=by)
    except StoreError as exc:
        raise AuthError(str(exc)) from exc
    return value
