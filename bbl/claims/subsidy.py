"""Claims about the Subsidieregeling praktijkleren: the amount per place, the cut from the maximum (in
euros, in percent from two bases, and in constant prices), the spread over the years, the legal
maximum, the Voorjaarsnota, the employer's cost and SEO's figures. Claims: subsidy.yaml.
Explanations are Dutch (bbl/nl.py formats)."""

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
)
from bbl.nl import eur, num, pct

MAX_FIGURE = "subsidy.max_per_place.regulation_art15"
STATUS_NL = {"reported": "gepubliceerd", "inferred": "afgeleid door de samensteller", "forecast": "raming",
             "not found": "niet gevonden"}


def _year_row(inputs: Inputs, studiejaar: str) -> dict[str, Any] | None:
    rows = inputs[SUBSIDY].filter(pl.col("studiejaar") == studiejaar).to_dicts()
    return rows[0] if rows else None


def _max_eur(inputs: Inputs) -> tuple[float, str] | None:
    rows = inputs[FIGURES].filter(pl.col("figure_id") == MAX_FIGURE).to_dicts()
    return (float(rows[0]["value"]), MAX_FIGURE) if rows else None


def _status(row: dict[str, Any]) -> str:
    return STATUS_NL.get(row["figure_status"], row["figure_status"])


def _ranges(inputs: Inputs, studiejaar: str) -> pl.DataFrame:
    return inputs[AMOUNTS].filter((pl.col("studiejaar") == studiejaar) & ~pl.col("point_value")).sort("amount_eur")


def _amount(inputs: Inputs, studiejaar: str) -> tuple[dict[str, Any] | None, str]:
    """The year's amount and a Dutch sentence on it (with the published range, if any)."""
    row = _year_row(inputs, studiejaar)
    if row is None or row["amount_nominal_eur"] is None:
        return None, f"Het register heeft geen bedrag per plaats voor {studiejaar}."
    text = f"{studiejaar}: {eur(row['amount_nominal_eur'])} ({_status(row)})"
    ranges = _ranges(inputs, studiejaar)
    if ranges.height:
        pubs = ", ".join(sorted(set(ranges["publisher"].to_list())))
        text += f"; {pubs} verwachtte {eur(ranges['amount_eur'].min())} tot {eur(ranges['amount_eur'].max())}"
    return row, text


@compute(SUBSIDY, AMOUNTS)
def subsidy_amount(inputs: Inputs, studiejaar: str) -> Computed:
    row, text = _amount(inputs, studiejaar)
    if row is None:
        return Computed(None, text, missing=f"het bedrag per plaats voor {studiejaar}")
    final = ("het definitieve bedrag" if row["figure_status"] == "reported"
             else f"een {_status(row)}; een definitief bedrag staat nog niet in het register")
    return Computed(float(row["amount_nominal_eur"]),
                    f"{text}. Gebruikt: {eur(row['amount_nominal_eur'])}, {final}.",
                    [row["figure_id"], *_ranges(inputs, studiejaar)["figure_id"].to_list()])


def _describe(frame: pl.DataFrame) -> list[str]:
    out = []
    for r in frame.iter_rows(named=True):
        if r["amount_nominal_eur"] is None:
            out.append(f"{r['studiejaar']} niet gevonden")
        else:
            status = "" if r["figure_status"] == "reported" else f", {_status(r)}"
            out.append(f"{r['studiejaar']} {eur(r['amount_nominal_eur'])} ({pct(r['pct_of_max'])} van het maximum{status})")
    return out


def _temporary_money(inputs: Inputs, studiejaren: list[str]) -> str:
    """The years whose source says the maximum was paid from temporary (NPO/corona) money."""
    figs = inputs[FIGURES].filter(pl.col("measure") == "amount_per_full_place_eur")
    hits = [sj for sj in studiejaren
            if figs.filter((pl.col("period") == sj) & pl.col("source_excerpt").str.contains("NPO")).height]
    return ", ".join(hits)


