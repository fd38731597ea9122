"""The limits an upload is held to: its size, and what a hostile file is refused at while
it is read, before it costs time or memory (the readers in ``read_csv``/``read_xlsx`` apply
them; ``bench/bench_hostile.py`` times each attack)."""

from __future__ import annotations

import os

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 500
# Hostile files are refused while being read, before they cost time or memory: a header
# line must end within the first MiB (a 1,000,000-column line is refused unread) ...
MAX_HEADER_BYTES = 1024 * 1024
# ... a file has at most this many data rows (a 50 MB CSV of real rows holds ~1.5 M) ...
MAX_ROWS = 2_000_000
# ... and an XLSX unpacks to at most this much XML in all (counted while inflating: the
# zip directory can lie), no part but a sheet above MAX_XLSX_PART, and at most
# MAX_XLSX_CELLS filled cells (openpyxl reads ~150 k cells a second).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_XLSX_PART = 64 * 1024 * 1024
MAX_XLSX_CELLS = 1_500_000
MAX_ZIP_ENTRIES = 2000


def max_upload_bytes() -> int:
    """The file size limit: INDICATORS_MAX_UPLOAD_MB, default 50 MB."""
    raw = os.environ.get("INDICATORS_MAX_UPLOAD_MB", "")
    try:
        return int(float(raw) * 1024 * 1024) if raw.strip() else DEFAULT_MAX_BYTES
    except ValueError:
        return DEFAULT_MAX_BYTES


def upload_backstop_mb() -> int:
    """Streamlit's own size limit, for the uploader and the server's upload route alike:
    about twice ours, so a file over our limit reaches our check and is refused in the
    planner's language ("文件 60 MB,超过上限 50 MB") instead of the browser's "Request failed
    with status code 413"; only far larger files meet Streamlit's refusal."""
    return int(max_upload_bytes() * 2 / 1024 / 1024) + 1
