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

from .catalog import NATIONAL, Catalog, load_catalog
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
    for rec in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))):
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
        frame = read_published_actuals(data)
        unknown = set(frame["indicator_id"]) - set(catalog.targets)
        if unknown:
            raise ValueError(f"{path.name}: unknown indicator ids {sorted(unknown)}")
        seeded.append(store.write_actuals(
            frame, kind="seed", user=SEED_USER, file_name=path.name, sha256=sha,
            note="published figures shipped with the dashboard",
        ))
    return BuildReport(version, len(catalog.targets), len(catalog.tasks), seeded)
