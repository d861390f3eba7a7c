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
COMPARISONS = ("approx", "at_least", "at_most", "range_at_least", "largest", "positive", "none")
LETTER = Path(__file__).resolve().parent.parent / "data" / "letter" / "brief-industriecoalitie-2023-05.txt"
MAX_FIGURE = "subsidy.max_per_place.regulation_art15"


@dataclass(frozen=True)
class Claim:
    id: str
    topic: str
    quote: str
    claimed_value: float | None
    unit: str
    reading: str
    reading_nl: str
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
    technical: pl.DataFrame | None = None  # marts.bbl_technical_share
    students: pl.DataFrame | None = None  # staging.bbl_students
    bbl_totals: pl.DataFrame | None = None  # marts.bbl_students
    vakkrachten: pl.DataFrame | None = None  # marts.vakkrachten_share
    budget: pl.DataFrame | None = None  # marts.subsidy_budget
    letter: str = ""


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
            reading_nl=" ".join(str(entry.get("reading_nl", "")).split()),
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


def subsidy_spread(inputs: ClaimInputs, before: str) -> Computed:
    end = int(before[:4])
    known = inputs.subsidy.filter((pl.col("start_year") < end) & pl.col("amount_nominal_eur").is_not_null()).sort(
        "start_year")
    if known.height < 2:
        return Computed(None, "fewer than two studiejaren with a known amount", missing="amounts per place")
    amounts = known["amount_nominal_eur"]
    lo, hi = float(amounts.min()), float(amounts.max())
    series = "; ".join(f"{r['studiejaar']} {eur(r['amount_nominal_eur'])}" + (
        f" ({r['figure_status']})" if r["figure_status"] != "reported" else "") for r in known.iter_rows(named=True))
    nxt = _year_row(inputs, before)
    extra = f" {before}: {eur(nxt['amount_nominal_eur'])} ({nxt['figure_status']})." if nxt and nxt[
        "amount_nominal_eur"] is not None else ""
    return Computed(
        round(hi - lo, 2),
        f"Amounts per full place: {series}. Range {eur(lo)}-{eur(hi)} = {eur(hi - lo)} "
        f"({(hi - lo) / hi * 100:.1f}% of the highest), {known['amount_nominal_eur'].n_unique()} different "
        f"amounts in {known.height} studiejaren.{extra}",
        [f for f in known["figure_id"].to_list() if f],
    )


def subsidy_legal_maximum(inputs: ClaimInputs) -> Computed:
    cap = _max_eur(inputs)
    if cap is None:
        return Computed(None, "the legal maximum is not in the register", missing=MAX_FIGURE)
    return Computed(cap[0], f"The regulation caps the amount at {eur(cap[0])} per full place (art. 15, {cap[1]}).",
                    [cap[1]])


def voorjaarsnota_context(inputs: ClaimInputs, studiejaar: str) -> Computed:
    row, text = _amount(inputs, studiejaar)
    budget = inputs.budget if inputs.budget is not None else pl.DataFrame()
    mutations = budget.filter(pl.col("measure") == "budget_mutation_eur").sort("period") if budget.height else budget
    parts = [f"The register's forecast for {text}."]
    if mutations.height:
        parts.append("The 1e suppletoire begroting 2023 changed the Praktijkleren budget line by " + ", ".join(
            f"{r['period']} {eur(r['amount_eur'])}" for r in mutations.iter_rows(named=True)) + ".")
    parts.append("No published per-place estimate for the coming years (or the Voorjaarsnota's wording) is in "
                 "the open data found")
    evidence = ([row["figure_id"]] if row else []) + (mutations["figure_id"].to_list() if mutations.height else [])
    return Computed(None, " ".join(parts), evidence,
                    missing="the Voorjaarsnota 2023 estimate of the amount per place for the coming years")


