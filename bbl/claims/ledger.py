"""The claim ledger: the claims of the Industriecoalitie letter (May 2023) in one YAML per family
(subsidy, students, vacancies, letter), each computed from the warehouse and judged.

YAML fields of a claim:

  id             stable claim id (marts.claim_checks.claim_id)
  quote          verbatim from the letter (a test checks it stands in the letter)
  claimed_value  the number the letter states, in `unit` (percentages as percent numbers)
  unit           unit of claimed_value and computed_value
  reading        how vague wording is read; shown with the verdict (reading_nl: the same in Dutch)
  compute        name of the compute function (in the family's module) that computes the value
  params         its parameters
  comparison     approx | at_least | at_most | range_at_least | largest | positive | none (verdicts.py)
  tolerance      allowed difference, in `unit`
  when_missing   verdict when the data the computation needs is not loaded

The ledger lists the claims in the order they stand in the letter. No value is typed in anywhere:
every number comes from the warehouse tables the compute functions declare they read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import yaml

from bbl.claims import letter, students, subsidy, vacancies
from bbl.claims.model import COMPUTE, LETTER, Claim, ClaimError, Inputs, normalize_text
from bbl.claims.verdicts import COMPARISONS, VERDICTS, judge

FAMILIES = {m.__name__.rsplit(".", 1)[-1]: Path(m.__file__).with_suffix(".yaml")
            for m in (subsidy, students, vacancies, letter)}
LEDGER_SCHEMA = {
    "claim_id": pl.String, "topic": pl.String, "quote": pl.String, "claimed_value": pl.Float64,
    "computed_value": pl.Float64, "unit": pl.String, "verdict": pl.String, "explanation": pl.String,
    "evidence": pl.List(pl.String), "rule": pl.String, "reading_nl": pl.String,
}


def parse_claims(text: str, family: str = "") -> list[Claim]:
    claims = []
    for entry in yaml.safe_load(text) or []:
        claim = Claim(
            id=entry["id"],
            topic=entry["topic"],
            quote=entry["quote"],
            claimed_value=None if entry.get("claimed_value") is None else float(entry["claimed_value"]),
            unit=entry["unit"],
            reading=" ".join(str(entry.get("reading", "")).split()),
            reading_nl=" ".join(str(entry.get("reading_nl", "")).split()),
            compute=entry["compute"],
            params=entry.get("params") or {},
            comparison=entry.get("comparison", "none"),
            tolerance=float(entry.get("tolerance", 0)),
            when_missing=entry.get("when_missing", "pending live data"),
            family=family,
        )
        if claim.comparison not in COMPARISONS:
            raise ClaimError(f"claim {claim.id}: comparison {claim.comparison!r} not in {COMPARISONS}")
        if claim.when_missing not in VERDICTS:
            raise ClaimError(f"claim {claim.id}: when_missing {claim.when_missing!r} is not a verdict")
        if claim.compute not in COMPUTE:
            raise ClaimError(f"claim {claim.id}: no compute function {claim.compute!r}")
        claims.append(claim)
    return claims


def load_claims(text: str | None = None) -> list[Claim]:
    """Every claim, in the order its quote stands in the letter (``text``: one YAML document instead)."""
    if text is not None:
        claims = parse_claims(text)
    else:
        claims = [c for family, path in FAMILIES.items() for c in parse_claims(path.read_text(encoding="utf-8"), family)]
        letter_text = normalize_text(LETTER.read_text(encoding="utf-8"))
        claims.sort(key=lambda c: letter_text.find(normalize_text(c.quote)))
    ids = [c.id for c in claims]
    if len(ids) != len(set(ids)):
        raise ClaimError("claim ids are not unique")
    return claims


def tables_read(claims: list[Claim]) -> list[str]:
    """The warehouse tables the claims' compute functions read (the ledger asset's dependencies)."""
    return sorted({t for c in claims for t in COMPUTE[c.compute].reads})


def read_inputs(con: Any, claims: list[Claim] | None = None) -> Inputs:
    """The tables the claims are computed from (a DuckDB connection to the working or published database)."""
    tables = tables_read(claims if claims is not None else load_claims())
    return Inputs({t: con.sql(f"SELECT * FROM {t}").pl() for t in tables}, LETTER.read_text(encoding="utf-8"))


def evaluate(claim: Claim, inputs: Inputs) -> dict[str, Any]:
    result = COMPUTE[claim.compute].fn(inputs, **claim.params)
    claimed = result.claimed_value if result.claimed_value is not None else claim.claimed_value
    if result.value is None:
        verdict, rule = claim.when_missing, f"needs: {result.missing or 'data not loaded'}"
        explanation = f"{claim.when_missing.capitalize()}: {result.explanation}. Missing: {result.missing}."
    elif claim.comparison == "none" or (claimed is None and claim.comparison not in ("largest", "positive")):
        verdict, rule = "not checkable with open data", "no comparison: the claim cannot be tested with open data"
        explanation = result.explanation
    else:
        verdict, rule = judge(claim.comparison, claimed if claimed is not None else 0.0, result.value,
                              claim.tolerance, result.upper)
        explanation = result.explanation
    return {
        "claim_id": claim.id,
        "topic": claim.topic,
        "quote": claim.quote,
        "claimed_value": claimed,
        "computed_value": result.value,
        "unit": claim.unit,
        "verdict": verdict,
        "explanation": f"{explanation} Reading: {claim.reading}" if claim.reading else explanation,
        "evidence": result.evidence,
        "rule": f"{claim.comparison}: {rule}",
        "reading_nl": claim.reading_nl,
    }


def compute_ledger(claims: list[Claim], inputs: Inputs) -> pl.DataFrame:
    return pl.DataFrame([evaluate(c, inputs) for c in claims], schema=LEDGER_SCHEMA)