@compute(SUBSIDY, FIGURES)
def subsidy_years_at_max(inputs: Inputs, before: str, window_years: int) -> Computed:
    cap = _max_eur(inputs)
    if cap is None:
        return Computed(None, "Het wettelijke maximum staat niet in het register.", missing="het wettelijke maximum")
    max_eur, cap_id = cap
    end = int(before[:4])
    years = inputs[SUBSIDY].sort("start_year")
    window = years.filter((pl.col("start_year") >= end - window_years) & (pl.col("start_year") < end))
    earlier = years.filter(pl.col("start_year") < end - window_years)
    known = window.filter(pl.col("amount_nominal_eur").is_not_null())
    if known.height == 0:
        return Computed(None, f"Geen bedrag per plaats bekend voor {', '.join(window['studiejaar'].to_list())}.",
                        missing="de bedragen per plaats van de recente studiejaren")
    at_max = [r["studiejaar"] for r in known.iter_rows(named=True) if r["amount_nominal_eur"] >= max_eur - 0.005]
    below = [r["studiejaar"] for r in known.iter_rows(named=True) if r["amount_nominal_eur"] < max_eur - 0.005]
    unknown = window.filter(pl.col("amount_nominal_eur").is_null())["studiejaar"].to_list()
    lo, hi = float(known["amount_nominal_eur"].min()), float(known["amount_nominal_eur"].max())
    parts = [f"Het maximum is {eur(max_eur)} per volledige plaats (regeling, art. 15).",
             f"{window['studiejaar'][0]} tot en met {window['studiejaar'][-1]}: " + "; ".join(_describe(window)) + ".",
             f"Het maximum is betaald in {', '.join(at_max) or 'geen van deze jaren'}"]
    parts[-1] += f"; niet in {', '.join(below)}" if below else ""
    parts[-1] += f"; onbekend voor {', '.join(unknown)}." if unknown else "."
    npo = _temporary_money(inputs, at_max)
    if npo:
        parts.append(f"Het maximum van {npo} kwam uit tijdelijk extra geld (NPO/corona), volgens de bron van die jaren.")
    if earlier.height:
        parts.append("Eerder: " + "; ".join(_describe(earlier)) + ".")
    evidence = [cap_id, *[f for f in pl.concat([window, earlier])["figure_id"].to_list() if f]]
    return Computed(lo, " ".join(parts), list(dict.fromkeys(evidence)), upper=hi)


def _cut(inputs: Inputs, studiejaar: str) -> tuple[float, float, dict[str, Any], str] | Computed:
    cap = _max_eur(inputs)
    row, text = _amount(inputs, studiejaar)
    if cap is None or row is None:
        return Computed(None, text, missing=f"het bedrag per plaats voor {studiejaar}")
    return cap[0], float(row["amount_nominal_eur"]), row, text


@compute(SUBSIDY, AMOUNTS, FIGURES)
def subsidy_cut_eur(inputs: Inputs, studiejaar: str) -> Computed:
    got = _cut(inputs, studiejaar)
    if isinstance(got, Computed):
        return got
    cap, amount, row, text = got
    ranges = _ranges(inputs, studiejaar)
    extra = ""
    if ranges.height:
        extra = (f" Met de hele gepubliceerde bandbreedte is de daling {eur(cap - ranges['amount_eur'].max())} tot "
                 f"{eur(cap - ranges['amount_eur'].min())}.")
    return Computed(round(cap - amount, 2),
                    f"Het maximum {eur(cap)} min het verwachte bedrag ({text}) is {eur(cap - amount)} per plaats.{extra}",
                    [MAX_FIGURE, row["figure_id"], *ranges["figure_id"].to_list()])


def _compared(computed: float, claimed: float) -> str:
    """How a computed percentage relates to the letter's, rounded as the letter rounds (whole percents)."""
    if round(computed) == round(claimed):
        return f"; afgerond is dat de {num(claimed)}% van de brief"
    return f"; de daling is {'groter' if computed > claimed else 'kleiner'} dan de {num(claimed)}% van de brief"


@compute(SUBSIDY, AMOUNTS, FIGURES)
def subsidy_cut_pct(inputs: Inputs, studiejaar: str, claimed_pct: float) -> Computed:
    got = _cut(inputs, studiejaar)
    if isinstance(got, Computed):
        return got
    cap, amount, row, _ = got
    p = (cap - amount) / cap * 100
    return Computed(
        round(p, 1),
        f"Van het maximum {eur(cap)} naar {eur(amount)} ({studiejaar}, {_status(row)}) is een nominale daling van "
        f"{eur(cap - amount)}, {pct(p)}. Een korting van {num(claimed_pct)}% zou {eur(cap * (1 - claimed_pct / 100))} "
        f"overlaten{_compared(p, claimed_pct)}.",
        [MAX_FIGURE, row["figure_id"], *_ranges(inputs, studiejaar)["figure_id"].to_list()],
    )


