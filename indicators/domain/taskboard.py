"""The annex tasks and Internet+ actions with who leads them and where they stand.

A task nobody has reported on yet is "unreported", not "not started": the dashboard does
not claim work has not begun just because no planner has said so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from indicators.base.catalog import Lang
from indicators.domain.snapshot import Snapshot

TASK_STATUSES = ("not_started", "in_progress", "done", "delayed")
UNREPORTED = "unreported"
SHOWN_STATUSES = (*TASK_STATUSES, UNREPORTED)
ROLES = ("any", "lead", "co")


@dataclass(frozen=True)
class TaskRow:
    id: str
    document_id: str
    domain_id: str
    seq: int
    clause: str
    text: str
    lead_ids: tuple[str, ...]
    co_ids: tuple[str, ...]
    and_others: bool
    status: str
    updated_at: datetime | None
    updated_by: str | None
    evidence: str | None
    note: str | None


def _latest(snap: Snapshot, subject_type: str) -> dict[str, dict]:
    s = snap.statuses
    if s.empty:
        return {}
    rows = s[s["subject_type"] == subject_type]
    return {r["subject_id"]: r for r in rows.to_dict("records")}


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def _when(value: object) -> datetime | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return pd.Timestamp(value).to_pydatetime()


def status_of(snap: Snapshot, subject_type: str, subject_id: str) -> dict[str, object]:
    """Current status, who set it, when, and the evidence note ('unreported' if never set)."""
    row = _latest(snap, subject_type).get(subject_id)
    if row is None:
        return {
            "status": UNREPORTED,
            "updated_at": None,
            "updated_by": None,
            "evidence": None,
            "note": None,
        }
    return {
        "status": row["status"],
        "updated_at": _when(row["created_at"]),
        "updated_by": _clean(row["user_name"]),
        "evidence": _clean(row["evidence"]),
        "note": _clean(row["note"]),
    }


def task_rows(snap: Snapshot, lang: Lang) -> list[TaskRow]:
    cat = snap.catalog
    latest = _latest(snap, "task")
    out = []
    for task in sorted(
        cat.tasks.values(), key=lambda t: (t.document_id != "guofa_2017_40", t.document_id, t.seq)
    ):
        deps = cat.departments_of(task.id)
        row = latest.get(task.id)
        out.append(
            TaskRow(
                id=task.id,
                document_id=task.document_id,
                domain_id=task.domain_id,
                seq=task.seq,
                clause=task.clause,
                text=task.text(lang),
                lead_ids=tuple(d.department_id for d in deps if d.role == "lead"),
                co_ids=tuple(d.department_id for d in deps if d.role != "lead"),
                and_others=task.and_others,
                status=row["status"] if row is not None else UNREPORTED,
                updated_at=_when(row["created_at"]) if row is not None else None,
                updated_by=_clean(row["user_name"]) if row is not None else None,
                evidence=_clean(row["evidence"]) if row is not None else None,
                note=_clean(row["note"]) if row is not None else None,
            )
        )
    return out


def filter_tasks(
    rows: list[TaskRow],
    *,
    department_id: str | None = None,
    role: str = "any",
    statuses: tuple[str, ...] | list[str] | None = None,
    document_id: str | None = None,
    domain_id: str | None = None,
) -> list[TaskRow]:
    """'Everything MIIT leads or shares' is department_id='miit', role='any'."""

    def involved(r: TaskRow) -> bool:
        if department_id is None:
            return True
        if role == "lead":
            return department_id in r.lead_ids
        if role == "co":
            return department_id in r.co_ids
        return department_id in r.lead_ids or department_id in r.co_ids

    return [
        r
        for r in rows
        if involved(r)
        and (not statuses or r.status in statuses)
        and (document_id is None or r.document_id == document_id)
        and (domain_id is None or r.domain_id == domain_id)
    ]


def department_counts(snap: Snapshot, document_id: str | None = None) -> pd.DataFrame:
    """Tasks per department and status, counting a task once per department it involves."""
    records = []
    for r in task_rows(snap, "zh"):
        if document_id is not None and r.document_id != document_id:
            continue
        for dep, role in [*((d, "lead") for d in r.lead_ids), *((d, "co") for d in r.co_ids)]:
            records.append({"department_id": dep, "role": role, "status": r.status})
    frame = pd.DataFrame(records, columns=["department_id", "role", "status"])
    return (
        frame.groupby(["department_id", "status"]).size().rename("n").reset_index()
        if not frame.empty
        else pd.DataFrame(columns=["department_id", "status", "n"])
    )


def departments_involved(snap: Snapshot) -> list[str]:
    """Departments that lead or share at least one task, the busiest first."""
    counts: dict[str, int] = {}
    for td in snap.catalog.task_departments:
        counts[td.department_id] = counts.get(td.department_id, 0) + 1
    return sorted(counts, key=lambda d: (-counts[d], d))
