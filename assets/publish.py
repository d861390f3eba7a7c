"""`publish/analyst_database`: the read-only copy analysts query, replaced atomically.

It runs last: it depends on every asset of the groups `marts` and `claims`, so a failed step (or a
failed blocking check) upstream means it does not run and the previous bbl.duckdb stays in place.
"""

import dagster as dg

from assets import claims, keys, marts
from assets.resources import WAREHOUSE_POOL, BblResource
from bbl.fingerprint import input_fingerprint
from bbl.provenance import prune_unregistered, publication_mode
from bbl.registry import cbs_tables, duo_datasets

PUBLISHED_GROUPS = ("marts", "claims")
PUBLISHED_KEYS = sorted(
    (k for a in dg.load_assets_from_modules([marts, claims]) for k in a.keys
     if a.group_names_by_key.get(k) in PUBLISHED_GROUPS),
    key=lambda k: k.to_user_string(),
)


@dg.asset(
    key=keys.ANALYST_DATABASE,
    deps=PUBLISHED_KEYS,
    group_name="publish",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="Publishes the working warehouse as $BBL_HOME/bbl.duckdb (default warehouse/bbl.duckdb) for "
    "analysts: written to a temporary file in a storage version DuckDB 1.4+ clients can open, then swapped in "
    "with an atomic rename. Readers holding the old file keep a consistent view.",
)
def analyst_database(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    settings = bbl.settings()
    fingerprint = input_fingerprint(settings) if settings.mode == "bundled" and not settings.as_of else None
    wh = bbl.warehouse()
    with wh.connect() as con:
        pruned = prune_unregistered(con, [t.id for t in cbs_tables()], [d.dataset for d in duo_datasets()])
        mode = "as-of" if settings.as_of else publication_mode(con, settings.mode)
    if pruned:
        context.log.info(f"removed unregistered sources from the working database: {', '.join(pruned)}")
    path = wh.publish(context.run.run_id, mode, fingerprint)
    size = path.stat().st_size
    context.log.info(f"published {path} ({size / 1e6:.1f} MB)")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "size_bytes": dg.MetadataValue.int(size),
            "mode": mode,
            "storage_version": "v1.4.0",
        }
    )
