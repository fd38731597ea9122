"""Build (or refresh) the database from ``data/``: schema, catalog, shipped actuals.

Idempotent: the catalog tables are replaced, the shipped actuals are loaded once (recognised
by their sha256), and actuals that planners uploaded are never touched.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .catalog import NATIONAL, Catalog, CatalogError, load_catalog
from .paths import ACTUALS_DIR, CATALOG_DIR
from .periods import parse_period
from .sources import citation
from .store import Store, Upload, sha256_of

SEED_USER = "system"


@dataclass(frozen=True)
class BuildReport:
    schema_version: int
    targets: int
    tasks: int
    seeded: list[Upload]


def read_published_actuals(data: bytes) -> pd.DataFrame:
    """The shipped reference file: one published national figure per row, with its citation."""
    rows = []
    for n, rec in enumerate(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))), start=2):
        # An English page shows each quote with its rendering: a row cannot drop it.
        if (rec.get("quote") or "").strip() and not (rec.get("quote_en") or "").strip():
            raise CatalogError(f"row {n} ({rec.get('indicator_id')} {rec.get('period')}): "
                               "column quote_en (the English rendering of quote) is empty")
        period = parse_period(rec["period"])
        region = rec["region"].strip()
        region = NATIONAL if region.lower() in ("national", "全国") else region
        # Stored in Chinese; sources.source_text gives the English the file carries.
        source = citation(rec["publisher"], rec.get("where_found"), "zh")
        rows.append({
            "indicator_id": rec["indicator_id"].strip(),
            "region_code": region,
            "period": period.label,
            "t": period.t,
            "value": float(rec["value"]),
            "qualifier": rec.get("qualifier") or None,
            "unit": rec["unit"].strip(),
            "source": source,
            "note": rec.get("quote") or None,
        })
    return pd.DataFrame(rows)


def build_database(
    store: Store,
    catalog_dir: Path = CATALOG_DIR,
    actuals_dir: Path = ACTUALS_DIR,
    *,
    catalog: Catalog | None = None,
) -> BuildReport:
    catalog = catalog or load_catalog(catalog_dir)
    version = store.migrate()
    store.load_catalog(catalog)
    seeded = []
    for path in sorted(actuals_dir.glob("*.csv")):
        data = path.read_bytes()
        sha = sha256_of(data)
        if store.find_upload_by_sha(sha) is not None:
            continue
        try:
            frame = read_published_actuals(data)
        except CatalogError as exc:
            raise CatalogError(f"{path.name} {exc}") from exc
        unknown = set(frame["indicator_id"]) - set(catalog.targets)
        if unknown:
            raise ValueError(f"{path.name}: unknown indicator ids {sorted(unknown)}")
        seeded.append(store.write_actuals(
            frame, kind="seed", user=SEED_USER, file_name=path.name, sha256=sha,
            note="published figures shipped with the dashboard",
        ))
    return BuildReport(version, len(catalog.targets), len(catalog.tasks), seeded)
