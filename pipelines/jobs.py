"""Jobs and schedules of the code location.

`bbl_all` runs everything (what `make run` / `bbl run` execute). For live operation there is one job
per publication cadence, each selecting its sources and everything downstream of them (staging,
marts, claims, checks, publication, report), with a schedule in Europe/Amsterdam time shortly after
the source usually publishes. Schedules run in live mode only: in bundled mode they are defined but
stopped (and a bundled run would change nothing).
"""

from __future__ import annotations

import dagster as dg

from assets import keys
from bbl.registry import cbs_tables, duo_datasets
from bbl.settings import Settings

TZ = "Europe/Amsterdam"
# Runs that touch the warehouse wait for each other (instance run queue, see pipelines/instance.py);
# runs that fetch from the network are retried by the daemon (dagster/max_retries).
WAREHOUSE_TAGS = {"bbl/warehouse": "true"}
NETWORK_TAGS = {**WAREHOUSE_TAGS, "dagster/max_retries": "2"}

all_assets_job = dg.define_asset_job(
    name="bbl_all",
    selection=dg.AssetSelection.all(),
    tags=WAREHOUSE_TAGS,
    description="Materialize every asset (all sources, staging, marts, claims, checks), publish the analyst "
    "database and rebuild the report.",
)


def _cbs(cadence: str) -> list[dg.AssetKey]:
    return [keys.cbs(t.id) for t in cbs_tables() if t.cadence == cadence]


def _downstream_job(name: str, selected: list[dg.AssetKey], description: str) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        name=name,
        selection=dg.AssetSelection.assets(*selected).downstream(),
        tags=NETWORK_TAGS,
        description=description,
    )


vacancies_job = _downstream_job(
    "vacancies_quarterly", _cbs("quarterly"),
    "CBS vacancy tables (quarterly) and everything built on them.")
cpi_job = _downstream_job(
    "cpi_and_labour_monthly", _cbs("monthly"),
    "CBS monthly tables (CPI, labour force) and everything built on them.")
education_job = _downstream_job(
    "education_yearly",
    [*_cbs("yearly"), *[keys.duo(d.dataset) for d in duo_datasets()]],
    "mbo students (CBS 85353NED, DUO) and everything built on them.")
praktijkleren_job = _downstream_job(
    "praktijkleren_yearly", [keys.FIGURES],
    "The register of published figures (subsidy amounts are set each December) and everything built on it.")

jobs = [all_assets_job, vacancies_job, cpi_job, education_job, praktijkleren_job]


def schedules(settings: Settings | None = None) -> list[dg.ScheduleDefinition]:
    settings = settings or Settings.from_env()
    live = settings.mode == "live"
    status = dg.DefaultScheduleStatus.RUNNING if live else dg.DefaultScheduleStatus.STOPPED
    spec = [
        # CBS publishes quarterly vacancy figures in mid February, May, August and November
        (vacancies_job, "0 7 16 2,5,8,11 *", "after CBS's quarterly vacancy release"),
        # CPI: flash estimate at month end, full figures between the first and second Thursday
        (cpi_job, "0 7 15 * *", "after CBS's monthly CPI release"),
        # mbo student counts (1 October) appear in the autumn; DUO's files are revised in spring
        (education_job, "0 7 1 3,10 *", "twice a year: October and March"),
        # RVO/OCW set the amount per place each December
        (praktijkleren_job, "0 7 15 12 *", "once a year, after the subsidy decisions"),
        # everything once a week: a safety net for the cadence jobs (a missed tick, a source back online)
        (all_assets_job, "0 5 * * 1", "weekly, on Monday morning"),
    ]
    return [
        dg.ScheduleDefinition(
            name=f"{job.name}_schedule", job=job, cron_schedule=settings.schedule_cron or cron, execution_timezone=TZ,
            default_status=status, description=f"{job.description} Runs {why} (live mode only).",
        )
        for job, cron, why in spec
    ]
