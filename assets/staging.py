"""Staging: typed, tidy relations per subject, each defined by a SQL file in warehouse/sql/staging/."""

from assets import keys
from assets.sql_tables import sql_asset

cpi_yearly = sql_asset("staging.cpi_yearly", [keys.cbs("86141NED")], "year")
subsidy_amounts = sql_asset("staging.subsidy_amounts", [keys.FIGURES], "studiejaar, figure_id")
vacancies = sql_asset("staging.vacancies", [keys.cbs("80472ned"), keys.FIGURES], "sbi_code, measure, period")
bbl_students = sql_asset(
    "staging.bbl_students",
    [keys.cbs("85353NED"), keys.duo("mbo-studenten-per-sectorkamer-en-leerweg"), keys.FIGURES],
    "basis, sectorkamer, start_year, priority",
)
