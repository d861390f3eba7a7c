"""`marts/claim_checks`: the claim ledger (bbl/claims/), computed from the working warehouse.

Its dependencies are the tables the claims' compute functions declare they read, so the graph and
the inputs come from one list (bbl.claims.ledger.tables_read).
"""

import dagster as dg

from assets import keys
from assets.metadata import table_metadata
from assets.resources import WAREHOUSE_POOL, BblResource
from bbl.claims.ledger import compute_ledger, load_claims, read_inputs, tables_read

CLAIMS = load_claims()


@dg.asset(
    key=keys.CLAIM_CHECKS,
    deps=[keys.table(t) for t in tables_read(CLAIMS)],
    group_name="claims",
    kinds={"duckdb", "polars"},
    pool=WAREHOUSE_POOL,
    description="The claim ledger: each quantitative claim of the Industriecoalitie letter (May 2023), the value "
    "computed from the data, and a verdict with its explanation and evidence. Claims: bbl/claims/*.yaml.",
)
def claim_checks(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    claims = load_claims()
    wh = bbl.warehouse()
    with wh.connect() as con:
        ledger = compute_ledger(claims, read_inputs(con, claims))
        wh.replace_rows(con, "marts.claim_checks", ledger)
        meta = table_metadata(con, "marts.claim_checks", order_by="claim_id")
    counts = dict(ledger.group_by("verdict").len().sort("verdict").iter_rows())
    for row in ledger.iter_rows(named=True):
        context.log.info(f"{row['claim_id']}: {row['verdict']} (claimed {row['claimed_value']}, computed {row['computed_value']})")
    return dg.MaterializeResult(metadata={**meta, "verdicts": dg.MetadataValue.json(counts)})
