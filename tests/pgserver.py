"""A throwaway PostgreSQL server for tests and benchmarks: initdb in a temp dir, a free port,
stopped and deleted at the end. PostgreSQL refuses to run as root, so as root it runs as the
`postgres` system user (Debian's `postgresql` package creates it)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support import free_port

PASSWORD = "indicators-test"  # the server accepts TCP logins by password (scram)


def bin_dir() -> Path:
    for candidate in (
        os.environ.get("PG_BIN"),
        *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True),
    ):
        if candidate and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")


@dataclass
class PgServer:
    root: Path
    port: int
    bin: Path
    as_postgres: bool

    def url(self, dbname: str = "postgres", *, password: str | None = PASSWORD) -> str:
        auth = f"postgres:{password}" if password is not None else "postgres"
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        return subprocess.run(
            [*prefix, *argv], capture_output=True, text=True, check=check, cwd=self.root
        )

    def pg_ctl(self, action: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        return self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.root / "data"),
            "-w",
            "-t",
            "60",
            "-o",
            opts,
            "-l",
            str(self.root / "log"),
            action,
            check=check,
        )

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        self.pg_ctl("stop", check=False)

    def restart(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-w", "-m", "fast", "stop"
        )
        self.start()

    def log(self) -> str:
        try:
            return (self.root / "log").read_text(errors="replace")
        except OSError:
            return ""


def start_server() -> PgServer:
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="indicators-pg-", dir="/tmp"))
    root.chmod(0o700)
    if as_postgres:
        shutil.chown(root, "postgres", "postgres")
    server = PgServer(root, free_port(), bin_dir(), as_postgres)
    pwfile = root / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if as_postgres:
        shutil.chown(pwfile, "postgres", "postgres")
    try:
        server._run(
            str(server.bin / "initdb"),
            "-D",
            str(root / "data"),
            "-U",
            "postgres",
            "--pwfile",
            str(pwfile),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-locale",
            "-E",
            "UTF8",
        )
        _start_on_a_free_port(server)
    except subprocess.CalledProcessError as exc:
        log = server.log()
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr}\n{log}") from exc
    return server


def _start_on_a_free_port(server: PgServer, attempts: int = 3) -> None:
    """Start, on another free port if this one was taken meanwhile: pytest-xdist workers each
    start a server at the same moment, and a port found free may be bound before we bind."""
    for attempt in range(attempts):
        try:
            server.start()
            return
        except subprocess.CalledProcessError:
            if attempt == attempts - 1 or "already in use" not in server.log():
                raise
            server.port = free_port()


def stop_server(server: PgServer) -> None:
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)
