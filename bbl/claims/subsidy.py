"""Claims about the Subsidieregeling praktijkleren: the amount per place, the cut from the maximum (in
euros, nominal and real), the spread over the years, the legal maximum, the Voorjaarsnota, the
employer's cost and SEO's figures. Claims: subsidy.yaml."""

from __future__ import annotations

from typing import Any

import polars as pl

from bbl.claims.model import (
    AMOUNTS,
    BBL_TOTALS,
    BUDGET,
    CPI,
    FIGURES,
    SUBSIDY,
    Computed,
    Inputs,
    compute,
    eur,
    pct,
)

MAX_FIGURE = "subsidy.max_per_place.regulation_art15"


def _year_row(inputs: Inputs, studiejaar: str) -> dict[str, Any] | None:
    rows = inputs[SUBSIDY].filter(pl.col("studiejaar") == studiejaar).to_dicts()
    return rows[0] if rows else None


def _max_eur(inputs: Inputs) -> tuple[float, str] | None:
    rows = inputs[FIGURES].filter(pl.col("figure_id") == MAX_FIGURE).to_dicts()
    return (float(rows[0]["value"]), MAX_FIGURE) if rows else None


def _amount(inputs: Inputs, studiejaar: str) -> tuple[dict[str, Any] | None, str]:
    """The year's amount and a sentence on it (with the context of published ranges)."""
    row = _year_row(inputs, studiejaar)
    if row is None or row["amount_nominal_eur"] is None:
        return None, f"no amount per place for {studiejaar} in the register"
    text = f"{studiejaar}: {eur(row['amount_nominal_eur'])} ({row['figure_status']}, {row['figure_id']})"
    ranges = inputs[AMOUNTS].filter((pl.col("studiejaar") == studiejaar) & ~pl.col("point_value")).sort("amount_eur")
    if ranges.height:
        lo, hi = ranges["amount_eur"].min(), ranges["amount_eur"].max()
        pubs = ", ".join(sorted(set(ranges["publisher"].to_list())))
        text += f"; {pubs} expected {eur(lo)}-{eur(hi)} ({', '.join(ranges['figure_id'].to_list())})"
    return row, text


def _range_ids(inputs: Inputs, studiejaar: str) -> list[str]:
    return inputs[AMOUNTS].filter((pl.col("studiejaar") == studiejaar) & ~pl.col("point_value"))["figure_id"].to_list()


@compute(SUBSIDY, AMOUNTS)
def subsidy_amount(inputs: Inputs, studiejaar: str) -> Computed:
    row, text = _amount(inputs, studiejaar)
    if row is None:
        return Computed(None, text, missing=f"amount per place for {studiejaar}")
    final = "final amount" if row["figure_status"] == "reported" else f"{row['figure_status']}; no final amount in the register"
    return Computed(
        float(row["amount_nominal_eur"]),
        f"{text}. Value used: {eur(row['amount_nominal_eur'])} ({final}).",
        [row["figure_id"], *_range_ids(inputs, studiejaar)],
    )


@compute(SUBSIDY, FIGURES)
def subsidy_years_at_max(inputs: Inputs, before: str, window_years: int) -> Computed:
    cap = _max_eur(inputs)
    if cap is None:
        return Computed(None, "the legal maximum is not in the register", missing=MAX_FIGURE)
    max_eur, cap_id = cap
    end = int(before[:4])
    years = inputs[SUBSIDY].sort("start_year")
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


@compute(SUBSIDY, AMOUNTS, FIGURES)
def subsidy_cut_eur(inputs: Inputs, studiejaar: str) -> Computed:
    cap = _max_eur(inputs)
    row, text = _amount(inputs, studiejaar)
    if cap is None or row is None:
        return Computed(None, text, missing=f"amount per place for {studiejaar}")
    cut = cap[0] - float(row["amount_nominal_eur"])
    ranges = inputs[AMOUNTS].filter((pl.col("studiejaar") == studiejaar) & ~pl.col("point_value"))
    extra = ""
    if ranges.height:
        extra = (f" With the published range the cut would be {eur(cap[0] - ranges['amount_eur'].max())}"
                 f"-{eur(cap[0] - ranges['amount_eur'].min())}.")
    return Computed(
        round(cut, 2),
        f"Maximum {eur(cap[0])} minus {text} = {eur(cut)}.{extra}",
        [cap[1], row["figure_id"], *_range_ids(inputs, studiejaar)],
    )


@compute(SUBSIDY, AMOUNTS, FIGURES)
def subsidy_cut_pct(inputs: Inputs, studiejaar: str) -> Computed:
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


@compute(SUBSIDY, AMOUNTS, FIGURES)
def subsidy_cut_eur_vs_pct(inputs: Inputs, studiejaar: str, pct: float) -> Computed:
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


@compute(SUBSIDY, CPI)
def subsidy_real_cut_pct(inputs: Inputs, from_studiejaar: str, to_studiejaar: str) -> Computed:
    a, b = _year_row(inputs, from_studiejaar), _year_row(inputs, to_studiejaar)
    if any(r is None or r["amount_real_eur"] is None or r["amount_nominal_eur"] is None for r in (a, b)):
        return Computed(None, f"no real amount for {from_studiejaar} or {to_studiejaar} (amount or CPI missing)",
                        missing="amount per place or CPI")
    cpi = {r["year"]: r for r in inputs[CPI].iter_rows(named=True)}
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


@compute(SUBSIDY)
def subsidy_spread(inputs: Inputs, before: str) -> Computed:
    end = int(before[:4])
    known = inputs[SUBSIDY].filter((pl.col("start_year") < end) & pl.col("amount_nominal_eur").is_not_null()).sort(
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


@compute(FIGURES)
def subsidy_legal_maximum(inputs: Inputs) -> Computed:
    cap = _max_eur(inputs)
    if cap is None:
        return Computed(None, "the legal maximum is not in the register", missing=MAX_FIGURE)
    return Computed(cap[0], f"The regulation caps the amount at {eur(cap[0])} per full place (art. 15, {cap[1]}).",
                    [cap[1]])


@compute(SUBSIDY, AMOUNTS, BUDGET)
def voorjaarsnota_context(inputs: Inputs, studiejaar: str) -> Computed:
    row, text = _amount(inputs, studiejaar)
    budget = inputs[BUDGET] if inputs[BUDGET] is not None else pl.DataFrame()
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


@compute(SUBSIDY, AMOUNTS, FIGURES, BBL_TOTALS)
def employer_cost_context(inputs: Inputs, studiejaar: str, seo_year: str) -> Computed:
    fig = {r["figure_id"]: r for r in inputs[FIGURES].iter_rows(named=True)}
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
    totals = inputs[BBL_TOTALS]
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


@compute(FIGURES)
def figure_value(inputs: Inputs, figure_id: str) -> Computed:
    rows = inputs[FIGURES].filter(pl.col("figure_id") == figure_id).to_dicts()
    if not rows:
        return Computed(None, f"figure {figure_id} is not in the register", missing=figure_id)
    r = rows[0]
    return Computed(float(r["value"]), f"{r['publisher']}: {eur(r['value'])} ({r['qualifier']}, {r['period']}).",
                    [figure_id])
