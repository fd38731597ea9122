"""Accounts (planners, reviewers, admins) and failed sign-ins, shared by every replica."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from indicators.store.audit import AuditLog
from indicators.store.core import _one, _value
from indicators.store.errors import AccountExists, StoreError


class Accounts(AuditLog):
    # --- accounts -----------------------------------------------------------------------

    # With when the account last logged out: a session started before that is over (every
    # tab, every replica).
    _ACCOUNT_SELECT = """
        SELECT a.name, a.hash, a.role, a.regions, a.disabled, a.created_at, a.updated_at,
               (SELECT max(l.created_at) FROM audit_log l
                WHERE l.action = 'logout' AND l.user_name = a.name) AS logged_out_at
        FROM accounts a"""

    def accounts(self) -> list[dict[str, Any]]:
        with self.connect() as con:
            cur = con.execute(f"{self._ACCOUNT_SELECT} ORDER BY a.name")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def active_accounts(self) -> int:
        """How many accounts may sign in (not disabled)."""
        with self.connect() as con:
            return int(_value(con.execute("SELECT count(*) FROM accounts WHERE NOT disabled")))

    def account(self, name: str) -> dict[str, Any] | None:
        """One account (with `logged_out_at`), or None: one query, asked on every page run
        of a signed-in session."""
        with self.connect() as con:
            cur = con.execute(f"{self._ACCOUNT_SELECT} WHERE a.name = ?", [name])
            row = _one(cur)
            if row is None:
                return None
            return dict(zip([d[0] for d in cur.description], row, strict=True))

    def put_account(
        self,
        name: str,
        *,
        hash: str,
        role: str,
        regions: str,
        replace: bool,
        user: str,
        action: str,
    ) -> None:
        """Create an account, or (with `replace`) set its password, role and regions."""
        now = datetime.now()
        with self.transaction() as con:
            held = _one(con.execute("SELECT count(*) FROM accounts WHERE name = ?", [name]))
            if held and held[0] and not replace:
                raise AccountExists(f"account {name!r} exists already")
            if held and held[0]:
                con.execute(
                    "UPDATE accounts SET hash = ?, role = ?, regions = ?, "
                    "updated_at = ? WHERE name = ?",
                    [hash, role, regions, now, name],
                )
            else:
                con.execute(
                    "INSERT INTO accounts VALUES (?, ?, ?, ?, false, ?, ?)",
                    [name, hash, role, regions, now, now],
                )
            self._audit(con, user, action, name, f"role {role}, regions {regions}")

    def update_account(self, name: str, *, user: str, action: str, **values: object) -> None:
        """Change some of hash, role, regions, disabled."""
        allowed = {"hash", "role", "regions", "disabled"}
        if not values or set(values) - allowed:
            raise StoreError(f"an account has only {sorted(allowed)}")
        sets = ", ".join(f"{k} = ?" for k in values)
        with self.transaction() as con:
            n = _one(con.execute("SELECT count(*) FROM accounts WHERE name = ?", [name]))
            if not n or not n[0]:
                raise StoreError(f"no account {name!r}")
            con.execute(
                f"UPDATE accounts SET {sets}, updated_at = ? WHERE name = ?",
                [*values.values(), datetime.now(), name],
            )
            shown = {k: v for k, v in values.items() if k != "hash"}
            self._audit(
                con, user, action, name, ", ".join(f"{k} {v}" for k, v in shown.items()) or None
            )

    # --- failed logins (shared by every replica) ------------------------------------------

    def login_failures(
        self, account: str, client: str, since: float
    ) -> dict[str, tuple[int, float | None]]:
        """Failures since `since` (epoch seconds): count and latest, for this account from
        this client ("pair"), from this client over all accounts ("client") and for this
        account from anywhere ("account")."""
        with self.connect() as con:
            row = _one(
                con.execute(
                    """SELECT count(*) FILTER (WHERE account = ? AND client = ?),
                          max(failed_at) FILTER (WHERE account = ? AND client = ?),
                          count(*) FILTER (WHERE client = ?),
                          max(failed_at) FILTER (WHERE client = ?),
                          count(*) FILTER (WHERE account = ?),
                          max(failed_at) FILTER (WHERE account = ?)
                   FROM login_failures WHERE failed_at > ? AND (account = ? OR client = ?)""",
                    [
                        account,
                        client,
                        account,
                        client,
                        client,
                        client,
                        account,
                        account,
                        since,
                        account,
                        client,
                    ],
                )
            )
        assert row is not None
        return {
            "pair": (int(row[0]), row[1]),
            "client": (int(row[2]), row[3]),
            "account": (int(row[4]), row[5]),
        }

    def record_login_failure(
        self, account: str, client: str, at: float, forget_before: float
    ) -> None:
        """One more failure; failures too old to count are pruned on the way."""
        with self.transaction() as con:
            con.execute("DELETE FROM login_failures WHERE failed_at <= ?", [forget_before])
            con.execute("INSERT INTO login_failures VALUES (?, ?, ?)", [account, client, at])

    def clear_login_failures(self, account: str, client: str) -> None:
        """A good password from this client: its failures on this account are forgiven."""
        with self.transaction() as con:
            con.execute(
                "DELETE FROM login_failures WHERE account = ? AND client = ?", [account, client]
            )

    # --- sign-ins that outlive a page (shared by every replica) ----------------------------

    def sign_in_key(self, name: str, new_value: str) -> str:
        """The signing key called `name`: the one stored, or `new_value` stored now (two
        replicas asking at once agree on the first one written)."""
        with self.transaction() as con:
            con.execute(
                "INSERT INTO sign_in_keys VALUES (?, ?) ON CONFLICT DO NOTHING", [name, new_value]
            )
            return str(_value(con.execute("SELECT value FROM sign_in_keys WHERE name = ?", [name])))

    def add_sign_in(
        self, key: str, account: str, *, binding: str, stamp: str, at: float, forget_before: float
    ) -> None:
        """A pending sign-in (password checked, cookie not yet collected); sign-ins idle since
        `forget_before` are pruned on the way."""
        with self.transaction() as con:
            con.execute("DELETE FROM sign_ins WHERE last_seen < ?", [forget_before])
            con.execute(
                "INSERT INTO sign_ins VALUES (?, ?, ?, true, ?, ?, ?)",
                [key, account, binding, stamp, at, at],
            )

    def adopt_sign_in(
        self, key: str, *, binding: str, new_key: str, at: float, since: float
    ) -> str | None:
        """Pending sign-in `key`, made since `since` for the browser `binding`, now known by
        `new_key` (the cookie's): its account, or None (once only)."""
        with self.transaction() as con:
            row = _one(
                con.execute(
                    "UPDATE sign_ins SET id = ?, pending = false, last_seen = ? "
                    "WHERE id = ? AND binding = ? AND pending AND created_at >= ? "
                    "RETURNING account",
                    [new_key, at, key, binding, since],
                )
            )
            return None if row is None else str(row[0])

    def sign_in(self, key: str) -> dict[str, Any] | None:
        """The sign-in known by `key` (account, pending, stamp, created_at, last_seen)."""
        with self.connect() as con:
            cur = con.execute(
                "SELECT account, pending, stamp, created_at, last_seen FROM sign_ins WHERE id = ?",
                [key],
            )
            row = _one(cur)
            if row is None:
                return None
            return dict(zip([d[0] for d in cur.description], row, strict=True))

    def touch_sign_in(self, key: str, at: float) -> None:
        with self.transaction() as con:
            con.execute("UPDATE sign_ins SET last_seen = ? WHERE id = ?", [at, key])

    def end_sign_in(self, key: str) -> None:
        with self.transaction() as con:
            con.execute("DELETE FROM sign_ins WHERE id = ?", [key])

    def end_sign_ins(self, account: str) -> int:
        """Every sign-in of `account` (a logout: every browser, every replica); how many."""
        with self.transaction() as con:
            n = _value(con.execute("SELECT count(*) FROM sign_ins WHERE account = ?", [account]))
            con.execute("DELETE FROM sign_ins WHERE account = ?", [account])
            return int(n)

    # --- identities at an identity provider (single sign-on) --------------------------------

    def identity_account(self, kind: str, value: str) -> str | None:
        """The account an identity (kind "subject" or "email") is linked to, or None."""
        with self.connect() as con:
            row = _one(
                con.execute(
                    "SELECT account FROM account_identities WHERE kind = ? AND value = ?",
                    [kind, value],
                )
            )
            return None if row is None else str(row[0])

    def link_identity(self, account: str, kind: str, value: str, *, user: str) -> None:
        """Link an identity to `account` (moving it from any other account)."""
        with self.transaction() as con:
            n = _one(con.execute("SELECT count(*) FROM accounts WHERE name = ?", [account]))
            if not n or not n[0]:
                raise StoreError(f"no account {account!r}")
            con.execute(
                "DELETE FROM account_identities WHERE kind = ? AND value = ?", [kind, value]
            )
            con.execute("INSERT INTO account_identities VALUES (?, ?, ?)", [kind, value, account])
            self._audit(con, user, "account_identity", account, f"{kind} {value}")
