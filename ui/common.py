"""What every page shares: language, the cached snapshot, session-state keys."""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from indicators.base.catalog import Catalog
from indicators.base.formatting import format_value
from indicators.base.i18n import DEFAULT_LANG, LANGS, Lang, _, normalise_lang
from indicators.base.status import brightness
from indicators.domain.snapshot import Snapshot, load_snapshot
from indicators.store import NotInitialised, Store, StoreError, StoreUnavailable
from ui.preview import active
from ui.session import Keys, store


def today() -> date:
    """The day progress is judged on (a function, so tests can move the calendar)."""
    return date.today()


# cache_resource, not cache_data: a snapshot can hold a large frame, and cache_data would
# copy it on every rerun. Callers treat the snapshot as read-only. Keyed on the day as well
# as the data: verdicts turn with the calendar (a target year ends on 31 December), so a
# running server must not keep last year's words until someone writes.
@st.cache_resource(show_spinner=False, max_entries=8)
def _snapshot(db_path: str, data_version: int, as_of: date, preview: int | None = None) -> Snapshot:
    # the dashboard's day is its clock, not an as-of view: the latest vintage of everything
    return load_snapshot(Store(db_path), as_of=as_of, preview=preview, as_known=False)


_stamps: dict[str, tuple[tuple, int]] = {}
_stamps_lock = threading.Lock()


def _file_stamp(path: str) -> tuple:
    out: list[tuple[int, int] | None] = []
    for p in (path, f"{path}.wal"):
        try:
            st_ = os.stat(p)
        except FileNotFoundError:
            out.append(None)
        else:
            out.append((st_.st_mtime_ns, st_.st_size))
    return tuple(out)


def data_version(s: Store) -> int:
    """The store's data version, asked again only when the database files changed.

    Opening DuckDB costs milliseconds and a page asks several times a run; every commit
    changes the file or its write-ahead log, so an unchanged stamp means unchanged data.
    The stamp is taken before the query, so a write racing it only costs a second query.
    """
    key = s.location
    if s.path is None:  # a server: ask it every run (one tiny query), so every replica
        return s.data_version()  # sees a commit made anywhere on the next page load
    stamp = _file_stamp(key)
    with _stamps_lock:
        known = _stamps.get(key)
    if known is not None and known[0] == stamp and stamp[0] is not None:
        return known[1]
    version = s.data_version()
    with _stamps_lock:
        _stamps[key] = (stamp, version)
    return version


def _key(s: Store, preview: int | None) -> tuple[str, int, date, int | None]:
    """A snapshot's cache key: store, data version, the day verdicts are judged on, and the
    submitted upload shown as if published (None: the published figures)."""
    return (s.location, data_version(s), today(), preview)


def _data_key(s: Store) -> tuple[str, int, date, int | None]:
    """What this run shows: the published figures, or (a signed-in planner's or reviewer's
    preview) published + one submitted upload."""
    return _key(s, active())


def snapshot() -> Snapshot:
    """The data for this run, recomputed only when something was written. A store that
    cannot be used raises StoreError: dashboard.py says what to do (store_error)."""
    key = _data_key(store())
    st.session_state[Keys.DATA_KEY] = key
    return _snapshot(*key)


def warm(*builders: Callable[..., Any]) -> None:
    """The published snapshot worked out before the first visitor asks (serve.py, at start):
    the same cache entry snapshot() reads for a visitor who previews nothing, so the first
    browser after a start does not wait for it; with `builders`, also what derived(fn, lang)
    makes of it for the first page, in each language. Quietly nothing if the store cannot be
    read: the page will say why."""
    with contextlib.suppress(StoreError):
        key = _key(store(), None)
        _snapshot(*key)
        for fn in builders:
            for lg in LANGS:
                _derived(*key, _registered(fn), (lg,), ())


def published_and_preview(upload_id: int) -> tuple[Snapshot, Snapshot]:
    """The published snapshot and the one as if submitted upload `upload_id` were published,
    both from the views' cache (the review page compares them)."""
    s = store()
    return _snapshot(*_key(s, None)), _snapshot(*_key(s, upload_id))


def store_error(exc: StoreError) -> None:
    """A store that cannot be used, said in the reader's language with what to do."""
    lg, path = lang(), store().label
    if isinstance(exc, NotInitialised):
        st.error(_("error.no_db", lg, path=path))
    elif isinstance(exc, StoreUnavailable):
        st.error(
            _(
                {
                    "corrupt": "error.db_corrupt",
                    "read_only": "error.db_read_only",
                    "disk_full": "error.disk_full",
                }.get(exc.code, "error.db_corrupt"),
                lg,
                path=path,
            )
        )
    elif _last_known_admin():  # a database server restarting: the next load reconnects
        st.error(_("error.store_unreachable", lg, path=path))
    else:  # where the database is (host, user) is for admins only
        st.error(_("error.store_unreachable.public", lg))


def _last_known_admin() -> bool:
    """Whether this session's account was an admin on its last run: with the database
    unreachable, the role cannot be asked afresh."""
    held = st.session_state.get(Keys.RUN + "account")
    account = held[1] if isinstance(held, tuple) and len(held) == 2 else None
    return bool(getattr(account, "is_admin", False))


def catalog_or_none() -> Catalog | None:
    """The catalog for building navigation, or None before the database exists."""
    try:
        return snapshot().catalog
    except StoreError:
        # The page itself says what is wrong (dashboard.py); navigation still builds.
        return None


