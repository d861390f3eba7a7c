"""DuckDB helpers every layer uses: single-row reads, inserts of polars frames by column name,
row counts and column schemas. Connection-level only: opening, locking and publishing the warehouse
files is warehouse/store.py's job."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import duckdb
import polars as pl

_TABLE_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")


class WarehouseError(RuntimeError):
    """The warehouse could not be read, written or published."""


def first_row(cursor: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """The first row of a query result, consuming the whole result.

    DuckDB 2.0 refuses further work on a connection while a result is only partly fetched, so
    ``fetchone()`` must not be used for single-row reads.
    """
    rows = cursor.fetchall()
    return rows[0] if rows else None


def check_table(table: str) -> None:
    if not _TABLE_NAME.match(table):
        raise WarehouseError(f"not a schema-qualified table name: {table!r}")


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, select: str = "*") -> None:
    """INSERT the rows of a polars frame into ``table`` by column name (inside the caller's transaction).

    ``select`` may transform columns (e.g. ``* REPLACE (...)``). If the INSERT fails, the caller's
    transaction is aborted and DuckDB refuses even the unregister: the original error is raised, not that
    one (the name is replaced by the next registration).
    """
    check_table(table)
    con.register("_bbl_incoming", frame.to_arrow())
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT {select} FROM _bbl_incoming")
    except Exception:
        with contextlib.suppress(duckdb.Error):
            con.unregister("_bbl_incoming")
        raise
    con.unregister("_bbl_incoming")


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    check_table(table)
    return int(first_row(con.execute(f"SELECT count(*) FROM {table}"))[0])


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str, bool, str | None]]:
    """(column, type, nullable, comment) for each column of ``schema.table``."""
    schema, name = table.split(".")
    return [
        (r[0], r[1], r[2] == "YES" if isinstance(r[2], str) else bool(r[2]), r[3])
        for r in con.execute(
            """
            SELECT c.column_name, c.data_type, c.is_nullable, d.comment
            FROM information_schema.columns c
            LEFT JOIN duckdb_columns() d
              ON d.schema_name = c.table_schema AND d.table_name = c.table_name AND d.column_name = c.column_name
                 AND d.database_name = current_database()
            WHERE c.table_schema = ? AND c.table_name = ? AND c.table_catalog = current_database()
            ORDER BY c.ordinal_position
            """,
            [schema, name],
        ).fetchall()
    ]
