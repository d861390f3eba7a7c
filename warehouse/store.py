"""The DuckDB warehouse: short connections, transactional writes, and atomic publication.

DuckDB allows one process to hold a database file. The pipeline therefore writes a *private*
working database (``$BBL_HOME/work.duckdb``) under a file lock, so steps and runs wait for each
other instead of failing, and analysts only ever open the *published* copy
(``$BBL_HOME/bbl.duckdb``), which is replaced atomically (temp file + ``os.replace``) at the end of
a successful run. A reader that has the old file open keeps its consistent view (POSIX keeps the
old inode alive).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
from filelock import FileLock, Timeout

from bbl.duck import (
    WarehouseError,
    check_table,
    count_rows,
    first_row,
    insert_frame,
    set_aside_stale_wal,
    transaction,
)
from bbl.history.asof import cutoff
from bbl.pids import pid_alive
from bbl.settings import Settings

if TYPE_CHECKING:
    import polars as pl

log = logging.getLogger(__name__)

WAREHOUSE_DIR = Path(__file__).resolve().parent
SCHEMA_SQL = WAREHOUSE_DIR / "schema.sql"
HISTORY_SQL = WAREHOUSE_DIR / "history.sql"
SQL_DIR = WAREHOUSE_DIR / "sql"
SCHEMAS = ("raw", "staging", "marts", "quality", "meta")
# Files older clients can open: DuckDB 2.0 writes storage v2 by default, which DuckDB <= 1.5 cannot read.
PUBLISHED_STORAGE_VERSION = "v1.4.0"


def _schema_sql() -> str:
    return SCHEMA_SQL.read_text(encoding="utf-8")


def schema_hash() -> str:
    return hashlib.sha256(_schema_sql().encode()).hexdigest()


def read_sql(relpath: str) -> str:
    """SQL that analysts can read, kept in ``warehouse/sql/<layer>/<table>.sql``."""
    path = SQL_DIR / relpath
    if not path.is_file():
        raise WarehouseError(f"missing SQL file {path}")
    return path.read_text(encoding="utf-8")


def sql_header(relpath: str) -> str:
    """The leading ``--`` comment of a SQL file, as one paragraph: the table's description."""
    lines = []
    for line in read_sql(relpath).splitlines():
        if not line.startswith("--"):
            break
        text = line[2:].strip()
        lines.append(text)
    return " ".join(t for t in lines if t).strip()


def ensure_history(con: duckdb.DuckDBPyConnection) -> bool:
    """Create the history schema if missing; rebuild it only if ``history.sql`` changed (its own checksum).

    The history outlives changes to ``schema.sql``: the raw/staging/marts tables are rebuilt from the
    snapshots every run, but the ledger's own history cannot be. When ``history.sql`` changes, the CBS
    and DUO vintages are replayed from the snapshot store at their next load (bbl/history/), and the
    tables that cannot be replayed (KEPT_ON_REBUILD) keep their rows if their columns are unchanged.
    """
    text = HISTORY_SQL.read_text(encoding="utf-8")
    wanted = hashlib.sha256(text.encode()).hexdigest()
    exists = first_row(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'history' AND table_name = 'schema_info' "
        "AND database_name = current_database()"))[0]
    if exists:
        row = first_row(con.execute("SELECT history_sha256 FROM history.schema_info"))
        if row and row[0] == wanted:
            return False
    with transaction(con):
        kept: dict[str, list[tuple[str, str]]] = {}
        if exists:
            kept = _set_aside(con, KEPT_ON_REBUILD)
            log.warning("warehouse/history.sql changed: rebuilding the history (vintages are replayed from the "
                        "snapshot store; %s)", f"kept as they were: {', '.join(kept)}" if kept else
                        "the claim ledger's history restarts")
            con.execute("DROP SCHEMA IF EXISTS history CASCADE")
        con.execute(text)
        for table, columns in kept.items():
            _put_back(con, table, columns)
        con.execute("INSERT INTO history.schema_info VALUES (?, ?)", [wanted, datetime.now(UTC).replace(tzinfo=None)])
    return True


# history tables that cannot be replayed from snapshots (the ledger's runs, the register's record clock):
# a rebuild keeps their rows when their columns did not change
KEPT_ON_REBUILD = ("claim_checks", "published_figures")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'history' AND table_name = ? ORDER BY column_index", [table]).fetchall()]


