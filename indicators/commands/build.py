"""Build (or refresh) the database from ``data/``: schema, catalog, shipped actuals.

Idempotent: the catalog tables are replaced, the shipped actuals are loaded once (recognised
by their sha256), and actuals that planners uploaded are never touched. The shipped figures
go through the upload checks (``ingest/published.py``): a bad row stops the build, naming
row, column and reason, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from indicators.base.catalog import Catalog, load_catalog
from indicators.base.paths import ACTUALS_DIR, CATALOG_DIR
from indicators.ingest.pipeline import Checked, commit
from indicators.ingest.published import check_published
from indicators.ingest.report import Problem, Rejected
from indicators.store import Store, Upload, sha256_of

SEED_USER = "system"


@dataclass(frozen=True)
class BuildReport:
    schema_version: int
    targets: int
    tasks: int
    seeded: list[Upload]


class ShippedDataRejected(Rejected):
    """A shipped figures file breaks an upload rule; nothing of the build was written."""

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.file_name = file_name


def build_database(
    store: Store,
    catalog_dir: Path = CATALOG_DIR,
    actuals_dir: Path | None = None,
    *,
    catalog: Catalog | None = None,
    today: date | None = None,
) -> BuildReport:
    catalog = catalog or load_catalog(catalog_dir)
    version = store.migrate()
    # Every file still to load is checked before the catalog or any figure is written.
    pending: list[Checked] = []
    for path in sorted((actuals_dir or ACTUALS_DIR).glob("*.csv")):
        data = path.read_bytes()
        if store.find_upload_by_sha(sha256_of(data)) is not None:
            continue
        checked = check_published(data, path.name, catalog, today=today)
        if not checked.ok:
            raise ShippedDataRejected(path.name, checked.problems)
        pending.append(checked)
    store.load_catalog(catalog)
    seeded = [
        commit(
            store,
            checked,
            user=SEED_USER,
            kind="seed",
            note="published figures shipped with the dashboard",
        )
        for checked in pending
    ]
    return BuildReport(version, len(catalog.targets), len(catalog.tasks), seeded)


def refresh_catalog(store: Store, catalog_dir: Path = CATALOG_DIR) -> None:
    """After a schema upgrade (or the restore of an older backup): a newer version may add
    catalog columns (v4: each quote's English rendering), filled from the files; figures,
    statuses and accounts are kept."""
    store.load_catalog(load_catalog(catalog_dir))
