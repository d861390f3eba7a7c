"""Where a DUO dataset's snapshot comes from in each mode, and loading it: the DUO twin of
bbl/cbs/source.py, one code path for the assets and `bbl fetch duo`.

* bundled: the newest snapshot fetched earlier into the local store (no DUO files are bundled);
  never the network. None if there is none.
* live: CKAN package_show first; an unchanged `metadata_modified` means the latest local snapshot.
"""

from __future__ import annotations

import json

import duckdb

from bbl.duck import first_row
from bbl.duo.client import fetch_dataset
from bbl.history.asof import snapshot_as_of
from bbl.http import FetchError
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


def duo_table(dataset: str) -> str:
    """The raw table a DUO dataset loads into."""
    return "raw.duo_students_sectorkamer" if "sectorkamer" in dataset else "raw.duo_students_instelling"


def acquire_duo_snapshot(settings: Settings, dataset: str, resource: str, keep_last_good: bool = False) -> Acquired:
    """As bbl.cbs.source.acquire_cbs_snapshot: ``keep_last_good`` turns a failed fetch into the last good
    snapshot, marked stale."""
    if settings.as_of_date is not None:
        folder = snapshot_as_of(settings, "duo", dataset, settings.as_of_date)
        return Acquired(None, "none") if folder is None else Acquired(folder, f"as of {settings.as_of}")
    if settings.mode == "bundled":
        folder = offline_snapshot(settings, "duo", dataset)
        return Acquired(None, "none") if folder is None else Acquired(folder, "local store")
    try:
        result = fetch_dataset(settings.duo_url, dataset, resource, settings.snapshot_root,
                               settings.http_timeout_s, settings.http_max_attempts)
    except (FetchError, SnapshotError) as exc:
        if not keep_last_good:
            raise
        return last_good(settings, "duo", dataset, exc)
    return Acquired(result.folder, "fetched" if result.changed else "unchanged", result)


def load_duo(con: duckdb.DuckDBPyConnection, acquired: Acquired, settings: Settings, verify: bool = True) -> int:
    """Load the snapshot into raw.duo_students_* (verifying its files first, unless done); the number of rows."""
    # here, not at the top: it imports polars, which a `bbl fetch cbs` (needing only duo_table) does not
    from bbl.duo.load import load_duo_snapshot

    assert acquired.folder is not None
    manifest = load_manifest(acquired.folder)
    return load_duo_snapshot(con, acquired.folder, manifest, display_path(acquired.folder, settings), verify)


def load_duo_if_new(con: duckdb.DuckDBPyConnection, acquired: Acquired, settings: Settings) -> int | None:
    """Like `load_duo`, but None when the warehouse already holds exactly this snapshot."""
    assert acquired.folder is not None
    manifest = load_manifest(acquired.folder)
    verify_snapshot(acquired.folder, manifest)
    row = first_row(con.execute("SELECT manifest FROM meta.snapshots WHERE snapshot_id = ?", [manifest["snapshot_id"]]))
    if row and json.loads(row[0]) == manifest:
        return None
    return load_duo(con, acquired, settings, verify=False)  # verified just above
