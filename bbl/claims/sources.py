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

from bbl.claims.model import FIGURES, LETTER, SNAPSHOTS, Inputs
from bbl.figures.vocabulary import CBS_DETAIL_URL

LETTER_REF = f"data/letter/{LETTER.name}"
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
    "bbl_inflow": "instroom in de bbl",
    "open_vacancies": "openstaande vacatures",
}


def _snapshot_source(snap: dict[str, Any]) -> dict[str, Any]:
    url = snap["url"] or ""
    if snap["source"] == "cbs" and snap["table_id"]:
        url = CBS_DETAIL_URL.format(table_id=snap["table_id"])
    return {"publisher": snap["producer"] or snap["source"].upper(), "title": snap["title"] or snap["snapshot_id"],
            "url": url, "accessed": (snap["date_accessed"] or "")[:10] or None, "source_kind": "primary",
            "ref": snap["snapshot_id"]}


def resolve_sources(evidence: list[str], inputs: Inputs) -> list[dict[str, Any]]:
    """The sources of ``evidence`` (in its order, without repeats), the letter last."""
    figures = {r["figure_id"]: r for r in inputs[FIGURES].iter_rows(named=True)}
    snapshots = {r["snapshot_id"]: r for r in inputs[SNAPSHOTS].iter_rows(named=True)}
    by_table = {(r["table_id"] or "").lower(): r for r in snapshots.values() if r["source"] == "cbs"}
    out: list[dict[str, Any]] = []
    for ref in evidence:
        if ref in figures:
            f = figures[ref]
            snap = snapshots.get(f["snapshot_id"], {})
            via = f" (via {f['publisher']})" if f["source_kind"] == "secondary" else ""
            out.append({
                "publisher": f["publisher"],
                "title": f"{f['primary_publisher']}{via}: {MEASURES_NL.get(f['measure'], f['measure'])}, {f['period']}",
                "url": f["citation_url"], "accessed": (snap.get("date_accessed") or "")[:10] or None,
                "source_kind": f["source_kind"], "ref": ref,
            })
        elif ref in snapshots:
            out.append(_snapshot_source(snapshots[ref]))
        elif ref.startswith("cbs:") and ref.split(":")[1].lower() in by_table:
            out.append(_snapshot_source(by_table[ref.split(":")[1].lower()]))
        elif ref.startswith("duo:"):
            dataset = ref.split(":")[1]
            snap = next((s for s in snapshots.values() if s["source"] == "duo" and dataset in s["snapshot_id"]), None)
            if snap:
                out.append(_snapshot_source(snap))
    out.append(dict(LETTER_SOURCE))
    seen: set[str] = set()
    unique = []
    for s in out:  # one entry per page: the evidence column keeps every figure id
        key = s["url"]
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


def only_secondary(sources: list[dict[str, Any]]) -> bool:
    """True when the data sources (the letter aside) are all secondary."""
    data = [s for s in sources if s["ref"] != LETTER_REF]
    return bool(data) and all(s["source_kind"] == "secondary" for s in data)

