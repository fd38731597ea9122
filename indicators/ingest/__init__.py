"""Planners' data entry: read a CSV/XLSX, validate every row, preview, commit atomically.

``pipeline`` is the entry point; the other modules each hold one step (reading, layout,
matching names, values, units, rules, the problem report, templates).
"""

from .pipeline import (
    Checked,
    DuplicateUpload,
    Options,
    Preview,
    check_file,
    check_records,
    commit,
    preview,
)
from .report import Problem, Rejected, problems_frame

__all__ = [
    "Checked", "DuplicateUpload", "Options", "Preview", "Problem", "Rejected", "check_file",
    "check_records", "commit", "preview", "problems_frame",
]
