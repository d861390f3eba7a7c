"""Small builders shared by the suites."""

from __future__ import annotations

from typing import Any

import duckdb

from bbl.quality.columns import Columns

PERIOD_REGEX = r"^\d{4}(?:JJ|KW|MM|SJ|W1|X0)\d{2}$"
STUDIEJAAR_REGEX = r"^\d{4}/\d{4}$"


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Columns:
    """A suite's frame: the result of ``sql`` (MAP and ENUM columns must be cast to text there)."""
    return Columns.fetch(con, sql, params)


def schema_frame(con: duckdb.DuckDBPyConnection, table: str) -> Any:
    schema, name = table.split(".")
    return frame(
        con,
        "SELECT column_name || ':' || data_type AS column_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? AND table_catalog = current_database()",
        [schema, name],
    )


def schema_expectations(gxe: Any, expected: dict[str, str]) -> list[Any]:
    """Expected columns and types of a warehouse table (from information_schema)."""
    return [
        gxe.ExpectColumnValuesToBeInSet(column="column_type", value_set=[f"{c}:{t}" for c, t in expected.items()]),
        gxe.ExpectTableRowCountToEqual(value=len(expected)),
    ]


def no_problems(gxe: Any) -> list[Any]:
    """For derived frames holding one row per problem found, described in column `problem`."""
    return [gxe.ExpectColumnValuesToBeNull(column="problem")]
