"""The store, on DuckDB and on PostgreSQL: schema, catalog rebuilds, append-only actuals,
undo, locking."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from indicators.base.periods import parse_period
from indicators.commands.build import build_database
from indicators.domain.review_policy import submits_for_review
from indicators.store import (
    ACTUAL_SCHEMA,
    SCHEMA_VERSION,
    NotInitialised,
    Store,
    StoreBusy,
    StoreError,
)
from indicators.store.engines import read_frame

BOTH_BACKENDS = True


def rows(*items: tuple[str, str, str, float]) -> pd.DataFrame:
    out = []
    for indicator, region, period, value in items:
        p = parse_period(period)
        out.append(
            {
                "indicator_id": indicator,
                "region_code": region,
                "period": p.label,
                "t": p.t,
                "value": value,
                "qualifier": None,
                "unit": "%",
                "source": "test",
                "note": None,
                "value_high": None,
                "published": None,
            }
        )
    return pd.DataFrame(out)


def current(store: Store, indicator: str, region: str, period: str) -> float | None:
    df = store.current_actuals([indicator], [region])
    hit = df[df["period"] == period]
    return None if hit.empty else float(hit["value"].iloc[0])


def test_a_fresh_build_has_the_catalog_and_the_published_figures(store):
    assert store.schema_version() == SCHEMA_VERSION
    cat = store.catalog()
    assert len(cat.targets) == 18
    assert len(cat.regions) == 32
    assert current(store, "info_consumption_scale", "000000", "2020") == 5.8
    assert [u.kind for u in store.uploads()] == ["seed"]


def test_reading_a_missing_database_says_how_to_build_it(tmp_path):
    with pytest.raises(NotInitialised, match="init-db"):
        Store(tmp_path / "none.duckdb").catalog()


def test_rebuilding_the_catalog_keeps_actuals_and_does_not_reload_the_seed(store):
    store.write_actuals(
        rows(("fibre_village_share", "450000", "2020", 97.5)),
        kind="file",
        user="alice",
        file_name="gx.csv",
        review=submits_for_review(store),
    )
    before = store.current_actuals()
    build_database(store)
    after = store.current_actuals()
    pd.testing.assert_frame_equal(before, after)
    assert len(store.uploads()) == 2


def test_a_correction_is_a_new_version_and_undo_brings_the_old_value_back(store):
    first = store.write_actuals(
        rows(("fibre_village_share", "450000", "2020", 97.5)),
        kind="file",
        user="alice",
        review=submits_for_review(store),
    )
    fix = store.write_actuals(
        rows(("fibre_village_share", "450000", "2020", 98.2)),
        kind="form",
        user="bob",
        review=submits_for_review(store),
    )
    assert (fix.rows_new, fix.rows_changed) == (0, 1)
    assert current(store, "fibre_village_share", "450000", "2020") == 98.2
    history = store.actual_history("fibre_village_share", "450000", "2020")
    assert list(history["value"]) == [98.2, 97.5]

    undo = store.undo_upload(fix.id, user="bob", review=submits_for_review(store))
    assert undo.undoes == fix.id
    assert current(store, "fibre_village_share", "450000", "2020") == 97.5
    assert store.upload(fix.id).undone_by == undo.id
    store.undo_upload(first.id, user="alice", review=submits_for_review(store))
    assert current(store, "fibre_village_share", "450000", "2020") is None
    # the rows are still there, only hidden
    assert len(store.actual_history("fibre_village_share", "450000", "2020")) == 2


def test_an_upload_cannot_be_undone_twice(store):
    up = store.write_actuals(
        rows(("fibre_village_share", "450000", "2020", 97.5)),
        kind="file",
        user="alice",
        review=submits_for_review(store),
    )
    undo = store.undo_upload(up.id, user="alice", review=submits_for_review(store))
    with pytest.raises(StoreError, match="already"):
        store.undo_upload(up.id, user="alice", review=submits_for_review(store))
    with pytest.raises(StoreError, match="itself an undo"):
        store.undo_upload(undo.id, user="alice", review=submits_for_review(store))


def test_unchanged_rows_are_counted_but_not_written_again(store):
    batch = rows(
        ("fibre_village_share", "450000", "2020", 97.5),
        ("fibre_village_share", "440000", "2020", 99.0),
    )
    store.write_actuals(batch, kind="file", user="alice", review=submits_for_review(store))
    again = store.write_actuals(batch, kind="file", user="alice", review=submits_for_review(store))
    assert (again.rows_new, again.rows_changed, again.rows_unchanged) == (0, 0, 2)
    assert store.upload_rows(again.id).empty


def test_a_batch_takes_the_next_ids_in_file_order_and_the_sequence_stays_above_them(store):
    with store.connect() as con:
        top = con.execute("SELECT max(id) FROM actuals").fetchall()[0][0]
    first = store.write_actuals(
        rows(
            ("fibre_village_share", "450000", "2020", 97.5),
            ("fibre_village_share", "440000", "2020", 99.0),
            ("fibre_village_share", "430000", "2020", 96.0),
        ),
        kind="file",
        user="alice",
        review=submits_for_review(store),
    )
    got = store.upload_rows(first.id)
    assert list(got["id"]) == [top + 1, top + 2, top + 3]
    assert list(got["region_code"]) == ["450000", "440000", "430000"]
    # The unchanged first row is skipped; the new one still comes after every earlier id.
    second = store.write_actuals(
        rows(
            ("fibre_village_share", "450000", "2020", 97.5),
            ("fibre_village_share", "420000", "2020", 95.0),
        ),
        kind="file",
        user="alice",
        review=submits_for_review(store),
    )
    assert int(store.upload_rows(second.id)["id"].iloc[0]) > top + 3
    with store.connect() as con:
        newest = con.execute("SELECT max(id) FROM actuals").fetchall()[0][0]
        # What an older program (or another replica) would take next is still unused.
        assert con.execute("SELECT nextval('actual_id')").fetchall()[0][0] > newest


def test_the_preview_classifies_new_changed_and_unchanged(store):
    store.write_actuals(
        rows(
            ("fibre_village_share", "450000", "2020", 97.5),
            ("fibre_village_share", "440000", "2020", 99.0),
        ),
        kind="file",
        user="alice",
        review=submits_for_review(store),
    )
    incoming = pa.Table.from_pandas(
        rows(
            ("fibre_village_share", "450000", "2020", 97.5),
            ("fibre_village_share", "440000", "2020", 99.3),
            ("fibre_village_share", "430000", "2020", 96.0),
        ),
        schema=ACTUAL_SCHEMA,
        preserve_index=False,
    ).append_column("excel_row", pa.array([2, 3, 4], pa.int64()))
    counts, preview = store.diff_preview(incoming)
    assert list(preview["change"]) == ["unchanged", "changed", "new"]
    assert preview["old_value"].iloc[1] == 99.0
    assert counts == {"new": 1, "changed": 1, "unchanged": 1}


def test_a_failed_write_leaves_every_table_as_it_was(store):
    before = store.dump()
    bad = rows(("fibre_village_share", "450000", "2020", 97.5))
    bad.loc[0, "value"] = None  # violates NOT NULL inside the transaction
    with pytest.raises(Exception, match=r"NOT NULL|null"):
        store.write_actuals(bad, kind="file", user="alice", review=submits_for_review(store))
    assert store.dump() == before


def test_every_write_changes_the_data_version(store):
    v0 = store.data_version()
    store.write_actuals(
        rows(("fibre_village_share", "450000", "2020", 97.5)),
        kind="file",
        user="alice",
        review=submits_for_review(store),
    )
    v1 = store.data_version()
    store.set_status("task", "t2017_01", "in_progress", user="alice", evidence="pilot zones")
    assert v0 < v1 < store.data_version()


def test_task_status_keeps_its_history(store):
    store.set_status("task", "t2017_12", "in_progress", user="alice")
    store.set_status("task", "t2017_12", "done", user="bob", evidence="5G商用 2019-10-31")
    now = store.current_statuses("task").set_index("subject_id")
    assert now.loc["t2017_12", "status"] == "done"
    assert now.loc["t2017_12", "user_name"] == "bob"
    log = store.audit_log()
    changes = log[(log["action"] == "status") & (log["subject"] == "task t2017_12")]
    assert changes[["user_name", "detail"]].values.tolist() == [
        ["bob", "done"],
        ["alice", "in_progress"],
    ]


def test_a_database_held_by_another_process_is_reported_busy(store):
    if store.path is None:
        pytest.skip("PostgreSQL has no file lock: writers queue on row locks instead")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(store.path)!r})
            print("held", flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreBusy, match="busy"):
            Store(store.path, busy_timeout=0.5).data_version()
    finally:
        holder.kill()
        holder.wait()
    assert Store(store.path).data_version() >= 0


def test_a_session_holds_the_file_for_its_block_only(store):
    if store.path is None:
        pytest.skip("PostgreSQL: a session only takes pooled connections")
    opener = [
        sys.executable,
        "-c",
        "import duckdb, sys\ntry:\n    duckdb.connect(sys.argv[1]).close()\n"
        "except duckdb.Error:\n    sys.exit(3)",
        str(store.path),
    ]
    with store.session() as same:
        assert same is store
        # Calls inside reuse the open database, and another process is kept out meanwhile.
        assert store.data_version() == store.data_version()
        assert subprocess.run(opener).returncode == 3
    assert subprocess.run(opener).returncode == 0  # released at the end of the block


def test_texts_with_commas_quotes_line_breaks_and_nulls_are_stored_as_written(store):
    # Arrow-typed batches reach PostgreSQL as CSV: every text must come back unchanged,
    # an empty text stays empty and a missing one stays missing, ids as dictionary columns.
    import pyarrow as pa

    sources = ["a,b", 'say "hi"', "line\nbreak", "", None]
    table = pa.table(
        {
            "indicator_id": pa.array(["fibre_village_share"] * 5).dictionary_encode(),
            "region_code": pa.array(["110000"] * 5).dictionary_encode(),
            "period": pa.array(["2001", "2002", "2003", "2004", "2005"]),
            "t": pa.array([2001.0, 2002.0, 2003.0, 2004.0, 2005.0]),
            "value": pa.array([0.1, 98.25, -0.0, 1e-7, 50.0]),
            "qualifier": pa.array([None, "约", None, ">", None], pa.string()),
            "unit": pa.array(["%"] * 5).dictionary_encode(),
            "source": pa.array(sources, pa.string()),
            "note": pa.array([None, "n", None, None, "x,y"], pa.string()),
        }
    )
    up = store.write_actuals(table, kind="file", user="t", review=submits_for_review(store))
    got = store.upload_rows(up.id)
    assert up.rows_new == 5
    assert list(got["period"]) == ["2001", "2002", "2003", "2004", "2005"]
    assert list(got["value"]) == [0.1, 98.25, 0.0, 1e-7, 50.0]
    assert [None if pd.isna(s) else s for s in got["source"]] == sources
    assert [None if pd.isna(q) else q for q in got["qualifier"]] == [None, "约", None, ">", None]
    assert [None if pd.isna(n) else n for n in got["note"]] == [None, "n", None, None, "x,y"]
    assert set(got["indicator_id"]) == {"fibre_village_share"}


# Text as COPY's CSV could garble it (separator, quote, newline, Chinese, an empty text next
# to a NULL), a boolean, a double, timestamps with and without a fraction, a date.
_AWKWARD_READ = """
    SELECT * FROM (VALUES
        (1, 'a,"b"' || chr(10) || 'c', '', CAST(NULL AS VARCHAR), TRUE,
         CAST(1.5 AS DOUBLE PRECISION), TIMESTAMP '2026-11-30 13:24:25.123456', DATE '2026-11-30'),
        (2, '信息消费', CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), FALSE,
         CAST(NULL AS DOUBLE PRECISION), TIMESTAMP '2026-11-30 13:24:25', CAST(NULL AS DATE))
    ) AS v(id, text, empty, nothing, flag, x, stamp, day)
    WHERE id = ANY(?) ORDER BY id"""


@pytest.mark.parametrize("ids", [[1, 2], []], ids=["rows", "no rows"])
def test_a_read_gives_the_same_frame_on_either_backend_whatever_the_text_holds(store, ids):
    with duckdb.connect() as con:
        expected = read_frame(con, _AWKWARD_READ, [ids])
    with store.connect() as con:
        got = read_frame(con, _AWKWARD_READ, [ids])
    pd.testing.assert_frame_equal(got, expected)
    if ids:
        assert got["text"].tolist() == ['a,"b"\nc', "信息消费"]
        assert got["empty"].tolist()[0] == "" and pd.isna(got["empty"].tolist()[1])
        assert got["nothing"].tolist() == [None, None]


def test_a_read_of_a_type_csv_would_not_bring_back_still_gives_its_values(store):
    with store.connect() as con:
        got = read_frame(con, "SELECT CAST(2.25 AS NUMERIC(5, 2)) AS n, 'x' AS s", [])
    assert float(got["n"].iloc[0]) == 2.25 and got["s"].tolist() == ["x"]
