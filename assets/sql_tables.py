"""Tables rebuilt from a SQL file under warehouse/sql/: the thin Dagster side of staging and marts."""


import time
from typing import Any

import dagster as dg

from assets.metadata import table_metadata
from pipelines.resources import BblResource
from warehouse.store import read_sql


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
    key: list[str],
    deps: list[dg.AssetKey],
    group: str,
    description: str,
    order_by: str,
    allow_empty: str | None = None,
    params: Any = None,
) -> dg.AssetsDefinition:
    """An asset that rebuilds table `<key[0]>.<key[1]>` from `warehouse/sql/<key[0]>/<key[1]>.sql`.

    ``params``: a function returning the SQL's named parameters (read when the asset runs).
    """
    from pipelines.resources import WAREHOUSE_POOL

    table = f"{key[0]}.{key[1]}"
    sql_file = f"{key[0]}/{key[1]}.sql"

    @dg.asset(key=key, deps=deps, group_name=group, kinds={"duckdb", "sql"}, pool=WAREHOUSE_POOL,
              description=f"{description} SQL: warehouse/sql/{sql_file}.")
    def _asset(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
        return rebuild_sql_table(context, bbl, table, sql_file, order_by, allow_empty,
                                 params() if callable(params) else params)

    return _asset
