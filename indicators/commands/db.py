"""init-db and status."""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date

from indicators.base.catalog import NATIONAL
from indicators.base.formatting import text_width
from indicators.base.qualifiers import kind_of
from indicators.commands import add_db_option
from indicators.commands.build import ShippedDataRejected, build_database, refresh_catalog
from indicators.domain.auth import import_planners_file, planners_path
from indicators.domain.metrics import assess_all
from indicators.store import SCHEMA_VERSION, Store

STATUS_KEYS = (
    "id",
    "unit",
    "target_value",
    "target_year",
    "latest_value",
    "latest_period",
    "pct_achieved",
    "gap",
    "required_cagr",
    "observed_cagr",
    "projected_value",
    "status",
    "verdict",
    "shortfall",
    "shortfall_pct",
    "first_met_period",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init-db", help="build or refresh the database from data/")
    add_db_option(p)
    p.add_argument(
        "--if-absent", action="store_true", help="do nothing when the database file already exists"
    )
    p.set_defaults(func=cmd_init_db)

    p = sub.add_parser("status", help="print every target's progress metrics")
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="one JSON object per target")
    p.add_argument("--region", default=NATIONAL, help="GB/T 2260 region code")
    p.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="judge as on this date (YYYY-MM-DD; default today)",
    )
    p.set_defaults(func=cmd_status)


def cmd_init_db(args: argparse.Namespace) -> int:
    store = Store(args.db)
    if args.if_absent and store.exists():
        # `make run` comes here first: a damaged file stops it with what to do (exit 1);
        # an older schema is upgraded (all or nothing), keeping every figure.
        if store.upgrade():
            refresh_catalog(store)
            print(f"{store.label} upgraded to schema v{SCHEMA_VERSION}; catalog reloaded")
        store.check()
        _import_planners(store)
        print(f"{store.label} exists; left as it is")
        return 0
    try:
        report = build_database(store)
    except ShippedDataRejected as exc:
        from indicators.ingest.report import format_table, problems_frame

        print(
            f"error: {exc.file_name} breaks {len(exc.problems)} upload rule(s); nothing was "
            "written. Fix these rows in data/actuals/ and run init-db again:",
            file=sys.stderr,
        )
        print(format_table(problems_frame(exc.problems, "en").fillna("")), file=sys.stderr)
        return 1
    print(
        f"{store.label}: schema v{report.schema_version}, {report.targets} targets, "
        f"{report.tasks} tasks"
    )
    for up in report.seeded:
        print(f"  loaded {up.file_name}: {up.rows_new} figures (upload {up.id})")
    _import_planners(store)
    return 0


def _import_planners(store: Store) -> None:
    for name in import_planners_file(store):
        print(f"  imported planner account {name!r} from {planners_path()}")


def _clean(value: object) -> object:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return value


def status_rows(store: Store, region: str, as_of: date | None) -> list[dict[str, object]]:
    catalog = store.catalog()
    results = assess_all(
        catalog,
        # as known on the as-of date: figures published by then, at their value then
        store.current_actuals(region_codes=[region], known_on=as_of),
        as_of=as_of,
        region_code=region,
    )
    rows = []
    for p in results:
        d = p.as_dict()
        d["id"] = d.pop("target_id")
        rows.append(
            {k: _clean(d[k]) for k in STATUS_KEYS}
            | {k: _clean(v) for k, v in d.items() if k not in STATUS_KEYS}
        )
    return rows


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


_SIGNS = {"more_than": ">", "up_to": "≤"}
# % achieved of a qualified figure: "近80" against 80 is under 100 %, "约5" about 83 %.
_BOUND_MARKS = {"below": "<", "above": ">", "approximate": "≈"}
# A range's other end, printed after the first: "14.8..15.2".
_OTHER_END = {"latest_value": "latest_high", "shortfall": "shortfall_max"}


def _cell(row: dict[str, object], column: str) -> str:
    """A bounded shortfall ("<98" against 98) is more than its number, never a bare 0."""
    text = _fmt(row[column])
    if row[column] is None:
        return text
    if column == "shortfall":
        text = _SIGNS.get(str(row["shortfall_bound"]), "") + text
    qualifier = row.get("latest_qualifier")
    if column == "latest_value" and qualifier:
        text = f"{qualifier}{text}"  # as published: "近80" is not 80
    if column == "pct_achieved" and qualifier:
        text = _BOUND_MARKS.get(kind_of(str(qualifier)) or "", "") + text
    other = _OTHER_END.get(column)
    if other is not None and row.get(other) is not None:
        text += ".." + _fmt(row[other])
    return text


def cmd_status(args: argparse.Namespace) -> int:
    rows = status_rows(Store(args.db), args.region, args.as_of)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return 0
    cols = (
        "id",
        "latest_value",
        "latest_period",
        "target_value",
        "target_year",
        "pct_achieved",
        "gap",
        "required_cagr",
        "observed_cagr",
        "status",
        "shortfall",
        "first_met_period",
    )
    # A bounded shortfall ("<98" against 98) is more than its number: never a bare 0.
    table = [[_cell(r, c) for c in cols] for r in rows]
    # padded by display width: "近80" takes four columns, not three
    widths = [max(len(c), *(text_width(row[i]) for row in table)) for i, c in enumerate(cols)]

    def pad(v: str, w: int) -> str:
        return v + " " * (w - text_width(v))

    print("  ".join(pad(c, w) for c, w in zip(cols, widths, strict=True)))
    for row in table:
        print("  ".join(pad(v, w) for v, w in zip(row, widths, strict=True)))
    return 0
