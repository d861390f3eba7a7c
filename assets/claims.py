"""`marts/claim_checks`: the claim ledger, computed from the warehouse.

Claims, their readings and rules live in assets/claims.yaml. Each `compute` name maps to a small
pure function below that takes the loaded tables (`ClaimInputs`) and returns the computed value,
an explanation quoting the numbers, and the evidence ids. `judge` turns claimed vs computed into
a verdict. No value is typed in here: every number comes from the warehouse tables.
"""


import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
import yaml

from assets.metadata import table_metadata
from pipelines.resources import WAREHOUSE_POOL, BblResource

CLAIMS_YAML = Path(__file__).with_name("claims.yaml")
VERDICTS = (
    "supported",
    "partly supported",
    "not supported",
    "not checkable with open data",
    "pending live data",
)
COMPARISONS = ("approx", "at_least", "at_most", "range_at_least", "none")
MAX_FIGURE = "subsidy.max_per_place.regulation_art15"


@dataclass(frozen=True)
class Claim:
    id: str
    topic: str
    quote: str
    claimed_value: float | None
    unit: str
    reading: str
    compute: str
    params: dict[str, Any]
    comparison: str
    tolerance: float
    when_missing: str


@dataclass
class ClaimInputs:
    subsidy: pl.DataFrame  # marts.subsidy_per_place
    amounts: pl.DataFrame  # staging.subsidy_amounts
    figures: pl.DataFrame  # raw.published_figures (figure_id, value, qualifier, period, publisher)
    cpi: pl.DataFrame  # staging.cpi_yearly


@dataclass
class Computed:
    value: float | None
    explanation: str
    evidence: list[str] = field(default_factory=list)
    claimed_value: float | None = None  # set when the claimed value is derived from the claim (e.g. 12% in euros)
    upper: float | None = None  # for range comparisons: the highest value in the range
    missing: str | None = None  # what is missing when value is None


class ClaimError(ValueError):
    """The claim ledger is malformed."""


def load_claims(text: str | None = None) -> list[Claim]:
    doc = yaml.safe_load(text if text is not None else CLAIMS_YAML.read_text(encoding="utf-8"))
    claims = []
    for entry in doc:
        claim = Claim(
            id=entry["id"],
            topic=entry["topic"],
            quote=entry["quote"],
            claimed_value=None if entry.get("claimed_value") is None else float(entry["claimed_value"]),
            unit=entry["unit"],
            reading=" ".join(str(entry.get("reading", "")).split()),
            compute=entry["compute"],
            params=entry.get("params") or {},
            comparison=entry.get("comparison", "none"),
            tolerance=float(entry.get("tolerance", 0)),
            when_missing=entry.get("when_missing", "pending live data"),
        )
        if claim.comparison not in COMPARISONS:
            raise ClaimError(f"claim {claim.id}: comparison {claim.comparison!r} not in {COMPARISONS}")
        if claim.when_missing not in VERDICTS:
            raise ClaimError(f"claim {claim.id}: when_missing {claim.when_missing!r} is not a verdict")
        if claim.compute not in COMPUTE:
            raise ClaimError(f"claim {claim.id}: no compute function {claim.compute!r}")
        claims.append(claim)
    ids = [c.id for c in claims]
    if len(ids) != len(set(ids)):
        raise ClaimError("claim ids are not unique")
    return claims


def normalize_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ----------------------------------------------------------------------------------------------
# formatting
# ----------------------------------------------------------------------------------------------

def eur(v: float) -> str:
    return f"EUR {v:,.2f}" if not float(v).is_integer() else f"EUR {v:,.0f}"


def pct(v: float) -> str:
    return f"{v:.1f}%"


# ----------------------------------------------------------------------------------------------
# computations (pure: inputs in, Computed out)
# ----------------------------------------------------------------------------------------------

def _year_row(inputs: ClaimInputs, studiejaar: str) -> dict[str, Any] | None:
    rows = inputs.subsidy.filter(pl.col("studiejaar") == studiejaar).to_dicts()
    return rows[0] if rows else None


def _max_eur(inputs: ClaimInputs) -> tuple[float, str] | None:
    rows = inputs.figures.filter(pl.col("figure_id") == MAX_FIGURE).to_dicts()
    return (float(rows[0]["value"]), MAX_FIGURE) if rows else None


