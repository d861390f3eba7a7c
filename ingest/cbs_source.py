"""Where a CBS table's snapshot comes from in each mode: one code path for the assets and the CLI.

* bundled: the snapshot in data/cbs/<id>/, else the newest one already in the local snapshot
  store ($BBL_HOME/snapshots, from an earlier live fetch); never the network. None if neither.
* live: fetch from CBS (change detection first; unchanged means the latest local snapshot).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.cbs_client import CbsClient, FetchResult, Progress
from ingest.cbs_load import LoadStats, load_cbs_snapshot
from ingest.http import RetryPolicy
from ingest.snapshot import latest_snapshot, load_manifest, verify_snapshot
from pipelines.settings import Settings
from warehouse.store import first_row


@dataclass(frozen=True)
class Acquired:
    folder: Path | None
    origin: str  # bundled | local store | fetched | unchanged | none
    fetch: FetchResult | None = None

    @property
    def snapshot_id(self) -> str | None:
        return None if self.folder is None else load_manifest(self.folder)["snapshot_id"]


def offline_snapshot(settings: Settings, source: str, name: str) -> Path | None:
    """The snapshot an offline (bundled) run uses: the bundled one in data/ if there is one, else the newest
    fetched into the local snapshot store earlier, else None."""
    return latest_snapshot(settings.data_dir, source, name) or latest_snapshot(settings.snapshot_root, source, name)


def acquire_cbs_snapshot(
    settings: Settings,
    table_id: str,
    api: str = "auto",
    row_filter: str | None = None,
    accept_schema_change: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
) -> Acquired:
    if settings.mode == "bundled":
        folder = offline_snapshot(settings, "cbs", table_id)
        if folder is None:
            return Acquired(None, "none")
        return Acquired(folder, "bundled" if folder.is_relative_to(settings.data_dir) else "local store")
    client = CbsClient(settings.cbs_v4_url, settings.cbs_v3_url, timeout_s=settings.http_timeout_s,
                       retry=RetryPolicy(max_attempts=settings.http_max_attempts), on_progress=on_progress)
    result = client.fetch_table(table_id, settings.snapshot_root, api=api, row_filter=row_filter,
                                accept_schema_change=accept_schema_change)
    return Acquired(result.folder, "fetched" if result.changed else "unchanged", result)


def loaded_manifest(con: duckdb.DuckDBPyConnection, table_id: str) -> dict | None:
    """The manifest of the snapshot the warehouse holds for a table, or None."""
    row = first_row(con.execute(
        "SELECT s.manifest FROM raw.cbs_tables t JOIN meta.snapshots s USING (snapshot_id) WHERE t.table_id = ?",
        [table_id]))
    return json.loads(row[0]) if row else None


def display_path(folder: Path, settings: Settings) -> str:
    for base in (settings.data_dir.parent, settings.home):
        if folder.is_relative_to(base):
            return str(folder.relative_to(base))
    return str(folder)


def load_if_new(con: duckdb.DuckDBPyConnection, acquired: Acquired, settings: Settings) -> LoadStats | None:
    """Load the snapshot unless the warehouse already holds exactly it; None if nothing was loaded.

    The files are always verified against the manifest first; the load is skipped only when the
    warehouse holds a snapshot with an identical manifest (same files, same checksums).
    """
    assert acquired.folder is not None
    manifest = load_manifest(acquired.folder)
    verify_snapshot(acquired.folder, manifest)
    if loaded_manifest(con, manifest["table_id"]) == manifest:
        return None
    return load_cbs_snapshot(con, acquired.folder, manifest, display_path(acquired.folder, settings), verify=False)
