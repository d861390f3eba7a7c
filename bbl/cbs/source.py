"""Where a CBS table's snapshot comes from in each mode: one code path for the assets and the CLI.

* bundled: the snapshot in data/cbs/<id>/, else the newest one already in the local snapshot
  store ($BBL_HOME/snapshots, from an earlier live fetch); never the network. None if neither.
* live: fetch from CBS (change detection first; unchanged means the latest local snapshot).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import duckdb

from bbl.cbs.client import CbsClient, Progress
from bbl.cbs.load import LoadStats, load_cbs_snapshot
from bbl.duck import first_row
from bbl.history.asof import snapshot_as_of
from bbl.http import FetchError, RetryPolicy
from bbl.settings import Settings
from bbl.snapshot import (
    Acquired,
    SnapshotError,
    display_path,
    last_good,
    load_manifest,
    offline_snapshot,
    verify_snapshot,
)


def acquire_cbs_snapshot(
    settings: Settings,
    table_id: str,
    api: str = "auto",
    row_filter: str | None = None,
    accept_schema_change: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    keep_last_good: bool = False,
) -> Acquired:
    """The snapshot to load. ``keep_last_good`` (scheduled runs): a failed live fetch (outage, 5xx after
    retries, a bad page, schema drift) gives the last good snapshot marked stale instead of an error,
    so one source being down does not stop the others."""
    if settings.as_of_date is not None:
        folder = snapshot_as_of(settings, "cbs", table_id, settings.as_of_date)
        return Acquired(None, "none") if folder is None else Acquired(folder, f"as of {settings.as_of}")
    if settings.mode == "bundled":
        folder = offline_snapshot(settings, "cbs", table_id)
        if folder is None:
            return Acquired(None, "none")
        return Acquired(folder, "bundled" if folder.is_relative_to(settings.data_dir) else "local store")
    client = CbsClient(settings.cbs_v4_url, settings.cbs_v3_url, timeout_s=settings.http_timeout_s,
                       retry=RetryPolicy(max_attempts=settings.http_max_attempts), on_progress=on_progress)
    try:
        result = client.fetch_table(table_id, settings.snapshot_root, api=api, row_filter=row_filter,
                                    accept_schema_change=accept_schema_change)
    except (FetchError, SnapshotError) as exc:
        if not keep_last_good:
            raise
        return last_good(settings, "cbs", table_id, exc)
    return Acquired(result.folder, "fetched" if result.changed else "unchanged", result)


def loaded_manifest(con: duckdb.DuckDBPyConnection, table_id: str) -> dict | None:
    """The manifest of the snapshot the warehouse holds for a table, or None. The snapshot's version must be
    in the history too: raw.cbs_observations reads its cells there (a rebuilt history needs a load)."""
    row = first_row(con.execute(
        "SELECT s.manifest FROM raw.cbs_tables t JOIN meta.snapshots s USING (snapshot_id) "
        "JOIN history.cbs_vintages v USING (snapshot_id) WHERE t.table_id = ?", [table_id]))
    return json.loads(row[0]) if row else None


def load_if_new(con: duckdb.DuckDBPyConnection, acquired: Acquired, settings: Settings) -> LoadStats | None:
    """Load the snapshot unless the warehouse already holds exactly it; None if nothing was loaded.

    The files are verified against the manifest first, unless this process has just downloaded and hashed
    them (origin 'fetched': reading 100 MB again to hash it again would prove nothing new); then the
    observation pages that the fetch already parsed are loaded from its staged Parquet files. The load is
    skipped only when the warehouse holds a snapshot with an identical manifest (same files, same checksums).
    """
    assert acquired.folder is not None
    manifest = load_manifest(acquired.folder)
    fetched = acquired.origin == "fetched"
    staged = acquired.fetch.staged if fetched and acquired.fetch is not None else None
    try:
        if not fetched:
            verify_snapshot(acquired.folder, manifest)
        if loaded_manifest(con, manifest["table_id"]) == manifest:
            return None
        return load_cbs_snapshot(con, acquired.folder, manifest, display_path(acquired.folder, settings),
                                 verify=False, staged=staged)
    finally:
        if staged is not None:
            staged.discard()  # the parsed pages serve this one load
