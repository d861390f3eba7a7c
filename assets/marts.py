"""Marts: the indicators the product publishes, each defined by a SQL file in warehouse/sql/marts/."""


from pathlib import Path

import dagster as dg
import polars as pl
import yaml

from assets.sql_tables import rebuild_sql_table
from pipelines.resources import WAREHOUSE_POOL, BblResource

INDICATORS_YAML = Path(__file__).with_name("indicators.yaml")


def indicator_definitions() -> pl.DataFrame:
    rows = yaml.safe_load(INDICATORS_YAML.read_text(encoding="utf-8"))
    return pl.DataFrame([{k: " ".join(str(r[k]).split()) for k in
                          ("name", "title", "unit", "definition", "sources", "caveats")} for r in rows])


@dg.asset(
    key=["marts", "subsidy_per_place"],
    deps=[dg.AssetKey(["staging", "subsidy_amounts"]), dg.AssetKey(["staging", "cpi_yearly"])],
    group_name="marts",
    kinds={"duckdb", "sql"},
    pool=WAREHOUSE_POOL,
    description="Subsidieregeling praktijkleren: amount per full bbl place by studiejaar, nominal, as % of the "
    "EUR 2,700 maximum, and in euros of the latest definitive CPI year. Years without a published amount say "
    "'not found'. SQL: warehouse/sql/marts/subsidy_per_place.sql.",
)
def subsidy_per_place(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    result = rebuild_sql_table(context, bbl, "marts.subsidy_per_place", "marts/subsidy_per_place.sql", "studiejaar")
    wh = bbl.warehouse()
    with wh.connect() as con:
        wh.replace_rows(con, "meta.indicators", indicator_definitions())
    return result
