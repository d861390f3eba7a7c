"""Tables rebuilt from a SQL file under warehouse/sql/: the thin Dagster side of staging and marts."""

from __future__ import annotations

import time

import dagster as dg

from assets.metadata import table_metadata
from pipelines.resources import BblResource
from warehouse.store import read_sql


def rebuild_sql_table(
    context: dg.AssetExecutionContext, bbl: BblResource, table: str, sql_file: str, order_by: str
) -> dg.MaterializeResult:
    """Replace ``table`` with the result of ``warehouse/sql/<sql_file>`` in one transaction."""
    started = time.monotonic()
    wh = bbl.warehouse()
    with wh.connect() as con:
        n = wh.rebuild_from_sql(con, table, read_sql(sql_file))
        if n == 0:
            raise dg.Failure(
                f"{table}: warehouse/sql/{sql_file} produced no rows; are its inputs loaded? "
                "(materialize the upstream assets first)"
            )
        meta = table_metadata(con, table, order_by=order_by)
    context.log.info(f"{table}: {n} rows in {time.monotonic() - started:.2f} s")
    return dg.MaterializeResult(metadata={**meta, "sql": dg.MetadataValue.path(f"warehouse/sql/{sql_file}")})