def _amount(inputs: ClaimInputs, studiejaar: str) -> tuple[dict[str, Any] | None, str]:
    """The year's amount and a sentence on it (with the context of published ranges)."""
    row = _year_row(inputs, studiejaar)
    if row is None or row["amount_nominal_eur"] is None:
        return None, f"no amount per place for {studiejaar} in the register"
    text = f"{studiejaar}: {eur(row['amount_nominal_eur'])} ({row['figure_status']}, {row['figure_id']})"
    ranges = inputs.amounts.filter((pl.col("studiejaar") == studiejaar) & ~pl.col("point_value")).sort("amount_eur")
    if ranges.height:
        lo, hi = ranges["amount_eur"].min(), ranges["amount_eur"].max()
        pubs = ", ".join(sorted(set(ranges["publisher"].to_list())))
        text += f"; {pubs} expected {eur(lo)}-{eur(hi)} ({', '.join(ranges['figure_id'].to_list())})"
    return row, text


def _range_ids(inputs: ClaimInputs, studiejaar: str) -> list[str]:
    return inputs.amounts.filter((pl.col("studiejaar") == studiejaar) & ~pl.col("point_value"))["figure_id"].to_list()


def subsidy_amount(inputs: ClaimInputs, studiejaar: str) -> Computed:
    row, text = _amount(inputs, studiejaar)
    if row is None:
        return Computed(None, text, missing=f"amount per place for {studiejaar}")
    final = "final amount" if row["figure_status"] == "reported" else f"{row['figure_status']}; no final amount in the register"
    return Computed(
        float(row["amount_nominal_eur"]),
        f"{text}. Value used: {eur(row['amount_nominal_eur'])} ({final}).",
        [row["figure_id"], *_range_ids(inputs, studiejaar)],
    )


def subsidy_years_at_max(inputs: ClaimInputs, before: str, window_years: int) -> Computed:
    cap = _max_eur(inputs)
    if cap is None:
        return Computed(None, "the legal maximum is not in the register", missing=MAX_FIGURE)
    max_eur, cap_id = cap
    end = int(before[:4])
    years = inputs.subsidy.sort("start_year")
    window = years.filter((pl.col("start_year") >= end - window_years) & (pl.col("start_year") < end))
    earlier = years.filter(pl.col("start_year") < end - window_years)
    known = window.filter(pl.col("amount_nominal_eur").is_not_null())
    if known.height == 0:
        return Computed(None, f"no amount per place known for {window['studiejaar'].to_list()}",
                        missing="amounts per place for the recent studiejaren")

    def describe(frame: pl.DataFrame) -> list[str]:
        out = []
        for r in frame.iter_rows(named=True):
            if r["amount_nominal_eur"] is None:
                out.append(f"{r['studiejaar']} not found")
            else:
                status = "" if r["figure_status"] == "reported" else f", {r['figure_status']}"
                out.append(f"{r['studiejaar']} {eur(r['amount_nominal_eur'])} ({r['pct_of_max']:.1f}% of max{status})")
        return out

    at_max = [r["studiejaar"] for r in known.iter_rows(named=True) if r["amount_nominal_eur"] >= max_eur - 0.005]
    below = [r["studiejaar"] for r in known.iter_rows(named=True) if r["amount_nominal_eur"] < max_eur - 0.005]
    unknown = window.filter(pl.col("amount_nominal_eur").is_null())["studiejaar"].to_list()
    lo, hi = float(known["amount_nominal_eur"].min()), float(known["amount_nominal_eur"].max())
    parts = [
        f"Maximum {eur(max_eur)} ({cap_id}).",
        f"{window['studiejaar'][0]}-{window['studiejaar'][-1]}: " + "; ".join(describe(window)) + ".",
        f"The maximum was paid in {', '.join(at_max) or 'none of these years'}",
    ]
    parts[-1] += f"; not in {', '.join(below)}" if below else ""
    parts[-1] += f"; unknown for {', '.join(unknown)}." if unknown else "."
    if earlier.height:
        parts.append("Earlier: " + "; ".join(describe(earlier)) + ".")
    evidence = [cap_id, *[f for f in pl.concat([window, earlier])["figure_id"].to_list() if f]]
    return Computed(lo, " ".join(parts), list(dict.fromkeys(evidence)), upper=hi)


