"""CBS vintages in the history: when CBS published a version, and its diff against the history.

A version's publication time is CBS's own: v4 ``Properties.ObservationsModified`` (when the
observations last changed), else ``Modified``; v3 ``TableInfos.Modified``. Versions are applied in
publication order; a version older than one already applied (e.g. the bundled snapshot loaded after a
newer live fetch) makes the table's history be replayed from the snapshot folders in order
(bbl.cbs.load.replay_history), so the intervals never depend on the order of runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from bbl.cbs.ids import validate_table_id
from bbl.duck import first_row, transaction
from bbl.history.intervals import Diff, apply_version, latest_time, parse_time
from bbl.snapshot import files_with_role

KEYS = ["measure", "period", "dims_id"]  # dims_id: history.cbs_dimension_sets
REVISIONS_SQL = (Path(__file__).parent / "revisions.sql").read_text(encoding="utf-8")
VALUES = ["value", "value_attribute", "string_value"]


@dataclass(frozen=True)
class VintageTime:
    valid_from: datetime
    basis: str


def publication_time(folder: Path, manifest: dict[str, Any]) -> VintageTime:
    """When CBS published this version, from the snapshot's own Properties (v4) or TableInfos (v3)."""
    if manifest.get("api") == "v4":
        for rel in files_with_role(manifest, "properties"):
            try:
                props = json.loads((folder / rel).read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                break
            if props.get("ObservationsModified"):
                return VintageTime(parse_time(props["ObservationsModified"]), "ObservationsModified")
    if manifest.get("modified"):
        return VintageTime(parse_time(manifest["modified"]), "Modified")
    return VintageTime(parse_time(manifest["date_accessed"]), "date_accessed (the snapshot names no Modified)")


@dataclass(frozen=True)
class VintageResult:
    snapshot_id: str
    valid_from: datetime
    diff: Diff | None  # None: already in the history
    replay_needed: bool = False

    def line(self) -> str:
        """One line for logs and the CLI: what the version changed."""
        when = self.valid_from.strftime("%Y-%m-%d %H:%M UTC")
        if self.diff is None:
            return f"history: version {self.snapshot_id} (published {when}) was already in the history"
        d = self.diff
        return (f"history: version published {when}: {d.revised:,} revised, {d.added:,} added, {d.removed:,} removed, "
                f"{d.unchanged:,} unchanged cells")


def apply_cbs_vintage(
    con: duckdb.DuckDBPyConnection, folder: Path, manifest: dict[str, Any], display_path: str,
    current_sql: str, current_params: list[Any], allow_replay: bool = True,
) -> VintageResult:
    """Add one version of a table to the history (inside the caller's transaction).

    ``current_sql`` selects the version's cells (measure, period, dims_id, value, value_attribute,
    string_value); their dimension sets must be registered first (register_dimension_sets). Returns
    ``replay_needed`` instead of applying a version older than the newest one in the history (unless
    ``allow_replay`` is False, as during a replay)."""
    sid, table_id = manifest["snapshot_id"], manifest["table_id"]
    held = first_row(con.execute("SELECT valid_from FROM history.cbs_vintages WHERE snapshot_id = ?", [sid]))
    if held:  # already in the history
        return VintageResult(sid, held[0], None)
    when = publication_time(folder, manifest)
    last = latest_time(con, "history.cbs_vintages", "table_id", table_id)
    valid_from, basis = when.valid_from, when.basis
    if last is not None and valid_from <= last:
        accessed = parse_time(manifest["date_accessed"])
        last_modified = first_row(con.execute(
            "SELECT modified FROM history.cbs_vintages WHERE table_id = ? ORDER BY valid_from DESC LIMIT 1",
            [table_id]))[0]
        if manifest.get("modified") == last_modified and accessed > last:
            valid_from, basis = accessed, f"date_accessed ({when.basis} did not change since the version before)"
        elif allow_replay:
            return VintageResult(sid, valid_from, None, replay_needed=True)
    version = first_row(con.execute("SELECT coalesce(max(version), 0) + 1 FROM history.cbs_vintages WHERE table_id = ?",
                                    [table_id]))[0]
    diff = apply_version(con, "history.cbs_cells", {"table_id": table_id}, KEYS, VALUES, current_sql, current_params,
                         version, sid, clock=("from_version", "to_version", None), snapshot_col=None)
    con.execute(
        "INSERT INTO history.cbs_vintages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [table_id, sid, version, valid_from, basis, manifest.get("modified"), manifest["date_accessed"],
         manifest.get("row_filter"), display_path, diff.cells, diff.added, diff.revised, diff.removed,
         diff.unchanged, datetime.now(UTC).replace(tzinfo=None)],
    )
    if diff.revised or diff.removed:
        compact(con, table_id)
    if diff.revised or diff.removed or diff.added != diff.cells:
        refresh_revisions(con, table_id)
    return VintageResult(sid, valid_from, diff)


