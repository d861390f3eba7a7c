"""`publish/analyst_database`: the read-only copy analysts query, replaced atomically.

It runs last: it depends on every mart, so a failed step (or, with the data-quality checks, a
failed blocking check) upstream means it does not run and the previous bbl.duckdb stays in place.
"""


import dagster as dg

from pipelines.resources import WAREHOUSE_POOL, BblResource

PUBLISHED_KEYS = [dg.AssetKey(["meta", "indicators"]), *(dg.AssetKey(["marts", name]) for name in (
    "subsidy_per_place", "subsidy_budget", "subsidy_cost_share", "bbl_students", "bbl_technical_share", "vacancies",
    "vacancy_rate", "vacancies_per_unemployed", "vakkrachten_share", "claim_checks"))]


@dg.asset(
    key=["publish", "analyst_database"],
    deps=PUBLISHED_KEYS,
    group_name="publish",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    description="Publishes the working warehouse as $BBL_HOME/bbl.duckdb (default warehouse/bbl.duckdb) for "
    "analysts: written to a temporary file in a storage version DuckDB 1.4+ clients can open, then swapped in "
    "with an atomic rename. Readers holding the old file keep a consistent view.",
)
def analyst_database(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    from pipelines.fingerprint import input_fingerprint

    settings = bbl.settings()
    fingerprint = input_fingerprint(settings) if settings.mode == "bundled" else None
    path = bbl.warehouse().publish(context.run.run_id, settings.mode, fingerprint)
    size = path.stat().st_size
    context.log.info(f"published {path} ({size / 1e6:.1f} MB)")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "size_bytes": dg.MetadataValue.int(size),
            "mode": settings.mode,
            "storage_version": "v1.4.0",
        }
    )
