"""Suites for the DUO raw tables: non-negative counts, masked cells without a count, plausible years."""

from __future__ import annotations

import duckdb

from bbl.duo.source import duo_table
from bbl.quality.frames import frame, no_problems


def duo_frames(con: duckdb.DuckDBPyConnection, dataset: str) -> list:
    table = duo_table(dataset)
    keys = ["sectorkamer", "leerweg"] if "sectorkamer" in dataset else ["instellingscode", "leerweg"]
    return [
        ("rows", frame(con, f"SELECT {', '.join(keys)}, year, students, masked FROM {table} WHERE dataset = ?", [dataset]),
         lambda gxe: [
             *[gxe.ExpectColumnValuesToNotBeNull(column=k) for k in keys],
             *[gxe.ExpectColumnValueLengthsToBeBetween(column=k, min_value=1) for k in keys],
             gxe.ExpectColumnValuesToBeBetween(column="students", min_value=0),
             gxe.ExpectColumnValuesToBeBetween(column="year", min_value=2000, max_value=2100),
         ]),
        ("masked", frame(con, f"""
            SELECT 'row with masked = true has a count: ' || CAST(students AS VARCHAR) AS problem
            FROM {table} WHERE dataset = ? AND masked AND students IS NOT NULL""", [dataset]), no_problems),
    ]
