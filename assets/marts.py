"""Marts: the indicators the product publishes, each defined by a SQL file in warehouse/sql/marts/,
documented in meta.indicators (assets/indicators.yaml)."""

from pathlib import Path

import dagster as dg
import polars as pl
import yaml

from assets.cbs import cbs_asset_key
from assets.metadata import table_metadata
from assets.sql_tables import sql_asset
from pipelines.resources import WAREHOUSE_POOL, BblResource

INDICATORS_YAML = Path(__file__).with_name("indicators.yaml")
FIGURES = dg.AssetKey(["raw", "published_figures"])
LIVE_ONLY = "needs {} (live mode: BBL_MODE=live or `bbl fetch cbs {}`); pending live data"


def indicator_definitions() -> pl.DataFrame:
    rows = yaml.safe_load(INDICATORS_YAML.read_text(encoding="utf-8"))
    return pl.DataFrame([{k: " ".join(str(r[k]).split()) for k in
                          ("name", "title", "unit", "definition", "sources", "caveats")} for r in rows])


def vakkrachten_claimed() -> dict[str, float]:
    """The letter's 'zo'n 10.000 vacatures per jaar', from the claim ledger (assets/claims.yaml)."""
    from assets.claims import load_claims

    claim = next(c for c in load_claims() if c.id == "vakkrachten_10000_total")
    return {"claimed": float(claim.params["vacancies"])}


@dg.asset(
    key=["meta", "indicators"],
    group_name="marts",
    kinds={"duckdb", "yaml"},
    pool=WAREHOUSE_POOL,
    description="meta.indicators: title, unit, definition, sources and caveats of every indicator the product "
    "publishes, from assets/indicators.yaml.",
)
def indicators(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    wh = bbl.warehouse()
    with wh.connect() as con:
        wh.replace_rows(con, "meta.indicators", indicator_definitions())
        meta = table_metadata(con, "meta.indicators", order_by="name")
    return dg.MaterializeResult(metadata=meta)


subsidy_per_place = sql_asset(
    ["marts", "subsidy_per_place"], [dg.AssetKey(["staging", "subsidy_amounts"]), dg.AssetKey(["staging", "cpi_yearly"])],
    "marts",
    "Subsidieregeling praktijkleren: amount per full bbl place by studiejaar, nominal, as % of the EUR 2,700 maximum, "
    "and in euros of the latest definitive CPI year. Years without a published amount say 'not found'.",
    "studiejaar",
)
subsidy_budget = sql_asset(
    ["marts", "subsidy_budget"], [FIGURES], "marts",
    "Budgets of the Subsidieregeling praktijkleren as published: per studiejaar and category, the regulation's "
    "caps, and the OCW budget line with its mutations.", "period, category, measure",
)
subsidy_cost_share = sql_asset(
    ["marts", "subsidy_cost_share"], [dg.AssetKey(["marts", "subsidy_per_place"]), FIGURES], "marts",
    "The subsidy per bbl place as percent of the employer-organisation estimate of the cost of a bbl student "
    "(about EUR 12,000 a year).", "studiejaar",
)
bbl_students_mart = sql_asset(
    ["marts", "bbl_students"], [dg.AssetKey(["staging", "bbl_students"])], "marts",
    "bbl students on 1 October, national total, per studiejaar and series, with one preferred series per year.",
    "start_year, series",
)
bbl_technical_share = sql_asset(
    ["marts", "bbl_technical_share"], [dg.AssetKey(["staging", "bbl_students"])], "marts",
    "Share of bbl students in the technical sectorkamers, narrow (TGO) and broad (TGO + MTLM), on the stock "
    "where loaded, else on the MBO Raad inflow.", "start_year, basis, definition",
)
vacancies_mart = sql_asset(
    ["marts", "vacancies"], [dg.AssetKey(["staging", "vacancies"])], "marts",
    "Open vacancies (not seasonally adjusted) by period: all sectors, B-F, C+F (technical) and each SBI code.",
    "scope, period",
)
vacancy_rate = sql_asset(
    ["marts", "vacancy_rate"], [cbs_asset_key("80567ned")], "marts",
    "Vacancy rate (vacancies per 1,000 employee jobs) by SBI code and quarter, CBS 80567ned.", "sbi_code, period",
    allow_empty=LIVE_ONLY.format("CBS 80567ned", "80567ned"),
)
vacancies_per_unemployed = sql_asset(
    ["marts", "vacancies_per_unemployed"], [dg.AssetKey(["staging", "vacancies"]), cbs_asset_key("85224NED")], "marts",
    "Open vacancies per 100 unemployed, seasonally adjusted, per quarter (84545NED, 85224NED).", "period",
    allow_empty=LIVE_ONLY.format("CBS 85224NED (unemployed persons)", "85224NED"),
)
vakkrachten_share = sql_asset(
    ["marts", "vakkrachten_share"], [dg.AssetKey(["marts", "vacancies"])], "marts",
    "The letter's ~10,000 vacancies a year via a vakkrachtenregeling as a share of open vacancies, all sectors and "
    "technical (C+F, B-F).", "scope, period", params=vakkrachten_claimed,
)