def employer_cost_context(inputs: ClaimInputs, studiejaar: str, seo_year: str) -> Computed:
    fig = {r["figure_id"]: r for r in inputs.figures.iter_rows(named=True)}
    cost = fig.get("employer_cost.employer_cost_per_bbl_student")
    guidance = fig.get("seo2019.guidance_costs")
    row, _ = _amount(inputs, studiejaar)
    cap = _max_eur(inputs)
    parts, evidence = [], []
    if cost and row and cap:
        parts.append(f"The employer organisations' estimate is {eur(cost['value'])} a year ({cost['qualifier']}). "
                     f"The subsidy covers {row['amount_nominal_eur'] / cost['value'] * 100:.1f}% of it at "
                     f"{eur(row['amount_nominal_eur'])} ({studiejaar}) and {cap[0] / cost['value'] * 100:.1f}% at the "
                     f"maximum {eur(cap[0])}.")
        evidence += [cost["figure_id"], row["figure_id"], cap[1]]
    totals = inputs.bbl_totals
    if guidance and totals is not None and totals.height:
        base = totals.filter((pl.col("studiejaar") == seo_year) & pl.col("preferred"))
        if base.height:
            n = float(base["students"][0])
            parts.append(f"SEO 2019 puts the extra guidance costs of leerbedrijven at {eur(guidance['value'])} a "
                         f"year: {eur(round(guidance['value'] / n))} per bbl student with the {n:,.0f} bbl students "
                         f"of {seo_year} ({base['series'][0]}); SEO's own student base is not published.")
            evidence += [guidance["figure_id"], base["source_ref"][0]]
    return Computed(None, " ".join(parts) or "no context figures loaded", evidence,
                    missing="an open calculation of the employer cost per bbl student")


def figure_value(inputs: ClaimInputs, figure_id: str) -> Computed:
    rows = inputs.figures.filter(pl.col("figure_id") == figure_id).to_dicts()
    if not rows:
        return Computed(None, f"figure {figure_id} is not in the register", missing=figure_id)
    r = rows[0]
    return Computed(float(r["value"]), f"{r['publisher']}: {eur(r['value'])} ({r['qualifier']}, {r['period']}).",
                    [figure_id])


TECHNICAL = {"narrow": ("techniek en gebouwde omgev",),
             "broad": ("techniek en gebouwde omgev", "mobiliteit, transport, logi")}


def technical_largest(inputs: ClaimInputs, definition: str) -> Computed:
    students = inputs.students
    if students is None or students.height == 0:
        return Computed(None, "no bbl students by sectorkamer loaded", missing="bbl students per sectorkamer")
    per_kamer = students.filter(pl.col("sectorkamer") != "Totaal")
    best = per_kamer.group_by("studiejaar", "basis").agg(pl.col("priority").min().alias("best"), pl.len().alias("n"))
    latest = best.sort(["basis", "studiejaar"], descending=[True, True]).filter(pl.col("n") >= 2)
    if latest.height == 0:
        return Computed(None, "no studiejaar with bbl figures for several sectorkamers",
                        missing="bbl students per sectorkamer")
    sj, basis, prio = latest["studiejaar"][0], latest["basis"][0], latest["best"][0]
    rows = per_kamer.filter((pl.col("studiejaar") == sj) & (pl.col("basis") == basis) & (pl.col("priority") == prio))
    prefixes = TECHNICAL[definition]
    lower = rows.with_columns(pl.col("sectorkamer").str.to_lowercase().alias("sk"))
    tech = lower.filter(pl.any_horizontal(*[pl.col("sk").str.starts_with(p) for p in prefixes]))
    found = {p for p in prefixes if tech.filter(pl.col("sk").str.starts_with(p)).height}
    others = lower.filter(~pl.any_horizontal(*[pl.col("sk").str.starts_with(p) for p in TECHNICAL["broad"]]))
    listing = "; ".join(f"{r['sectorkamer']} {r['students']:,.0f} ({r['qualifier']})"
                        for r in rows.sort("students", descending=True).iter_rows(named=True))
    where = f"{basis} of bbl students {sj} ({rows['series'][0]})"
    if len(found) < len(prefixes) or others.height == 0:
        missing = [p for p in prefixes if p not in found]
        return Computed(None, f"{where}: {listing}; not published for: {', '.join(missing) or 'other sectorkamers'}",
                        rows["source_ref"].to_list(), missing="bbl students of every technical sectorkamer (85353NED "
                        "or DUO, live mode)")
    top = others.sort("students", descending=True).row(0, named=True)
    total_tech = float(tech["students"].sum())
    note = " (inflow, not the stock of students: 85353NED or DUO is not loaded)" if basis == "inflow" else ""
    return Computed(
        total_tech,
        f"{where}{note}: {listing}. Technical ({definition}): {total_tech:,.0f}; largest other sectorkamer: "
        f"{top['sectorkamer']} {top['students']:,.0f}.",
        rows["source_ref"].to_list(), upper=float(top["students"]),
    )


