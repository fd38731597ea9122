"""The catalog of what is tracked, loaded from the editable files in ``data/catalog``.

The files are the source of truth; the store copies them into DuckDB (``Store.load_catalog``)
and reads them back with ``Store.catalog()``, so views see one consistent snapshot.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from indicators.base.i18n import Lang
from indicators.base.paths import CATALOG_DIR

TargetKind = Literal["level", "share", "count", "growth_rate", "milestone", "qualitative"]
KINDS: tuple[TargetKind, ...] = get_args(TargetKind)
QUANTITATIVE_KINDS: tuple[TargetKind, ...] = ("level", "share", "count", "growth_rate", "milestone")
# The one comparison field: "increase" is met at or above the target value (以上, 不低于),
# "decrease" at or below it (以下, 不高于).
Direction = Literal["increase", "decrease"]
DomainKind = Literal["key_area", "grouping", "action"]
NATIONAL = "000000"


class CatalogError(ValueError):
    pass


def _pick(obj: Any, lang: Lang, stem: str = "name") -> str:
    return getattr(obj, f"{stem}_en") if lang == "en" else getattr(obj, f"{stem}_hans")


class Named:
    """A catalog entry named in Simplified and Traditional Chinese and in English.

    Not a dataclass: each entry declares the three fields in its own column order (the store's
    tables follow it); this holds only the one way a name is shown.
    """

    name_hans: str
    name_hant: str
    name_en: str

    def name(self, lang: Lang) -> str:
        return self.name_en if lang == "en" else self.name_hans


@dataclass(frozen=True)
class Document:
    id: str
    number_hant: str
    number_hans: str
    number_en: str
    title_hant: str
    title_hans: str
    title_en: str
    date: date

    def number(self, lang: Lang) -> str:
        return _pick(self, lang, "number")

    def title(self, lang: Lang) -> str:
        return _pick(self, lang, "title")


@dataclass(frozen=True)
class Domain(Named):
    id: str
    document_id: str
    kind: DomainKind
    clause: str
    sort: int
    name_hans: str
    name_hant: str
    name_en: str


@dataclass(frozen=True)
class Target(Named):
    id: str
    document_id: str
    domain_id: str
    clause: str
    quote: str  # verbatim, in the published Traditional characters
    quote_en: str  # an English rendering, shown beside the original on English pages
    name_hans: str
    name_hant: str
    name_en: str
    kind: TargetKind
    target_year: int
    unit: str = ""
    direction: Direction = "increase"
    target_value: float | None = None
    baseline_value: float | None = None
    baseline_period: str | None = None
    baseline_note: str | None = None
    derived_from: str | None = None
    regional: bool = False
    headline: bool = False
    sort: int = 0

    @property
    def quantitative(self) -> bool:
        return self.kind in QUANTITATIVE_KINDS

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "decrease"


@dataclass(frozen=True)
class Region(Named):
    code: str
    level: str
    parent_code: str | None
    name_hans: str
    name_hant: str
    short_hans: str
    short_hant: str
    name_en: str
    tile_row: int | None = None
    tile_col: int | None = None

    def name(self, lang: Lang) -> str:
        # A province is shown by its short name (广东, not 广东省) in Chinese.
        return self.name_en if lang == "en" else self.short_hans


@dataclass(frozen=True)
class Department(Named):
    id: str
    name_hant: str
    name_hans: str
    name_en: str
    short_en: str = ""


@dataclass(frozen=True)
class TaskDepartment:
    task_id: str
    position: int
    department_id: str
    name_as_written: str
    role: str  # lead | co


@dataclass(frozen=True)
class Task:
    id: str
    document_id: str
    domain_id: str
    seq: int
    clause: str
    text_hant: str
    text_hans: str
    text_en: str
    and_others: bool = False

    def text(self, lang: Lang) -> str:
        return _pick(self, lang, "text")


@dataclass(frozen=True)
class Catalog:
    documents: dict[str, Document]
    domains: dict[str, Domain]
    targets: dict[str, Target]
    regions: dict[str, Region]
    departments: dict[str, Department]
    tasks: dict[str, Task]
    task_departments: tuple[TaskDepartment, ...] = field(default=())
    # Where plausibility.csv is read from: load_catalog reads it with the other files; a
    # catalog the store rebuilt reads data/catalog's on first use. Either way once, checked
    # against these targets. (Not an argument: the store builds a Catalog from its tables.)
    directory: Path = field(default=CATALOG_DIR, init=False, compare=False, repr=False)

    @cached_property
    def plausibility(self) -> Plausibility:
        return load_plausibility(self.directory, self.targets)

    def targets_in(self, domain_id: str) -> list[Target]:
        return [t for t in self.targets.values() if t.domain_id == domain_id]

    def tasks_in(self, domain_id: str) -> list[Task]:
        return [t for t in self.tasks.values() if t.domain_id == domain_id]

    def departments_of(self, task_id: str) -> list[TaskDepartment]:
        return sorted(
            (d for d in self.task_departments if d.task_id == task_id), key=lambda d: d.position
        )

    @property
    def headline_targets(self) -> list[Target]:
        return [t for t in self.targets.values() if t.headline]

    @property
    def provinces(self) -> list[Region]:
        return [r for r in self.regions.values() if r.level == "province"]


# --- loading from files ---------------------------------------------------------------------

_BOOL = {"true": True, "false": False, "1": True, "0": False, "": False}


def _coerce(cls: type, raw: dict[str, Any], where: str) -> Any:
    """Build a dataclass from strings, converting by the annotation; names the bad field."""
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in raw:
            continue
        value = raw[f.name]
        kind = str(f.type)
        try:
            if value is None or (isinstance(value, str) and value == "" and "None" in kind):
                value = None
            elif kind.startswith("int"):
                value = int(value)
            elif kind.startswith("float"):
                value = float(value)
            elif kind.startswith("bool"):
                value = value if isinstance(value, bool) else _BOOL[str(value).strip().lower()]
            elif kind.startswith("date"):
                value = value if isinstance(value, date) else date.fromisoformat(str(value))
            elif kind.startswith("str") and not isinstance(value, str):
                value = str(value)
        except (ValueError, KeyError) as exc:
            raise CatalogError(f"{where}: field {f.name!r} has a bad value {value!r}") from exc
        kwargs[f.name] = value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise CatalogError(f"{where}: {exc}") from exc


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _read_yaml(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or []


def _by_id(items: list[Any], key: str, what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        k = getattr(item, key)
        if k in out:
            raise CatalogError(f"{what}: duplicate id {k!r}")
        out[k] = item
    return out


def _no_unknown_fields(cls: type, rows: list[dict[str, Any]], what: str) -> None:
    """A misspelt or retired field would otherwise be dropped without a word."""
    known = {f.name for f in fields(cls)}
    for i, row in enumerate(rows):
        unknown = sorted(set(row) - known)
        if unknown:
            raise CatalogError(
                f"{what} #{i + 1} ({row.get('id')}): unknown field(s) "
                f"{', '.join(unknown)}; the comparison is set by `direction`"
                " (increase: at or above the target; decrease: at or below)"
            )


def load_catalog(directory: Path = CATALOG_DIR) -> Catalog:
    docs = [
        _coerce(Document, r, f"documents.yaml #{i + 1}")
        for i, r in enumerate(_read_yaml(directory / "documents.yaml"))
    ]
    domains = [
        _coerce(Domain, r, f"domains.csv row {i + 2}")
        for i, r in enumerate(_read_csv(directory / "domains.csv"))
    ]
    raw_targets = _read_yaml(directory / "targets.yaml")
    _no_unknown_fields(Target, raw_targets, "targets.yaml")
    targets = [
        _coerce(Target, {**r, "sort": i}, f"targets.yaml #{i + 1} ({r.get('id')})")
        for i, r in enumerate(raw_targets)
    ]
    regions = [
        _coerce(Region, r, f"regions.csv row {i + 2}")
        for i, r in enumerate(_read_csv(directory / "regions.csv"))
    ]
    departments = [
        _coerce(Department, r, f"departments.csv row {i + 2}")
        for i, r in enumerate(_read_csv(directory / "departments.csv"))
    ]
    and_others = {
        r["task_id"]: _BOOL[r["and_others"].strip().lower()]
        for r in _read_csv(directory / "task_and_others.csv")
    }
    tasks = [
        _coerce(Task, {**r, "and_others": and_others.get(r["id"], False)}, f"tasks.csv row {i + 2}")
        for i, r in enumerate(_read_csv(directory / "tasks.csv"))
    ]
    task_departments = tuple(
        _coerce(TaskDepartment, r, f"task_departments.csv row {i + 2}")
        for i, r in enumerate(_read_csv(directory / "task_departments.csv"))
    )
    catalog = Catalog(
        documents=_by_id(docs, "id", "documents.yaml"),
        domains=_by_id(domains, "id", "domains.csv"),
        targets=_by_id(targets, "id", "targets.yaml"),
        regions=_by_id(regions, "code", "regions.csv"),
        departments=_by_id(departments, "id", "departments.csv"),
        tasks=_by_id(tasks, "id", "tasks.csv"),
        task_departments=task_departments,
    )
    check_catalog(catalog)
    object.__setattr__(catalog, "directory", directory)  # frozen: set once, here
    catalog.plausibility  # noqa: B018 (read and checked now, with the other files)
    return catalog


def check_catalog(c: Catalog) -> None:
    """Cross-references and per-kind requirements; one message per problem."""
    problems = [
        f"domain {d.id}: unknown document {d.document_id}"
        for d in c.domains.values()
        if d.document_id not in c.documents
    ]
    for t in c.targets.values():
        problems += _target_problems(c, t)
    for task in c.tasks.values():
        if task.domain_id not in c.domains:
            problems.append(f"task {task.id}: unknown domain {task.domain_id!r}")
        if not task.text_en.strip():
            problems.append(f"task {task.id}: text_en (the English rendering) is missing")
    for td in c.task_departments:
        if td.task_id not in c.tasks:
            problems.append(f"task_departments: unknown task {td.task_id!r}")
        if td.department_id not in c.departments:
            problems.append(f"task_departments: unknown department {td.department_id!r}")
    for r in c.regions.values():
        if r.parent_code and r.parent_code not in c.regions:
            problems.append(f"region {r.code}: unknown parent {r.parent_code}")
    if problems:
        raise CatalogError("; ".join(problems))


def _target_problems(c: Catalog, t: Target) -> list[str]:
    problems: list[str] = []
    if t.kind not in KINDS:
        problems.append(f"target {t.id}: unknown kind {t.kind!r}")
    if t.domain_id not in c.domains:
        problems.append(f"target {t.id}: unknown domain {t.domain_id!r}")
    if t.document_id not in c.documents:
        problems.append(f"target {t.id}: unknown document {t.document_id!r}")
    if t.kind in ("level", "share", "count", "growth_rate") and t.target_value is None:
        problems.append(f"target {t.id}: a {t.kind} target needs target_value")
    if t.derived_from and t.derived_from not in c.targets:
        problems.append(f"target {t.id}: derived_from {t.derived_from!r} is not a target")
    if (t.baseline_value is None) != (t.baseline_period is None):
        problems.append(f"target {t.id}: baseline_value and baseline_period go together")
    if t.direction not in ("increase", "decrease"):
        problems.append(f"target {t.id}: direction must be increase or decrease")
    # An English page shows every quoted original with its rendering: an edit must not
    # drop one.
    if t.quote.strip() and not (t.quote_en or "").strip():
        problems.append(f"target {t.id}: quote_en (the English rendering of the quote) is missing")
    return problems


# --- plausibility bounds ------------------------------------------------------------------


@dataclass(frozen=True)
class Bounds:
    """Where a figure stops being a number anyone published and becomes a typo."""

    low: float
    high: float


@dataclass(frozen=True)
class Plausibility:
    first_year: int
    years_ahead: int  # the last plausible year is today's year plus this
    by_target: dict[str, Bounds]
    by_kind: dict[str, Bounds]

    def for_target(self, target: Target) -> Bounds | None:
        return self.by_target.get(target.id) or self.by_kind.get(target.kind)

    def last_year(self, today: date) -> int:
        return today.year + self.years_ahead


def load_plausibility(directory: Path, targets: dict[str, Target]) -> Plausibility:
    """``plausibility.csv``: scope (``period``, ``kind:KIND`` or a target id), low, high, why.

    Kept in its own file beside targets.yaml so bounds can be tuned without touching the
    targets; every row must say why, and every target id must be one of ``targets`` (a
    misspelt id would otherwise leave its target on the kind's backstop without a word).
    Read through ``Catalog.plausibility``.
    """
    path = directory / "plausibility.csv"
    first_year, ahead = 2000, 1
    by_target: dict[str, Bounds] = {}
    by_kind: dict[str, Bounds] = {}
    for n, row in enumerate(_read_csv(path), start=2):
        where = f"plausibility.csv row {n}"
        scope = (row.get("scope") or "").strip()
        if not (row.get("why") or "").strip():
            raise CatalogError(f"{where}: say why in the 'why' column")
        low, high = (row.get("low") or "").strip(), (row.get("high") or "").strip()
        try:
            if scope == "period":
                first_year = int(low)
                ahead = int(high.removeprefix("today").replace(" ", "") or 0)
                continue
            bounds = Bounds(float(low), float(high))
        except ValueError as exc:
            raise CatalogError(f"{where}: low/high {low!r}/{high!r} are not numbers") from exc
        if not bounds.low < bounds.high:
            raise CatalogError(f"{where}: low {low} is not below high {high}")
        if scope.startswith("kind:"):
            if scope[5:] not in QUANTITATIVE_KINDS:
                raise CatalogError(f"{where}: unknown kind {scope[5:]!r}")
            by_kind[scope[5:]] = bounds
        elif scope not in targets:
            raise CatalogError(f"{where}: unknown target id {scope!r}")
        else:
            by_target[scope] = bounds
    return Plausibility(first_year, ahead, by_target, by_kind)
