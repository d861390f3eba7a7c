"""Suites for the marts: the indicators and the claim ledger."""

from __future__ import annotations

import duckdb

from bbl.claims.verdicts import VERDICTS
from bbl.quality.frames import STUDIEJAAR_REGEX, frame, no_problems


def subsidy_per_place_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("subsidy_per_place", frame(con, """
            SELECT studiejaar, amount_nominal_eur, pct_of_max, amount_real_eur, figure_status, citation_url
            FROM marts.subsidy_per_place"""),
         lambda gxe: [
             gxe.ExpectTableRowCountToBeBetween(min_value=1),
             gxe.ExpectColumnValuesToBeUnique(column="studiejaar"),
             gxe.ExpectColumnValuesToMatchRegex(column="studiejaar", regex=STUDIEJAAR_REGEX),
             gxe.ExpectColumnValuesToBeBetween(column="amount_nominal_eur", min_value=0, max_value=2700),
             gxe.ExpectColumnValuesToBeBetween(column="pct_of_max", min_value=0, max_value=100),
             gxe.ExpectColumnValuesToBeInSet(column="figure_status",
                                             value_set=["reported", "inferred", "forecast", "not found"]),
         ]),
        ("amount_without_citation", frame(con, """
            SELECT studiejaar || ': amount without citation' AS problem FROM marts.subsidy_per_place
            WHERE amount_nominal_eur IS NOT NULL AND citation_url IS NULL"""), no_problems),
    ]


def claim_checks_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("claim_checks", frame(con, "SELECT claim_id, quote, unit, verdict, explanation FROM marts.claim_checks"),
         lambda gxe: [
             gxe.ExpectTableRowCountToBeBetween(min_value=1),
             gxe.ExpectColumnValuesToNotBeNull(column="claim_id"),
             gxe.ExpectColumnValuesToBeUnique(column="claim_id"),
             gxe.ExpectColumnValuesToNotBeNull(column="quote"),
             gxe.ExpectColumnValuesToNotBeNull(column="explanation"),
             gxe.ExpectColumnValuesToBeInSet(column="verdict", value_set=list(VERDICTS)),
         ]),
    ]
