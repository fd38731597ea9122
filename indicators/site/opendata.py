"""The site's open data: per target every figure (CSV, JSON with the status of every region),
the catalog as CSV/JSON, and a Frictionless data package describing the CSV files.

Stable addresses (README "Static site and open data"):
  datapackage.json
  data/catalog/{documents,domains,targets,tasks,departments}.{csv,json}
  data/targets/<target id>.{csv,json}, data/targets/<target id>-vintages.csv
The JSON status of a target is `Progress.as_dict()` for the nation and each province with
figures, the very numbers `python -m indicators status --json --region R` prints.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd

from indicators.base.catalog import NATIONAL, Catalog, Target
from indicators.base.i18n import LANGS
from indicators.domain.snapshot import Snapshot
from indicators.domain.wording import quote_text
from indicators.export.data import neutralise

from .render import dumps

FIGURE_FIELDS: tuple[tuple[str, str, str], ...] = (
    (
        "indicator_id",
        "string",
        "The catalog id of the series (a target, or the one it derives from)",
    ),
    ("region_code", "string", "GB/T 2260 region code; 000000 is the nation"),
    ("region_name_zh", "string", "Region name, Simplified Chinese"),
    ("region_name_en", "string", "Region name, English"),
    ("period", "string", "YYYY, YYYY-Qn or YYYY-MM"),
    ("value", "number", "The figure, in `unit`"),
    ("qualifier", "string", "As published: e.g. 'over' for 'more than'; empty when exact"),
    ("unit", "string", "Unit of the value"),
    ("source", "string", "Publication the figure was taken from"),
    ("note", "string", "The publisher's words or the planner's note"),
    ("upload_id", "integer", "The upload (vintage) that stored this figure"),
    ("stored_at", "string", "When that upload was stored (UTC, ISO 8601)"),
)
VERSION_FIELDS: tuple[tuple[str, str, str], ...] = (
    *FIGURE_FIELDS,
    ("current", "boolean", "This version is the figure shown now"),
    ("undone", "boolean", "An undo took this version back"),
)
CATALOG_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "documents": (
        ("id", "string"),
        ("number_zh", "string"),
        ("number_en", "string"),
        ("title_zh", "string"),
        ("title_en", "string"),
        ("date", "date"),
    ),
    "domains": (
        ("id", "string"),
        ("document_id", "string"),
        ("kind", "string"),
        ("clause", "string"),
        ("sort", "integer"),
        ("name_zh", "string"),
        ("name_en", "string"),
    ),
    "targets": (
        ("id", "string"),
        ("document_id", "string"),
        ("domain_id", "string"),
        ("clause", "string"),
        ("kind", "string"),
        ("direction", "string"),
        ("unit", "string"),
        ("target_value", "number"),
        ("target_year", "integer"),
        ("baseline_value", "number"),
        ("baseline_period", "string"),
        ("derived_from", "string"),
        ("regional", "boolean"),
        ("headline", "boolean"),
        ("name_zh", "string"),
        ("name_zh_hant", "string"),
        ("name_en", "string"),
        ("quote", "string"),
        ("quote_zh", "string"),
        ("quote_en", "string"),
    ),
    "tasks": (
        ("id", "string"),
        ("document_id", "string"),
        ("domain_id", "string"),
        ("seq", "integer"),
        ("clause", "string"),
        ("text_zh", "string"),
        ("text_en", "string"),
        ("lead_departments", "string"),
        ("co_departments", "string"),
        ("and_others", "boolean"),
    ),
    "departments": (
        ("id", "string"),
        ("name_zh", "string"),
        ("name_en", "string"),
        ("short_en", "string"),
    ),
}


def _clean(value: object) -> object:
    """A JSON value: NaN as null, floats to 6 decimals (as `status --json`), dates as text."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if value is pd.NaT:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def catalog_records(catalog: Catalog) -> dict[str, list[dict[str, Any]]]:
    """The catalog's documents, domains, targets (with clauses and quotes), tasks (with their
    departments) and departments, one record per row."""
    deps: dict[str, dict[str, list[str]]] = {}
    for td in sorted(catalog.task_departments, key=lambda d: (d.task_id, d.position)):
        deps.setdefault(td.task_id, {"lead": [], "co": []})[td.role].append(td.department_id)
    return {
        "documents": [
            {
                "id": d.id,
                "number_zh": d.number("zh"),
                "number_en": d.number("en"),
                "title_zh": d.title("zh"),
                "title_en": d.title("en"),
                "date": d.date.isoformat(),
            }
            for d in sorted(catalog.documents.values(), key=lambda d: d.date)
        ],
        "domains": [
            {
                "id": d.id,
                "document_id": d.document_id,
                "kind": d.kind,
                "clause": d.clause,
                "sort": d.sort,
                "name_zh": d.name("zh"),
                "name_en": d.name("en"),
            }
            for d in sorted(catalog.domains.values(), key=lambda d: (d.document_id, d.sort))
        ],
        "targets": [
            _target_record(t) for t in sorted(catalog.targets.values(), key=lambda t: t.sort)
        ],
        "tasks": [
            {
                "id": t.id,
                "document_id": t.document_id,
                "domain_id": t.domain_id,
                "seq": t.seq,
                "clause": t.clause,
                "text_zh": t.text("zh"),
                "text_en": t.text("en"),
                "lead_departments": ";".join(deps.get(t.id, {}).get("lead", [])),
                "co_departments": ";".join(deps.get(t.id, {}).get("co", [])),
                "and_others": t.and_others,
            }
            for t in sorted(catalog.tasks.values(), key=lambda t: (t.document_id, t.seq))
        ],
        "departments": [
            {
                "id": d.id,
                "name_zh": d.name("zh"),
                "name_en": d.name("en"),
                "short_en": d.short_en,
            }
            for d in sorted(catalog.departments.values(), key=lambda d: d.id)
        ],
    }


