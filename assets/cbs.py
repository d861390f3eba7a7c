"""Raw CBS StatLine assets: one asset per registered table, `raw/cbs/<table_id>`.

Each loads the table's snapshot into the shared long-format tables raw.cbs_tables,
raw.cbs_dimensions, raw.cbs_codes, raw.cbs_measures and raw.cbs_observations (rows keyed by
table_id), in one transaction. In bundled mode the snapshot is the one in data/cbs/<id>/.
"""


import time

import dagster as dg

from assets.metadata import table_metadata
from assets.registry import CbsTable, cbs_tables
from ingest.cbs_load import load_cbs_snapshot
from ingest.snapshot import SnapshotError, latest_snapshot, load_manifest
from pipelines.resources import WAREHOUSE_POOL, BblResource


def cbs_asset_key(table_id: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", "cbs", table_id])


def _build(table: CbsTable) -> dg.AssetsDefinition:
    @dg.asset(
        key=cbs_asset_key(table.id),
        group_name="sources",
        kinds={"duckdb", "json"},
        pool=WAREHOUSE_POOL,
        description=(
            f"CBS StatLine table {table.id}, loaded into the raw.cbs_* tables (rows with table_id = '{table.id}'). "
            f"{table.purpose}"
        ),
        metadata={"cbs/table_id": table.id, "cbs/api": table.api, "cbs/filter": table.filter or ""},
        tags={"source": "cbs"},
    )
    def _cbs_table(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
        settings = bbl.settings()
        if settings.mode != "bundled":
            raise dg.Failure(
                f"raw/cbs/{table.id}: BBL_MODE={settings.mode} needs the live CBS client, which this build "
                "does not have yet; run with BBL_MODE=bundled"
            )
        folder = latest_snapshot(settings.data_dir, "cbs", table.id)
        if folder is None:
            raise dg.Failure(f"raw/cbs/{table.id}: no bundled snapshot under {settings.data_dir / 'cbs' / table.id}")
        started = time.monotonic()
        try:
            manifest = load_manifest(folder)
            display = str(folder.relative_to(settings.data_dir.parent)) if folder.is_relative_to(
                settings.data_dir.parent) else str(folder)
            with bbl.warehouse().connect() as con:
                stats = load_cbs_snapshot(con, folder, manifest, display)
                meta = table_metadata(
                    con, "raw.cbs_observations", where="table_id = ?", params=[table.id], order_by="observation_id"
                )
        except SnapshotError as exc:
            raise dg.Failure(f"raw/cbs/{table.id}: {exc}") from exc
        context.log.info(
            f"{table.id}: loaded {stats.observations} observations, {stats.codes} codes, {stats.measures} measures "
            f"from {manifest['snapshot_id']} in {time.monotonic() - started:.2f} s"
        )
        sha = {e["path"]: e["sha256"] for e in manifest["files"]}
        return dg.MaterializeResult(
            metadata={
                **meta,
                "source/url": dg.MetadataValue.url(manifest["url"]),
                "source/title": manifest["title"],
                "source/modified": manifest.get("modified") or "",
                "source/version": manifest.get("version") or "",
                "source/license": manifest["license"]["name"],
                "snapshot/id": manifest["snapshot_id"],
                "snapshot/path": dg.MetadataValue.path(str(folder)),
                "snapshot/date_accessed": manifest["date_accessed"],
                "snapshot/sha256": dg.MetadataValue.json(sha),
                "codes": stats.codes,
                "measures": stats.measures,
                "seconds": round(stats.seconds, 3),
            },
            data_version=dg.DataVersion(manifest["snapshot_id"]),
        )

    return _cbs_table


cbs_assets = [_build(t) for t in cbs_tables()]