def technical_share(inputs: ClaimInputs, definition: str) -> Computed:
    t = inputs.technical
    if t is None or t.height == 0:
        return Computed(None, "no technical share computed", missing="bbl students per sectorkamer")
    rows = t.filter(pl.col("definition") == definition).sort(["basis", "start_year"], descending=[True, True])
    computed = rows.filter(pl.col("status") == "computed")
    if computed.height == 0:
        pending = rows.row(0, named=True) if rows.height else None
        what = (f"{pending['basis']} {pending['studiejaar']} has only {', '.join(pending['sectorkamers']) or 'no'} "
                "sectorkamer figures") if pending else "no figures"
        return Computed(None, f"{definition} definition: {what}", missing="bbl students of every technical "
                        "sectorkamer (85353NED or DUO, live mode)")
    r = computed.row(0, named=True)
    note = " (inflow: the stock per sectorkamer needs 85353NED or DUO)" if r["basis"] == "inflow" else ""
    return Computed(
        float(r["share_pct"]),
        f"{r['basis'].capitalize()} {r['studiejaar']}{note}: {', '.join(r['sectorkamers'])} {r['technical_students']:,.0f} "
        f"of {r['total_students']:,.0f} = {r['share_pct']:.1f}% ({r['source']}; figures {', '.join(r['qualifiers'])}).",
        [f"marts.bbl_technical_share:{r['studiejaar']}:{r['basis']}:{definition}"],
    )


def vakkrachten_share(inputs: ClaimInputs, vacancies: float, scope: str) -> Computed:
    v = inputs.vakkrachten
    rows = v.filter(pl.col("scope") == scope).sort("year", descending=True) if v is not None else None
    if rows is None or rows.height == 0:
        return Computed(None, f"no yearly open vacancies for {scope}", missing=f"open vacancies {scope} (80472ned)")
    r = rows.row(0, named=True)
    return Computed(
        float(r["share_pct"]),
        f"{vacancies:,.0f} vacancies a year is {r['share_pct']:.1f}% of the {r['open_vacancies']:,.0f} open vacancies "
        f"in {scope} ({r['scope_title'] or scope}), {r['year']} yearly average. The estimate itself cannot be "
        "checked: it is the Aanvalsplan Techniek's own projection.",
        list(r["source_refs"]),
    )


def not_checkable(inputs: ClaimInputs, missing: str) -> Computed:
    return Computed(None, "no open data measures this", missing=missing)


def letter_list_items(inputs: ClaimInputs, after: str) -> Computed:
    """The '- ' items listed in the letter right after the line that holds ``after``."""
    lines = (inputs.letter or LETTER.read_text(encoding="utf-8")).splitlines()
    wanted = normalize_text(after)
    start = next((i for i, line in enumerate(lines) if wanted in normalize_text(line)), None)
    if start is None:
        return Computed(None, "sentence not found in the letter", missing="the letter text")
    items: list[str] = []
    for line in lines[start + 1:]:
        stripped = line.strip()
        if stripped.startswith("- "):
            items.append(stripped[2:].strip())
        elif stripped and items:
            break
    return Computed(float(len(items)), f"The letter lists {len(items)}: " + "; ".join(items) + ".",
                    ["data/letter/brief-industriecoalitie-2023-05.txt"])


