"""Synthetic CBS cells placed where the loader puts them, for tests of the rules and the publication.

raw.cbs_observations is a view of the cells in history.cbs_cells of the version raw.cbs_tables names
(warehouse/schema.sql). ``use_version`` registers a table's version (history.cbs_vintages, raw.cbs_tables)
so that cells inserted into history.cbs_cells with ``from_version = 1`` show in the view; ``dims_id``
numbers a combination of dimension codes (history.cbs_dimension_sets); ``put_cells`` does it all for a
list of cells.
"""

from __future__ import annotations

from typing import Any

import duckdb

from bbl.history.cbs import register_dimension_sets


def use_version(con: duckdb.DuckDBPyConnection, table_id: str, snapshot_id: str = "s") -> None:
    """Version 1 of ``table_id`` in the history, as the version in use (raw.cbs_tables)."""
    if not con.execute("SELECT count(*) FROM history.cbs_vintages WHERE snapshot_id = ?", [snapshot_id]).fetchall()[0][0]:
        con.execute("INSERT INTO history.cbs_vintages BY NAME SELECT ? AS table_id, ? AS snapshot_id, 1 AS version, "
                    "TIMESTAMP '2026-01-01' AS valid_from, 'test' AS valid_from_basis, '2026-01-01' AS retrieved_at, "
                    "'test' AS path, 0 AS cells, 0 AS cells_added, 0 AS cells_revised, 0 AS cells_removed, "
                    "0 AS cells_unchanged, now() AS applied_at", [table_id, snapshot_id])
    con.execute("DELETE FROM raw.cbs_tables WHERE table_id = ?", [table_id])
    con.execute("INSERT INTO raw.cbs_tables BY NAME SELECT ? AS table_id, ? AS snapshot_id, 'test' AS title, "
                "'2026-01-01' AS retrieved_at, 'http://127.0.0.1/test' AS source_url, 'v4' AS api, 0 AS row_count, "
                "'CC BY 4.0' AS license", [table_id, snapshot_id])


def dims_id(con: duckdb.DuckDBPyConnection, table_id: str, dims: dict[str, str]) -> int:
    """The number of a combination of dimension codes in the table's history, registered if new."""
    as_map = "CAST(map(?, ?) AS MAP(VARCHAR, VARCHAR))"
    register_dimension_sets(con, table_id, f"SELECT {as_map} AS dimensions", [list(dims), list(dims.values())])
    return con.execute(f"SELECT dims_id FROM history.cbs_dimension_sets WHERE table_id = ? AND dimensions = {as_map}",
                       [table_id, list(dims), list(dims.values())]).fetchall()[0][0]


def put_cells(con: duckdb.DuckDBPyConnection, table_id: str, cells: list[tuple[str, str, Any, dict[str, str]]],
              snapshot_id: str = "s") -> None:
    """Add (measure, period, value, dimensions) cells with ValueAttribute None to version 1 of the table."""
    use_version(con, table_id, snapshot_id)
    for measure, period, value, dims in cells:
        con.execute("INSERT INTO history.cbs_cells BY NAME SELECT ? AS table_id, ? AS measure, ? AS period, "
                    "? AS dims_id, ? AS value, 'None' AS value_attribute, 1 AS from_version",
                    [table_id, measure, period, dims_id(con, table_id, dims), value])