@compute(SUBSIDY, AMOUNTS)
def subsidy_cut_pct_from_average(inputs: Inputs, first: str, last: str, to_studiejaar: str,
                                 claimed_pct: float) -> Computed:
    """The cut to ``to_studiejaar`` from the average amount of the studiejaren first..last with a known amount."""
    years = inputs[SUBSIDY].filter((pl.col("start_year") >= int(first[:4])) & (pl.col("start_year") <= int(last[:4])))
    known = years.filter(pl.col("amount_nominal_eur").is_not_null())
    row, _ = _amount(inputs, to_studiejaar)
    if known.height == 0 or row is None:
        return Computed(None, f"Geen bedragen voor {first} tot en met {last} of {to_studiejaar}.",
                        missing="de bedragen per plaats")
    avg = float(known["amount_nominal_eur"].mean())
    p = (1 - row["amount_nominal_eur"] / avg) * 100
    unknown = years.filter(pl.col("amount_nominal_eur").is_null())["studiejaar"].to_list()
    gap = f" (zonder {', '.join(unknown)}: daarvan is geen bedrag gevonden)" if unknown else ""
    return Computed(
        round(p, 1),
        f"Het gemiddelde bedrag van {first} tot en met {last} is {eur(round(avg, 2))}, over de {known.height} "
        f"studiejaren met een bekend bedrag{gap}. Van dat gemiddelde naar {eur(row['amount_nominal_eur'])} "
        f"({to_studiejaar}) is een daling van {pct(p)}{_compared(p, claimed_pct)}.",
        [f for f in known["figure_id"].to_list() if f] + [row["figure_id"]],
    )


@compute(SUBSIDY, CPI)
def subsidy_real_cut_pct(inputs: Inputs, from_studiejaar: str, to_studiejaar: str) -> Computed:
    a, b = _year_row(inputs, from_studiejaar), _year_row(inputs, to_studiejaar)
    if any(r is None or r["amount_real_eur"] is None or r["amount_nominal_eur"] is None for r in (a, b)):
        return Computed(None, f"Geen reëel bedrag voor {from_studiejaar} of {to_studiejaar} (bedrag of CPI ontbreekt).",
                        missing="het bedrag per plaats of de CPI")
    cpi = {r["year"]: r for r in inputs[CPI].iter_rows(named=True)}
    ca, cb = cpi[a["cpi_year"]], cpi[b["cpi_year"]]
    real_cut = (1 - b["amount_real_eur"] / a["amount_real_eur"]) * 100
    nominal_cut = (1 - b["amount_nominal_eur"] / a["amount_nominal_eur"]) * 100
    base = a["real_base_year"]
    return Computed(
        round(real_cut, 1),
        f"Prijsindex: CPI alle bestedingen (CBS 86141NED, {base}=100), jaargemiddelde van het jaar van uitbetaling. "
        f"{from_studiejaar}: {eur(a['amount_nominal_eur'])}, uitbetaald in {a['cpi_year']} (CPI "
        f"{num(round(ca['cpi_2025eq100'], 2))}), is {eur(a['amount_real_eur'])} in prijzen van {base}; {to_studiejaar}: "
        f"{eur(b['amount_nominal_eur'])} ({_status(b)}), uitbetaald in {b['cpi_year']} (CPI "
        f"{num(round(cb['cpi_2025eq100'], 2))}), is {eur(b['amount_real_eur'])}. Nominaal {pct(nominal_cut)} minder, "
        f"reëel {pct(real_cut)} (inflatie {b['cpi_year']}: {pct(cb['yoy_pct'])}). Met een andere prijsindex of een "
        "ander jaar van uitbetaling komt een ander percentage uit.",
        [a["figure_id"], b["figure_id"], f"cbs:86141NED:M000215:{a['cpi_year']}JJ00",
         f"cbs:86141NED:M000215:{b['cpi_year']}JJ00"],
    )


@compute(SUBSIDY)
def subsidy_spread(inputs: Inputs, before: str) -> Computed:
    end = int(before[:4])
    known = inputs[SUBSIDY].filter((pl.col("start_year") < end) & pl.col("amount_nominal_eur").is_not_null()).sort(
        "start_year")
    if known.height < 2:
        return Computed(None, "Minder dan twee studiejaren met een bekend bedrag.", missing="de bedragen per plaats")
    lo, hi = float(known["amount_nominal_eur"].min()), float(known["amount_nominal_eur"].max())
    series = "; ".join(f"{r['studiejaar']} {eur(r['amount_nominal_eur'])}" + (
        f" ({_status(r)})" if r["figure_status"] != "reported" else "") for r in known.iter_rows(named=True))
    return Computed(
        round(hi - lo, 2),
        f"Bedragen per volledige plaats: {series}. Van {eur(lo)} tot {eur(hi)}: een verschil van {eur(hi - lo)} "
        f"({pct((hi - lo) / hi * 100)} van het hoogste bedrag), {known['amount_nominal_eur'].n_unique()} verschillende "
        f"bedragen in {known.height} studiejaren.",
        [f for f in known["figure_id"].to_list() if f],
    )


