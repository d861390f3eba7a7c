"""Raw DUO assets: one per registered dataset, `raw/duo/<dataset>` (dashes as underscores).

Live mode fetches the dataset's CSV resources from DUO's CKAN API into the snapshot store (nothing
when `metadata_modified` is unchanged) and loads them into raw.duo_students_* (bbl/duo/). Bundled
mode has no DUO files (none are public in a form we could bundle): it uses a snapshot fetched
earlier, or reports pending live data.
"""

import time

import dagster as dg

from assets import keys
from assets.metadata import freshness, pending_result, provenance_metadata, table_metadata
from assets.quality import checked_asset
from assets.resources import WAREHOUSE_POOL, BblResource
from bbl.duo.source import acquire_duo_snapshot, duo_table, load_duo
from bbl.http import FetchError
from bbl.provenance import provenance, record_source_status
from bbl.registry import DuoDataset, duo_datasets
from bbl.snapshot import SnapshotError, load_manifest


def _build(ds: DuoDataset) -> dg.AssetsDefinition:
    @checked_asset(
        key=keys.duo(ds.dataset),
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
            acquired = acquire_duo_snapshot(settings, ds.dataset, ds.resource, keep_last_good=True)
            if acquired.error:
                context.log.warning(f"{ds.dataset}: fetch failed: {acquired.error}")
            if acquired.folder is None:
                with bbl.warehouse().connect() as con:
                    record_source_status(con, "duo", ds.dataset, acquired)
                return pending_result(f"the fetch failed and no earlier snapshot exists: {acquired.error}"
                                      if acquired.error else
                                      f"no DUO files offline; run with BBL_MODE=live or `bbl fetch duo {ds.dataset}`")
            manifest = load_manifest(acquired.folder)
            with bbl.warehouse().connect() as con:
                n = load_duo(con, acquired, settings)
                status = record_source_status(con, "duo", ds.dataset, acquired)
                meta = table_metadata(con, duo_table(ds.dataset), where="dataset = ?", params=[ds.dataset])
        except (SnapshotError, FetchError, ValueError) as exc:
            raise dg.Failure(f"raw/duo/{ds.asset_name}: {exc}") from exc
        context.log.info(f"{ds.dataset}: {n} rows from {manifest['snapshot_id']} ({acquired.origin}) "
                         f"in {time.monotonic() - started:.2f} s")
        return dg.MaterializeResult(
            metadata={**meta, "status": status, **({"stale/last_error": acquired.error} if acquired.error else {}),
                      **provenance_metadata(provenance(manifest, acquired.folder, acquired.origin))},
            data_version=dg.DataVersion(manifest["snapshot_id"]),
        )

    return _duo


duo_assets = [_build(d) for d in duo_datasets()]
