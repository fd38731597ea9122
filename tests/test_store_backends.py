"""One store, two backends: the schema is the same on both, copy-store moves between them,
and a PostgreSQL URL that cannot be used says why in one line, with nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from indicators.commands.cli import main
from indicators.domain.review_policy import submits_for_review
from indicators.store import SCHEMA_VERSION, Store
from indicators.store import _verified as verified_locations
from indicators.store.transfer import content_hash
from tests.conftest import drop_pg_store, new_pg_store
from tests.pgserver import PgServer
from tests.support import ROOT, free_port
from tests.test_store import current, rows
from tests.test_store_transfer import _add_history, _without_version


def _as_before_copy(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    log = tables["audit_log"]
    kept = pc.invert(pc.is_in(log["action"], pa.array(["copy_store", "restore"])))
    return {**tables, "audit_log": log.filter(kept)}


def test_both_backends_build_the_same_tables_and_columns_from_one_definition(
    store: Store,
    pg_server: PgServer,
) -> None:
    pg = new_pg_store(pg_server, None)
    try:
        assert main(["init-db", "--db", pg.location]) == 0
        query = (
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
        con = duckdb.connect(str(store.path), read_only=True)
        try:
            on_duckdb = con.execute(query).fetchall()
        finally:
            con.close()
        with psycopg.connect(pg.location) as pcon:
            on_pg = pcon.execute(query).fetchall()
        assert on_pg == on_duckdb
        assert ("actuals", "upload_id") in on_pg and ("live_actuals", "value") in on_pg
        assert pg.schema_version() == store.schema_version() == SCHEMA_VERSION
    finally:
        drop_pg_store(pg_server, pg)


def test_copy_store_moves_duckdb_to_postgresql_and_back_with_the_same_content(
    store: Store,
    pg_server: PgServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _add_history(store)
    server = pg_server
    pg = new_pg_store(server, None)
    back = tmp_path / "back.duckdb"
    try:
        assert main(["copy-store", "--from", store.location, "--to", pg.location]) == 0
        printed = capsys.readouterr().out
        assert "actuals 14" in printed and "verified" in printed
        assert main(["copy-store", "--from", pg.location, "--to", str(back)]) == 0
        assert "verified" in capsys.readouterr().out
        # The same content, but for the entry the copy added to the audit log about itself.
        assert content_hash(_as_before_copy(pg.read_tables())) == content_hash(store.read_tables())
        pd.testing.assert_frame_equal(pg.current_actuals(), store.current_actuals())
        assert _without_version(Store(back).dump()) == _without_version(store.dump())
        # The password never appears in what is printed.
        assert "indicators-test" not in printed
    finally:
        drop_pg_store(server, pg)


def test_a_commit_on_one_replica_is_seen_by_another_at_its_next_read(
    pg_server: PgServer,
    request: pytest.FixtureRequest,
) -> None:
    template = request.getfixturevalue("_built_pg")
    one = new_pg_store(pg_server, template)
    two = Store(one.location)  # a second app process reads through its own Store
    try:
        seen = two.data_version()
        one.write_actuals(
            rows(("fibre_village_share", "450000", "2020", 97.5)),
            kind="file",
            user="alice",
            review=submits_for_review(one),
        )
        assert two.data_version() == seen + 1
        assert current(two, "fibre_village_share", "450000", "2020") == 97.5
    finally:
        drop_pg_store(pg_server, one)


def test_a_server_restart_while_the_app_runs_is_survived_by_the_next_read(
    pg_server: PgServer,
    request: pytest.FixtureRequest,
) -> None:
    template = request.getfixturevalue("_built_pg")
    s = new_pg_store(pg_server, template)
    try:
        version = s.data_version()  # the pool now holds a connection
        pg_server.restart()  # which the restart breaks
        assert s.data_version() == version
        assert current(s, "info_consumption_scale", "000000", "2020") == 5.8
    finally:
        drop_pg_store(pg_server, s)


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "indicators", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://postgres@127.0.0.1:notaport/x", 'invalid integer value "notaport"'),
        ("postgresql://postgres@127.0.0.1:{down}/x", "Connection refused"),
        (
            "postgresql://postgres:wrong@127.0.0.1:{port}/postgres",
            'password authentication failed for user "postgres"',
        ),
        (
            "postgresql://postgres:{password}@127.0.0.1:{port}/no_such_db",
            'database "no_such_db" does not exist',
        ),
    ],
)
def test_a_postgresql_url_that_cannot_be_used_is_one_line_and_exit_1(
    pg_server: PgServer,
    url: str,
    expected: str,
) -> None:
    url = url.format(port=pg_server.port, down=free_port(), password="indicators-test")
    proc = _cli("init-db", "--db", url)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot connect to PostgreSQL at ")
    assert expected in lines[0]
    assert "wrong" not in lines[0] and "indicators-test" not in lines[0]  # no password shown


def test_an_empty_postgresql_database_asks_for_init_db(pg_server: PgServer) -> None:
    pg = new_pg_store(pg_server, None)
    try:
        proc = _cli("status", "--db", pg.location)
        assert proc.returncode == 1
        assert proc.stderr.strip() == (
            f"error: no indicators database at {pg.label}: run `python -m indicators init-db`"
        )
    finally:
        drop_pg_store(pg_server, pg)


@pytest.mark.parametrize("on", ["duckdb", "postgresql"])
def test_a_store_of_an_unknown_schema_version_is_refused_and_nothing_is_written(
    on: str,
    store: Store,
    pg_server: PgServer,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    target = (
        store if on == "duckdb" else new_pg_store(pg_server, request.getfixturevalue("_built_pg"))
    )
    try:
        with target.transaction() as con:
            con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        verified_locations.discard(target.location)
        before = target.dump()
        csv = tmp_path / "in.csv"
        csv.write_text("indicator,region,period,value\ninfo_consumption_scale,000000,2022,7\n")
        for argv in (["ingest", str(csv)], ["init-db"], ["status"]):
            proc = _cli(*argv, "--db", target.location)
            assert proc.returncode == 1, (argv, proc.stderr)
            assert proc.stderr.strip() == (
                f"error: {target.label} has schema version 99, newer than this program "
                f"knows ({SCHEMA_VERSION}); upgrade the program"
            ), argv
        assert target.dump() == before
    finally:
        if on == "postgresql":
            drop_pg_store(pg_server, target)
