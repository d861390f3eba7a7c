"""SEO Economisch Onderzoek 2019 (costs and benefits of the bbl) and the employer organisations'
cost estimate per bbl student (data/published/seo_2019_bbl_costs_benefits.csv)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bbl.figures.vocabulary import Figure, SourceFile

_QUALIFIER_WORDS = (("almost", "almost"), ("more than", "at least"), ("about", "about"))


def seo_figures(root: Path) -> Iterator[Figure]:
    src = SourceFile(root, "data/published/seo_2019_bbl_costs_benefits.csv")
    for row in src.rows():
        qualifier = next((q for word, q in _QUALIFIER_WORDS if row["qualifier"].startswith(word)), "exact")
        employer = row["figure_id"] == "employer_cost_per_bbl_student"
        yield src.figure(
            f"{'employer_cost' if employer else 'seo2019'}.{row['figure_id']}", row["figure_id"],
            "2018" if employer else "2019", float(row["value_eur"]), src.line(row["figure_id"] + ","), qualifier,
            {"description": row["description"]},
            topic="employer_cost" if employer else "seo_2019",
            publisher="VNO-NCW / MKB-Nederland" if employer else "SEO Economisch Onderzoek (rapport 2019-59)",
            unit="EUR per student per year" if employer else "EUR per year", citation_url=row["source_url"])
