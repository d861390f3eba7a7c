"""DuckDB helpers every layer uses: single-row reads, inserts of polars frames or of Python rows by
column name, row counts and column schemas. Connection-level only: opening, locking and publishing the
warehouse files is warehouse/store.py's job. polars is imported only where a frame is inserted:
`bbl fetch cbs` loads without it (0.2 s and about 38 MB of the process)."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import orjson

if TYPE_CHECKING:
    import polars as pl

log = logging.getLogger(__name__)
_TABLE_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")


class WarehouseError(RuntimeError):
    """The warehouse could not be read, written or published."""


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK and re-raise: a failed write leaves nothing behind."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


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


class ArrowStream:
    """A polars frame as an Arrow C stream (the Arrow PyCapsule interface), which DuckDB reads without
    pyarrow. Given the polars frame itself, DuckDB converts it with ``to_arrow()``, which imports pyarrow:
    about 25 MB of this process's memory and 0.1 s that `bbl fetch` needs for nothing else.

    DuckDB refuses polars' columns of type Null (all values null: Arrow's null arrays carry no validity
    bitmap), so they cross as text columns of nulls; an INSERT casts them to the column's type."""

    def __init__(self, frame: pl.DataFrame) -> None:
        import polars as pl

        nulls = [name for name, dtype in frame.schema.items() if dtype == pl.Null]
        self._frame = frame.with_columns(pl.col(nulls).cast(pl.String)) if nulls else frame

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self._frame.__arrow_c_stream__(requested_schema)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, select: str = "*") -> None:
    """INSERT the rows of a polars frame into ``table`` by column name (inside the caller's transaction).

    ``select`` may transform columns (e.g. ``* REPLACE (...)``). If the INSERT fails, the caller's
    transaction is aborted and DuckDB refuses even the unregister: the original error is raised, not that
    one (the name is replaced by the next registration).
    """
    check_table(table)
    con.register("_bbl_incoming", ArrowStream(frame))
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT {select} FROM _bbl_incoming")
    except Exception:
        with contextlib.suppress(duckdb.Error):
            con.unregister("_bbl_incoming")
        raise
    con.unregister("_bbl_incoming")


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]], **constants: Any) -> int:
    """INSERT ``rows`` (dicts keyed by column name, each with ``constants`` added) into ``table`` by column
    name, inside the caller's transaction; returns how many. Without polars: the rows cross as JSON, read
    by DuckDB's JSON reader with the table's own column types (a value that does not convert fails the
    INSERT). For the small tables of a load (codes, measures, files), not for observations."""
    check_table(table)
    if not rows:
        return 0
    schema, name = table.split(".")
    types = dict(con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ?", [schema, name]).fetchall())
    names = list(dict.fromkeys([*(k for r in rows for k in r), *constants]))
    unknown = [n for n in names if n not in types]
    if unknown:
        raise WarehouseError(f"{table} has no column {', '.join(unknown)}")
    columns = "{" + ", ".join(f"{_sql_text(n)}: {_sql_text(types[n])}" for n in names) + "}"
    with tempfile.NamedTemporaryFile(prefix="bbl-rows-", suffix=".json") as fh:
        fh.write(orjson.dumps([{**r, **constants} for r in rows], default=str))
        fh.flush()
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_json({_sql_text(fh.name)}, format = 'array', "
                    f"columns = {columns})")
    return len(rows)


def _sql_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


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


def set_aside_stale_wal(database: Path) -> Path | None:
    """Move a write-ahead log next to the published database out of the way; return where it went.

    We publish fully checkpointed files, so a `bbl.duckdb.wal` is never ours: an analyst's read-write
    session wrote it (killed before it checkpointed, or still holding the previous publication open
    when the file was replaced). DuckDB replays it on the next open and then fails ("WAL does not match
    database file") or shows the analyst's writes as if published. While a process holds the file
    read-write it is left alone (that session owns it); otherwise it is renamed to
    `bbl.duckdb.wal.stale-<time>` beside the file, and the published data is exactly as published.
    """
    wal = database.with_name(database.name + ".wal")
    if not wal.exists() or _held_for_writing(database):
        return None
    target = wal.with_name(f"{wal.name}.stale-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
    os.replace(wal, target)
    log.warning("moved %s aside to %s: an analyst session wrote it (the published data is as published; "
                "connect read-only: duckdb.connect(path, read_only=True))", wal, target.name)
    return target


def _held_for_writing(database: Path) -> bool:
    """Whether a process holds the file read-write (DuckDB takes an exclusive lock; readers share)."""
    try:
        fd = os.open(database, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def open_published(database: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published database, after setting a stale analyst WAL aside."""
    set_aside_stale_wal(database)
    try:
        return duckdb.connect(str(database), read_only=True)
    except duckdb.IOException as exc:
        raise WarehouseError(f"cannot open the published database {database} read-only: {exc}") from exc