@compute(FIGURES)
def subsidy_legal_maximum(inputs: Inputs) -> Computed:
    cap = _max_eur(inputs)
    if cap is None:
        return Computed(None, "Het wettelijke maximum staat niet in het register.", missing="het wettelijke maximum")
    return Computed(cap[0], f"Het gevraagde bedrag van {eur(cap[0])} is het wettelijke maximum per volledige plaats "
                    "(Subsidieregeling praktijkleren, art. 15).", [cap[1]])


@compute(SUBSIDY, AMOUNTS, BUDGET)
def voorjaarsnota_context(inputs: Inputs, studiejaar: str) -> Computed:
    row, text = _amount(inputs, studiejaar)
    budget = inputs[BUDGET]
    mutations = budget.filter(pl.col("measure") == "budget_mutation_eur").sort("period") if budget.height else budget
    parts = ["De raming per plaats voor de komende jaren uit de Voorjaarsnota 2023 staat niet in de gevonden open data.",
             f"Wel bekend: {text}."]
    if mutations.height:
        parts.append("De 1e suppletoire begroting 2023 wijzigde de begrotingsregel Praktijkleren met " + ", ".join(
            f"{eur(r['amount_eur'])} in {r['period']}" for r in mutations.iter_rows(named=True)) + ".")
    evidence = ([row["figure_id"]] if row else []) + (mutations["figure_id"].to_list() if mutations.height else [])
    return Computed(None, " ".join(parts), evidence,
                    missing="de raming per plaats voor de komende jaren uit de Voorjaarsnota 2023")


@compute(SUBSIDY, AMOUNTS, FIGURES, BBL_TOTALS)
def employer_cost_context(inputs: Inputs, studiejaar: str, seo_year: str) -> Computed:
    fig = {r["figure_id"]: r for r in inputs[FIGURES].iter_rows(named=True)}
    cost = fig.get("employer_cost.employer_cost_per_bbl_student")
    guidance = fig.get("seo2019.guidance_costs")
    row, _ = _amount(inputs, studiejaar)
    cap = _max_eur(inputs)
    parts, evidence = ["Een schatting van de werkgeversorganisaties zonder openbare berekening; open data kent geen "
                       "kosten per bbl-student voor de werkgever."], []
    if cost and row and cap:
        parts.append(f"Ter vergelijking: de subsidie dekt {pct(row['amount_nominal_eur'] / cost['value'] * 100)} van "
                     f"{eur(cost['value'])} bij {eur(row['amount_nominal_eur'])} ({studiejaar}) en "
                     f"{pct(cap[0] / cost['value'] * 100)} bij het maximum van {eur(cap[0])}.")
        evidence += [cost["figure_id"], row["figure_id"], cap[1]]
    totals = inputs[BBL_TOTALS]
    if guidance and totals.height:
        base = totals.filter((pl.col("studiejaar") == seo_year) & pl.col("preferred"))
        if base.height:
            n = float(base["students"][0])
            parts.append(f"SEO (2019) schat de extra begeleidingskosten van leerbedrijven op {eur(guidance['value'])} per "
                         f"jaar: {eur(round(guidance['value'] / n))} per bbl-student bij de {num(n)} bbl-studenten van "
                         f"{seo_year} ({base['series'][0]}); met welk aantal studenten SEO zelf rekende, is niet "
                         "gepubliceerd.")
            evidence += [guidance["figure_id"], base["source_ref"][0]]
    return Computed(None, " ".join(parts), evidence, missing="een openbare berekening van de kosten per bbl-student")


@compute(FIGURES)
def figure_value(inputs: Inputs, figure_id: str) -> Computed:
    rows = inputs[FIGURES].filter(pl.col("figure_id") == figure_id).to_dicts()
    if not rows:
        return Computed(None, f"Het cijfer {figure_id} staat niet in het register.", missing=figure_id)
    r = rows[0]
    wording = {"almost": "bijna ", "about": "ongeveer ", "at least": "ruim "}.get(r["qualifier"], "")
    return Computed(float(r["value"]), f"{r['publisher']}, {r['period']}: {wording}{eur(r['value'])}.", [figure_id])
