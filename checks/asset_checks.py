"""The Dagster asset checks: every suite of bbl/quality/suites.py as a blocking check, and the
reconciliation of transcribed figures with API values per registered CBS table.

Each check opens the working warehouse for a short connection, runs its suite (GX on small pandas
frames), which appends a row to quality.check_results, and returns an AssetCheckResult. An ERROR
result stops the downstream assets and so the publication of bbl.duckdb, whose previous copy stays.
"""

from typing import Any

import dagster as dg

from assets import keys
from assets.resources import WAREHOUSE_POOL, BblResource
from bbl.quality.gx import SuiteResult
from bbl.quality.suites import SUITES, Suite, reconcile, run_suite
from bbl.registry import CbsTable, cbs_tables
from checks.adapter import to_check_result


def _log(context: dg.AssetCheckExecutionContext, result: SuiteResult, failing: str) -> None:
    log = context.log.info if result.success else context.log.warning if result.pending or failing == "WARN" \
        else context.log.error
    log(result.message()[:2000])


def _suite_check(suite: Suite) -> dg.AssetChecksDefinition:
    """The suite as a blocking check; for CBS tables also `gx_suite_warnings`, the rules that only warn
    (provisional periods, rules the metadata cannot state). A source without data fails with WARN
    severity ("pending live data"): it is not shown as passing, and it does not block."""
    asset = keys.key(suite.asset)
    specs = [dg.AssetCheckSpec("gx_suite", asset=asset, blocking=True, description=suite.description)]
    if suite.warns:
        specs.append(dg.AssetCheckSpec(
            "gx_suite_warnings", asset=asset, blocking=False,
            description=f"The rules of {suite.asset_name} that only warn: the source could not be reached (the last "
            "good snapshot is used, stale since ...), problems in provisional periods (CBS status other than "
            "Definitief) and where the metadata does not state a cell's Decimals."))

    @dg.multi_asset_check(specs=specs, name=f"{suite.name}_checks", pool=WAREHOUSE_POOL)
    def _check(context: dg.AssetCheckExecutionContext, bbl: BblResource):  # noqa: ANN202 - yields results
        with bbl.warehouse().connect() as con:
            result, warnings = run_suite(con, suite, context.run.run_id)
        _log(context, result, "ERROR")
        yield to_check_result(result, "WARN" if result.pending else "ERROR", check_name="gx_suite")
        if warnings is not None:
            _log(context, warnings, "WARN")
            yield to_check_result(warnings, "WARN", check_name="gx_suite_warnings")

    return _check


def _reconciliation_check(table: CbsTable) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=keys.cbs(table.id), name="reconciliation", blocking=True, pool=WAREHOUSE_POOL,
        additional_deps=[keys.FIGURES],
        description=f"Figures transcribed from StatLine for {table.id} (raw.published_figures) agree with the API "
        "value for the same measure, period and dimensions within the API's rounding. WARN where CBS marks the "
        "period provisional, ERROR otherwise.",
    )
    def _check(context: dg.AssetCheckExecutionContext, bbl: BblResource) -> dg.AssetCheckResult:
        with bbl.warehouse().connect() as con:
            result, severity, compared = reconcile(con, table.id, context.run.run_id)
        return to_check_result(result, severity, {"figures_compared": dg.MetadataValue.int(compared)})

    return _check


asset_checks: list[Any] = [
    *[_suite_check(s) for s in SUITES],
    *[_reconciliation_check(t) for t in cbs_tables()],
]
