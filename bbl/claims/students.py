"""Claims about bbl students: the technical sectorkamers' size and share. Claims: students.yaml."""

from __future__ import annotations

import polars as pl

from bbl.claims.model import STUDENTS, TECHNICAL_SHARE, Computed, Inputs, compute

TECHNICAL = {"narrow": ("techniek en gebouwde omgev",),
             "broad": ("techniek en gebouwde omgev", "mobiliteit, transport, logi")}


@compute(STUDENTS)
def technical_largest(inputs: Inputs, definition: str) -> Computed:
    students = inputs[STUDENTS]
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


@compute(TECHNICAL_SHARE)
def technical_share(inputs: Inputs, definition: str) -> Computed:
    t = inputs[TECHNICAL_SHARE]
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
