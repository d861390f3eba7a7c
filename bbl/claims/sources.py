"""The sources behind a claim: each evidence id a computation cites, resolved to who published it,
where (a URL a reader can open), when it was accessed, and whether it is the producing body's own
publication (primary) or a report of it (secondary).

Evidence ids (Computed.evidence):
  <figure_id>                  a row of raw.published_figures (register), e.g. subsidy.max_per_place.regulation_art15
  cbs:<table_id>[:...]         a CBS table loaded from the API (meta.snapshots.table_id)
  duo:<dataset>                a DUO dataset loaded from the API (meta.snapshots, source 'duo')
  <snapshot_id>                any snapshot in meta.snapshots
  data/letter/...              the letter itself
The letter is the last source of every claim: it is where the claim stands.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from bbl.claims.model import FIGURES, LETTER_REF, SNAPSHOTS, Inputs
from bbl.figures.vocabulary import CBS_DETAIL_URL
from bbl.nl import period_nl

LETTER_URL = ("https://www.bouwendnederland.nl/actueel/nieuws/34201/"
              "met-deze-drie-verbeterpunten-wordt-actieplan-groene-en-digitale-banen-nog-beter")
LETTER_SOURCE = {
    "publisher": "Industriecoalitie (gepubliceerd door Bouwend Nederland)",
    "title": "Brief aan de Tweede Kamer voor het commissiedebat Actieplan Groene en Digitale Banen, 25 mei 2023",
    "url": LETTER_URL, "accessed": None, "source_kind": "primary", "ref": LETTER_REF,
}
SOURCE_SCHEMA = pl.List(pl.Struct({
    "publisher": pl.String, "title": pl.String, "url": pl.String, "accessed": pl.String,
    "source_kind": pl.String, "ref": pl.String,
}))
MEASURES_NL = {
    "amount_per_full_place_eur": "subsidie per volledige bbl-plaats",
    "max_per_full_place_eur": "wettelijk maximum per volledige plaats",
    "pct_of_requested": "percentage van het aangevraagde bedrag",
    "budget_mutation_eur": "begrotingsmutatie Praktijkleren",
    "budget_line_eur": "begrotingsregel Praktijkleren",
    "budget_eur": "budget",
    "bbl_students": "bbl-studenten",
    "students_bbl": "bbl-studenten",
    "bbl_inflow": "instroom in de bbl",
    "OpenstaandeVacatures_1": "openstaande vacatures (x 1.000)",
    "net_social_balance": "netto saldo van maatschappelijke kosten en baten",
    "guidance_costs": "extra begeleidingskosten van leerbedrijven",
    "employer_cost_per_bbl_student": "kosten van de werkgever per bbl-student",
}


def _date(value: str | None) -> str | None:
    return (value or "")[:10] or None


def _snapshot_source(snap: dict[str, Any]) -> dict[str, Any]:
    url = snap["url"] or ""
    if snap["source"] == "cbs" and snap["table_id"]:
        url = CBS_DETAIL_URL.format(table_id=snap["table_id"])
    return {"publisher": snap["producer"] or snap["source"].upper(), "title": snap["title"] or snap["snapshot_id"],
            "url": url, "accessed": _date(snap["date_accessed"]), "source_kind": "primary", "ref": snap["snapshot_id"]}


class SourceIndex:
    """The register and the snapshots, indexed once per ledger, to resolve evidence ids to sources."""

    def __init__(self, inputs: Inputs) -> None:
        self.figures = {r["figure_id"]: r for r in inputs[FIGURES].iter_rows(named=True)}
        self.snapshots = {r["snapshot_id"]: r for r in inputs[SNAPSHOTS].iter_rows(named=True)}
        self.cbs_tables = {(r["table_id"] or "").lower(): r for r in self.snapshots.values() if r["source"] == "cbs"}

    def _source(self, ref: str) -> dict[str, Any] | None:
        if ref in self.figures:
            f = self.figures[ref]
            # "(via OAZ)" when someone else reports the figure; not when the name already says so
            via = (f" (via {f['publisher']})" if f["source_kind"] == "secondary"
                   and f["publisher"] != f["primary_publisher"] and "via" not in f["publisher"] else "")
            return {
                "publisher": f["publisher"],
                "title": f"{f['primary_publisher']}{via}: {MEASURES_NL.get(f['measure'], f['measure'])}, "
                         f"{period_nl(f['period'])}",
                "url": f["citation_url"],
                "accessed": _date(self.snapshots.get(f["snapshot_id"], {}).get("date_accessed")),
                "source_kind": f["source_kind"], "ref": ref,
            }
        if ref in self.snapshots:
            return _snapshot_source(self.snapshots[ref])
        if ref.startswith("cbs:") and ref.split(":")[1].lower() in self.cbs_tables:
            return _snapshot_source(self.cbs_tables[ref.split(":")[1].lower()])
        if ref.startswith("duo:"):
            dataset = ref.split(":")[1]
            snap = next((s for s in self.snapshots.values() if s["source"] == "duo" and dataset in s["snapshot_id"]),
                        None)
            return _snapshot_source(snap) if snap else None
        return None

    def resolve(self, evidence: list[str]) -> list[dict[str, Any]]:
        """The sources of ``evidence`` (in its order), one per page, the letter last."""
        found = [s for s in map(self._source, evidence) if s] + [dict(LETTER_SOURCE)]
        by_url: dict[str, dict[str, Any]] = {}
        for s in found:  # one entry per page: the evidence column keeps every figure id
            by_url.setdefault(s["url"], s)
        return list(by_url.values())


def only_secondary(sources: list[dict[str, Any]]) -> bool:
    """True when the data sources (the letter aside) are all secondary."""
    data = [s for s in sources if s["ref"] != LETTER_REF]
    return bool(data) and all(s["source_kind"] == "secondary" for s in data)

