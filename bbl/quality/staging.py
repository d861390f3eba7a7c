"""Suites for the staging tables."""

from __future__ import annotations

import duckdb

from bbl.quality.frames import STUDIEJAAR_REGEX, frame, no_problems, schema_expectations, schema_frame


def cpi_yearly_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("schema", schema_frame(con, "staging.cpi_yearly"), lambda gxe: schema_expectations(gxe, {
            "year": "INTEGER", "cpi_2025eq100": "DOUBLE", "yoy_pct": "DOUBLE", "status": "VARCHAR",
            "table_id": "VARCHAR", "snapshot_id": "VARCHAR"})),
        ("cpi_yearly", frame(con, "SELECT year, cpi_2025eq100, yoy_pct, status FROM staging.cpi_yearly"),
         lambda gxe: [
             gxe.ExpectTableRowCountToBeBetween(min_value=1),
             gxe.ExpectColumnValuesToNotBeNull(column="year"),
             gxe.ExpectColumnValuesToBeUnique(column="year"),
             gxe.ExpectColumnValuesToBeBetween(column="cpi_2025eq100", min_value=20, max_value=300),
             gxe.ExpectColumnValuesToBeBetween(column="yoy_pct", min_value=-20, max_value=50),
             gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["Definitief", "Voorlopig", "NaderVoorlopig"]),
         ]),
        ("missing_years", frame(con, """
            SELECT 'missing year ' || CAST(y AS VARCHAR) AS problem
            FROM (SELECT unnest(range(min(year), max(year) + 1)) AS y FROM staging.cpi_yearly)
            WHERE y NOT IN (SELECT year FROM staging.cpi_yearly)"""), no_problems),
    ]


def subsidy_amounts_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("subsidy_amounts", frame(con, "SELECT studiejaar, figure_id, amount_eur, qualifier FROM staging.subsidy_amounts"),
         lambda gxe: [
             gxe.ExpectTableRowCountToBeBetween(min_value=1),
             gxe.ExpectColumnValuesToNotBeNull(column="studiejaar"),
             gxe.ExpectColumnValuesToMatchRegex(column="studiejaar", regex=STUDIEJAAR_REGEX),
             gxe.ExpectCompoundColumnsToBeUnique(column_list=["studiejaar", "figure_id"]),
             gxe.ExpectColumnValuesToBeBetween(column="amount_eur", min_value=0, max_value=2700),
         ]),
    ]


def vacancies_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("vacancies", frame(con, """
            SELECT period, sbi_code, measure, value_x1000, seasonally_adjusted, source FROM staging.vacancies"""),
         lambda gxe: [
             gxe.ExpectColumnValuesToNotBeNull(column="period"),
             gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}(?:JJ00|KW0[1-4])$"),
             gxe.ExpectColumnValuesToNotBeNull(column="sbi_code"),
             gxe.ExpectColumnValuesToBeInSet(column="measure", value_set=["open", "new", "filled"]),
             gxe.ExpectCompoundColumnsToBeUnique(column_list=["period", "sbi_code", "measure", "seasonally_adjusted"]),
             gxe.ExpectColumnValuesToBeBetween(column="value_x1000", min_value=0, max_value=5000),
             gxe.ExpectColumnValuesToBeInSet(column="source", value_set=["api", "register"]),
         ]),
    ]


def bbl_students_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("bbl_students", frame(con, """
            SELECT studiejaar, basis, sectorkamer, series, students FROM staging.bbl_students"""),
         lambda gxe: [
             gxe.ExpectTableRowCountToBeBetween(min_value=1),
             gxe.ExpectColumnValuesToMatchRegex(column="studiejaar", regex=STUDIEJAAR_REGEX),
             gxe.ExpectColumnValuesToBeInSet(column="basis", value_set=["stock", "inflow"]),
             gxe.ExpectColumnValuesToNotBeNull(column="sectorkamer"),
             gxe.ExpectCompoundColumnsToBeUnique(column_list=["studiejaar", "basis", "sectorkamer", "series"]),
             gxe.ExpectColumnValuesToBeBetween(column="students", min_value=0, max_value=1_000_000),
         ]),
        ("national_bbl_range", frame(con, """
            SELECT studiejaar || ' ' || series || ': ' || CAST(students AS VARCHAR) AS problem FROM staging.bbl_students
            WHERE basis = 'stock' AND sectorkamer = 'Totaal' AND start_year BETWEEN 2015 AND 2025
              AND (students < 90000 OR students > 175000)"""), no_problems),
    ]
