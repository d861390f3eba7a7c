"""The Subsidieregeling praktijkleren itself (data/reference/subsidieregeling_praktijkleren_2013_art1c_14_15.md):
the cap per full place (art. 15) and the budgets 2014-2018 (art. 14)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bbl.figures.vocabulary import REGULATION_URL, Figure, SourceFile, slug

REGULATION_FILE = "data/reference/subsidieregeling_praktijkleren_2013_art1c_14_15.md"
_ART14 = [("a.", "4", "mbo bbl", "188,9"), ("b.", "6", "hbo duaal/deeltijd", "8"),
          ("c.", "8", "promovendi/toio", "6,7"), ("d.", "10", "vmbo leer-werktraject", "1,4")]


def regulation_figures(root: Path) -> Iterator[Figure]:
    src = SourceFile(root, REGULATION_FILE, topic="subsidy", citation_url=REGULATION_URL,
                     publisher="Staatscourant (OCW), Subsidieregeling praktijkleren")
    yield src.figure("subsidy.max_per_place.regulation_art15", "max_per_full_place_eur", "2013/2014-", 2700.0,
                     src.line("met een maximum van € 2.700"), labels={"article": "15", "category": "all categories"},
                     unit="EUR per full place")
    for letter, article, category, amount in _ART14:
        yield src.figure(f"subsidy.budget_cap.{slug(category)}.regulation_art14", "budget_cap_eur", "2014-2018",
                         round(float(amount.replace(",", ".")) * 1_000_000),
                         src.line(f"{letter} subsidies op grond van artikel {article}:"),
                         labels={"article": "14", "category": category}, unit="EUR per year")
