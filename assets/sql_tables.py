"""Tables rebuilt from a SQL file under warehouse/sql/: the thin Dagster side of staging and marts.

An asset `<schema>/<table>` rebuilds table `<schema>.<table>` from `warehouse/sql/<schema>/<table>.sql`;
its group is the schema and its description is the SQL file's header comment.
"""

import time
from collections.abc import Callable
from typing import Any

import dagster as dg

from assets import keys
from assets.metadata import table_metadata
from assets.quality import checked_asset
from assets.resources import WAREHOUSE_POOL, BblResource
from warehouse.store import read_sql, sql_header


def rebuild_sql_table(
    context: dg.AssetExecutionContext, bbl: BblResource, table: str, sql_file: str, order_by: str,
    allow_empty: str | None = None, params: dict[str, Any] | None = None,
) -> dg.MaterializeResult:
    """Replace ``table`` with the result of ``warehouse/sql/<sql_file>`` in one transaction.

    An empty result is an error, unless ``allow_empty`` says why it is expected (e.g. the table needs
    live data), in which case the materialization reports it as pending.
    """
    started = time.monotonic()
    wh = bbl.warehouse()
    if bbl.as_of and not allow_empty:
        allow_empty = f"as-of build: nothing it needs was published by {bbl.as_of}; pending live data"
    with wh.connect() as con:
        n = wh.rebuild_from_sql(con, table, read_sql(sql_file), params)
        if n == 0 and allow_empty:
            context.log.warning(f"{table}: no rows: {allow_empty}")
            meta = table_metadata(con, table, order_by=order_by)
            return dg.MaterializeResult(metadata={**meta, "status": "pending live data", "reason": allow_empty,
                                                  "sql": dg.MetadataValue.path(f"warehouse/sql/{sql_file}")})
        if n == 0:
            raise dg.Failure(
                f"{table}: warehouse/sql/{sql_file} produced no rows; are its inputs loaded? "
                "(materialize the upstream assets first)"
            )
        meta = table_metadata(con, table, order_by=order_by)
    context.log.info(f"{table}: {n} rows in {time.monotonic() - started:.2f} s")
    return dg.MaterializeResult(metadata={**meta, "sql": dg.MetadataValue.path(f"warehouse/sql/{sql_file}")})


def sql_asset(
    table: str,
    deps: list[dg.AssetKey],
    order_by: str,
    allow_empty: str | None = None,
    params: Callable[[], dict[str, Any]] | None = None,
) -> dg.AssetsDefinition:
    """The asset that rebuilds ``table`` (e.g. "marts.vacancies") from its SQL file.

    ``params``: a function returning the SQL's named parameters (read when the asset runs).
    """
    schema, name = table.split(".")
    sql_file = f"{schema}/{name}.sql"

    @checked_asset(key=keys.table(table), deps=deps, group_name=schema, kinds={"duckdb", "sql"}, pool=WAREHOUSE_POOL,
              description=f"{sql_header(sql_file)} SQL: warehouse/sql/{sql_file}.")
    def _asset(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
        return rebuild_sql_table(context, bbl, table, sql_file, order_by, allow_empty, params() if params else None)

    return _asset