_BUILDERS: dict[str, Callable[..., Any]] = {}


@st.cache_resource(show_spinner=False, max_entries=2048)
def _derived(
    db_path: str,
    data_version: int,
    as_of: date,
    preview: int | None,
    name: str,
    args: tuple,
    kwargs: tuple,
) -> Any:
    return _BUILDERS[name](_snapshot(db_path, data_version, as_of, preview), *args, **dict(kwargs))


def derived(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(snapshot, *args, **kwargs)``, cached until the data (or the day) changes.

    For figures and tables built from the snapshot: a rerun that changed nothing reuses
    them. Results are shared between sessions, so callers must not modify them.
    """
    return _derived(*data_key(), _registered(fn), args, tuple(sorted(kwargs.items())))


def _registered(fn: Callable[..., Any]) -> str:
    """The name a builder is cached under (its module and name, not the function object,
    which a page's rerun makes anew)."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _BUILDERS[name] = fn
    return name


def data_key() -> tuple[str, int, date, int | None]:
    """The key of this run's snapshot (store, data version, day, previewed upload): what
    anything drawn from the snapshot is cached on."""
    if Keys.DATA_KEY not in st.session_state:
        snapshot()
    return st.session_state[Keys.DATA_KEY]


_memo: dict[tuple[int, Hashable], tuple[weakref.ref, Any]] = {}
# Re-entrant: a weak reference's callback may run inside a locked section (a collection
# triggered there) on the same thread.
_memo_lock = threading.RLock()
# One compute at a time, each once: sessions arriving together all asked for the same
# figure's on-screen copy, and two threads copying one plotly figure (whose child objects
# are made lazily on first read) mixed validators up: "Invalid element(s) received for the
# 'textposition' property of scatter: ['inside']" on 1 view in about 100 (bench_load.py
# --protocol, 50 sessions at once).
_compute_lock = threading.RLock()


def _forget(key: int) -> None:
    with _memo_lock:
        for k in [k for k in _memo if k[0] == key]:
            del _memo[k]


def memo_on(obj: Any, what: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered while ``obj`` lives, for every session.

    For what a page derives from a shared cached object on each run (a figure's on-screen
    copy and its JSON): the figures come from ``derived``, so every session passes the
    same object and the work is done once per data version instead of once per view.
    ``obj`` must not be modified after the first call, as ``derived`` results never are,
    and the value must not refer to ``obj`` (it would never be collected).
    """
    oid = id(obj)
    key = (oid, what)
    with _memo_lock:
        hit = _memo.get(key)
    if hit is not None and hit[0]() is obj:
        return hit[1]
    with _compute_lock:
        with _memo_lock:
            hit = _memo.get(key)
        if hit is not None and hit[0]() is obj:
            return hit[1]  # worked out by the session this one waited for
        value = compute()
        # The entry goes when obj is collected, before its id can be reused.
        ref = weakref.ref(obj, lambda _r: _forget(oid))
        with _memo_lock:
            _memo[key] = (ref, value)
    return value


def as_of_line(lg: Lang) -> str:
    """'Data as of <newest period>; last upload <time>' (or 'no data')."""
    return snapshot().as_of_line(lg)


def page_header(title: str, caption: str, lg: Lang) -> None:
    """A data view's head: its title, what it shows, and the 'data as of' line."""
    st.title(title)
    st.caption(caption)
    st.caption(as_of_line(lg))


def chip(colour: str, label: str) -> str:
    """A coloured square with the status name written next to it (never colour alone), as
    Markdown: HTML in a card would make its text wait for Streamlit's HTML renderer, which
    the browser loads only on first use, a second or more after the title
    (bench/bench_first_paint.py)."""
    # Non-breaking spaces: a line may break between chips, never inside one.
    glued = label.replace(" ", "\u00a0")
    if brightness(colour) > 200:  # "no data" grey would vanish on white: an outlined square
        return f":gray[□]\u00a0{glued}"
    return f':color[■]{{foreground="{colour}"}}\u00a0{glued}'


def lang() -> Lang:
    if Keys.LANG not in st.session_state:
        st.session_state[Keys.LANG] = normalise_lang(st.query_params.get(Keys.LANG, DEFAULT_LANG))
    return st.session_state[Keys.LANG]


def _on_lang_change() -> None:
    st.query_params[Keys.LANG] = st.session_state[Keys.LANG]


def language_switch() -> Lang:
    current = lang()
    st.sidebar.radio(
        _("app.language", current),
        LANGS,
        key=Keys.LANG,
        horizontal=True,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        on_change=_on_lang_change,
    )
    st.query_params[Keys.LANG] = st.session_state[Keys.LANG]
    return st.session_state[Keys.LANG]


def readable(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy for display: the number ``columns`` written as every value on the dashboard
    is (``format_value``: two decimals at most), a dash where there is no number. Streamlit
    would print a missing number as the English word "None" and pad 92.1 to "92.100000";
    downloads keep the numbers themselves (rounded where the table is built)."""
    out = df.copy()
    for col in columns:
        if col in out:
            # a bounded cell (">0", "<100": the figure's qualifier bounds it) is already text
            out[col] = [
                v if isinstance(v, str) else format_value(None if v is None or v != v else float(v))
                for v in out[col]
            ]
    return out