def subsidy_cut_eur(inputs: ClaimInputs, studiejaar: str) -> Computed:
    cap = _max_eur(inputs)
    row, text = _amount(inputs, studiejaar)
    if cap is None or row is None:
        return Computed(None, text, missing=f"amount per place for {studiejaar}")
    cut = cap[0] - float(row["amount_nominal_eur"])
    ranges = inputs.amounts.filter((pl.col("studiejaar") == studiejaar) & ~pl.col("point_value"))
    extra = ""
    if ranges.height:
        extra = (f" With the published range the cut would be {eur(cap[0] - ranges['amount_eur'].max())}"
                 f"-{eur(cap[0] - ranges['amount_eur'].min())}.")
    return Computed(
        round(cut, 2),
        f"Maximum {eur(cap[0])} minus {text} = {eur(cut)}.{extra}",
        [cap[1], row["figure_id"], *_range_ids(inputs, studiejaar)],
    )


def subsidy_cut_pct(inputs: ClaimInputs, studiejaar: str) -> Computed:
    cut = subsidy_cut_eur(inputs, studiejaar)
    cap = _max_eur(inputs)
    if cut.value is None or cap is None:
        return cut
    p = cut.value / cap[0] * 100
    implied = cap[0] * (1 - 0.12)
    return Computed(
        round(p, 1),
        f"{eur(cut.value)} of {eur(cap[0])} is a nominal cut of {pct(p)}. "
        f"A 12% cut from {eur(cap[0])} would leave {eur(implied)}, not the expected amount. {cut.explanation}",
        cut.evidence,
    )


def subsidy_cut_eur_vs_pct(inputs: ClaimInputs, studiejaar: str, pct: float) -> Computed:
    cut = subsidy_cut_eur(inputs, studiejaar)
    cap = _max_eur(inputs)
    if cap is None:
        return cut
    claimed_eur = round(cap[0] * pct / 100, 2)
    if cut.value is None:
        return Computed(None, cut.explanation, cut.evidence, claimed_value=claimed_eur, missing=cut.missing)
    return Computed(
        cut.value,
        f"{pct:g}% of {eur(cap[0])} is {eur(claimed_eur)} per place (an amount of {eur(cap[0] - claimed_eur)}); "
        f"the data gives a cut of {eur(cut.value)}. {cut.explanation}",
        cut.evidence,
        claimed_value=claimed_eur,
    )


def subsidy_real_cut_pct(inputs: ClaimInputs, from_studiejaar: str, to_studiejaar: str) -> Computed:
    a, b = _year_row(inputs, from_studiejaar), _year_row(inputs, to_studiejaar)
    if any(r is None or r["amount_real_eur"] is None or r["amount_nominal_eur"] is None for r in (a, b)):
        return Computed(None, f"no real amount for {from_studiejaar} or {to_studiejaar} (amount or CPI missing)",
                        missing="amount per place or CPI")
    cpi = {r["year"]: r for r in inputs.cpi.iter_rows(named=True)}
    ca, cb = cpi[a["cpi_year"]], cpi[b["cpi_year"]]
    real_cut = (1 - b["amount_real_eur"] / a["amount_real_eur"]) * 100
    nominal_cut = (1 - b["amount_nominal_eur"] / a["amount_nominal_eur"]) * 100
    base = a["real_base_year"]
    return Computed(
        round(real_cut, 1),
        f"{from_studiejaar}: {eur(a['amount_nominal_eur'])} paid in {a['cpi_year']} (CPI {ca['cpi_2025eq100']:.2f}) = "
        f"{eur(a['amount_real_eur'])} in {base} prices; {to_studiejaar}: {eur(b['amount_nominal_eur'])} "
        f"({b['figure_status']}) paid in {b['cpi_year']} (CPI {cb['cpi_2025eq100']:.2f}) = {eur(b['amount_real_eur'])} "
        f"in {base} prices. Nominal cut {pct(nominal_cut)}, real cut {pct(real_cut)} "
        f"(inflation {b['cpi_year']}: {pct(cb['yoy_pct'])}).",
        [a["figure_id"], b["figure_id"], f"cbs:86141NED:M000215:{a['cpi_year']}JJ00",
         f"cbs:86141NED:M000215:{b['cpi_year']}JJ00"],
    )


