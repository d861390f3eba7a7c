"""`cbs_catalog_sensor`: request a run when CBS publishes a new version of a registered table;
`cbs_revisions_sensor`: after a run, report how many cells each new version revised.

At most hourly it reads the CBS catalogue (v4 Datasets, v3 ODataCatalog/Tables) for the registered
tables, compares each table's Modified with the cursor (JSON {table: Modified}) and requests a run
of that table and everything downstream, only for the tables that changed. The first evaluation
records the versions it sees without requesting runs. Live mode only; it never reads the warehouse.
"""

from __future__ import annotations

import json

import dagster as dg

from assets import keys
from bbl.cbs.catalog import catalog_versions
from bbl.http import FetchError
from bbl.registry import cbs_tables
from bbl.settings import Settings
from pipelines.jobs import NETWORK_TAGS, all_assets_job


@dg.sensor(
    name="cbs_catalog_sensor",
    target=all_assets_job,
    minimum_interval_seconds=3600,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Polls the CBS catalogue hourly and runs a registered table (and everything downstream) when its "
    "Modified changes. Live mode only.",
)
def cbs_catalog_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    settings = Settings.from_env()
    if settings.mode != "live":
        return dg.SkipReason("BBL_MODE is bundled: the sensor never polls CBS")
    tables = [t.id for t in cbs_tables()]
    try:
        versions = catalog_versions(settings.cbs_v4_url, settings.cbs_v3_url, tables, settings.http_timeout_s)
    except FetchError as exc:
        return dg.SkipReason(f"CBS catalogue unavailable: {exc}")
    previous = json.loads(context.cursor) if context.cursor else None
    cursor = json.dumps({**(previous or {}), **versions}, sort_keys=True)
    if previous is None:
        return dg.SensorResult(skip_reason=f"first poll: recorded {len(versions)} table versions", cursor=cursor)
    changed = sorted(t for t, v in versions.items() if previous.get(t) != v)
    requests = [
        dg.RunRequest(
            run_key=f"{t}:{versions[t]}",
            asset_selection=list(dg.AssetSelection.assets(keys.cbs(t)).downstream().resolve(
                context.repository_def.asset_graph)) if context.repository_def else [keys.cbs(t)],
            tags={**NETWORK_TAGS, "bbl/table": t, "bbl/source_modified": versions[t]},
        )
        for t in changed
    ]
    if not requests:
        return dg.SensorResult(skip_reason="no registered table changed", cursor=cursor)
    context.log.info(f"CBS published new versions of {', '.join(changed)}")
    return dg.SensorResult(run_requests=requests, cursor=cursor)


def revision_lines(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """What each new CBS version a run loaded changed (from the raw/cbs/* materializations' history/*
    metadata), one line per table."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    lines = []
    for record in records:
        mat = record.event_log_entry.asset_materialization
        if mat is None or mat.asset_key.path[:2] != ["raw", "cbs"]:
            continue
        meta = {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
        if "history/cells_revised" not in meta:
            continue
        lines.append(f"{mat.asset_key.path[2]}: new version published {meta['history/published']}: "
                     f"{meta['history/cells_revised']:,} cells revised, {meta['history/cells_added']:,} added, "
                     f"{meta['history/cells_removed']:,} removed")
    return lines


@dg.run_status_sensor(
    name="cbs_revisions_sensor",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[all_assets_job],
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="After each successful run: how many cells each new CBS version revised, added and removed "
    "(the history store's diff), in the sensor's log and tick history.",
)
def cbs_revisions_sensor(context: dg.RunStatusSensorContext) -> dg.SkipReason:
    lines = revision_lines(context.instance, context.dagster_run.run_id)
    for line in lines:
        context.log.info(line)
    return dg.SkipReason("; ".join(lines) if lines else "the run loaded no new CBS version")
