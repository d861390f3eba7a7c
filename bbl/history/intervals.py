"""One diff for every history table: compare a new version with the open intervals, close what it
changed or dropped, insert what it changed or added. Unchanged rows are not touched, so a version
that changes k rows costs k new rows (and the join over the version)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from bbl.duck import first_row

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def parse_time(text: str, naive: tzinfo = AMSTERDAM) -> datetime:
    """An ISO 8601 time as naive UTC; a time written without a zone is in ``naive``: Dutch time for CBS (v3
    TableInfos.Modified reads '2023-08-16T02:00:00' where v4 says '+02:00'), UTC for CKAN (DUO)."""
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=naive)
    return t.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Diff:
    cells: int
    added: int
    revised: int
    removed: int

    @property
    def unchanged(self) -> int:
        return self.cells - self.added - self.revised


def apply_version(
    con: duckdb.DuckDBPyConnection, history: str, scope: dict[str, Any], keys: list[str], values: list[str],
    current_sql: str, current_params: list[Any], valid_from: datetime, snapshot_id: str,
    clock: tuple[str, str, str | None] = ("valid_from", "valid_to", "ended_by"), snapshot_col: str | None = "snapshot_id",
) -> Diff:
    """Apply one version to ``history`` (a history.* table) inside the caller's transaction.

    ``scope``: the columns that select this source's rows (table_id, dataset) and their values;
    ``current_sql``: a SELECT of the version's rows with the ``keys`` and ``values`` columns;
    ``clock``: the interval's start and end columns (times, or version numbers), and the column naming
    the snapshot that ended it; ``snapshot_col``: the column naming the snapshot that started it.
    ``valid_from`` is the start value of the new rows and the end value of the closed ones.
    """
    start, end, ended = clock
    where = " AND ".join([*(f"{c} = ?" for c in scope), "true"])
    on = " AND ".join(f"h.{k} = c.{k}" for k in keys)
    differs = " OR ".join(f"h.{v} IS DISTINCT FROM c.{v}" for v in values)
    cols = [*keys, *values]
    scope_cols = "".join(f"? AS {c}, " for c in scope)
    snap = f", ? AS {snapshot_col}" if snapshot_col else ""
    held = first_row(con.execute(f"SELECT count(*) FROM {history} WHERE {where} AND {end} IS NULL",
                                 list(scope.values())))[0]
    if not held:  # the first version (or all cells removed before): every cell is new, no diff needed
        added = first_row(con.execute(  # an INSERT returns the number of rows it inserted
            f"INSERT INTO {history} BY NAME SELECT {scope_cols}{', '.join(cols)}, ? AS {start}{snap} "
            f"FROM ({current_sql})", [*scope.values(), valid_from, *([snapshot_id] if snapshot_col else []),
                                      *current_params]))[0]
        return Diff(int(added), int(added), 0, 0)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _bbl_version AS {current_sql}", current_params)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _bbl_diff AS "
        f"SELECT h.rowid AS hrow, c.rowid AS crow, c.{keys[0]} IS NULL AS removed, h.{keys[0]} IS NULL AS added, "
        f"{', '.join(f'c.{c}' for c in cols)} "
        f"FROM (SELECT rowid, * FROM {history} WHERE {where} AND {end} IS NULL) h "
        f"FULL OUTER JOIN (SELECT rowid, * FROM _bbl_version) c ON {on} "
        f"WHERE h.{keys[0]} IS NULL OR c.{keys[0]} IS NULL OR {differs}",
        list(scope.values()),
    )
    cells = first_row(con.execute("SELECT count(*) FROM _bbl_version"))[0]
    added, removed, revised = first_row(con.execute(
        "SELECT count(*) FILTER (added), count(*) FILTER (removed), count(*) FILTER (NOT added AND NOT removed) "
        "FROM _bbl_diff"))
    set_ended = f", {ended} = ?" if ended else ""
    con.execute(f"UPDATE {history} SET {end} = ?{set_ended} "
                "WHERE rowid IN (SELECT hrow FROM _bbl_diff WHERE hrow IS NOT NULL)",
                [valid_from, *([snapshot_id] if ended else [])])
    con.execute(
        f"INSERT INTO {history} BY NAME SELECT {scope_cols}{', '.join(cols)}, ? AS {start}{snap} "
        "FROM _bbl_diff WHERE NOT removed ORDER BY crow",  # in the version's order: it compresses as well as raw
        [*scope.values(), valid_from, *([snapshot_id] if snapshot_col else [])],
    )
    con.execute("DROP TABLE _bbl_diff")
    con.execute("DROP TABLE _bbl_version")
    return Diff(int(cells), int(added), int(revised), int(removed))


def latest_time(con: duckdb.DuckDBPyConnection, vintages: str, scope_col: str, scope: str) -> datetime | None:
    row = first_row(con.execute(f"SELECT max(valid_from) FROM {vintages} WHERE {scope_col} = ?", [scope]))
    return row[0] if row else None
