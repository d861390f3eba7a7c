"""Provenance, one way for every source: what a raw asset's metadata says about where its data came
from, and the rows that record a loaded snapshot in meta.snapshots / meta.snapshot_files.

`provenance()` gives the same keys for CBS tables, DUO datasets and the figures register; the Dagster
layer only turns them into metadata values (assets/metadata.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from bbl.duck import insert_rows, transaction


def provenance(manifest: dict[str, Any], folder: Path, origin: str) -> dict[str, Any]:
    """Where a snapshot came from, from its manifest: producer, title, URL, version, licence, date
    accessed and the sha256 of every file. ``origin``: bundled | local store | fetched | unchanged."""
    return {
        "snapshot/id": manifest["snapshot_id"],
        "snapshot/origin": origin,
        "snapshot/path": str(folder),
        "snapshot/date_accessed": manifest["date_accessed"],
        "snapshot/sha256": {e["path"]: e["sha256"] for e in manifest["files"]},
        "snapshot/source_files": len(manifest.get("sources", [])),
        "source/producer": manifest["producer"],
        "source/title": manifest["title"],
        "source/url": manifest["url"],
        "source/version": manifest.get("version") or "",
        "source/modified": manifest.get("modified") or "",
        "source/license": manifest["license"]["name"],
    }


def record_snapshot(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], display_path: str, rows: int) -> None:
    """Write the snapshot's provenance to meta.snapshots / meta.snapshot_files (inside the caller's transaction).

    The files are the manifest's files plus, for a built snapshot such as the figures register, the
    source files it was built from (role ``source``).
    """
    sid = manifest["snapshot_id"]
    files = ([{"path": e["path"], "role": e["role"], "sha256": e["sha256"], "size_bytes": e["size"]}
              for e in manifest["files"]]
             + [{"path": e["path"], "role": "source", "sha256": e["sha256"], "size_bytes": e["size"]}
                for e in manifest.get("sources", [])])
    con.execute("DELETE FROM meta.snapshot_files WHERE snapshot_id = ?", [sid])
    con.execute("DELETE FROM meta.snapshots WHERE snapshot_id = ?", [sid])
    # the previous snapshot of the same table is no longer in use
    if manifest.get("table_id"):
        old = con.execute(
            "SELECT snapshot_id FROM meta.snapshots WHERE source = ? AND table_id = ?",
            [manifest["source"], manifest["table_id"]],
        ).fetchall()
        for (old_sid,) in old:
            con.execute("DELETE FROM meta.snapshot_files WHERE snapshot_id = ?", [old_sid])
            con.execute("DELETE FROM meta.snapshots WHERE snapshot_id = ?", [old_sid])
    con.execute(
        "INSERT INTO meta.snapshots BY NAME SELECT ? AS snapshot_id, ? AS source, ? AS table_id, ? AS version, "
        "? AS title, ? AS producer, ? AS url, ? AS date_accessed, ? AS date_published, ? AS license, ? AS path, "
        "? AS row_count, CAST(? AS JSON) AS manifest, ? AS loaded_at",
        [sid, manifest["source"], manifest.get("table_id"), manifest.get("version"), manifest["title"],
         manifest["producer"], manifest["url"], manifest["date_accessed"], manifest.get("date_published"),
         manifest["license"]["name"], display_path, rows, json.dumps(manifest, ensure_ascii=False),
         datetime.now(UTC).replace(tzinfo=None)],
    )
    insert_rows(con, "meta.snapshot_files", files, snapshot_id=sid)


def record_source_status(con: duckdb.DuckDBPyConnection, source: str, name: str, acquired: Any) -> str:
    """Record how a registered source stands after this run's acquisition (meta.source_status, and the
    held snapshot's stale_since / last_error in meta.snapshots); return the status: loaded | stale | pending."""
    now = datetime.now(UTC).replace(tzinfo=None)
    status = "pending" if acquired.folder is None else "stale" if acquired.error else "loaded"
    sid = acquired.snapshot_id
    prev = con.execute("SELECT stale_since FROM meta.source_status WHERE source = ? AND name = ?",
                       [source, name]).fetchall()
    since = (prev[0][0] if prev and prev[0][0] else now) if acquired.error else None
    con.execute("INSERT OR REPLACE INTO meta.source_status VALUES (?, ?, ?, ?, ?, ?, ?)",
                [source, name, status, sid, since, acquired.error, now])
    con.execute("UPDATE meta.snapshots SET stale_since = ?, last_error = ? WHERE source = ? AND table_id = ?",
                [since, acquired.error, source, name])
    return status


def prune_unregistered(con: duckdb.DuckDBPyConnection, cbs_ids: list[str], duo_names: list[str]) -> list[str]:
    """Remove what the working database holds of sources no longer (or never) registered, e.g. a table
    tried once with `bbl fetch cbs`, so that a run publishes only registered sources. Returns the
    snapshot ids removed."""
    gone = [r[0] for r in con.execute(
        "SELECT snapshot_id FROM meta.snapshots WHERE (source = 'cbs' AND NOT list_contains(?, table_id)) "
        "OR (source = 'duo' AND NOT list_contains(?, table_id))", [cbs_ids, duo_names]).fetchall()]
    with transaction(con):
        for table in ("raw.cbs_tables", "raw.cbs_dimensions", "raw.cbs_codes", "raw.cbs_measures"):
            con.execute(f"DELETE FROM {table} WHERE NOT list_contains(?, table_id)", [cbs_ids])
        for table in ("raw.duo_students_sectorkamer", "raw.duo_students_instelling"):
            con.execute(f"DELETE FROM {table} WHERE NOT list_contains(?, dataset)", [duo_names])
        con.execute("DELETE FROM meta.snapshot_files WHERE list_contains(?, snapshot_id)", [gone])
        con.execute("DELETE FROM meta.snapshots WHERE list_contains(?, snapshot_id)", [gone])
        con.execute("DELETE FROM meta.source_status WHERE (source = 'cbs' AND NOT list_contains(?, name)) "
                    "OR (source = 'duo' AND NOT list_contains(?, name))", [cbs_ids, duo_names])
    return gone


def publication_mode(con: duckdb.DuckDBPyConnection, mode: str) -> str:
    """The mode a publication is labelled with, true to its snapshots: `live`; `bundled` when every CBS
    and DUO snapshot is the one bundled in data/; `mixed` when a bundled run used snapshots fetched live
    earlier (from the local snapshot store)."""
    if mode != "bundled":
        return mode
    fetched = con.execute("SELECT count(*) FROM meta.snapshots WHERE source IN ('cbs', 'duo') "
                          "AND path NOT LIKE 'data/%'").fetchall()[0][0]
    return "mixed" if fetched else "bundled"
