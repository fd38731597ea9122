"""Planner accounts: salted argon2 hashes in a file, rate-limited logins, expiring sessions."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest

from indicators.auth import (
    IDLE_TIMEOUT_S,
    MAX_FAILURES,
    MAX_SESSION_S,
    Accounts,
    AuthError,
    LoginLimiter,
    LoginRefused,
    login,
)
from indicators.cli import main


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    return Accounts(tmp_path / "planners.toml")


def test_passwords_are_stored_as_salted_argon2_hashes_never_in_clear(accounts: Accounts) -> None:
    accounts.add("alice", "correct horse")
    accounts.add("bob", "correct horse")
    text = accounts.path.read_text()
    assert "correct horse" not in text
    data = tomllib.loads(text)["planners"]
    assert data["alice"]["hash"].startswith("$argon2id$")
    assert data["alice"]["hash"] != data["bob"]["hash"]  # same password, different salt
    assert accounts.verify("alice", "correct horse")
    assert not accounts.verify("alice", "wrong horse")
    assert not accounts.verify("nobody", "correct horse")
    assert accounts.path.stat().st_mode & 0o077 == 0


def test_bad_names_short_passwords_and_existing_accounts_are_refused(accounts: Accounts) -> None:
    with pytest.raises(AuthError):
        accounts.add("bad name", "long enough")
    with pytest.raises(AuthError):
        accounts.add("alice", "short")
    accounts.add("alice", "long enough")
    with pytest.raises(AuthError):
        accounts.add("alice", "another one")
    accounts.add("alice", "another one", replace=True)
    assert accounts.verify("alice", "another one")


def test_failed_logins_lock_the_name_for_a_while(accounts: Accounts) -> None:
    accounts.add("alice", "correct horse")
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LoginRefused) as exc:
            login(accounts, "alice", "guess", limiter=limiter, clock=clock)
        assert exc.value.reason == "wrong"
    with pytest.raises(LoginRefused):
        login(accounts, "alice", "guess", limiter=limiter, clock=clock)
    # Locked now: even the right password is refused until the lock runs out.
    with pytest.raises(LoginRefused) as exc:
        login(accounts, "alice", "correct horse", limiter=limiter, clock=clock)
    assert exc.value.reason == "locked" and exc.value.retry_after > 0
    clock.now += exc.value.retry_after + 1
    assert login(accounts, "alice", "correct horse", limiter=limiter, clock=clock).name == "alice"


def test_sessions_expire_when_idle_and_after_a_working_day(accounts: Accounts) -> None:
    accounts.add("alice", "correct horse")
    clock = Clock()
    session = login(accounts, "alice", "correct horse", limiter=LoginLimiter(), clock=clock)
    assert session.alive(clock.now + IDLE_TIMEOUT_S - 1)
    assert not session.alive(clock.now + IDLE_TIMEOUT_S + 1)
    busy = session
    t = clock.now
    while t + 600 < clock.now + MAX_SESSION_S:  # active all day, never idle
        t += 600
        busy = busy.touched(t)
    assert busy.alive(t)
    assert not busy.touched(clock.now + MAX_SESSION_S).alive(clock.now + MAX_SESSION_S + 1)


def test_add_planner_reads_the_password_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "p.toml"
    monkeypatch.setenv("INDICATORS_PLANNERS", str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert main(["add-planner", "dana", "--password-stdin"]) == 0
    assert Accounts(path).verify("dana", "s3cret-pass")
    monkeypatch.setattr("sys.stdin", io.StringIO("other-pass\n"))
    assert main(["add-planner", "dana", "--password-stdin"]) == 1
    assert "exists already" in capsys.readouterr().err


def test_ensure_planner_creates_one_account_once_and_prints_its_password_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "p.toml"
    assert main(["ensure-planner", "--planners", str(path)]) == 0
    out = capsys.readouterr().out
    password = next(line.split(":", 1)[1].strip() for line in out.splitlines()
                    if line.strip().startswith("password:"))
    assert Accounts(path).names() == ["planner"]
    assert Accounts(path).verify("planner", password)
    assert main(["ensure-planner", "--planners", str(path)]) == 0
    assert capsys.readouterr().out == ""  # nothing printed, nothing changed
    assert Accounts(path).verify("planner", password)
