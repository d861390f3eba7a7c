"""Suites for the staging tables."""

from __future__ import annotations

import duckdb

from checks.suites.common import STUDIEJAAR_REGEX, frame, no_problems, schema_expectations, schema_frame


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
