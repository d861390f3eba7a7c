"""Staging: typed, tidy relations per subject, each defined by a SQL file in warehouse/sql/staging/."""


import dagster as dg

from assets.cbs import cbs_asset_key
from assets.sql_tables import rebuild_sql_table
from pipelines.resources import WAREHOUSE_POOL, BblResource


@dg.asset(
    key=["staging", "cpi_yearly"],
    deps=[cbs_asset_key("86141NED")],
    group_name="staging",
    kinds={"duckdb", "sql"},
    pool=WAREHOUSE_POOL,
    description="Yearly CPI (2025=100) and its year-on-year change, all spending, from CBS 86141NED. "
    "SQL: warehouse/sql/staging/cpi_yearly.sql.",
)
def cpi_yearly(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    return rebuild_sql_table(context, bbl, "staging.cpi_yearly", "staging/cpi_yearly.sql", order_by="year")


@dg.asset(
    key=["staging", "subsidy_amounts"],
    deps=[dg.AssetKey(["raw", "published_figures"])],
    group_name="staging",
    kinds={"duckdb", "sql"},
    pool=WAREHOUSE_POOL,
    description="Every published amount per full bbl place (Subsidieregeling praktijkleren, mbo bbl), one row per "
    "studiejaar and figure. SQL: warehouse/sql/staging/subsidy_amounts.sql.",
)
def subsidy_amounts(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    return rebuild_sql_table(
        context, bbl, "staging.subsidy_amounts", "staging/subsidy_amounts.sql", order_by="studiejaar, figure_id"
    )
