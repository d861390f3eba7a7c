"""Raw CBS StatLine assets: one asset per registered table, `raw/cbs/<table_id>`.

Each loads the table's snapshot into the shared long-format tables raw.cbs_tables,
raw.cbs_dimensions, raw.cbs_codes, raw.cbs_measures and raw.cbs_observations (rows keyed by
table_id), in one transaction (bbl/cbs/source.py). Bundled mode reads data/cbs/<id>/ (or a snapshot
fetched earlier); live mode fetches from CBS first, downloading nothing when the table is unchanged.
A table with no snapshot offline is reported as pending live data; the indicators built on it say so.
"""

import time

import dagster as dg

from assets import keys
from assets.metadata import freshness, pending_result, provenance_metadata, table_metadata
from assets.quality import checked_asset
from assets.resources import WAREHOUSE_POOL, BblResource
from bbl.cbs.source import acquire_cbs_snapshot, load_if_new
from bbl.http import FetchError
from bbl.provenance import provenance, record_source_status
from bbl.registry import CbsTable, cbs_tables
from bbl.snapshot import SnapshotError, load_manifest


def _build(table: CbsTable) -> dg.AssetsDefinition:
    @checked_asset(
        key=keys.cbs(table.id),
        group_name="sources",
        kinds={"duckdb", "http", "json"},
        pool=WAREHOUSE_POOL,
        description=(
            f"CBS StatLine table {table.id}, loaded into the raw.cbs_* tables (rows with table_id = '{table.id}'). "
            f"{table.purpose}"
        ),
        metadata={"cbs/table_id": table.id, "cbs/api": table.api, "cbs/filter": table.filter or "",
                  "cbs/cadence": table.cadence},
        tags={"source": "cbs"},
        freshness_policy=freshness(table.cadence),
    )
    def _cbs_table(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
        settings = bbl.settings()
        started = time.monotonic()
        try:
            acquired = acquire_cbs_snapshot(
                settings, table.id, api=table.api, row_filter=table.filter, keep_last_good=True,
                on_progress=lambda p: context.log.info(p.line()) if p.pages % 10 == 1 else None,
            )
            if acquired.error:
                context.log.warning(f"{table.id}: fetch failed, {'using the last good snapshot' if acquired.folder else 'no snapshot'}: "
                                    f"{acquired.error}")
            if acquired.folder is None:
                with bbl.warehouse().connect() as con:
                    record_source_status(con, "cbs", table.id, acquired)
                reason = (f"the fetch failed and no earlier snapshot exists: {acquired.error}" if acquired.error else
                          f"no bundled snapshot in data/cbs/{table.id} and none fetched into {settings.snapshot_root}; "
                          f"run with BBL_MODE=live or `bbl fetch cbs {table.id}`")
                return pending_result(reason)
            manifest = load_manifest(acquired.folder)
            with bbl.warehouse().connect() as con:
                stats = load_if_new(con, acquired, settings)
                status = record_source_status(con, "cbs", table.id, acquired)
                meta = table_metadata(
                    con, "raw.cbs_observations", where="table_id = ?", params=[table.id], order_by="measure, period"
                )
        except (SnapshotError, FetchError, ValueError) as exc:
            raise dg.Failure(f"raw/cbs/{table.id}: {exc}") from exc
        fetch = acquired.fetch
        if stats is None:
            context.log.info(f"{table.id}: warehouse already holds {manifest['snapshot_id']} ({acquired.origin})")
        else:
            context.log.info(
                f"{table.id}: loaded {stats.observations} observations, {stats.codes} codes, {stats.measures} "
                f"measures from {manifest['snapshot_id']} ({acquired.origin}) in {time.monotonic() - started:.2f} s"
            )
        extra = {}
        if stats is not None and stats.history is not None:
            context.log.info(f"{table.id}: {stats.history.line()}")
            if stats.history.diff is not None:
                d = stats.history.diff
                extra = {"history/published": stats.history.valid_from.isoformat(), "history/cells_revised": d.revised,
                         "history/cells_added": d.added, "history/cells_removed": d.removed,
                         "history/cells_unchanged": d.unchanged}
        if fetch is not None:
            extra = {**extra, "fetch/changed": fetch.changed, "fetch/api": fetch.api, "fetch/pages": fetch.pages,
                     "fetch/rows": fetch.rows, "fetch/megabytes": round(fetch.bytes / 1e6, 2),
                     "fetch/seconds": round(fetch.seconds, 2), "fetch/retries": fetch.retries}
        return dg.MaterializeResult(
            metadata={**meta, **extra, "status": status if status == "stale" else "loaded" if stats else "unchanged",
                      **({"stale/last_error": acquired.error} if acquired.error else {}),
                      **provenance_metadata(provenance(manifest, acquired.folder, acquired.origin))},
            data_version=dg.DataVersion(manifest["snapshot_id"]),
        )

    return _cbs_table


cbs_assets = [_build(t) for t in cbs_tables()]
