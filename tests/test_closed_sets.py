"""Closed sets of values written as Literals are the sets the code really uses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from indicators.base.catalog import KINDS, Direction, DomainKind, load_catalog
from indicators.base.status import DISPLAY_ORDER, STATUS_COLOURS, STATUS_SYMBOLS, Status
from indicators.ingest import resolve
from indicators.ingest.rules import RULES
from indicators.ingest.units import UNIT_STATUSES


def test_every_unit_status_a_rule_tests_is_one_the_check_emits_and_each_bad_one_has_a_rule():
    tested = {m for r in RULES for m in re.findall(r"unit_status = '([a-z_]+)'", r.broken)}
    assert tested <= set(UNIT_STATUSES)
    # A status with no rule would let its rows through unreported.
    assert set(UNIT_STATUSES) - tested == {"ok"}


def test_the_checks_sql_emits_only_unit_statuses_of_the_set():
    source = Path(resolve.__file__).read_text(encoding="utf-8")
    case = source[source.index("END AS value,") : source.index("AS unit_status")]
    emitted = set(re.findall(r"THEN '([a-z_]+)'", case))
    assert emitted and emitted <= set(UNIT_STATUSES)


def test_every_status_has_a_colour_a_symbol_and_a_place_in_the_display_order():
    statuses = {a for lit in get_args(Status) for a in get_args(lit)}
    assert set(STATUS_COLOURS) == set(STATUS_SYMBOLS) == set(DISPLAY_ORDER) == statuses


def test_the_shipped_catalog_uses_only_the_declared_kinds_and_directions():
    cat = load_catalog()
    assert {t.kind for t in cat.targets.values()} <= set(KINDS)
    assert {t.direction for t in cat.targets.values()} <= set(get_args(Direction))
    assert {d.kind for d in cat.domains.values()} <= set(get_args(DomainKind))


def test_the_upload_kinds_and_states_the_store_writes_are_the_declared_ones():
    from indicators.store import UploadKind, UploadState

    store_dir = Path(resolve.__file__).parents[1] / "store"
    sql = "\n".join(p.read_text(encoding="utf-8") for p in store_dir.glob("*.py"))
    kinds = set(re.findall(r"kind IN \(([^)]*)\)", sql))
    written = {k.strip(" '") for group in kinds for k in group.split(",")}
    written |= set(re.findall(r"INSERT INTO uploads VALUES \(\?, '([a-z]+)'", sql))
    assert written and written <= set(get_args(UploadKind))
    states = set(re.findall(r"state = '([a-z]+)'", sql)) | set(
        re.findall(r'"(submitted|published|rejected)"', sql)
    )
    assert states == set(get_args(UploadState))
