"""Claims about vacancies: the letter's 10,000 vacancies a year as a share of open vacancies.
Claims: vacancies.yaml."""

from __future__ import annotations

import polars as pl

from bbl.claims.model import VAKKRACHTEN, Computed, Inputs, compute
from bbl.nl import num, pct


@compute(VAKKRACHTEN)
def vakkrachten_share(inputs: Inputs, vacancies: float, scope: str) -> Computed:
    rows = inputs[VAKKRACHTEN].filter(pl.col("scope") == scope).sort("year", descending=True)
    if rows.height == 0:
        return Computed(None, f"Geen jaargemiddelde van de openstaande vacatures voor {scope}.",
                        missing=f"openstaande vacatures {scope} (CBS 80472ned)")
    r = rows.row(0, named=True)
    return Computed(
        float(r["share_pct"]),
        f"Ter vergelijking: {num(vacancies)} vacatures per jaar is {pct(r['share_pct'])} van de {num(r['open_vacancies'])} "
        f"openstaande vacatures in {r['scope_title'] or scope}, jaargemiddelde {r['year']} (CBS 80472ned; een "
        "gemiddelde van de standen per kwartaal, geen aantal vacatures dat in een jaar ontstaat). De schatting zelf is een "
        "verwachting van de briefschrijvers over een regeling die er niet is: niet te toetsen.",
        list(r["source_refs"]),
    )