def dimension_ids(table_id: str) -> str:
    """A FROM clause of the table's (dimensions, dims_id) pairs (the id is checked: it is written into the SQL)."""
    return (f"(SELECT dimensions, dims_id FROM history.cbs_dimension_sets "
            f"WHERE table_id = '{validate_table_id(table_id)}')")


def register_dimension_sets(con: duckdb.DuckDBPyConnection, table_id: str, sets_sql: str,
                            params: list[Any] | None = None) -> int:
    """Number the combinations of dimension codes in ``sets_sql`` (a SELECT of ``dimensions`` MAPs) that the
    table has not had before (inside the caller's transaction); returns how many were new."""
    return int(first_row(con.execute(
        "INSERT INTO history.cbs_dimension_sets "
        "SELECT ?, CAST((SELECT coalesce(max(dims_id), 0) FROM history.cbs_dimension_sets WHERE table_id = ?) "
        "+ row_number() OVER (ORDER BY CAST(n.dimensions AS VARCHAR)) AS INTEGER), n.dimensions "
        f"FROM (SELECT DISTINCT dimensions FROM ({sets_sql})) n "
        "ANTI JOIN (SELECT dimensions FROM history.cbs_dimension_sets WHERE table_id = ?) o ON o.dimensions = n.dimensions",
        [table_id, table_id, *(params or []), table_id]))[0])


def version_cells(con: duckdb.DuckDBPyConnection, table_id: str, snapshot_id: str) -> int:
    """The number of cells of one version in the history."""
    return first_row(con.execute(
        "SELECT count(*) FROM history.cbs_cells c JOIN history.cbs_vintages v ON v.table_id = c.table_id "
        "AND v.snapshot_id = ? WHERE c.table_id = ? AND c.from_version <= v.version "
        "AND (c.to_version IS NULL OR c.to_version > v.version)", [snapshot_id, table_id]))[0]


def compact(con: duckdb.DuckDBPyConnection, table_id: str) -> None:
    """Rewrite a table's cells with the current ones first (in the order they were added) and the ended ones
    after them, grouped by the version that ended them. A revision closes cells scattered over the table;
    grouped, the to_version column and the cells themselves compress about as well as one version does
    (bench/history.py). Inside the caller's transaction."""
    con.execute("CREATE OR REPLACE TEMP TABLE _bbl_compact AS SELECT * FROM history.cbs_cells WHERE table_id = ? "
                "ORDER BY to_version NULLS FIRST, rowid", [table_id])
    con.execute("DELETE FROM history.cbs_cells WHERE table_id = ?", [table_id])
    con.execute("INSERT INTO history.cbs_cells SELECT * FROM _bbl_compact")
    con.execute("DROP TABLE _bbl_compact")


def refresh_all_revisions(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild marts.revisions for every table in the history (one transaction); returns its row count."""
    with transaction(con):
        con.execute("DELETE FROM marts.revisions")
        for (table_id,) in con.execute("SELECT DISTINCT table_id FROM history.cbs_vintages ORDER BY 1").fetchall():
            con.execute(REVISIONS_SQL, [table_id])
    return first_row(con.execute("SELECT count(*) FROM marts.revisions"))[0]


def refresh_revisions(con: duckdb.DuckDBPyConnection, table_id: str) -> None:
    """Rebuild the table's rows of marts.revisions from its history."""
    con.execute("DELETE FROM marts.revisions WHERE table_id = ?", [table_id])
    con.execute(REVISIONS_SQL, [table_id])


def forget_table(con: duckdb.DuckDBPyConnection, table_id: str) -> list[str]:
    """Drop a table's history before a replay; returns the paths of the versions it held."""
    paths = [r[0] for r in con.execute(
        "SELECT path FROM history.cbs_vintages WHERE table_id = ? ORDER BY valid_from", [table_id]).fetchall()]
    con.execute("DELETE FROM history.cbs_cells WHERE table_id = ?", [table_id])
    con.execute("DELETE FROM history.cbs_dimension_sets WHERE table_id = ?", [table_id])
    con.execute("DELETE FROM history.cbs_vintages WHERE table_id = ?", [table_id])
    con.execute("DELETE FROM marts.revisions WHERE table_id = ?", [table_id])
    return paths
