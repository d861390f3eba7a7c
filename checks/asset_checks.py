"""The Dagster asset checks: every raw, staging and mart table validated by a GX suite, blocking.

Each check reads its frames from the working warehouse (short connection), validates them with GX
(checks/gx.py), appends a row to quality.check_results, and returns an AssetCheckResult. An ERROR
result stops the downstream assets and so the publication of bbl.duckdb, whose previous copy stays.
The reconciliation of transcribed figures with API values is WARN where CBS marks the period
provisional (it will be revised), ERROR otherwise.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Suite:
    """A GX suite and the asset it guards: the one list the checks and `make docs` are built from."""

    asset: dg.AssetKey
    description: str
    frames: Callable[[duckdb.DuckDBPyConnection], list]

    @property
    def name(self) -> str:
        return "_".join(self.asset.path)


def _suite_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=suite.asset, name="gx_suite", blocking=True, pool=WAREHOUSE_POOL,
                    description=suite.description)
    def _check(context: dg.AssetCheckExecutionContext, bbl: BblResource) -> dg.AssetCheckResult:
        result = run_suite(bbl.warehouse(), suite, context.run.run_id)
        (context.log.info if result.success else context.log.error)(result.message()[:2000])
        return to_check_result(result, dg.AssetCheckSeverity.ERROR)

    return _check


def run_suite(wh: Warehouse, suite: Suite, run_id: str) -> SuiteResult:
    """Validate a suite against the working warehouse and record the result (the checks and `bbl fetch`)."""
    with wh.connect() as con:
        batch = suite.frames(con)
    asset_name = suite.asset.to_user_string()
    result = validate(asset_name, batch)
    record_result(wh, run_id, asset_name, "gx_suite", result, dg.AssetCheckSeverity.ERROR)
    return result


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


def cbs_suite(table: CbsTable) -> Suite:
    """The suite of a CBS table (a table fetched with `bbl fetch` but not registered gets the generic rules)."""
    return Suite(
        cbs_asset_key(table.id),
        f"GX suite for {table.id} in raw.cbs_*: contract columns and types, keys not null and unique, CBS period "
        "codes, measures known to MeasureCodes, value present exactly when ValueAttribute is None, no gaps in "
        "yearly/quarterly/monthly series" + (f", and the table's own rules: {', '.join(table.checks)}"
                                              if table.checks else "") + ".",
        lambda con, t=table: observations_frames(con, t.id, t.checks),
    )


def _duo_suite(ds: DuoDataset) -> Suite:
    return Suite(
        dg.AssetKey(["raw", "duo", ds.asset_name]),
        f"GX suite for DUO {ds.dataset}: keys present, counts >= 0, masked cells without a count, plausible years.",
        lambda con, d=ds: duo_frames(con, d.dataset),
    )


SUITES: list[Suite] = [
    *[cbs_suite(t) for t in cbs_tables()],
    *[_duo_suite(d) for d in duo_datasets()],
    Suite(dg.AssetKey(["raw", "published_figures"]),
          "GX suite for the figures register: unique ids, a numeric value, a qualifier and a citation URL on "
          "every row, amounts per place between 0 and the EUR 2,700 maximum (extras too), counts >= 0.",
          register_frames),
    Suite(dg.AssetKey(["staging", "cpi_yearly"]),
          "GX suite for staging.cpi_yearly: columns and types, unique years without gaps, CPI 20-300, "
          "yearly change -20..50 %, known statuses.", cpi_yearly_frames),
    Suite(dg.AssetKey(["staging", "subsidy_amounts"]),
          "GX suite for staging.subsidy_amounts: studiejaar codes, unique (studiejaar, figure), amounts "
          "0-2,700.", subsidy_amounts_frames),
    Suite(dg.AssetKey(["staging", "vacancies"]),
          "GX suite for staging.vacancies: year/quarter periods, unique cells, known measures, 0-5,000 "
          "thousand vacancies.", vacancies_frames),
    Suite(dg.AssetKey(["staging", "bbl_students"]),
          "GX suite for staging.bbl_students: studiejaar codes, unique cells, counts 0-1,000,000, national "
          "bbl stock 2015-2025 between 90,000 and 175,000.", bbl_students_frames),
    Suite(dg.AssetKey(["marts", "subsidy_per_place"]),
          "GX suite for marts.subsidy_per_place: one row per studiejaar, amounts 0-2,700, % of max 0-100, "
          "known statuses, every amount cited.", subsidy_per_place_frames),
    Suite(dg.AssetKey(["marts", "claim_checks"]),
          "GX suite for the claim ledger: unique claim ids, quote and explanation present, verdicts from the "
          "vocabulary.", claim_checks_frames),
]

asset_checks: list[Any] = [
    *[_suite_check(s) for s in SUITES],
    *[_reconciliation_check(t) for t in cbs_tables()],
]
