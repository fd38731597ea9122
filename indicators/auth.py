"""Planner accounts: who may write. Viewers need no login.

Accounts live in a small TOML file (default ``data/planners.toml``, git-ignored; override
with ``INDICATORS_PLANNERS``), one table per planner holding an argon2id hash (argon2-cffi
salts each hash itself). Failed logins are rate-limited per name, and a login session
expires after a spell of inactivity and after an absolute lifetime, whichever comes first.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .paths import DATA_DIR

FIRST_PLANNER = "planner"
MIN_PASSWORD_LENGTH = 8
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")

# A session ends after 30 idle minutes or 8 hours, like an office web app.
IDLE_TIMEOUT_S = 30 * 60
MAX_SESSION_S = 8 * 60 * 60
# Five wrong passwords in 15 minutes lock that name for 15 minutes.
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60
LOCKOUT_S = 15 * 60

_hasher = PasswordHasher()


class AuthError(ValueError):
    pass


def planners_path() -> Path:
    return Path(os.environ.get("INDICATORS_PLANNERS", DATA_DIR / "planners.toml"))


def _toml_str(text: str) -> str:
    # Names are restricted to NAME_PATTERN and hashes are ASCII without quotes, so a basic
    # string needs only backslash/quote escaping; no TOML writer dependency needed.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Account:
    name: str
    hash: str
    created_at: str


class Accounts:
    """The planners file. Each change rewrites it atomically (temp file + rename)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else planners_path()

    def load(self) -> dict[str, Account]:
        if not self.path.exists():
            return {}
        with self.path.open("rb") as fh:
            data = tomllib.load(fh)
        return {
            name: Account(name, str(rec["hash"]), str(rec.get("created_at", "")))
            for name, rec in data.get("planners", {}).items()
        }

    def names(self) -> list[str]:
        return sorted(self.load())

    def any(self) -> bool:
        return bool(self.load())

    def add(self, name: str, password: str, *, replace: bool = False) -> Account:
        if not NAME_PATTERN.match(name):
            raise AuthError(
                "a planner name is 1-64 letters, digits, '.', '_' or '-'")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AuthError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
        accounts = self.load()
        if name in accounts and not replace:
            raise AuthError(f"planner {name!r} exists already")
        account = Account(name, _hasher.hash(password),
                          datetime.now().isoformat(timespec="seconds"))
        accounts[name] = account
        self._save(accounts)
        return account

    def verify(self, name: str, password: str) -> bool:
        account = self.load().get(name)
        if account is None:
            # Hash anyway so an unknown name costs as long as a wrong password.
            _hasher.hash(password)
            return False
        try:
            return _hasher.verify(account.hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _save(self, accounts: dict[str, Account]) -> None:
        lines = ["# Planner accounts: argon2id hashes. Manage with `python -m indicators "
                 "add-planner NAME`.", ""]
        for a in sorted(accounts.values(), key=lambda a: a.name):
            lines += [f"[planners.{_toml_str(a.name)}]", f"hash = {_toml_str(a.hash)}",
                      f"created_at = {_toml_str(a.created_at)}", ""]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)


def random_password() -> str:
    return secrets.token_urlsafe(12)


def ensure_first_planner(accounts: Accounts) -> str | None:
    """Create the account `planner` with a random password when there is none; return it."""
    if accounts.any():
        return None
    password = random_password()
    accounts.add(FIRST_PLANNER, password)
    return password


# --- rate limiting ----------------------------------------------------------------------


@dataclass
class LoginLimiter:
    """Failed logins per name; one per server process (Streamlit runs sessions as threads)."""

    clock: Callable[[], float] = time.monotonic
    max_failures: int = MAX_FAILURES
    window_s: float = FAILURE_WINDOW_S
    lockout_s: float = LOCKOUT_S
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _locked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, name: str) -> float:
        """Seconds until `name` may try again; 0 when it may try now."""
        with self._lock:
            return max(0.0, self._locked_until.get(name.casefold(), 0.0) - self.clock())

    def failed(self, name: str) -> None:
        key, now = name.casefold(), self.clock()
        with self._lock:
            recent = [t for t in self._failures.get(key, []) if now - t < self.window_s]
            recent.append(now)
            if len(recent) >= self.max_failures:
                self._locked_until[key] = now + self.lockout_s
                recent = []
            self._failures[key] = recent

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.casefold(), None)


LIMITER = LoginLimiter()


class LoginRefused(AuthError):
    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason  # "locked" or "wrong"
        self.retry_after = retry_after


@dataclass(frozen=True)
class Session:
    name: str
    started: float
    last_seen: float

    def alive(self, now: float) -> bool:
        return now - self.last_seen < IDLE_TIMEOUT_S and now - self.started < MAX_SESSION_S

    def touched(self, now: float) -> Session:
        return Session(self.name, self.started, now)


def login(
    accounts: Accounts,
    name: str,
    password: str,
    *,
    limiter: LoginLimiter = LIMITER,
    clock: Callable[[], float] = time.time,
) -> Session:
    """A new session, or LoginRefused ("locked" while rate-limited, else "wrong")."""
    name = name.strip()
    wait = limiter.retry_after(name)
    if wait > 0:
        raise LoginRefused("locked", wait)
    if not accounts.verify(name, password):
        limiter.failed(name)
        raise LoginRefused("wrong", limiter.retry_after(name))
    limiter.succeeded(name)
    now = clock()
    return Session(name, now, now)
