"""Sign-ins that outlive a page (indicators/signin.py): a signed cookie bound to a row in the
store, honoured by every replica, ended by a logout, an idle spell, or a change of the
account's password or role; the hand-over from the password check to the cookie works once,
for the browser that signed in only."""

from __future__ import annotations

import pytest

from indicators.domain.auth import Accounts, AuthError
from indicators.domain.signin import (
    HANDOVER_S,
    TOUCH_EVERY_S,
    SignIns,
    link_identity,
    sign,
    sso_account,
    unsign,
)
from indicators.store import Store

BOTH_BACKENDS = True
BROWSER = "browser-cookie-of-alice"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def accounts(store: Store) -> Accounts:
    accounts = Accounts(store)
    accounts.add("alice", "correct horse", role="planner")
    return accounts


def _signed_in(accounts: Accounts, clock: Clock, browser: str = BROWSER) -> str:
    sign_ins = SignIns(accounts.store, clock)
    alice = accounts.get("alice")
    assert alice is not None
    cookie = sign_ins.adopt(sign_ins.start(alice, browser), browser)
    assert cookie is not None
    return cookie


def test_a_cookie_signs_in_on_every_replica_and_the_store_keeps_no_usable_token(
    accounts: Accounts,
) -> None:
    clock = Clock()
    cookie = _signed_in(accounts, clock)
    # Another replica: its own Store object on the same database.
    other = SignIns(Store(accounts.store.location), clock)
    checked = other.check(cookie)
    assert checked.account is not None and checked.account.name == "alice"
    assert checked.refusal == "none"
    token = cookie.partition(".")[0]
    assert token not in repr(accounts.store.dump())  # only its hash is kept


def test_the_hand_over_works_once_for_the_browser_that_signed_in_and_soon(
    accounts: Accounts,
) -> None:
    clock = Clock()
    sign_ins = SignIns(accounts.store, clock)
    alice = accounts.get("alice")
    assert alice is not None
    nonce = sign_ins.start(alice, BROWSER)
    assert sign_ins.adopt(nonce, "another-browser") is None  # sent to someone else
    assert sign_ins.check(nonce).refusal == "forged"  # a nonce is not a cookie
    assert sign_ins.adopt(nonce, BROWSER) is not None
    assert sign_ins.adopt(nonce, BROWSER) is None  # replayed
    late = sign_ins.start(alice, BROWSER)
    clock.now += HANDOVER_S + 1
    assert sign_ins.adopt(late, BROWSER) is None


def test_a_forged_or_tampered_cookie_signs_nobody_in(accounts: Accounts) -> None:
    clock = Clock()
    sign_ins = SignIns(accounts.store, clock)
    cookie = _signed_in(accounts, clock)
    token, _, mac = cookie.partition(".")
    assert unsign(sign_ins.secret(), cookie) == token
    for forged in (
        f"{token}x.{mac}",
        f"{token}.{mac[:-2]}AA",
        sign("another deployment's key", token),
        token,
        "garbage",
    ):
        assert sign_ins.check(forged).account is None
        assert sign_ins.check(forged).refusal == "forged"
    # Signed right but unknown to the store (made up with a stolen key, or long ended).
    assert sign_ins.check(sign(sign_ins.secret(), "made-up")).refusal == "ended"
    assert sign_ins.check("").refusal == "none"


