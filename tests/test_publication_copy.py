"""Publication copies the working file as it is; an old-format or bloated working file is rebuilt first
(fast tests; the crash and analyst-writer tests are in tests/test_publication.py)."""

from __future__ import annotations

import duckdb
from cbs_cells import dims_id, use_version

from warehouse.store import PUBLISHED_STORAGE_VERSION, Warehouse, rebuild_reason


def _storage(path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                           "WHERE database_name = current_database()").fetchall()[0][0]
    finally:
        con.close()


def _fill(wh: Warehouse, rows: int) -> None:
    with wh.connect() as con:
        use_version(con, "T1")
        con.execute("INSERT INTO history.cbs_cells BY NAME SELECT 'T1' AS table_id, 'M1' AS measure, "
                    "'2020JJ00' AS period, ? AS dims_id, i AS value, 'None' AS value_attribute, "
                    f"1 AS from_version FROM range({rows}) t(i)", [dims_id(con, "T1", {"R": "x"})])


def test_a_working_file_in_the_new_storage_version_is_rebuilt_once_then_copied(tmp_path, caplog):
    home = tmp_path / "home"
    home.mkdir()
    duckdb.connect(str(home / "work.duckdb")).close()  # made by an older release: DuckDB 2.0's default storage
    assert _storage(home / "work.duckdb").startswith("v2")
    wh = Warehouse(home)
    _fill(wh, 1000)
    with caplog.at_level("INFO", logger="warehouse.store"):
        wh.publish("r1", "test")
        wh.publish("r2", "test")
    first, second = [r.getMessage() for r in caplog.records if r.getMessage().startswith("published")]
    assert "rebuilt first (storage version v2" in first and "rebuilt" not in second
    assert _storage(home / "work.duckdb") == _storage(home / "bbl.duckdb") == f"{PUBLISHED_STORAGE_VERSION}+"
    con = duckdb.connect(str(home / "bbl.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM raw.cbs_observations").fetchall()[0][0] == 1000
    assert con.execute("SELECT list(run_id ORDER BY run_id) FROM meta.publications").fetchall()[0][0] == ["r2"]
    assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'cbs_cells' "
                       "AND schema_name = 'history'").fetchall()[0][0], "a rebuild keeps the COMMENT ON of every table"
    assert con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'cbs_observations' "
                       "AND schema_name = 'raw'").fetchall()[0][0], "and of every view"
    con.close()


def test_a_mostly_free_working_file_is_compacted_before_it_is_published(tmp_path):
    wh = Warehouse(tmp_path / "home")
    _fill(wh, 3_000_000)
    with wh.connect() as con:
        con.execute("DELETE FROM history.cbs_cells")
        con.execute("CHECKPOINT")
        assert rebuild_reason(con) is not None and "blocks free" in rebuild_reason(con)
    big = wh.work_path.stat().st_size
    wh.publish("r1", "test")
    assert wh.published_path.stat().st_size < big / 2
    with wh.connect() as con:
        assert rebuild_reason(con) is None
