"""Raw DUO assets: one per registered dataset, `raw/duo/<dataset>` (dashes as underscores).

Live mode fetches the dataset's CSV resources from DUO's CKAN API into the snapshot store (nothing
when `metadata_modified` is unchanged) and loads them into raw.duo_students_*. Bundled mode has no
DUO files (none are public in a form we could bundle): it uses a snapshot fetched earlier, or
reports pending live data.
"""

import time

import dagster as dg

from assets.cbs import freshness
from assets.metadata import pending_result, table_metadata
from assets.registry import DuoDataset, duo_datasets
from ingest.cbs_source import display_path, offline_snapshot
from ingest.duo import fetch_dataset, load_duo_snapshot
from ingest.http import FetchError
from ingest.snapshot import SnapshotError, load_manifest
from pipelines.resources import WAREHOUSE_POOL, BblResource


def _build(ds: DuoDataset) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", "duo", ds.asset_name],
        group_name="sources",
        kinds={"duckdb", "http", "csv"},
        pool=WAREHOUSE_POOL,
        description=f"DUO open data {ds.dataset} (onderwijsdata.duo.nl), loaded into raw.duo_students_*. {ds.purpose}",
        metadata={"duo/dataset": ds.dataset, "duo/resource": ds.resource, "duo/cadence": ds.cadence},
        tags={"source": "duo"},
        freshness_policy=freshness(ds.cadence),
    )
    def _duo(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
        settings = bbl.settings()
        started = time.monotonic()
        try:
            if settings.mode == "live":
                result = fetch_dataset(settings.duo_url, ds.dataset, ds.resource, settings.snapshot_root,
                                       settings.http_timeout_s, settings.http_max_attempts)
                folder, origin = result.folder, "fetched" if result.changed else "unchanged"
            else:
                folder, origin = offline_snapshot(settings, "duo", ds.dataset), "local store"
            if folder is None:
                context.log.warning(f"{ds.dataset}: no DUO snapshot offline (bundled mode): pending live data")
                return pending_result(f"no DUO files offline; run with BBL_MODE=live or `bbl fetch duo {ds.dataset}`")
            manifest = load_manifest(folder)
            with bbl.warehouse().connect() as con:
                n = load_duo_snapshot(con, folder, manifest, display_path(folder, settings))
                table = "raw.duo_students_sectorkamer" if "sectorkamer" in ds.dataset else "raw.duo_students_instelling"
                meta = table_metadata(con, table, where="dataset = ?", params=[ds.dataset])
        except (SnapshotError, FetchError, ValueError) as exc:
            raise dg.Failure(f"raw/duo/{ds.asset_name}: {exc}") from exc
        context.log.info(f"{ds.dataset}: {n} rows from {manifest['snapshot_id']} ({origin}) "
                         f"in {time.monotonic() - started:.2f} s")
        return dg.MaterializeResult(
            metadata={**meta, "status": "loaded", "snapshot/origin": origin, "snapshot/id": manifest["snapshot_id"],
                      "source/url": dg.MetadataValue.url(manifest["url"]),
                      "source/modified": manifest.get("version") or "",
                      "snapshot/sha256": dg.MetadataValue.json({e["path"]: e["sha256"] for e in manifest["files"]})},
            data_version=dg.DataVersion(manifest["snapshot_id"]),
        )

    return _duo


duo_assets = [_build(d) for d in duo_datasets()]