COMPUTE: dict[str, Callable[..., Computed]] = {
    "subsidy_amount": subsidy_amount,
    "subsidy_years_at_max": subsidy_years_at_max,
    "subsidy_cut_eur": subsidy_cut_eur,
    "subsidy_cut_pct": subsidy_cut_pct,
    "subsidy_cut_eur_vs_pct": subsidy_cut_eur_vs_pct,
    "subsidy_real_cut_pct": subsidy_real_cut_pct,
    "subsidy_spread": subsidy_spread,
    "subsidy_legal_maximum": subsidy_legal_maximum,
    "voorjaarsnota_context": voorjaarsnota_context,
    "employer_cost_context": employer_cost_context,
    "figure_value": figure_value,
    "technical_largest": technical_largest,
    "technical_share": technical_share,
    "vakkrachten_share": vakkrachten_share,
    "not_checkable": not_checkable,
    "letter_list_items": letter_list_items,
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
    if comparison == "largest":
        other = upper if upper is not None else float("inf")
        return ("supported" if computed >= other else "not supported"), "computed >= the largest other group"
    if comparison == "positive":
        return ("supported" if computed > tolerance else "not supported"), f"computed > {tolerance:g}"
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


def read_claim_inputs(con: Any) -> ClaimInputs:
    """The tables the claims are computed from (a DuckDB connection to the working or published database)."""
    return ClaimInputs(
        subsidy=con.sql("SELECT * FROM marts.subsidy_per_place").pl(),
        amounts=con.sql("SELECT * FROM staging.subsidy_amounts").pl(),
        figures=con.sql("SELECT figure_id, value, qualifier, period, publisher FROM raw.published_figures").pl(),
        cpi=con.sql("SELECT * FROM staging.cpi_yearly").pl(),
        technical=con.sql("SELECT * FROM marts.bbl_technical_share").pl(),
        students=con.sql("SELECT * FROM staging.bbl_students").pl(),
        bbl_totals=con.sql("SELECT * FROM marts.bbl_students").pl(),
        vakkrachten=con.sql("SELECT * FROM marts.vakkrachten_share").pl(),
        budget=con.sql("SELECT * FROM marts.subsidy_budget").pl(),
        letter=LETTER.read_text(encoding="utf-8"),
    )


def compute_ledger(claims: list[Claim], inputs: ClaimInputs) -> pl.DataFrame:
    rows = [evaluate(c, inputs) for c in claims]
    return pl.DataFrame(
        rows,
        schema={
            "claim_id": pl.String, "topic": pl.String, "quote": pl.String, "claimed_value": pl.Float64,
            "computed_value": pl.Float64, "unit": pl.String, "verdict": pl.String, "explanation": pl.String,
            "evidence": pl.List(pl.String), "rule": pl.String, "reading_nl": pl.String,
        },
    )


@dg.asset(
    key=["marts", "claim_checks"],
    deps=[dg.AssetKey(["marts", "subsidy_per_place"]), dg.AssetKey(["staging", "cpi_yearly"]),
          dg.AssetKey(["raw", "published_figures"]), dg.AssetKey(["marts", "bbl_technical_share"]),
          dg.AssetKey(["staging", "bbl_students"]), dg.AssetKey(["marts", "bbl_students"]),
          dg.AssetKey(["marts", "vakkrachten_share"]), dg.AssetKey(["marts", "subsidy_budget"])],
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
        inputs = read_claim_inputs(con)
        ledger = compute_ledger(claims, inputs)
        wh.replace_rows(con, "marts.claim_checks", ledger)
        meta = table_metadata(con, "marts.claim_checks", order_by="claim_id")
    counts = dict(ledger.group_by("verdict").len().sort("verdict").iter_rows())
    for row in ledger.iter_rows(named=True):
        context.log.info(f"{row['claim_id']}: {row['verdict']} (claimed {row['claimed_value']}, computed {row['computed_value']})")
    return dg.MaterializeResult(metadata={**meta, "verdicts": dg.MetadataValue.json(counts)})