def _set_aside(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> dict[str, list[tuple[str, str]]]:
    """Copy the kept tables' rows to temp tables before the history is dropped; their columns by name."""
    held = {}
    for table in tables:
        columns = _columns(con, table)
        if columns:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _bbl_keep_{table} AS SELECT * FROM history.{table}")
            held[table] = columns
    return held


def _put_back(con: duckdb.DuckDBPyConnection, table: str, old: list[tuple[str, str]]) -> None:
    """Restore a set-aside table if the new history.sql defines it with the same columns."""
    if _columns(con, table) == old:
        con.execute(f"INSERT INTO history.{table} SELECT * FROM _bbl_keep_{table}")
    else:
        log.warning("history.%s changed its columns: its rows are not kept", table)
    con.execute(f"DROP TABLE IF EXISTS _bbl_keep_{table}")


def ensure_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """The history store, then the schema (whose raw.cbs_observations view reads the history)."""
    ensure_history(con)
    ensure_schema(con)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Create the schema if missing; rebuild it if ``schema.sql`` changed. Returns True if (re)built.
    The history must exist first (``ensure_warehouse``): raw.cbs_observations is a view over it.

    The working database is private and rebuilt from snapshots by every run, so a changed contract
    is applied by dropping and recreating it, never by guessing a migration.
    """
    wanted = schema_hash()
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    con.execute(
        "CREATE TABLE IF NOT EXISTS meta.schema_info (schema_sha256 VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    row = first_row(con.execute("SELECT schema_sha256 FROM meta.schema_info"))
    if row and row[0] == wanted:
        return False
    with transaction(con):
        if row:
            log.warning("warehouse/schema.sql changed: rebuilding the working database's tables")
            for schema in SCHEMAS:
                con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            con.execute("CREATE SCHEMA meta")
            con.execute(
                "CREATE TABLE meta.schema_info (schema_sha256 VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
            )
        con.execute(_schema_sql())
        con.execute("DELETE FROM meta.schema_info")
        con.execute("INSERT INTO meta.schema_info VALUES (?, ?)", [wanted, datetime.now(UTC).replace(tzinfo=None)])
    return True


class Warehouse:
    """The working database under ``home`` and its published copy."""

    def __init__(self, home: Path, lock_timeout_s: float = 900.0, as_of: str | None = None,
                 memory_limit: str = Settings.duckdb_memory_limit) -> None:
        self.home = Path(home)
        self.lock_timeout_s = lock_timeout_s
        self.as_of = as_of  # an as-of build: the date, recorded in meta.as_of
        self.memory_limit = memory_limit  # BBL_DUCKDB_MEMORY_LIMIT: bigger work spills to <work>.tmp/

    @property
    def work_path(self) -> Path:
        return self.home / "work.duckdb"

    @property
    def published_path(self) -> Path:
        return self.home / "bbl.duckdb"

    @property
    def lock_path(self) -> Path:
        return self.home / ".work.duckdb.lock"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the warehouse lock (one writer at a time, across processes)."""
        self.home.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=self.lock_timeout_s)
        try:
            lock.acquire()
        except Timeout as exc:
            raise WarehouseError(
                f"waited {self.lock_timeout_s:.0f} s for the warehouse lock {self.lock_path}: another run is writing"
            ) from exc
        try:
            yield
        finally:
            lock.release()

    def _open(self) -> duckdb.DuckDBPyConnection:
        """A connection to the working database, attached as ``work`` (its default database) to this
        process's DuckDB instance; ``_close`` detaches it, which checkpoints and releases the file."""
        base = _instance(self.work_path)
        try:
            base.execute(f"SET memory_limit = '{_sql_str(self.memory_limit)}'")
            base.execute(f"ATTACH '{_sql_str(self.work_path)}' AS work")
        except duckdb.IOException as exc:
            raise WarehouseError(f"cannot open the working database {self.work_path}: {exc}") from exc
        con = base.cursor()
        try:
            con.execute("USE work")
            ensure_warehouse(con)
            if self.as_of:
                record_as_of(con, self.as_of)
        except BaseException:
            self._close(con)
            raise
        return con

    def _close(self, con: duckdb.DuckDBPyConnection) -> None:
        """Close a connection from ``_open`` and detach the working file (DuckDB checkpoints it first), so
        that other processes can open it. An open transaction is rolled back."""
        con.close()
        key = (os.getpid(), str(self.work_path))
        base = _INSTANCES.get(key)
        if base is None:
            return
        try:
            base.execute("DETACH DATABASE IF EXISTS work")
        except duckdb.Error:  # whatever went wrong, closing the instance releases the file
            _INSTANCES.pop(key, None)
            base.close()
            raise

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short read-write connection to the working database, holding the warehouse lock."""
        with self._locked():
            con = self._open()
            try:
                yield con
            finally:
                self._close(con)

    # ------------------------------------------------------------------------------------------
    # writes
    # ------------------------------------------------------------------------------------------

    def replace_rows(
        self,
        con: duckdb.DuckDBPyConnection,
        table: str,
        frame: pl.DataFrame,
        where: str | None = None,
        params: list[Any] | None = None,
    ) -> int:
        """Replace a table's rows (or the slice ``where`` selects) with ``frame`` in one transaction.

        Columns are matched by name (``INSERT BY NAME``), so column order never matters, and the
        declared types and comments of the table stay as ``schema.sql`` defines them.
        """
        check_table(table)
        with transaction(con):
            con.execute(f"DELETE FROM {table}" + (f" WHERE {where}" if where else ""), params or [])
            insert_frame(con, table, frame)
        return frame.height

    def rebuild_from_sql(
        self, con: duckdb.DuckDBPyConnection, table: str, select_sql: str, params: dict[str, Any] | None = None
    ) -> int:
        """Replace all rows of ``table`` with the result of ``select_sql`` (named ``$params``), in one transaction."""
        check_table(table)
        with transaction(con):
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME {select_sql}", params or {})
        return count_rows(con, table)

    # ------------------------------------------------------------------------------------------
    # publication
    # ------------------------------------------------------------------------------------------

    def publish(self, run_id: str, mode: str, fingerprint: str | None = None, compact: bool = False) -> Path:
        """Copy the working database to ``bbl.duckdb`` atomically; return the published path.

        The copy is of the checkpointed working file as it is on disk: nothing is decoded or
        re-compressed. On a filesystem that shares blocks between files (XFS, btrfs: a reflink) it costs
        only what changed since; elsewhere it is one sequential byte copy. A working file in another
        storage version (made by an older release) or more than half free blocks is first rebuilt table by
        table (COPY FROM DATABASE, once; ``compact`` forces it), so that the published file is compact and
        readable by older DuckDB clients."""
        started = time.monotonic()
        self._remove_stale_temp_files()
        tmp = self.home / f".bbl.duckdb.tmp-{os.getpid()}"
        tmp.unlink(missing_ok=True)
        rebuilt = ""
        try:
            with self._locked():
                con = self._open()
                try:
                    con.execute("CHECKPOINT")  # everything in the file, the WAL empty: the file is the database
                    reason = "asked" if compact else rebuild_reason(con)
                    if reason:
                        con = self._rebuild_work(con)
                        rebuilt = f", working file rebuilt first ({reason})"
                    how = clone_or_copy(self.work_path, tmp)
                    con.execute(f"ATTACH '{_sql_str(tmp)}' AS bbl_publish")
                    try:
                        snapshots = [r[0] for r in con.execute("SELECT snapshot_id FROM meta.snapshots ORDER BY 1").fetchall()]
                        con.execute(
                            "INSERT INTO bbl_publish.meta.publications VALUES (?, ?, ?, ?, ?, ?)",
                            [run_id, datetime.now(UTC).replace(tzinfo=None), mode, snapshots, fingerprint, self.as_of],
                        )
                    finally:
                        con.execute("DETACH bbl_publish")
                finally:
                    self._close(con)
            _fsync(tmp)
            os.replace(tmp, self.published_path)
            _fsync_dir(self.home)
            set_aside_stale_wal(self.published_path)  # an analyst's WAL belongs to the file just replaced
        except Exception as exc:
            tmp.unlink(missing_ok=True)
            raise WarehouseError(f"publishing {self.published_path} failed, previous copy left in place: {exc}") from exc
        log.info("published %s (%s%s, %.1f MB) in %.1f s", self.published_path, how, rebuilt,
                 self.published_path.stat().st_size / 1e6, time.monotonic() - started)
        return self.published_path

    def _rebuild_work(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Rewrite the working database into a new file in the published storage version, without free
        blocks, and put it in place (under the lock the caller holds); returns a connection to it."""
        work = first_row(con.execute("SELECT current_database()"))[0]
        fresh = self.home / f".work.duckdb.rebuild-{os.getpid()}"
        fresh.unlink(missing_ok=True)
        try:
            con.execute(f"ATTACH '{_sql_str(fresh)}' AS bbl_rebuild (STORAGE_VERSION '{PUBLISHED_STORAGE_VERSION}')")
            try:
                con.execute(f"COPY FROM DATABASE {work} TO bbl_rebuild")
                _copy_comments(con, "bbl_rebuild")
            finally:
                con.execute("DETACH bbl_rebuild")
            self._close(con)
            _fsync(fresh)
            os.replace(fresh, self.work_path)
            _fsync_dir(self.home)
        except BaseException:
            fresh.unlink(missing_ok=True)
            raise
        return self._open()

    def _remove_stale_temp_files(self) -> None:
        for path in [*self.home.glob(".bbl.duckdb.tmp-*"), *self.home.glob(".work.duckdb.rebuild-*")]:
            pid = path.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not pid_alive(int(pid)):
                path.unlink(missing_ok=True)


