"""DUO versions in the history: valid from the dataset's own ``metadata_modified`` (CKAN, UTC).

Both raw.duo_students_* layouts go into one table, a row's keys in ``cell``. A version older than the
newest one in the history is not added (DUO keeps no older files to replay; the log says so).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import duckdb

from bbl.duck import first_row
from bbl.history.intervals import Diff, apply_version, latest_time, parse_time

log = logging.getLogger(__name__)

CURRENT_SQL = """
    SELECT resource,
           map(['layout', 'sectorkamer', 'hoofdgroep', 'leerweg', 'niveau', 'woonprovincie', 'year'],
               ['sectorkamer', sectorkamer, coalesce(hoofdgroep, ''), leerweg, coalesce(niveau, ''),
                coalesce(woonprovincie, ''), CAST(year AS VARCHAR)]) AS cell,
           students, masked, raw_value
    FROM raw.duo_students_sectorkamer WHERE dataset = ?
    UNION ALL
    SELECT resource,
           map(['layout', 'year', 'instellingscode', 'leerweg'],
               ['instelling', coalesce(CAST(year AS VARCHAR), ''), instellingscode, leerweg]) AS cell,
           students, masked, raw_value
    FROM raw.duo_students_instelling WHERE dataset = ?
"""


def duo_time(manifest: dict[str, Any]) -> datetime:
    """When DUO published the version: the dataset's metadata_modified (CKAN writes UTC without a zone)."""
    return parse_time(str(manifest.get("date_published") or manifest.get("version") or manifest["date_accessed"]),
                      naive=UTC)


def apply_duo_version(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], path: str) -> Diff | None:
    """Add the dataset's rows now in raw.duo_students_* to the history (caller's transaction); None when
    the version is already there or older than the newest one."""
    sid, dataset = manifest["snapshot_id"], manifest["table_id"]
    if first_row(con.execute("SELECT count(*) FROM history.duo_vintages WHERE snapshot_id = ?", [sid]))[0]:
        return None
    valid_from = duo_time(manifest)
    last = latest_time(con, "history.duo_vintages", "dataset", dataset)
    if last is not None and valid_from <= last:
        log.warning("%s: version %s (metadata_modified %s) is older than the newest in the history (%s); "
                    "not added to the history", dataset, sid, valid_from, last)
        return None
    diff = apply_version(con, "history.duo_students", {"dataset": dataset}, ["resource", "cell"],
                         ["students", "masked", "raw_value"], CURRENT_SQL, [dataset, dataset], valid_from, sid)
    con.execute("INSERT INTO history.duo_vintages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [dataset, sid, valid_from, manifest.get("date_published"), path, diff.cells, diff.added,
                 diff.revised, diff.removed, datetime.now(UTC).replace(tzinfo=None)])
    return diff
