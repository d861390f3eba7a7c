"""The warehouse store: transactional writes, schema upgrades, atomic publication."""

import duckdb
import polars as pl
import pytest

import warehouse.store as store
from warehouse.store import Warehouse


def _indicator(name):
    return {"name": name, "title": "t", "unit": "u", "definition": "d", "sources": "s", "caveats": "c"}


def test_replace_rows_is_all_or_nothing(tmp_path):
    wh = Warehouse(tmp_path)
    with wh.connect() as con:
        wh.replace_rows(con, "meta.indicators", pl.DataFrame([_indicator("a"), _indicator("b")]))
        bad = pl.DataFrame([_indicator("c"), {**_indicator("d"), "title": None}])  # NOT NULL violated
        with pytest.raises(duckdb.ConstraintException):
            wh.replace_rows(con, "meta.indicators", bad)
        assert sorted(r[0] for r in con.execute("SELECT name FROM meta.indicators").fetchall()) == ["a", "b"]


def test_columns_are_matched_by_name_not_position(tmp_path):
    wh = Warehouse(tmp_path)
    reordered = pl.DataFrame([_indicator("a")]).select(["caveats", "sources", "definition", "unit", "title", "name"])
    with wh.connect() as con:
        wh.replace_rows(con, "meta.indicators", reordered)
        assert con.execute("SELECT name, caveats FROM meta.indicators").fetchall() == [("a", "c")]


def test_frames_are_inserted_without_pyarrow_all_null_and_nested_columns_too():
    """insert_frame hands DuckDB the frame's Arrow C stream: pyarrow is not imported for it."""
    import subprocess
    import sys

    probe = """
import sys, datetime as dt, duckdb, polars as pl
from bbl.duck import insert_frame
con = duckdb.connect()
con.execute("CREATE SCHEMA s; CREATE TABLE s.t (n BIGINT, note VARCHAR, d DATE, tags VARCHAR[], x DOUBLE)")
insert_frame(con, "s.t", pl.DataFrame({"x": [1.5, None], "n": [1, None], "note": [None, None],
                                       "d": [dt.date(2024, 1, 31), None], "tags": [["a", "b"], None]}))
print(repr((con.execute("FROM s.t").fetchall(), "pyarrow" in sys.modules)))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    import datetime as dt

    assert out.stdout.strip() == repr(([(1, None, dt.date(2024, 1, 31), ["a", "b"], 1.5),
                                        (None, None, None, None, None)], False))


def test_rows_are_inserted_by_name_in_the_tables_own_types_without_polars():
    """insert_rows (codes, measures, file checksums of a load): Python rows reach DuckDB as JSON, typed by
    the table; text with quotes and accents, nulls, constants and a missing key survive; polars stays out."""
    code = r"""
import sys, datetime as dt, duckdb
from bbl.duck import insert_rows, WarehouseError
con = duckdb.connect()
con.execute("CREATE SCHEMA raw; CREATE TABLE raw.t (table_id VARCHAR, code VARCHAR, n INTEGER, x DOUBLE, "
            "d DATE, tags VARCHAR[], m MAP(VARCHAR, VARCHAR))")
rows = [{"code": "GM0363  ", "n": 1, "x": 0.5, "d": dt.date(2024, 1, 2), "tags": ["a", "b"], "m": {"k": "v"}},
        {"code": "Caf\u00e9 'x' \"y\"", "n": None, "x": 2}]
assert insert_rows(con, "raw.t", rows, table_id="80472ned") == 2
assert insert_rows(con, "raw.t", []) == 0
got = con.execute("SELECT * FROM raw.t ORDER BY n NULLS LAST").fetchall()
assert got == [("80472ned", "GM0363  ", 1, 0.5, dt.date(2024, 1, 2), ["a", "b"], {"k": "v"}),
               ("80472ned", "Caf\u00e9 'x' \"y\"", None, 2.0, None, None, None)], got
try:
    insert_rows(con, "raw.t", [{"nope": 1}])
except WarehouseError as e:
    assert "raw.t has no column nope" in str(e)
else:
    raise AssertionError("an unknown column must be refused")
assert "polars" not in sys.modules and "pyarrow" not in sys.modules
"""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]


def test_unqualified_table_names_are_refused(tmp_path):
    wh = Warehouse(tmp_path)
    with wh.connect() as con, pytest.raises(store.WarehouseError, match="not a schema-qualified table name"):
        wh.replace_rows(con, "indicators; DROP TABLE x", pl.DataFrame([_indicator("a")]))


def test_a_changed_schema_rebuilds_the_working_database(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path)
    with wh.connect() as con:
        wh.replace_rows(con, "meta.indicators", pl.DataFrame([_indicator("a")]))
    monkeypatch.setattr(store, "schema_hash", lambda: "different")
    with wh.connect() as con:
        assert con.execute("SELECT count(*) FROM meta.indicators").fetchall() == [(0,)]
        assert con.execute("SELECT schema_sha256 FROM meta.schema_info").fetchall() == [("different",)]


def test_publish_replaces_the_file_while_a_reader_keeps_its_view(tmp_path):
    wh = Warehouse(tmp_path)
    with wh.connect() as con:
        wh.replace_rows(con, "meta.indicators", pl.DataFrame([_indicator("old")]))
    wh.publish("run-1", "bundled")
    reader = duckdb.connect(str(wh.published_path), read_only=True)
    try:
        with wh.connect() as con:
            wh.replace_rows(con, "meta.indicators", pl.DataFrame([_indicator("new")]))
        wh.publish("run-2", "bundled")  # succeeds although a reader holds the published file
        assert reader.execute("SELECT name FROM meta.indicators").fetchall() == [("old",)]
    finally:
        reader.close()
    fresh = duckdb.connect(str(wh.published_path), read_only=True)
    try:
        assert fresh.execute("SELECT name FROM meta.indicators").fetchall() == [("new",)]
        assert fresh.execute("SELECT run_id FROM meta.publications").fetchall() == [("run-2",)]
    finally:
        fresh.close()
    assert not list(tmp_path.glob(".bbl.duckdb.tmp-*"))


def test_stale_temp_files_of_dead_processes_are_removed(tmp_path):
    wh = Warehouse(tmp_path)
    stale = tmp_path / ".bbl.duckdb.tmp-999999999"
    stale.write_bytes(b"half-written")
    with wh.connect():
        pass
    wh.publish("run-1", "bundled")
    assert not stale.exists()


def test_connections_keep_to_the_memory_limit_and_spill_beyond_it(tmp_path):
    wh = Warehouse(tmp_path, memory_limit="40MB")
    with wh.connect() as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchall() == [("38.1 MiB",)]
        # 3M distinct groups need far more than 40 MB of hash table: DuckDB spills to work.duckdb.tmp/
        assert con.execute("SELECT count(*) FROM (SELECT range % 3000000 AS k, count(*) FROM range(6000000) "
                           "GROUP BY k)").fetchall() == [(3_000_000,)]
    # it did spill there; the spilled blocks are gone (DuckDB removes the folder with its owner mark at exit)
    spill = tmp_path / "work.duckdb.tmp"
    assert spill.is_dir() and [p.name for p in spill.iterdir() if not p.name.endswith("_owner")] == []
    with Warehouse(tmp_path).connect() as con:  # the next warehouse's own limit (the default) applies
        assert con.execute("SELECT current_setting('memory_limit')").fetchall() == [("244.1 MiB",)]