# One in-memory DuckDB instance per process and working file, which the working file is attached to for
# each connection: creating an instance costs about 40 ms (DuckDB registers its built-in functions and
# extensions), attaching a file about 10 ms, and a run connects some sixty times.
_INSTANCES: dict[tuple[int, str], duckdb.DuckDBPyConnection] = {}


def _instance(work_path: Path) -> duckdb.DuckDBPyConnection:
    key = (os.getpid(), str(work_path))  # a forked child makes its own
    base = _INSTANCES.get(key)
    if base is None:
        base = duckdb.connect(config={
            # a new working database is written in the published storage version: see publish()
            "storage_compatibility_version": PUBLISHED_STORAGE_VERSION,
            # where a file database spills by default, not the process's current directory
            "temp_directory": str(work_path) + ".tmp",
        })
        _INSTANCES[key] = base
    return base


def record_as_of(con: duckdb.DuckDBPyConnection, as_of: str) -> None:
    """Mark a working database as an as-of build (meta.as_of: the date and its cutoff)."""
    day = date.fromisoformat(as_of)
    if first_row(con.execute("SELECT count(*) FROM meta.as_of WHERE as_of = ?", [day]))[0]:
        return
    con.execute("DELETE FROM meta.as_of")
    con.execute("INSERT INTO meta.as_of VALUES (?, ?)", [day, cutoff(day)])


