"""Build the register of published figures (`data/figures/published_figures.csv`).

The register gives every published figure the product uses one uniform shape (vocabulary.py). It is
*built* from the source files copied verbatim into `data/published/` and `data/reference/` (each with
a `.source.txt`), never typed in by hand: the builders below are the only place where a source
file's layout is interpreted. Every row carries a verbatim `source_excerpt` from its `source_file`,
so a test can prove that each value stands in its file.

Third-party derivations are left out on purpose: the friction-period columns of the 80472ned
extract, the "change to 2024" factors of the CPI extract, and values the compiled tables mark
"(derived)". The product computes what it needs itself, in the marts.

Run ``python -m bbl.bundle`` after changing a source file (it rebuilds the register and the
manifests); a test fails while the committed register differs from what this module builds.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from bbl.figures import cbs, praktijkleren, regulation, seo, students
from bbl.figures.dates import date_columns, read_dates
from bbl.figures.vocabulary import REGISTER_COLUMNS, Figure

# one builder per source file, in the register's order
BUILDERS: list[Callable[[Path], Iterator[Figure]]] = [
    praktijkleren.praktijkleren_figures,
    regulation.regulation_figures,
    cbs.yearly_vacancies,
    cbs.vacancy_excerpts,
    cbs.vacancies_sa_by_sector,
    cbs.vacancy_flows_sa,
    cbs.cpi_changes,
    students.students_by_leerweg,
    students.bbl_counts_compiled,
    students.bbl_inflow,
    seo.seo_figures,
]


def build_register(root: Path) -> list[dict[str, str]]:
    """All register rows built from the source files under ``root`` (the project root)."""
    dates = read_dates(root)
    rows = [f.as_row() for build in BUILDERS for f in build(root)]
    rows = [{**r, **date_columns(r, dates)} for r in rows]
    seen: set[str] = set()
    for r in rows:
        if r["figure_id"] in seen:
            raise ValueError(f"duplicate figure_id {r['figure_id']}")
        seen.add(r["figure_id"])
    return rows


def write_register(root: Path, out: Path) -> int:
    rows = build_register(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=REGISTER_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
