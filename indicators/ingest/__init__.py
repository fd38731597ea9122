"""Planners' data entry: read a CSV/XLSX, validate every row, preview, commit atomically.

``pipeline`` is the entry point; the other modules each hold one step (reading, layout,
matching names, values, units, rules, the problem report, templates).

The names below are imported on first use (PEP 562), so `indicators.ingest.worker` can
start its worker process before pandas, pyarrow and DuckDB are loaded here.
"""

from __future__ import annotations

import importlib
from typing import Any

_FROM = {
    **dict.fromkeys(
        (
            "Checked",
            "DuplicateUpload",
            "Options",
            "Preview",
            "check_file",
            "check_records",
            "commit",
            "preview",
        ),
        "pipeline",
    ),
    **dict.fromkeys(("Problem", "Rejected", "problems_frame"), "report"),
}

__all__ = sorted(_FROM)


def __getattr__(name: str) -> Any:
    if name not in _FROM:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_FROM[name]}", __name__), name)
    globals()[name] = value
    return value
