"""Who may send files to Streamlit's upload route, and how many bytes it may hold.

Streamlit's route (/_stcore/upload_file/{session}/{file}) takes a file of up to the backstop
from any session, signed in or not, under any file id, and keeps it in memory until the tab
closes: four PUTs from an anonymous visitor took the server from 316 to 720 MB. Here:
- a session may upload only once a script run has seen a signed-in account that may upload
  (`allow`, called where the account is checked each run);
- bytes held per session and in total (plus those arriving) are bounded (`refusal`);
- files no uploader holds any more are freed (`release`), e.g. once a preview is discarded.
serve.py's middleware asks `refusal` before the route runs.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from indicators.ingest.read import upload_backstop_mb
from ui.streamlit_private import session_id, session_is_active, uploaded_file_manager

MB = 1024 * 1024
Refusal = Literal["not_signed_in", "session_full", "server_full"]

_lock = threading.Lock()
_planners: set[str] = set()
_arriving: defaultdict[str, int] = defaultdict(int)  # bytes of PUTs under way, per session
# When each file last arrived: a file the uploader has not claimed yet (its run has not
# started) is not freed for a few seconds.
_arrived_at: dict[tuple[str, str], float] = {}
CLAIM_S = 3.0


def per_session_bytes() -> int:
    """One file being replaced by the next: twice the backstop."""
    return 2 * upload_backstop_mb() * MB


def total_bytes() -> int:
    """All sessions together: INDICATORS_UPLOAD_MEMORY_MB, else room for four planners."""
    configured = os.environ.get("INDICATORS_UPLOAD_MEMORY_MB", "").strip()
    return int(configured) * MB if configured.isdigit() else 4 * per_session_bytes()


def allow(may_upload: bool) -> None:
    """Record whether this run's session belongs to an account that may upload; a session
    that signed out (or whose account lost the right) loses its files at once."""
    session = session_id()
    if session is None:
        return
    with _lock:
        if may_upload:
            _planners.add(session)
            _forget_closed()
            return
        was = session in _planners
        _planners.discard(session)
    if was or _held(session):
        release(())


def _forget_closed() -> None:
    """Sessions closed since (their files went with them) leave the set."""
    _planners.intersection_update(s for s in list(_planners) if session_is_active(s))


def _stored(session: str | None) -> int:
    """Bytes Streamlit holds for one session (None: every session)."""
    storage = getattr(uploaded_file_manager(), "file_storage", None)
    if not storage:
        return 0
    sessions = list(storage.values()) if session is None else [storage.get(session) or {}]
    return sum(len(rec.data) for files in sessions for rec in list(files.values()))


def _held(session: str) -> int:
    return _stored(session) + _arriving.get(session, 0)


def refusal(session: str, incoming: int) -> Refusal | None:
    """Why a PUT of `incoming` bytes from `session` is refused, or None (then reserved:
    call `arrived` when the request is over)."""
    with _lock:
        if session not in _planners or not session_is_active(session):
            _planners.discard(session)  # a closed session (a sign-out reloads the page)
            return "not_signed_in"
        if _held(session) + incoming > per_session_bytes():
            return "session_full"
        if _stored(None) + sum(_arriving.values()) + incoming > total_bytes():
            return "server_full"
        _arriving[session] += incoming
    return None


def arrived(session: str, incoming: int, file_id: str = "") -> None:
    with _lock:
        _arrived_at[(session, file_id)] = time.monotonic()
        _arriving[session] -= incoming
        if _arriving[session] <= 0:
            del _arriving[session]


def release(keep: Iterable[str]) -> None:
    """Free this session's uploaded files except those in `keep` (the file ids an uploader
    on the page holds): a file replaced, a preview discarded or committed."""
    session, manager = session_id(), uploaded_file_manager()
    storage = getattr(manager, "file_storage", None)
    if session is None or storage is None:
        return
    kept = set(keep)
    now = time.monotonic()
    for file_id in list((storage.get(session) or {}).keys()):
        with _lock:
            if file_id in kept:
                # held by an uploader: no longer waiting to be claimed, so once let go
                # (a preview committed, the file replaced) it is freed on the next run
                _arrived_at.pop((session, file_id), None)
                continue
            arrived_at = _arrived_at.get((session, file_id))
            fresh = arrived_at is not None and now - arrived_at < CLAIM_S
            if not fresh:
                _arrived_at.pop((session, file_id), None)
        if not fresh:
            manager.remove_file(session, file_id)  # type: ignore[attr-defined]