COMPUTE: dict[str, Callable[..., Computed]] = {
    "subsidy_amount": subsidy_amount,
    "subsidy_years_at_max": subsidy_years_at_max,
    "subsidy_cut_eur": subsidy_cut_eur,
    "subsidy_cut_pct": subsidy_cut_pct,
    "subsidy_cut_eur_vs_pct": subsidy_cut_eur_vs_pct,
    "subsidy_real_cut_pct": subsidy_real_cut_pct,
}


# ----------------------------------------------------------------------------------------------
# verdicts
# ----------------------------------------------------------------------------------------------

def judge(comparison: str, claimed: float, computed: float, tolerance: float, upper: float | None = None) -> tuple[str, str]:
    """(verdict, rule) for claimed vs computed."""
    if comparison == "approx":
        ok = abs(computed - claimed) <= tolerance
        return ("supported" if ok else "not supported"), f"|computed - claimed| <= {tolerance:g}"
    if comparison == "at_least":
        return ("supported" if computed >= claimed - tolerance else "not supported"), \
            f"computed >= claimed - {tolerance:g}"
    if comparison == "at_most":
        return ("supported" if computed <= claimed + tolerance else "not supported"), \
            f"computed <= claimed + {tolerance:g}"
    if comparison == "range_at_least":
        hi = computed if upper is None else upper
        rule = f"lowest >= claimed - {tolerance:g}: supported; highest >= claimed - {tolerance:g}: partly supported"
        if computed >= claimed - tolerance:
            return "supported", rule
        if hi >= claimed - tolerance:
            return "partly supported", rule
        return "not supported", rule
    raise ClaimError(f"no verdict rule for comparison {comparison!r}")


def evaluate(claim: Claim, inputs: ClaimInputs) -> dict[str, Any]:
    result = COMPUTE[claim.compute](inputs, **claim.params)
    claimed = result.claimed_value if result.claimed_value is not None else claim.claimed_value
    if result.value is None:
        verdict, rule = claim.when_missing, f"needs: {result.missing or 'data not loaded'}"
        explanation = f"{claim.when_missing.capitalize()}: {result.explanation}."
    elif claim.comparison == "none" or claimed is None:
        verdict, rule = "not checkable with open data", "no comparison"
        explanation = result.explanation
    else:
        verdict, rule = judge(claim.comparison, claimed, result.value, claim.tolerance, result.upper)
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
    }


def compute_ledger(claims: list[Claim], inputs: ClaimInputs) -> pl.DataFrame:
    rows = [evaluate(c, inputs) for c in claims]
    return pl.DataFrame(
        rows,
        schema={
            "claim_id": pl.String, "topic": pl.String, "quote": pl.String, "claimed_value": pl.Float64,
            "computed_value": pl.Float64, "unit": pl.String, "verdict": pl.String, "explanation": pl.String,
            "evidence": pl.List(pl.String), "rule": pl.String,
        },
    )


@dg.asset(
    key=["marts", "claim_checks"],
    deps=[dg.AssetKey(["marts", "subsidy_per_place"]), dg.AssetKey(["staging", "cpi_yearly"]),
          dg.AssetKey(["raw", "published_figures"])],
    group_name="claims",
    kinds={"duckdb", "polars"},
    pool=WAREHOUSE_POOL,
    description="The claim ledger: each quantitative claim of the Industriecoalitie letter (May 2023), the value "
    "computed from the data, and a verdict with its explanation and evidence. Claims: assets/claims.yaml.",
)
def claim_checks(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    claims = load_claims()
    wh = bbl.warehouse()
    with wh.connect() as con:
        inputs = ClaimInputs(
            subsidy=con.sql("SELECT * FROM marts.subsidy_per_place").pl(),
            amounts=con.sql("SELECT * FROM staging.subsidy_amounts").pl(),
            figures=con.sql(
                "SELECT figure_id, value, qualifier, period, publisher FROM raw.published_figures").pl(),
            cpi=con.sql("SELECT * FROM staging.cpi_yearly").pl(),
        )
        ledger = compute_ledger(claims, inputs)
        wh.replace_rows(con, "marts.claim_checks", ledger)
        meta = table_metadata(con, "marts.claim_checks", order_by="claim_id")
    counts = dict(ledger.group_by("verdict").len().sort("verdict").iter_rows())
    for row in ledger.iter_rows(named=True):
        context.log.info(f"{row['claim_id']}: {row['verdict']} (claimed {row['claimed_value']}, computed {row['computed_value']})")
    return dg.MaterializeResult(metadata={**meta, "verdicts": dg.MetadataValue.json(counts)})
