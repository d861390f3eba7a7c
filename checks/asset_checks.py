"""The asset checks that run as steps of their own: the reconciliation of transcribed figures with the
API values, per registered CBS table. It reads two assets (raw/cbs/<id> and raw/published_figures),
so it runs once both are materialized.

The GX suites that guard one asset each (bbl/quality/suites.py) are evaluated in that asset's own step
(assets/quality.py). An ERROR result stops the downstream assets and so the publication of bbl.duckdb,
whose previous copy stays.
"""

from typing import Any

import dagster as dg

from assets import keys
from assets.quality import to_check_result
from assets.resources import WAREHOUSE_POOL, BblResource
from bbl.quality.suites import reconcile
from bbl.registry import CbsTable, cbs_tables


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


asset_checks: list[Any] = [_reconciliation_check(t) for t in cbs_tables()]
