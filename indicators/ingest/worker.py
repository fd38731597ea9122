"""Check an upload in a separate process with a deadline and a memory ceiling.

Reading a hostile file is the one thing a planner can make expensive. Done in the server
process, it kept running after the planner left and its memory stayed with the server.
Here it runs in a child process the caller can stop: on the deadline, over the memory
ceiling, or when ``keep_going`` raises (the page's session ended). The child's memory goes
back to the system with it, and a crash inside a parser (an abort) is a refusal, not a
server crash.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections.abc import Callable
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the pipeline is imported where it runs: see `prestart`
    from indicators.base.catalog import Catalog
    from indicators.ingest.pipeline import Checked, Options
    from indicators.ingest.report import Problem

DEFAULT_SECONDS = 60.0
DEFAULT_MEMORY_MB = 1500
_POLL = 0.1


def limits() -> tuple[float, int]:
    """(seconds, MB) from INDICATORS_UPLOAD_SECONDS / INDICATORS_UPLOAD_MEMORY_MB."""

    def read(name: str, default: float) -> float:
        try:
            return float(os.environ.get(name, "") or default)
        except ValueError:
            return default

    return read("INDICATORS_UPLOAD_SECONDS", DEFAULT_SECONDS), int(
        read("INDICATORS_UPLOAD_MEMORY_MB", DEFAULT_MEMORY_MB)
    )


def _context() -> mp.context.ForkServerContext:
    # forkserver: the server is multi-threaded (fork would copy its locks mid-use) and spawn
    # would import pandas and pyarrow again for every upload; the fork server imports them
    # once and forks a clean child per upload.
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["indicators.ingest.pipeline"])
    return ctx


def prestart() -> None:
    """Start the fork server now, so it imports the pipeline while the caller imports its
    own share (a command-line ingest does both at once, not one after the other)."""
    _context()
    forkserver.ensure_running()


def _child(
    conn: Connection, data: bytes, file_name: str, catalog: Catalog, options: Options
) -> None:
    from indicators.ingest.pipeline import check_file

    try:
        result: Any = check_file(data, file_name, catalog, options)
    except BaseException as exc:
        result = ("error", f"{type(exc).__name__}: {exc}"[:500])
    conn.send(result)
    conn.close()


def _rss_mb(pid: int | None) -> float:
    if pid is None:  # not started
        return 0.0
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    except (OSError, ValueError, IndexError):
        return 0.0


class WorkerFault(RuntimeError):
    """Our own code failed inside the worker: a bug, not the planner's file."""


def check_file_bounded(
    data: bytes,
    file_name: str,
    catalog: Catalog,
    options: Options | None = None,
    *,
    seconds: float | None = None,
    memory_mb: int | None = None,
    keep_going: Callable[[float], None] | None = None,
) -> Checked:
    """``check_file`` in a child process; a file that runs out of time or memory, or
    crashes the reader, comes back as a rejected Checked with the reason."""
    from indicators.ingest.pipeline import Checked, Options
    from indicators.ingest.report import Problem
    from indicators.store import sha256_of

    options = options or Options()
    default_s, default_mb = limits()
    seconds = default_s if seconds is None else seconds
    memory_mb = default_mb if memory_mb is None else memory_mb
    sha = sha256_of(data)
    # Read (and checked) here, once per catalog, and sent with it: not read again in every
    # child, and a bad bounds file is the caller's CatalogError, not a fault in the worker.
    catalog.plausibility  # noqa: B018
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, data, file_name, catalog, options), daemon=True)
    started = time.monotonic()
    proc.start()
    sender.close()
    problem: Problem | None = None
    try:
        while True:
            if receiver.poll(_POLL):
                try:
                    result = receiver.recv()
                except EOFError:  # the child died before answering
                    proc.join(5)
                    problem = _crash(proc.exitcode)
                    break
                if isinstance(result, tuple):
                    raise WorkerFault(result[1])
                return result
            elapsed = time.monotonic() - started
            if not proc.is_alive():
                proc.join()
                problem = _crash(proc.exitcode)
                break
            if elapsed > seconds:
                problem = Problem("too_slow", params={"seconds": f"{seconds:g}"})
                break
            if _rss_mb(proc.pid) > memory_mb:
                problem = Problem("too_much_memory", params={"limit": memory_mb})
                break
            if keep_going is not None:
                keep_going(elapsed)  # may raise: the finally below still ends the child
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receiver.close()
    return Checked.rejected(file_name, sha, [problem])


def _crash(exitcode: int | None) -> Problem:
    from indicators.ingest.report import Problem

    if exitcode is not None and exitcode < 0:
        try:
            code = signal.Signals(-exitcode).name
        except ValueError:
            code = f"signal {-exitcode}"
    else:
        code = f"exit {exitcode}"
    return Problem("reader_crashed", params={"code": code})
