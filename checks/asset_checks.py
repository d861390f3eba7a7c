"""The Dagster asset checks: every raw, staging and mart table validated by a GX suite, blocking.

Each check reads its frames from the working warehouse (short connection), validates them with GX
(checks/gx.py), appends a row to quality.check_results, and returns an AssetCheckResult. An ERROR
result stops the downstream assets and so the publication of bbl.duckdb, whose previous copy stays.
The reconciliation of transcribed figures with API values is WARN where CBS marks the period
provisional (it will be revised), ERROR otherwise.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import duckdb

from assets.cbs import cbs_asset_key
from assets.registry import CbsTable, DuoDataset, cbs_tables, duo_datasets
from checks.gx import SuiteResult, to_check_result, validate
from checks.suites.cbs import observations_frames, reconciliation_frame
from checks.suites.common import no_problems
from checks.suites.duo import duo_frames
from checks.suites.figures import register_frames
from checks.suites.marts import claim_checks_frames, subsidy_per_place_frames
from checks.suites.staging import (
    bbl_students_frames,
    cpi_yearly_frames,
    subsidy_amounts_frames,
    vacancies_frames,
)
from pipelines.resources import WAREHOUSE_POOL, BblResource
from warehouse.store import Warehouse

PROVISIONAL = {"Voorlopig", "NaderVoorlopig", "Nader voorlopig", "Revised", "unknown"}


def record_result(wh: Warehouse, run_id: str, asset: str, check: str, result: SuiteResult,
                  severity: dg.AssetCheckSeverity) -> None:
    failed = [{"frame": f.frame, "expectation": f.expectation, "column": f.column,
               "unexpected_count": f.unexpected_count, "sample": f.sample, "observed": f.observed}
              for f in result.failures]
    with wh.connect() as con:
        con.execute(
            "INSERT INTO quality.check_results VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS JSON), ?, ?)",
            [run_id, asset, check, result.success, severity.value, result.evaluated, result.unsuccessful,
             json.dumps(failed, default=str), result.message()[:4000], datetime.now(UTC).replace(tzinfo=None)],
        )


def _suite_check(
    asset: dg.AssetKey, name: str, description: str, frames: Callable[[duckdb.DuckDBPyConnection], list],
) -> dg.AssetChecksDefinition:
    asset_name = asset.to_user_string()

    @dg.asset_check(asset=asset, name=name, blocking=True, pool=WAREHOUSE_POOL, description=description)
    def _check(context: dg.AssetCheckExecutionContext, bbl: BblResource) -> dg.AssetCheckResult:
        wh = bbl.warehouse()
        with wh.connect() as con:
            batch = frames(con)
        result = validate(asset_name, batch)
        severity = dg.AssetCheckSeverity.ERROR
        record_result(wh, context.run.run_id, asset_name, name, result, severity)
        (context.log.info if result.success else context.log.error)(result.message()[:2000])
        return to_check_result(result, severity)

    return _check


def _reconciliation_check(table: CbsTable) -> dg.AssetChecksDefinition:
    asset = cbs_asset_key(table.id)
    asset_name = asset.to_user_string()

    @dg.asset_check(
        asset=asset, name="reconciliation", blocking=True, pool=WAREHOUSE_POOL,
        additional_deps=[dg.AssetKey(["raw", "published_figures"])],
        description=f"Figures transcribed from StatLine for {table.id} (raw.published_figures) agree with the API "
        "value for the same measure, period and dimensions within the API's rounding. WARN where CBS marks the "
        "period provisional, ERROR otherwise.",
    )
    def _check(context: dg.AssetCheckExecutionContext, bbl: BblResource) -> dg.AssetCheckResult:
        wh = bbl.warehouse()
        with wh.connect() as con:
            df = reconciliation_frame(con, table.id)
        result = validate(f"{asset_name} reconciliation", [("reconciliation", df, no_problems)])
        bad = df[df["problem"].notna()] if len(df) else df
        definitive = [s for s in (bad["status"].tolist() if len(bad) else []) if s not in PROVISIONAL]
        severity = dg.AssetCheckSeverity.ERROR if definitive else dg.AssetCheckSeverity.WARN
        record_result(wh, context.run.run_id, asset_name, "reconciliation", result, severity)
        return to_check_result(result, severity, {"figures_compared": dg.MetadataValue.int(len(df))})

    return _check


def _cbs_checks(table: CbsTable) -> list[dg.AssetChecksDefinition]:
    return [
        _suite_check(
            cbs_asset_key(table.id), "gx_suite",
            f"GX suite for {table.id} in raw.cbs_*: contract columns and types, keys not null and unique, CBS period "
            "codes, measures known to MeasureCodes, value present exactly when ValueAttribute is None, no gaps in "
            "yearly/quarterly/monthly series" + (f", and the table's own rules: {', '.join(table.checks)}"
                                                  if table.checks else "") + ".",
            lambda con, t=table: observations_frames(con, t.id, t.checks),
        ),
        _reconciliation_check(table),
    ]


def _duo_check(ds: DuoDataset) -> dg.AssetChecksDefinition:
    return _suite_check(
        dg.AssetKey(["raw", "duo", ds.asset_name]), "gx_suite",
        f"GX suite for DUO {ds.dataset}: keys present, counts >= 0, masked cells without a count, plausible years.",
        lambda con, d=ds: duo_frames(con, d.dataset),
    )


asset_checks: list[Any] = [
    *[c for t in cbs_tables() for c in _cbs_checks(t)],
    *[_duo_check(d) for d in duo_datasets()],
    _suite_check(dg.AssetKey(["raw", "published_figures"]), "gx_suite",
                 "GX suite for the figures register: unique ids, a numeric value, a qualifier and a citation URL on "
                 "every row, amounts per place between 0 and the EUR 2,700 maximum (extras too), counts >= 0.",
                 register_frames),
    _suite_check(dg.AssetKey(["staging", "cpi_yearly"]), "gx_suite",
                 "GX suite for staging.cpi_yearly: columns and types, unique years without gaps, CPI 20-300, "
                 "yearly change -20..50 %, known statuses.", cpi_yearly_frames),
    _suite_check(dg.AssetKey(["staging", "subsidy_amounts"]), "gx_suite",
                 "GX suite for staging.subsidy_amounts: studiejaar codes, unique (studiejaar, figure), amounts "
                 "0-2,700.", subsidy_amounts_frames),
    _suite_check(dg.AssetKey(["staging", "vacancies"]), "gx_suite",
                 "GX suite for staging.vacancies: year/quarter periods, unique cells, known measures, 0-5,000 "
                 "thousand vacancies.", vacancies_frames),
    _suite_check(dg.AssetKey(["staging", "bbl_students"]), "gx_suite",
                 "GX suite for staging.bbl_students: studiejaar codes, unique cells, counts 0-1,000,000, national "
                 "bbl stock 2015-2025 between 90,000 and 175,000.", bbl_students_frames),
    _suite_check(dg.AssetKey(["marts", "subsidy_per_place"]), "gx_suite",
                 "GX suite for marts.subsidy_per_place: one row per studiejaar, amounts 0-2,700, % of max 0-100, "
                 "known statuses, every amount cited.", subsidy_per_place_frames),
    _suite_check(dg.AssetKey(["marts", "claim_checks"]), "gx_suite",
                 "GX suite for the claim ledger: unique claim ids, quote and explanation present, verdicts from the "
                 "vocabulary.", claim_checks_frames),
]