def test_idle_time_ends_a_sign_in_default_eight_hours_or_as_configured(
    accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    sign_ins = SignIns(accounts.store, clock)
    cookie = _signed_in(accounts, clock)
    clock.now += 8 * 3600 - 60
    assert sign_ins.check(cookie).account is not None  # used: the idle clock starts again
    clock.now += 8 * 3600 - 60
    assert sign_ins.check(cookie).account is not None
    clock.now += 8 * 3600 + 1
    assert sign_ins.check(cookie).refusal == "expired"
    assert sign_ins.check(cookie).refusal == "ended"  # and removed

    monkeypatch.setenv("INDICATORS_SESSION_IDLE_HOURS", "0.5")
    cookie = _signed_in(accounts, clock)
    clock.now += 29 * 60
    assert sign_ins.check(cookie).account is not None
    clock.now += 30 * 60 + 1
    assert sign_ins.check(cookie).refusal == "expired"


def test_the_idle_clock_is_written_at_most_once_a_minute(accounts: Accounts) -> None:
    clock = Clock()
    sign_ins = SignIns(accounts.store, clock)
    cookie = _signed_in(accounts, clock)
    (row,) = accounts.store.dump()["sign_ins"]
    start = row[-1]
    clock.now += TOUCH_EVERY_S - 1
    sign_ins.check(cookie)
    assert accounts.store.dump()["sign_ins"][0][-1] == start
    clock.now += 2
    sign_ins.check(cookie)
    assert accounts.store.dump()["sign_ins"][0][-1] == clock.now


def test_logout_ends_every_sign_in_of_the_account_only(accounts: Accounts) -> None:
    accounts.add("bob", "battery staple", role="planner")
    clock = Clock()
    sign_ins = SignIns(accounts.store, clock)
    laptop = _signed_in(accounts, clock, "laptop")
    phone = _signed_in(accounts, clock, "phone")
    bob = accounts.get("bob")
    assert bob is not None
    bobs = sign_ins.adopt(sign_ins.start(bob, "bobs"), "bobs")
    assert bobs is not None
    assert sign_ins.end_all("alice") == 2
    assert sign_ins.check(laptop).refusal == "ended"
    assert sign_ins.check(phone).refusal == "ended"
    assert sign_ins.check(bobs).account == accounts.get("bob")


def test_a_new_password_or_role_ends_sign_ins_regions_do_not(accounts: Accounts) -> None:
    clock = Clock()
    sign_ins = SignIns(accounts.store, clock)
    cookie = _signed_in(accounts, clock)
    accounts.set_regions("alice", ["110000"], by="admin")
    assert sign_ins.check(cookie).account is not None
    accounts.set_role("alice", "reviewer", by="admin")
    assert sign_ins.check(cookie).refusal == "changed"
    cookie = _signed_in(accounts, clock)
    accounts.reset_password("alice", by="admin")
    assert sign_ins.check(cookie).refusal == "changed"
    cookie = _signed_in(accounts, clock)
    accounts.set_disabled("alice", True, by="admin")
    assert sign_ins.check(cookie).refusal == "ended"


def test_signing_in_again_rotates_the_cookie_and_ends_the_old_one(accounts: Accounts) -> None:
    clock = Clock()
    sign_ins = SignIns(accounts.store, clock)
    old = _signed_in(accounts, clock)
    alice = accounts.get("alice")
    assert alice is not None
    new = sign_ins.adopt(sign_ins.start(alice, BROWSER), BROWSER, previous=old)
    assert new is not None and new != old
    assert sign_ins.check(old).refusal == "ended"
    assert sign_ins.check(new).account is not None


def test_an_identity_providers_account_is_ours_by_subject_or_verified_email(
    accounts: Accounts,
) -> None:
    accounts.add("bob", "battery staple", role="reviewer")
    link_identity(accounts, "alice", "email", " Alice@Example.gov.cn ", by="admin")
    link_identity(accounts, "bob", "subject", "idp|bob-42", by="admin")

    def who(**claims: object) -> str | None:
        account = sso_account(accounts, claims)
        return None if account is None else account.name

    assert who(sub="x1", email="alice@example.gov.cn", email_verified=True) == "alice"
    assert who(sub="x1", email="ALICE@example.gov.cn", email_verified=True) == "alice"
    # An address the provider did not verify proves nothing.
    assert who(sub="x1", email="alice@example.gov.cn", email_verified=False) is None
    assert who(sub="x1", email="alice@example.gov.cn") is None
    assert who(sub="idp|bob-42", email="someone@else.org", email_verified=True) == "bob"
    assert who(sub="stranger", email="s@example.com", email_verified=True) is None
    accounts.set_disabled("bob", True, by="admin")
    assert who(sub="idp|bob-42") is None
    with pytest.raises(AuthError):
        link_identity(accounts, "alice", "email", "not-an-address", by="admin")
    with pytest.raises(AuthError):
        link_identity(accounts, "nobody", "subject", "idp|x", by="admin")
    # Linked again: the identity moves to the other account.
    link_identity(accounts, "alice", "subject", "idp|bob-42", by="admin")
    assert who(sub="idp|bob-42") == "alice"
    assert "account_identity" in set(accounts.store.audit_log()["action"])


def test_add_planner_links_an_identity_and_needs_no_password_for_it(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    from indicators.commands.cli import main

    db = store.location
    assert main(["add-planner", "li", "--email", "Li@Example.gov.cn", "--db", db]) == 0
    assert main(["add-planner", "li", "--oidc-subject", "idp|li", "--db", db]) == 0  # exists
    out = capsys.readouterr().out
    assert "email 'li@example.gov.cn' signs in as 'li'" in out
    assert "subject 'idp|li' signs in as 'li'" in out
    account = sso_account(Accounts(store), {"sub": "idp|li"})
    assert account is not None and account.role == "planner"
    assert main(["add-planner", "zhao", "--email", "bad", "--db", db]) == 1
