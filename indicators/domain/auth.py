"""Accounts with roles and regions: who may write, review and manage. Viewers need no login.

Accounts live in the store (table ``accounts``), so every app replica shares them on DuckDB
and on PostgreSQL; each holds an argon2id hash (argon2-cffi salts each hash itself), a role
and the regions it may write. Failed logins are slowed per account and client address with a
growing delay, counted in the store so every replica shares them (no hard lock a stranger
could use against the real planner), and a login session expires after a spell of
inactivity and after an absolute lifetime.

Roles: ``planner`` uploads and corrects figures for its regions; ``reviewer`` approves or
rejects submitted uploads; ``admin`` manages accounts and may do both (a one-person
deployment has just the admin).
"""

from __future__ import annotations

import os
import re
import secrets
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from indicators.base.catalog import NATIONAL
from indicators.base.escape import visible_controls
from indicators.base.paths import DATA_DIR
from indicators.store import AccountExists, Store, StoreError

FIRST_ADMIN = "admin"
MIN_PASSWORD_LENGTH = 8
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
Role = Literal["planner", "reviewer", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
REGION_PATTERN = re.compile(r"^\d{6}$")

# A sign-in ends after a working day idle (INDICATORS_SESSION_IDLE_HOURS sets another), and
# after a week however busy: a planner's browser stays signed in across reloads and replicas
# (signin.py), but a cookie forgotten in a shared browser does not last.
IDLE_TIMEOUT_S = 8 * 60 * 60
MAX_SESSION_S = 7 * 24 * 60 * 60
# Failed logins: a few are free, then each waits twice as long as the last, up to a ceiling.
FREE_FAILURES = 3  # per name from one client
FIRST_DELAY_S = 2.0
FREE_FAILURES_ACCOUNT = 20  # per account over all clients (many addresses, one name)
# No account's sign-in waits longer than this, whoever guessed: a 15-minute ceiling and a
# budget per client shared over every name let a stranger lock every account out (the
# client is unknown on loopback and behind a proxy, so all browsers were one).
MAX_DELAY_S = 60.0
MAX_DELAY_ACCOUNT_S = MAX_DELAY_S
FAILURE_MEMORY_S = 60 * 60  # failures older than this are forgotten

_hasher = PasswordHasher()


class AuthError(ValueError):
    pass


def idle_timeout_s() -> float:
    """Idle seconds after which a sign-in ends: INDICATORS_SESSION_IDLE_HOURS, else 8 h."""
    raw = os.environ.get("INDICATORS_SESSION_IDLE_HOURS", "").strip()
    try:
        return max(float(raw), 1 / 60) * 3600 if raw else float(IDLE_TIMEOUT_S)
    except ValueError:
        return float(IDLE_TIMEOUT_S)


def planners_path() -> Path:
    """The planners file of versions before accounts moved into the store (imported once)."""
    return Path(os.environ.get("INDICATORS_PLANNERS", DATA_DIR / "planners.toml"))


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    regions: tuple[str, ...]
    disabled: bool = False
    created_at: datetime | None = None
    hash: str = field(default="", repr=False)
    # When it last logged out: a session started before then is over (every tab, replica).
    logged_out_at: datetime | None = None

    @property
    def national(self) -> bool:
        return NATIONAL in self.regions

    @property
    def may_upload(self) -> bool:
        return not self.disabled and self.role in ("planner", "admin")

    @property
    def may_review(self) -> bool:
        return not self.disabled and self.role in ("reviewer", "admin")

    @property
    def is_admin(self) -> bool:
        return not self.disabled and self.role == "admin"

    def covers(self, region_code: str) -> bool:
        """Whether this account may write figures of `region_code`."""
        return self.national or region_code in self.regions

    def covers_all(self, region_codes: Iterable[str]) -> bool:
        """Whether this account may write figures of every one of `region_codes`."""
        return self.national or set(region_codes) <= set(self.regions)

    def logged_out_since(self, started: float) -> bool:
        """Whether it logged out at or after `started` (epoch seconds): a session started
        then is over, in every tab and replica."""
        return self.logged_out_at is not None and self.logged_out_at.timestamp() >= started


def parse_regions(codes: Iterable[str], known: Iterable[str] | None = None) -> tuple[str, ...]:
    """GB/T 2260 codes, sorted and unique; none means national."""
    out = sorted({c.strip() for c in codes if c.strip()})
    for code in out:
        if not REGION_PATTERN.match(code):
            raise AuthError(f"a region is a 6-digit GB/T 2260 code, not {code!r}")
    if known is not None:
        unknown = [c for c in out if c not in set(known)]
        if unknown:
            raise AuthError(f"unknown region code(s): {', '.join(unknown)}")
    if not out or NATIONAL in out:
        return (NATIONAL,)
    return tuple(out)


class Accounts:
    """The accounts table of a store; every change is written to the audit log."""

    def __init__(self, store: Store | None = None) -> None:
        self.store = store if store is not None else Store()

    def load(self) -> dict[str, Account]:
        return {r["name"]: _account(r) for r in self.store.accounts()}

    def get(self, name: str) -> Account | None:
        row = self.store.account(name)
        return None if row is None else _account(row)

    def names(self) -> list[str]:
        return sorted(self.load())

    def any(self) -> bool:
        return bool(self.load())

    def _regions(self, regions: Iterable[str]) -> str:
        known = self.store.catalog().regions
        return ",".join(parse_regions(regions, known))

    def add(
        self,
        name: str,
        password: str,
        *,
        role: str = "planner",
        regions: Iterable[str] = (),
        replace: bool = False,
        by: str | None = None,
        action: str = "account_add",
    ) -> Account:
        if not NAME_PATTERN.match(name):
            raise AuthError("an account name is 1-64 letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise AuthError(f"a role is one of {', '.join(ROLES)}, not {role!r}")
        _check_password(password)
        try:
            self.store.put_account(
                name,
                hash=_hasher.hash(password),
                role=role,
                regions=self._regions(regions),
                replace=replace,
                user=by or name,
                action="account_replace" if replace else action,
            )
        except AccountExists as exc:
            raise AuthError(f"account {name!r} exists already") from exc
        account = self.get(name)
        assert account is not None
        return account

    def set_disabled(self, name: str, disabled: bool, *, by: str) -> None:
        self._update(
            name, by, "account_disable" if disabled else "account_enable", disabled=disabled
        )

    def set_regions(self, name: str, regions: Iterable[str], *, by: str) -> None:
        self._update(name, by, "account_regions", regions=self._regions(regions))

    def set_role(self, name: str, role: str, *, by: str) -> None:
        if role not in ROLES:
            raise AuthError(f"a role is one of {', '.join(ROLES)}, not {role!r}")
        self._update(name, by, "account_role", role=role)

    def reset_password(self, name: str, *, by: str) -> str:
        """A new random password, returned once to show to the admin."""
        password = random_password()
        self._update(name, by, "account_reset", hash=_hasher.hash(password))
        return password

    def _update(self, name: str, by: str, action: str, **values: object) -> None:
        try:
            self.store.update_account(name, user=by, action=action, **values)
        except StoreError as exc:
            raise AuthError(str(exc)) from exc

    def verify(self, name: str, password: str) -> bool:
        account = self.get(name)
        if account is None or account.disabled:
            # Hash anyway so an unknown name costs as long as a wrong password.
            _hasher.hash(password)
            return False
        try:
            return _hasher.verify(account.hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def _account(row: dict[str, Any]) -> Account:
    """An Account from a row of ``Store.accounts()`` or ``Store.account()``."""
    return Account(
        row["name"],
        row["role"],
        tuple(row["regions"].split(",")),
        bool(row["disabled"]),
        row["created_at"],
        row["hash"],
        row["logged_out_at"],
    )


def may_undo(store: Store, account: Account | None, upload_id: int) -> bool:
    """Whether `account` may undo upload `upload_id`: an upload holding another province's
    rows is that province's business. No account (the command line with review off, with
    the server owner's rights) may."""
    return (
        account is None or account.national or account.covers_all(store.upload_regions(upload_id))
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def import_planners_file(store: Store, path: Path | None = None) -> list[str]:
    """Accounts of the old planners file become national planners, once (when the store has
    no account yet). Their argon2 hashes are kept, so their passwords still work."""
    path = path or planners_path()
    if not path.is_file() or store.accounts():
        return []
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    names = []
    for name, rec in sorted(data.get("planners", {}).items()):
        if NAME_PATTERN.match(name) and str(rec.get("hash", "")).startswith("$argon2"):
            store.put_account(
                name,
                hash=str(rec["hash"]),
                role="planner",
                regions=NATIONAL,
                replace=False,
                user="init-db",
                action="account_import",
            )
            names.append(name)
    return names


def random_password() -> str:
    return secrets.token_urlsafe(12)


def ensure_first_admin(accounts: Accounts) -> str | None:
    """Create the account `admin` with a random password when there is none; return it."""
    if accounts.any():
        return None
    password = random_password()
    accounts.add(FIRST_ADMIN, password, role="admin", by="ensure-planner")
    return password


# --- slowing down password guessing -------------------------------------------------------


def _delay(failures: int, free: int) -> float:
    """Seconds to wait after `failures` recent failures: none for the first `free`, then
    doubling from FIRST_DELAY_S up to MAX_DELAY_S."""
    if failures < free:
        return 0.0
    return float(min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (failures - free)))


class LoginLimiter:
    """Failed logins counted in the store, so every replica (and every process) shares them:
    a guesser spread over replicas behind a proxy is slowed as if there were one.

    Two counts, each with its own growing delay up to a minute: per name from one client
    (the stranger's browser waits, not the real planner at another address or in another
    session), and per account from anywhere (many clients guessing one password). Failures
    under a name that is no account are kept apart (`is_account=False`): they never delay
    an account, even one whose name differs only in case.
    """

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def retry_after(self, name: str, client: str = "", *, is_account: bool = True) -> float:
        """Seconds until `name` may try again from `client`; 0 when it may try now."""
        now = self.clock()
        seen = self.store.login_failures(_key(name, is_account), client, now - FAILURE_MEMORY_S)
        waits = [0.0]
        for which, free in (("pair", FREE_FAILURES), ("account", FREE_FAILURES_ACCOUNT)):
            count, last = seen[which]
            if count and last is not None:
                waits.append(last + _delay(count, free) - now)
        return max(waits)

    def failed(self, name: str, client: str = "", *, is_account: bool = True) -> None:
        now = self.clock()
        self.store.record_login_failure(_key(name, is_account), client, now, now - FAILURE_MEMORY_S)

    def succeeded(self, name: str, client: str = "") -> None:
        self.store.clear_login_failures(_key(name), client)


def _key(name: str, is_account: bool = True) -> str:
    """Failures under a name that is no account are counted under "?name", which no
    account's count ever reads."""
    key = name.strip().casefold()[:64]
    return key if is_account else f"?{key}"[:64]


class LoginRefused(AuthError):
    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason  # "wait" while slowed down, else "wrong"
        self.retry_after = retry_after


@dataclass(frozen=True)
class Session:
    name: str
    started: float
    last_seen: float
    token: str = ""  # the store-side session id: a logout ends it in every tab

    def alive(self, now: float) -> bool:
        return now - self.last_seen < idle_timeout_s() and now - self.started < MAX_SESSION_S

    def touched(self, now: float) -> Session:
        return Session(self.name, self.started, now, self.token)


def login(
    accounts: Accounts,
    name: str,
    password: str,
    *,
    client: str = "",
    limiter: LoginLimiter | None = None,
    clock: Callable[[], float] = time.time,
) -> Session:
    """A new session, or LoginRefused ("wait" while slowed down, else "wrong"). Both
    outcomes go to the audit log, with the client address."""
    name = name.strip()
    if limiter is None:
        limiter = LoginLimiter(accounts.store, clock)
    is_account = accounts.get(name) is not None
    wait = limiter.retry_after(name, client, is_account=is_account)
    if wait > 0:
        raise LoginRefused("wait", wait)
    if not accounts.verify(name, password):
        limiter.failed(name, client, is_account=is_account)
        # A typed name is a stranger's text: stored with its controls shown as marks.
        logged = visible_controls(name)[:64] or None
        accounts.store.audit(logged, "login_failed", client=client or None)
        raise LoginRefused("wrong", limiter.retry_after(name, client, is_account=is_account))
    limiter.succeeded(name, client)
    accounts.store.audit(name, "login", client=client or None)
    now = clock()
    return Session(name, now, now, secrets.token_urlsafe(16))
