"""`marts/claim_checks` and `marts/claim_readings`: the claim ledger (bbl/claims/), computed from the
working warehouse in one step (one row per claim, and one per reading of it).

Their dependencies are the tables the claims' compute functions declare they read, so the graph and
the inputs come from one list (bbl.claims.ledger.tables_read).
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache, partial

import dagster as dg

from assets import keys
from assets.metadata import table_metadata
from assets.quality import suite_check_results, suite_check_specs
from assets.resources import WAREHOUSE_POOL, BblResource
from bbl.claims.ledger import compute_ledger, load_claims, read_inputs, tables_read
from bbl.claims.model import LETTER_DATE
from bbl.history.asof import cutoff, first_version_time
from bbl.history.claims import letter_date_columns, record_claim_history
from warehouse.asof import ledger_as_of

CLAIMS = load_claims()
DEPS = [keys.table(t) for t in tables_read(CLAIMS)]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(keys.CLAIM_CHECKS, deps=DEPS, group_name="claims", kinds={"duckdb", "polars"},
                     description="The claim ledger: one row per distinct quote of the Industriecoalitie letter "
                     "(May 2023), its kind, the value the data gives under the headline reading, one verdict, the "
                     "direction the letter errs, a Dutch explanation and the sources. Claims: bbl/claims/*.yaml."),
        dg.AssetSpec(keys.CLAIM_READINGS, deps=DEPS, group_name="claims", kinds={"duckdb", "polars"},
                     description="Every reading of every claim (the headline and the alternatives: another base, "
                     "a deflator, a definition), each computed and judged on its own."),
    ],
    check_specs=suite_check_specs(keys.CLAIM_CHECKS, keys.CLAIM_READINGS),
    pool=WAREHOUSE_POOL,
)
def claim_ledger(context: dg.AssetExecutionContext, bbl: BblResource) -> Iterator[dg.MaterializeResult]:
    claims = load_claims()
    settings = bbl.settings()
    wh = bbl.warehouse()
    then = ledger_as_of(settings, LETTER_DATE)
    with wh.connect() as con:
        ledger, readings = compute_ledger(claims, read_inputs(con, claims))
        ledger = letter_date_columns(con, ledger, then, LETTER_DATE, cutoff(LETTER_DATE),
                                     cache(partial(first_version_time, settings)))  # read each source's folders once
        ledger = record_claim_history(con, ledger, context.run.run_id, datetime.now(UTC).replace(tzinfo=None))
        wh.replace_rows(con, "marts.claim_checks", ledger)
        wh.replace_rows(con, "marts.claim_readings", readings)
        meta = table_metadata(con, "marts.claim_checks", order_by="claim_id")
        reading_meta = table_metadata(con, "marts.claim_readings", order_by="claim_id, reading_id")
    counts = dict(ledger.group_by("verdict").len().sort("verdict").iter_rows())
    lines = []
    for row in ledger.iter_rows(named=True):
        direction = f", {row['direction']}" if row["direction"] else ""
        lines.append(f"{row['claim_id']} ({row['claim_kind']}): {row['verdict']}{direction} "
                     f"(claimed {row['claimed_value']}, computed {row['computed_value']}; on {LETTER_DATE}: "
                     f"{row['verdict_at_letter_date']}, {row['computed_at_letter_date']}; since "
                     f"{row['verdict_since']:%Y-%m-%d %H:%M}: {row['verdict_cause_nl']})")
    # one message, not one per claim: every log line is an event that Dagster writes to its storage
    context.log.info(f"{len(lines)} claims:\n" + "\n".join(lines))
    # both tables are written before either suite runs (the readings' suite compares them)
    yield dg.MaterializeResult(asset_key=keys.CLAIM_CHECKS,
                               metadata={**meta, "verdicts": dg.MetadataValue.json(counts), "claims": len(claims)},
                               check_results=suite_check_results(context, bbl, keys.CLAIM_CHECKS))
    yield dg.MaterializeResult(asset_key=keys.CLAIM_READINGS, metadata={**reading_meta, "readings": readings.height},
                               check_results=suite_check_results(context, bbl, keys.CLAIM_READINGS))