def _target_record(t: Target) -> dict[str, Any]:
    return {
        "id": t.id,
        "document_id": t.document_id,
        "domain_id": t.domain_id,
        "clause": t.clause,
        "kind": t.kind,
        "direction": t.direction,
        "unit": t.unit,
        "target_value": t.target_value,
        "target_year": t.target_year,
        "baseline_value": t.baseline_value,
        "baseline_period": t.baseline_period,
        "derived_from": t.derived_from,
        "regional": t.regional,
        "headline": t.headline,
        "name_zh": t.name("zh"),
        "name_zh_hant": t.name_hant,
        "name_en": t.name("en"),
        "quote": t.quote,  # verbatim, in the published Traditional characters
        "quote_zh": quote_text(t, "zh"),  # the same words in Simplified characters
        "quote_en": t.quote_en,
    }


def _series(snap: Snapshot, target: Target, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` behind a target: its own series and the one it derives from."""
    ids = [target.id, *([target.derived_from] if target.derived_from else [])]
    return frame[frame["indicator_id"].isin(ids)]


def _record(r: Any, regions: dict[str, Any]) -> dict[str, Any]:
    region = regions.get(str(r.region_code))
    return {
        "indicator_id": r.indicator_id,
        "region_code": r.region_code,
        "region_name_zh": region.name("zh") if region else "",
        "region_name_en": region.name("en") if region else "",
        "period": r.period,
        "value": _clean(r.value),
        "qualifier": r.qualifier if isinstance(r.qualifier, str) else None,
        "unit": r.unit,
        "source": r.source if isinstance(r.source, str) else None,
        "note": r.note if isinstance(r.note, str) else None,
        "upload_id": int(r.upload_id),
        "stored_at": f"{r.created_at:%Y-%m-%dT%H:%M:%S}",
    }


def figure_rows(snap: Snapshot, target: Target) -> list[dict[str, Any]]:
    """Every current figure behind a target, nation and provinces, oldest period first."""
    rows = _series(snap, target, snap.actuals).sort_values(["indicator_id", "region_code", "t"])
    return [_record(r, snap.catalog.regions) for r in rows.itertuples()]


def current_uploads(snap: Snapshot) -> dict[tuple[str, str, str], int]:
    """(indicator, region, period) → the upload whose figure is current."""
    a = snap.actuals
    return {
        (str(i), str(r), str(p)): int(u)
        for i, r, p, u in zip(
            a["indicator_id"], a["region_code"], a["period"], a["upload_id"], strict=True
        )
    }


def version_rows(snap: Snapshot, target: Target, versions: pd.DataFrame) -> list[dict[str, Any]]:
    """Every published version (vintage) of every figure behind a target: the current one
    and those it replaced, and any an undo took back."""
    current = current_uploads(snap)
    out = []
    for r in _series(snap, target, versions).itertuples():
        key = (str(r.indicator_id), str(r.region_code), str(r.period))
        out.append(
            _record(r, snap.catalog.regions)
            | {"current": current.get(key) == int(r.upload_id), "undone": bool(r.undone)}
        )
    return out


def status_records(snap: Snapshot, target: Target) -> list[dict[str, Any]]:
    """The target's progress for the nation and every province with figures."""
    if not target.quantitative:
        return []
    found = [snap.national[target.id], *snap.regional(target.id)]
    out = []
    for p in found:
        d = p.as_dict()
        d["id"] = d.pop("target_id")
        out.append({k: _clean(v) for k, v in d.items()})
    return out


def target_json(
    snap: Snapshot, target: Target, as_known: date | None, versions: pd.DataFrame
) -> dict[str, Any]:
    return {
        "id": target.id,
        "name": {lang: target.name(lang) for lang in LANGS},
        "as_of": snap.as_of.isoformat(),
        "as_known_on": as_known.isoformat() if as_known else None,
        "national_region_code": NATIONAL,
        "target": _target_record(target),
        "status": status_records(snap, target),
        "figures": figure_rows(snap, target),
        "vintages": version_rows(snap, target, versions),
    }


def to_csv(records: list[dict[str, Any]], columns: list[str]) -> bytes:
    """Plain UTF-8 CSV; a text cell a spreadsheet would run as a formula gets the app's
    leading apostrophe (export.data.neutralise)."""
    frame = pd.DataFrame(records, columns=columns)
    frame = frame.map(lambda v: neutralise(_clean(v)) if isinstance(v, str) else _clean(v))
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_open_data(
    snap: Snapshot, files: dict[str, bytes], as_known: date | None, versions: pd.DataFrame
) -> None:
    """Add every open-data file and the data package to `files` (path → bytes)."""
    resources = []
    for name, records in catalog_records(snap.catalog).items():
        fields = CATALOG_FIELDS[name]
        path = f"data/catalog/{name}"
        files[f"{path}.csv"] = to_csv(records, [f for f, _t in fields])
        files[f"{path}.json"] = dumps(records).encode()
        resources.append(
            _resource(f"catalog-{name}", f"{path}.csv", [(f, t, "") for f, t in fields])
        )
    columns = [f for f, _t, _d in FIGURE_FIELDS]
    for t in sorted(snap.catalog.targets.values(), key=lambda t: t.sort):
        path = f"data/targets/{t.id}"
        files[f"{path}.csv"] = to_csv(figure_rows(snap, t), columns)
        files[f"{path}.json"] = dumps(target_json(snap, t, as_known, versions)).encode()
        resources.append(_resource(f"figures-{t.id}", f"{path}.csv", FIGURE_FIELDS))
        files[f"{path}-vintages.csv"] = to_csv(
            version_rows(snap, t, versions), [f for f, _t, _d in VERSION_FIELDS]
        )
        resources.append(_resource(f"vintages-{t.id}", f"{path}-vintages.csv", VERSION_FIELDS))
    package = {
        "name": "indicators-guofa-targets",
        "title": "Guofa [2017] No. 40 and Guofa [2015] No. 40: targets and actual figures",
        "description": "Every target of the two State Council documents with its clause and "
        "quote, the tasks and departments, and every published figure per target "
        "(data/targets/<id>.json adds each region's progress and verdict).",
        "version": snap.as_of.isoformat(),
        "created": f"{snap.summary.get('last_upload_at') or snap.as_of:%Y-%m-%dT%H:%M:%S}Z",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }
    files["datapackage.json"] = dumps(package).encode()


def _resource(name: str, path: str, fields: tuple[tuple[str, str, str], ...] | list) -> dict:
    return {
        "name": name.lower(),
        "path": path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [
                {"name": f, "type": t, **({"description": d} if d else {})} for f, t, d in fields
            ]
        },
    }
