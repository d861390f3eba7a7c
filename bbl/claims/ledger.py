"""The claim ledger: the claims of the Industriecoalitie letter (May 2023) in one YAML per family
(subsidy, students, vacancies, letter), each computed from the warehouse and judged.

A claim is one distinct quote. It has a kind, and one or more readings (ways to read it: a base, a
deflator, a definition); the headline reading gives the claim its verdict, the others show under it.
Only facts and forecasts are judged: requests, intentions and statements about the letter's own plan
get "not a factual claim" (verdicts.KINDS).

YAML fields of a claim:

  id             stable claim id (marts.claim_checks.claim_id)
  kind           fact | forecast | request | intention | about the letter
  quote          verbatim from the letter (a test checks it stands in the letter)
  claimed_value  the number the letter states, in `unit` (percentages as percent numbers); null if none
  unit           unit of claimed_value and of the headline reading's computed_value
  reading_nl     how the quote is read, in Dutch (shown with the verdict)
  when_missing   verdict when the data the headline needs is not loaded
  readings       list; each: id, name_nl, compute (a function in the family's module), params,
                 comparison (approx | at_least | at_most | range_at_least | largest | positive | none),
                 tolerance (in its unit), unit and claimed_value (default: the claim's), headline: true
                 on the one that decides the claim (default: the first)

The ledger lists the claims in the order they stand in the letter. No value is typed in anywhere:
every number comes from the warehouse tables the compute functions declare they read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from bbl.claims import letter, students, subsidy, vacancies
from bbl.claims.model import (
    COMPUTE,
    FIGURES,
    LETTER,
    SNAPSHOTS,
    Claim,
    ClaimError,
    Inputs,
    Reading,
    normalize_text,
)
from bbl.claims.sources import SOURCE_SCHEMA, SourceIndex, only_secondary
from bbl.claims.verdicts import COMPARISONS, JUDGED_KINDS, KINDS, VERDICTS, VERDICTS_NL, direction, judge
from bbl.nl import value_nl
from bbl.yamlsafe import load_yaml

FAMILIES = {m.__name__.rsplit(".", 1)[-1]: Path(m.__file__).with_suffix(".yaml")
            for m in (subsidy, students, vacancies, letter)}
LEDGER_SCHEMA = {
    "claim_id": pl.String, "topic": pl.String, "claim_kind": pl.String, "quote": pl.String,
    "claimed_value": pl.Float64, "computed_value": pl.Float64, "unit": pl.String, "verdict": pl.String,
    "direction": pl.String, "explanation_nl": pl.String, "reading_nl": pl.String, "sources": SOURCE_SCHEMA,
    "evidence": pl.List(pl.String), "rule": pl.String,
}
READINGS_SCHEMA = {
    "claim_id": pl.String, "reading_id": pl.String, "reading": pl.String, "headline": pl.Boolean,
    "claimed_value": pl.Float64, "computed_value": pl.Float64, "unit": pl.String, "verdict": pl.String,
    "direction": pl.String, "explanation_nl": pl.String, "evidence": pl.List(pl.String), "rule": pl.String,
}
NOT_FACTUAL = "not a factual claim"
KIND_NL = {"request": "een verzoek", "intention": "een voornemen of doel", "about the letter": "een beschrijving van "
           "het eigen plan van de briefschrijvers"}


def _reading(entry: dict[str, Any], claim: dict[str, Any], claim_id: str) -> Reading:
    reading = Reading(
        id=str(entry["id"]), name_nl=" ".join(str(entry["name_nl"]).split()), compute=entry["compute"],
        params=entry.get("params") or {}, comparison=entry.get("comparison", "none"),
        tolerance=float(entry.get("tolerance", 0)), unit=entry.get("unit", claim["unit"]),
        claimed_value=(None if entry.get("claimed_value", claim.get("claimed_value")) is None
                       else float(entry.get("claimed_value", claim.get("claimed_value")))),
        headline=bool(entry.get("headline", False)),
    )
    if reading.comparison not in COMPARISONS:
        raise ClaimError(f"claim {claim_id}: comparison {reading.comparison!r} not in {COMPARISONS}")
    if reading.compute not in COMPUTE:
        raise ClaimError(f"claim {claim_id}: no compute function {reading.compute!r}")
    return reading


def parse_claims(text: str, family: str = "") -> list[Claim]:
    claims = []
    for entry in load_yaml(text) or []:
        cid = entry["id"]
        readings = tuple(_reading(r, entry, cid) for r in entry.get("readings") or [])
        if not readings:
            raise ClaimError(f"claim {cid}: no readings")
        if sum(r.headline for r in readings) > 1:
            raise ClaimError(f"claim {cid}: more than one headline reading")
        claim = Claim(
            id=cid, topic=entry["topic"], kind=entry.get("kind", ""), quote=entry["quote"],
            claimed_value=None if entry.get("claimed_value") is None else float(entry["claimed_value"]),
            unit=entry["unit"], reading_nl=" ".join(str(entry.get("reading_nl", "")).split()), readings=readings,
            when_missing=entry.get("when_missing", "pending live data"), family=family,
        )
        if claim.kind not in KINDS:
            raise ClaimError(f"claim {cid}: kind {claim.kind!r} not in {KINDS}")
        if claim.when_missing not in VERDICTS:
            raise ClaimError(f"claim {cid}: when_missing {claim.when_missing!r} is not a verdict")
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
    quotes = [normalize_text(c.quote) for c in claims]
    if len(quotes) != len(set(quotes)):
        raise ClaimError("two claims share a quote: a quote is one claim, its readings go under it")
    return claims


def tables_read(claims: list[Claim]) -> list[str]:
    """The warehouse tables (assets) the ledger reads, its dependencies: what the compute functions
    declare, plus the register its sources are resolved from."""
    return sorted({t for c in claims for r in c.readings for t in COMPUTE[r.compute].reads} | {FIGURES})


def read_inputs(con: Any, claims: list[Claim] | None = None) -> Inputs:
    """The tables the claims are computed from (a DuckDB connection to the working or published database),
    and meta.snapshots (provenance, written by every load) for the sources."""
    tables = [*tables_read(claims if claims is not None else load_claims()), SNAPSHOTS]
    return Inputs({t: con.sql(f"SELECT * FROM {t}").pl() for t in tables}, LETTER.read_text(encoding="utf-8"))


def evaluate_reading(claim: Claim, reading: Reading, inputs: Inputs) -> dict[str, Any]:
    result = COMPUTE[reading.compute].fn(inputs, **reading.params)
    claimed = reading.claimed_value
    explanation = result.explanation
    if claim.kind not in JUDGED_KINDS:
        verdict, rule = NOT_FACTUAL, f"kind {claim.kind}: listed, not judged"
    elif result.value is None:
        verdict, rule = claim.when_missing, f"needs: {result.missing or 'data not loaded'}"
        explanation = f"{explanation} Ontbreekt: {result.missing}." if result.missing else explanation
    elif reading.comparison == "none" or (claimed is None and reading.comparison not in ("largest", "positive")):
        verdict, rule = "not checkable with open data", "no comparison: the claim cannot be tested with open data"
    else:
        verdict, rule = judge(reading.comparison, claimed if claimed is not None else 0.0, result.value,
                              reading.tolerance, result.upper)
        rule = f"{reading.comparison}: {rule}"
    return {
        "claim_id": claim.id, "reading_id": reading.id, "reading": reading.name_nl,
        "headline": reading is claim.headline, "claimed_value": claimed, "computed_value": result.value,
        "unit": result.unit or reading.unit, "verdict": verdict,
        "direction": direction(verdict, claimed, result.value, reading.tolerance),
        "explanation_nl": explanation, "evidence": list(dict.fromkeys(result.evidence)), "rule": rule,
    }


def evaluate(claim: Claim, inputs: Inputs, index: SourceIndex) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the claim's row of marts.claim_checks, its rows of marts.claim_readings)."""
    readings = [evaluate_reading(claim, r, inputs) for r in claim.readings]
    head = next(r for r in readings if r["headline"])
    evidence = list(dict.fromkeys(e for r in readings for e in r["evidence"]))
    sources = index.resolve(evidence)
    explanation = head["explanation_nl"]
    others = [r for r in readings if not r["headline"] and r["computed_value"] is not None]
    if others:
        explanation += " Andere lezingen: " + "; ".join(
            f"{r['reading'][:1].lower() + r['reading'][1:]}: {value_nl(r['computed_value'], r['unit'])}"
            + ("" if claim.kind not in JUDGED_KINDS else f" ({VERDICTS_NL[r['verdict']]})") for r in others) + "."
    if claim.kind not in JUDGED_KINDS:
        explanation = (f"Dit is {KIND_NL[claim.kind]}, geen bewering over feiten: het wordt vermeld, niet beoordeeld. "
                       + explanation)
    elif head["verdict"] not in ("pending live data", "not checkable with open data") and only_secondary(sources):
        explanation += (" Let op: dit oordeel rust alleen op secundaire bronnen (berichten van anderen over de cijfers, "
                        "niet de publicatie van de instantie zelf).")
    row = {
        "claim_id": claim.id, "topic": claim.topic, "claim_kind": claim.kind, "quote": claim.quote,
        # the headline reading's numbers; its unit when the data decides it (inflow or stock). A headline in
        # another unit than the quote's number (a share of vacancies, not a number of vacancies) brings its own
        # claimed value.
        "claimed_value": claim.claimed_value if claim.headline.unit == claim.unit else head["claimed_value"],
        "computed_value": head["computed_value"], "unit": head["unit"],
        "verdict": head["verdict"], "direction": head["direction"], "explanation_nl": explanation,
        "reading_nl": claim.reading_nl, "sources": sources, "evidence": evidence, "rule": head["rule"],
    }
    return row, readings


def compute_ledger(claims: list[Claim], inputs: Inputs) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(marts.claim_checks: one row per claim, marts.claim_readings: one row per reading)."""
    rows, readings = [], []
    index = SourceIndex(inputs)
    for c in claims:
        row, rs = evaluate(c, inputs, index)
        rows.append(row)
        readings += rs
    return pl.DataFrame(rows, schema=LEDGER_SCHEMA), pl.DataFrame(readings, schema=READINGS_SCHEMA)
