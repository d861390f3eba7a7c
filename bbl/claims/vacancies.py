"""Claims about vacancies: the letter's 10,000 vacancies a year as a share of open vacancies.
Claims: vacancies.yaml."""

from __future__ import annotations

import polars as pl

from bbl.claims.model import VAKKRACHTEN, Computed, Inputs, compute


@compute(VAKKRACHTEN)
def vakkrachten_share(inputs: Inputs, vacancies: float, scope: str) -> Computed:
    v = inputs[VAKKRACHTEN]
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
