"""Marts: the indicators the product publishes, each defined by a SQL file in warehouse/sql/marts/,
documented in meta.indicators (bbl/indicators.yaml)."""

import dagster as dg

from assets import keys
from assets.metadata import table_metadata
from assets.quality import checked_asset
from assets.resources import WAREHOUSE_POOL, BblResource
from assets.sql_tables import sql_asset
from bbl.history.cbs import refresh_all_revisions
from bbl.indicators import indicator_definitions, vakkrachten_claimed
from bbl.registry import cbs_tables

LIVE_ONLY = "needs {} (live mode: BBL_MODE=live or `bbl fetch cbs {}`); pending live data"


@checked_asset(
    key=keys.INDICATORS,
    group_name="marts",
    kinds={"duckdb", "yaml"},
    pool=WAREHOUSE_POOL,
    description="meta.indicators: title, unit, definition, sources and caveats of every indicator the product "
    "publishes, from bbl/indicators.yaml.",
)
def indicators(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    wh = bbl.warehouse()
    with wh.connect() as con:
        wh.replace_rows(con, "meta.indicators", indicator_definitions())
        meta = table_metadata(con, "meta.indicators", order_by="name")
    return dg.MaterializeResult(metadata=meta)


@checked_asset(
    key=keys.table("marts.revisions"),
    deps=[keys.cbs(t.id) for t in cbs_tables()],
    group_name="marts",
    kinds={"duckdb", "sql"},
    pool=WAREHOUSE_POOL,
    description="Every CBS cell that a later version of its table revised (first and latest value, how often, "
    "when), from the history store (history.cbs_observations). SQL: bbl/history/revisions.sql.",
)
def revisions(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    with bbl.warehouse().connect() as con:
        n = refresh_all_revisions(con)
        vintages = con.execute("SELECT table_id, count(*), sum(cells_revised) FROM history.cbs_vintages "
                               "GROUP BY table_id ORDER BY table_id").fetchall()
        meta = table_metadata(con, "marts.revisions", order_by="table_id, measure, period")
    for table_id, versions, revised in vintages:
        context.log.info(f"{table_id}: {versions} version(s) in the history, {int(revised or 0):,} cells revised")
    return dg.MaterializeResult(metadata={**meta, "revised_cells": n, "history/versions": dg.MetadataValue.json(
        {t: v for t, v, _ in vintages})})


subsidy_per_place = sql_asset(
    "marts.subsidy_per_place", [keys.table("staging.subsidy_amounts"), keys.table("staging.cpi_yearly")], "studiejaar")
subsidy_budget = sql_asset("marts.subsidy_budget", [keys.FIGURES], "period, category, measure")
subsidy_cost_share = sql_asset(
    "marts.subsidy_cost_share", [keys.table("marts.subsidy_per_place"), keys.FIGURES], "studiejaar")
bbl_students_mart = sql_asset("marts.bbl_students", [keys.table("staging.bbl_students")], "start_year, series")
bbl_technical_share = sql_asset(
    "marts.bbl_technical_share", [keys.table("staging.bbl_students")], "start_year, basis, definition")
vacancies_mart = sql_asset("marts.vacancies", [keys.table("staging.vacancies")], "scope, period")
vacancy_rate = sql_asset(
    "marts.vacancy_rate", [keys.cbs("80567ned")], "sbi_code, period",
    allow_empty=LIVE_ONLY.format("CBS 80567ned", "80567ned"))
vacancies_per_unemployed = sql_asset(
    "marts.vacancies_per_unemployed", [keys.table("staging.vacancies"), keys.cbs("85224NED")], "period",
    allow_empty=LIVE_ONLY.format("CBS 85224NED (unemployed persons)", "85224NED"))
vakkrachten_share = sql_asset(
    "marts.vakkrachten_share", [keys.table("marts.vacancies")], "scope, period", params=vakkrachten_claimed)