def rebuild_reason(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the (checkpointed) working file should be rebuilt before it is published, or None: it is in
    another storage version than the published one, or more than half of it is free blocks."""
    database = first_row(con.execute("SELECT current_database()"))[0]
    tags = first_row(con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = ?", [database]))[0]
    version = (tags or {}).get("storage_version")
    if version != f"{PUBLISHED_STORAGE_VERSION}+":
        return f"storage version {version}, published as {PUBLISHED_STORAGE_VERSION}"
    used, free = first_row(con.execute(
        "SELECT used_blocks, free_blocks FROM pragma_database_size() WHERE database_name = ?", [database]))
    return f"{free} of {used + free} blocks free" if free > max(used, 16) else None


FICLONE = 0x40049409  # Linux ioctl: make dst share src's blocks (XFS, btrfs, bcachefs; not ext4)


def clone_or_copy(src: Path, dst: Path) -> str:
    """Copy ``src`` to ``dst``: a reflink where the filesystem can make one ("reflink": blocks shared
    until either file changes them), else a byte copy ("byte copy")."""
    try:
        import fcntl

        with open(src, "rb") as s, open(dst, "wb") as d:
            fcntl.ioctl(d.fileno(), FICLONE, s.fileno())
        return "reflink"
    except (OSError, ImportError):
        dst.unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    return "byte copy"


def _copy_comments(con: duckdb.DuckDBPyConnection, target: str) -> None:
    """COPY FROM DATABASE does not carry COMMENT ON; replay them (tables, views, columns) on the copy ``target``."""
    work = first_row(con.execute("SELECT current_database()"))[0]
    for schema, table, comment in con.execute(
        "SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE database_name = ? AND comment IS NOT NULL",
        [work],
    ).fetchall():
        con.execute(f"COMMENT ON TABLE {target}.{schema}.{table} IS '{_sql_str(comment)}'")
    for schema, view, comment in con.execute(
        "SELECT schema_name, view_name, comment FROM duckdb_views() WHERE database_name = ? AND comment IS NOT NULL",
        [work],
    ).fetchall():
        con.execute(f"COMMENT ON VIEW {target}.{schema}.{view} IS '{_sql_str(comment)}'")
    for schema, table, column, comment in con.execute(
        "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
        "WHERE database_name = ? AND comment IS NOT NULL",
        [work],
    ).fetchall():
        con.execute(f'COMMENT ON COLUMN {target}.{schema}.{table}."{column}" IS \'{_sql_str(comment)}\'')


def _sql_str(value: object) -> str:
    return str(value).replace("'", "''")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        _fsync(path)
    except OSError:  # not every filesystem allows fsync on a directory
        pass
