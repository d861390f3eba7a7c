"""CBS figures transcribed or extracted from StatLine (data/published/cbs_*.csv, cpi_*.csv): yearly and
quarterly vacancies (80472ned), seasonally adjusted vacancies (80474ned, 84545NED) and CPI changes
(83131NED). SBI titles are mapped to CBS's own keys with the 84826NED code list."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from bbl.figures.vocabulary import CBS_DETAIL_URL, Figure, SourceFile, slug

SBI_CODES_FILE = "data/reference/84826NED_SBI2008_codes_v4.json"


def _cbs_file(root: Path, rel: str, table_id: str, topic: str = "vacancies", unit: str = "x 1 000") -> SourceFile:
    return SourceFile(root, rel, topic=topic, publisher="CBS", source_table_id=table_id, unit=unit,
                      citation_url=CBS_DETAIL_URL.format(table_id=table_id))


def sbi_title_to_key(root: Path) -> dict[str, str]:
    data = json.loads((root / SBI_CODES_FILE).read_text(encoding="utf-8"))
    return {row["Title"]: row["Identifier"] for row in data["value"]}


def yearly_vacancies(root: Path) -> Iterator[Figure]:
    src = _cbs_file(root, "data/published/cbs_80472ned_vacatures_yearly_T001081_1997_2023.csv", "80472ned")
    for row in src.rows():
        excerpt = src.line(row["Perioden"] + ",")
        for col, measure in (("OpenstaandeVacatures_1_x1000", "OpenstaandeVacatures_1"),
                             ("VervuldeVacatures_3_x1000", "VervuldeVacatures_3")):
            if not row[col]:
                continue  # CBS has no value (1997 open vacancies): no figure, never a guess
            yield src.figure(f"cbs.80472ned.{measure}.T001081.{row['Perioden']}.api_extract", measure,
                             row["Perioden"], float(row[col]), excerpt,
                             labels={"Bedrijfskenmerken": "T001081", "title": "A-U Alle economische activiteiten"})


def vacancy_excerpts(root: Path) -> Iterator[Figure]:
    keys = sbi_title_to_key(root)
    src = _cbs_file(root, "data/published/cbs_80472ned_published_excerpts.csv", "80472ned")
    for row in src.rows():
        title = row["Bedrijfskenmerken_title"]
        key = keys.get(title, "")
        labels = {"title": title, "view": row["snapshot"], **({"Bedrijfskenmerken": key} if key else {})}
        excerpt = src.line(title.split(",")[0], row["Perioden"])
        for col, measure in (("OpenstaandeVacatures_1_x1000", "OpenstaandeVacatures_1"),
                             ("OntstaneVacatures_2_x1000", "OntstaneVacatures_2"),
                             ("VervuldeVacatures_3_x1000", "VervuldeVacatures_3")):
            if row[col]:
                yield src.figure(f"cbs.80472ned.{measure}.{key or slug(title)}.{row['Perioden']}.statline", measure,
                                 row["Perioden"], float(row[col]), excerpt, labels=labels)


def vacancies_sa_by_sector(root: Path) -> Iterator[Figure]:
    keys = sbi_title_to_key(root)
    src = _cbs_file(root, "data/published/cbs_80474ned_vacatures_sa_by_sector_2023KW02.csv", "80474ned")
    for row in src.rows():
        title = row["SBI2008_part_bedrijven_overheid_title"]
        key = keys.get(title, "")
        yield src.figure(f"cbs.80474ned.vacatures_sa.{key or slug(title)}.{row['Perioden']}",
                         "VacaturesSeizoengecorrigeerd", row["Perioden"], float(row["VacaturesSeizoengecorrigeerd_x1000"]),
                         src.line(title.split(",")[0], row["Perioden"]),
                         labels={"title": title, "status": row["status"], **({"SBI2008": key} if key else {})})


def vacancy_flows_sa(root: Path) -> Iterator[Figure]:
    src = _cbs_file(root, "data/published/cbs_84545NED_vacatures_sa_stroomcijfers_2017Q1_2024Q1.csv", "84545NED")
    for row in src.rows():
        for col, flow in (("VacaturesSeizoengecorrigeerdOpenstaand_x1000", "open"),
                          ("VacaturesSeizoengecorrigeerdOntstaan_x1000", "new"),
                          ("VacaturesSeizoengecorrigeerdVervuld_x1000", "filled")):
            yield src.figure(f"cbs.84545NED.vacatures_sa_{flow}.{row['Perioden']}", col.removesuffix("_x1000"),
                             row["Perioden"], float(row[col]), src.line(row["Perioden"] + ","),
                             labels={"status": row["status_in_snapshot"], "region": "Nederland"})


def cpi_changes(root: Path) -> Iterator[Figure]:
    src = _cbs_file(root, "data/published/cpi_yearly_changes_2012_2024_from_83131ned.csv", "83131NED",
                    topic="cpi", unit="%")
    for row in src.rows():
        year = row["year_to"]
        # computed by the extract's publisher from CBS's yearly CPI_1 index (2015=100): "derived"
        yield src.figure(f"cbs.83131NED.cpi_yoy_pct.T001112.{year}JJ00", "yoy_change_pct_CPI_1", f"{year}JJ00",
                         float(row["yoy_change_pct"]), src.line(f"{row['year_from']},{year},"), "derived",
                         labels={"Bestedingscategorieen": "T001112", "from_year": row["year_from"]})
