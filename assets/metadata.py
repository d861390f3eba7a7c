"""Materialization metadata shared by the assets: row count, column schema, a markdown preview, the
provenance of raw assets (bbl/provenance.py, the same keys for every source) and freshness policies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import dagster as dg
import duckdb

from bbl.duck import count_rows, first_row, table_schema


def markdown_table(columns: list[str], rows: list[tuple[Any, ...]], max_rows: int = 12) -> str:
    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float):
            return f"{v:,.2f}"
        return str(v).replace("|", "\\|").replace("\n", " ")[:80]

    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows[:max_rows]]
    if len(rows) > max_rows:
        out.append(f"\n… {len(rows) - max_rows} more rows")
    return "\n".join(out)


def table_metadata(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: str | None = None,
    params: list[Any] | None = None,
    order_by: str | None = None,
    preview_rows: int = 12,
) -> dict[str, Any]:
    """Standard Dagster table metadata for ``table`` (or the slice ``where`` selects)."""
    schema = table_schema(con, table)
    sql = f"SELECT * FROM {table}" + (f" WHERE {where}" if where else "") + (f" ORDER BY {order_by}" if order_by else "")
    cur = con.execute(sql + f" LIMIT {preview_rows + 1}", params or [])
    columns = [d[0] for d in cur.description]
    rows = cur.fetchall()
    n = (
        int(first_row(con.execute(f"SELECT count(*) FROM {table} WHERE {where}", params or []))[0])
        if where
        else count_rows(con, table)
    )
    return {
        "dagster/row_count": dg.MetadataValue.int(n),
        "dagster/table_name": f"bbl.{table}",
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(name, type_, description=comment,
                               constraints=dg.TableColumnConstraints(nullable=nullable))
                for name, type_, nullable, comment in schema
            ]
        ),
        "preview": dg.MetadataValue.md(markdown_table(columns, rows, preview_rows)),
    }


def pending_result(reason: str) -> dg.MaterializeResult:
    """The materialization of a source that has no data offline: the indicators built on it say so."""
    return dg.MaterializeResult(metadata={
        "status": "pending live data",
        "reason": reason,
        "dagster/row_count": dg.MetadataValue.int(0),
    })


# A source is stale when it has not been refreshed within its publication cycle plus a margin.
CADENCE_DAYS = {"monthly": 40, "quarterly": 100, "yearly": 380}


def freshness(cadence: str) -> dg.FreshnessPolicy:
    days = CADENCE_DAYS[cadence]
    return dg.FreshnessPolicy.time_window(fail_window=timedelta(days=days), warn_window=timedelta(days=days - 7))


def provenance_metadata(provenance: dict[str, Any]) -> dict[str, Any]:
    """bbl.provenance.provenance() as Dagster metadata: URLs and paths clickable, checksums as JSON."""
    out: dict[str, Any] = {}
    for k, v in provenance.items():
        if k == "source/url" and str(v).startswith(("http://", "https://")):
            out[k] = dg.MetadataValue.url(v)
        elif k == "snapshot/path":
            out[k] = dg.MetadataValue.path(v)
        elif isinstance(v, dict):
            out[k] = dg.MetadataValue.json(v)
        else:
            out[k] = v
    return out
