"""Staging: typed, tidy relations per subject, each defined by a SQL file in warehouse/sql/staging/."""

import dagster as dg

from assets.cbs import cbs_asset_key
from assets.sql_tables import sql_asset

FIGURES = dg.AssetKey(["raw", "published_figures"])

cpi_yearly = sql_asset(
    ["staging", "cpi_yearly"], [cbs_asset_key("86141NED")], "staging",
    "Yearly CPI (2025=100) and its year-on-year change, all spending, from CBS 86141NED.", "year",
)
subsidy_amounts = sql_asset(
    ["staging", "subsidy_amounts"], [FIGURES], "staging",
    "Every published amount per full bbl place (Subsidieregeling praktijkleren, mbo bbl), one row per studiejaar "
    "and figure.", "studiejaar, figure_id",
)
vacancies = sql_asset(
    ["staging", "vacancies"], [cbs_asset_key("80472ned"), FIGURES], "staging",
    "Open, new and filled vacancies by period and SBI code: CBS 80472ned from the API where loaded, else the "
    "register; seasonally adjusted figures (84545NED, 80474ned) from the register.", "sbi_code, measure, period",
)
bbl_students = sql_asset(
    ["staging", "bbl_students"],
    [cbs_asset_key("85353NED"), dg.AssetKey(["raw", "duo", "mbo_studenten_per_sectorkamer_en_leerweg"]), FIGURES],
    "staging",
    "bbl students by studiejaar: stock (CBS 85353NED or DUO when loaded, published series otherwise) and inflow "
    "(MBO Raad), national and per SBB sectorkamer.", "basis, sectorkamer, start_year, priority",
)
