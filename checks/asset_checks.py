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
from bbl.quality.suites import SUITES, Suite, reconcile, run_suite
from bbl.registry import CbsTable, cbs_tables
from checks.adapter import to_check_result


def _suite_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=keys.key(suite.asset), name="gx_suite", blocking=True, pool=WAREHOUSE_POOL,
                    description=suite.description)
    def _check(context: dg.AssetCheckExecutionContext, bbl: BblResource) -> dg.AssetCheckResult:
        with bbl.warehouse().connect() as con:
            result = run_suite(con, suite, context.run.run_id)
        (context.log.info if result.success else context.log.error)(result.message()[:2000])
        return to_check_result(result, "ERROR")

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
