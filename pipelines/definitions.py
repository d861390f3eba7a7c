"""The one Dagster code location of bbl-stats (see workspace.yaml)."""

from __future__ import annotations

import dagster as dg

from assets import claims, figures, marts, publish, report, staging
from assets.cbs import cbs_assets
from assets.duo import duo_assets
from assets.resources import BblResource
from bbl.settings import Settings
from checks.asset_checks import asset_checks
from pipelines.jobs import jobs, schedules
from pipelines.sensors import cbs_catalog_sensor, cbs_revisions_sensor

# Every asset and check of the pipeline, unbound (tests bind their own resources with dg.materialize).
all_assets = [*cbs_assets, *duo_assets, *dg.load_assets_from_modules([figures, staging, marts, claims, publish, report])]
all_checks = asset_checks



def build_defs(settings: Settings | None = None) -> dg.Definitions:
    """The definitions bound to ``settings`` (default: the environment now). `bbl run` builds its own, so
    that the settings of the run, not those of whoever imported this module first, decide where it writes.

    Runs launched by the UI and the daemon execute every step in one process: the warehouse steps are
    serial anyway (one writer), and a process per step costs seconds each with Dagster imported."""
    settings = settings or Settings.from_env()
    return dg.Definitions(
        executor=dg.in_process_executor,
        assets=all_assets,
        asset_checks=all_checks,
        jobs=jobs,
        schedules=schedules(settings),
        sensors=[cbs_catalog_sensor, cbs_revisions_sensor],
        resources={"bbl": BblResource.from_settings(settings)},
    )


defs = build_defs()
