"""Claims about bbl students: the technical sectorkamers' size and share. Claims: students.yaml.

Honest labels: the offline figures per sectorkamer are the *inflow* of new bbl students (MBO Raad),
not the number of bbl students (stock); the stock needs CBS 85353NED or DUO (live mode). A figure
published as "ruim" (at least) makes the result a lower bound, and the narrow definition's share is a
lower bound of the broad one."""

from __future__ import annotations

import polars as pl

from bbl.claims.model import STUDENTS, TECHNICAL_SHARE, Computed, Inputs, compute
from bbl.nl import num, pct

TECHNICAL = {"narrow": ("techniek en gebouwde omgev",),
             "broad": ("techniek en gebouwde omgev", "mobiliteit, transport, logi")}
DEFINITION_NL = {"narrow": "smalle definitie: Techniek en gebouwde omgeving",
                 "broad": "brede definitie: Techniek en gebouwde omgeving plus Mobiliteit, transport, logistiek en "
                          "maritiem"}
BASIS_NL = {"inflow": "instroom van nieuwe bbl-studenten", "stock": "aantal bbl-studenten"}
QUALIFIER_NL = {"at least": "ruim", "about": "ongeveer", "almost": "bijna"}
PENDING = "bbl-studenten van elke technische sectorkamer (CBS 85353NED of DUO, live)"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _count(row: dict) -> str:
    word = QUALIFIER_NL.get(row["qualifier"], "")
    return f"{word} {num(row['students'])}".strip()


def _basis_note(basis: str) -> str:
    return (" Dit is de instroom (nieuwe bbl-studenten in dat jaar), niet het aantal bbl-studenten; dat aantal per "
            "sectorkamer komt uit CBS 85353NED of DUO (live)." if basis == "inflow" else "")


@compute(STUDENTS)
def technical_largest(inputs: Inputs, definition: str) -> Computed:
    students = inputs[STUDENTS]
    if students.height == 0:
        return Computed(None, "Geen bbl-cijfers per sectorkamer geladen.", missing=PENDING)
    per_kamer = students.filter(pl.col("sectorkamer") != "Totaal")
    best = per_kamer.group_by("studiejaar", "basis").agg(pl.col("priority").min().alias("best"), pl.len().alias("n"))
    latest = best.sort(["basis", "studiejaar"], descending=[True, True]).filter(pl.col("n") >= 2)
    if latest.height == 0:
        return Computed(None, "Geen studiejaar met bbl-cijfers voor meerdere sectorkamers.", missing=PENDING)
    sj, basis, prio = latest["studiejaar"][0], latest["basis"][0], latest["best"][0]
    rows = per_kamer.filter((pl.col("studiejaar") == sj) & (pl.col("basis") == basis) & (pl.col("priority") == prio))
    prefixes = TECHNICAL[definition]
    lower = rows.with_columns(pl.col("sectorkamer").str.to_lowercase().alias("sk"))
    tech = lower.filter(pl.any_horizontal(*[pl.col("sk").str.starts_with(p) for p in prefixes]))
    found = {p for p in prefixes if tech.filter(pl.col("sk").str.starts_with(p)).height}
    others = lower.filter(~pl.any_horizontal(*[pl.col("sk").str.starts_with(p) for p in TECHNICAL["broad"]]))
    listing = "; ".join(f"{r['sectorkamer']} {_count(r)}" for r in rows.sort("students", descending=True)
                        .iter_rows(named=True))
    where = f"{_first_upper(BASIS_NL[basis])} {sj} ({rows['series'][0]}): {listing}."
    if len(found) < len(prefixes) or others.height == 0:
        return Computed(None, f"{where} Niet voor elke sectorkamer van de {DEFINITION_NL[definition]} gepubliceerd.",
                        rows["source_ref"].to_list(), missing=PENDING)
    top = others.sort("students", descending=True).row(0, named=True)
    total_tech = float(tech["students"].sum())
    bounds = ""
    if set(rows["qualifier"].to_list()) & {"at least", "about"}:
        bounds = (" De cijfers zijn afgerond ('ruim', 'ongeveer'); het verschil is groot genoeg om dat niet te laten "
                  "uitmaken." if abs(total_tech - top["students"]) > 0.1 * max(total_tech, top["students"])
                  else " De cijfers zijn afgerond ('ruim', 'ongeveer') en liggen te dicht bij elkaar voor een zeker "
                  "oordeel.")
    return Computed(
        total_tech,
        f"{where} Technisch ({DEFINITION_NL[definition]}): {num(total_tech)}; grootste andere sectorkamer: "
        f"{top['sectorkamer']} {_count(top)}.{bounds}{_basis_note(basis)}",
        rows["source_ref"].to_list(), upper=float(top["students"]),
        unit="bbl inflow" if basis == "inflow" else "bbl students",
    )


@compute(TECHNICAL_SHARE, STUDENTS)
def technical_share(inputs: Inputs, definition: str) -> Computed:
    t = inputs[TECHNICAL_SHARE]
    rows = t.filter(pl.col("definition") == definition).sort(["basis", "start_year"], descending=[True, True])
    computed = rows.filter(pl.col("status") == "computed")
    if computed.height == 0:
        pending = rows.row(0, named=True) if rows.height else None
        what = (f"voor de {BASIS_NL[pending['basis']]} {pending['studiejaar']} zijn alleen cijfers voor "
                f"{', '.join(pending['sectorkamers']) or 'geen enkele sectorkamer'} gepubliceerd"
                if pending else "er zijn geen cijfers")
        refs = []
        if pending:
            s = inputs[STUDENTS].filter((pl.col("studiejaar") == pending["studiejaar"])
                                        & (pl.col("basis") == pending["basis"]))
            refs = s["source_ref"].to_list()
        return Computed(None, f"{_first_upper(DEFINITION_NL[definition])}: {what}.", refs, missing=PENDING)
    r = computed.row(0, named=True)
    refs = inputs[STUDENTS].filter((pl.col("studiejaar") == r["studiejaar"]) & (pl.col("basis") == r["basis"]))
    lower = "at least" in r["qualifiers"]
    bound = (" Het aantal technische studenten is gepubliceerd als 'ruim' (en het totaal als 'ongeveer'): het "
             "aandeel is bij benadering een ondergrens." if lower else "")
    narrow = (" De smalle definitie is een ondergrens van de brede: elke extra sectorkamer telt erbij op."
              if definition == "narrow" else "")
    return Computed(
        float(r["share_pct"]),
        f"{_first_upper(BASIS_NL[r['basis']])} {r['studiejaar']} ({r['source']}), {DEFINITION_NL[definition]}: "
        f"{num(r['technical_students'])} van {num(r['total_students'])} = {pct(r['share_pct'])}.{bound}{narrow}"
        f"{_basis_note(r['basis'])}",
        refs["source_ref"].to_list(),
        unit="% of bbl inflow" if r["basis"] == "inflow" else "% of bbl students",
    )
