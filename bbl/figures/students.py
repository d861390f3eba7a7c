"""mbo students on 1 October by leerweg (published series), the compiled bbl counts per year, and the
MBO Raad bbl inflow per sectorkamer (data/published/mbo_*.csv, bbl_inflow_*.csv)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bbl.figures.vocabulary import Figure, SourceFile, slug, studiejaar_slug

# series name in the file -> (publisher, citation url, CBS table id, id suffix)
_LEERWEG_SOURCES = {
    "NJi (DUO/OCW)": ("NJi (DUO/OCW)", "https://www.nji.nl/cijfers/middelbaar-beroeps-onderwijs-mbo", "", "nji"),
    "OCW in cijfers (bekostigbare hoofdinschrijvingen, x1000)": (
        "OCW in cijfers (DUO)",
        "https://www.ocwincijfers.nl/sectoren/middelbaar-beroepsonderwijs/studenten/aantallen-studenten-mbo",
        "",
        "ocw",
    ),
    "CBS 83850NED 2021/'22* (Bol totaal; total incl. extranei)": (
        "CBS", "https://www.cbs.nl/nl-nl/cijfers/detail/83850NED", "83850NED", "cbs_83850NED"),
    "CBS 84553NED Bbl totaal basisjaar 2020/'21 (excl. extranei)": (
        "CBS", "https://www.cbs.nl/nl-nl/cijfers/detail/84553NED", "84553NED", "cbs_84553NED"),
}


def _topic(column: str) -> str:
    return "bbl_students" if column in ("bbl", "bbl_students") else "mbo_students"


def students_by_leerweg(root: Path) -> Iterator[Figure]:
    src = SourceFile(root, "data/published/mbo_students_by_leerweg_published_2015_2022.csv",
                     unit="students (1 October)")
    for row in src.rows():
        publisher, url, table_id, suffix = _LEERWEG_SOURCES[row["source"]]
        sj = row["studiejaar"]
        excerpt = src.line(f"{row['peiljaar_1okt']},{sj},", row["source"].split(" ")[0])
        for col in ("bbl", "bol", "extranei", "total"):
            if row[col]:
                yield src.figure(f"students.{col}.{studiejaar_slug(sj)}.{suffix}", f"students_{col}", sj,
                                 float(row[col]), excerpt,
                                 labels={"peildatum": f"{row['peiljaar_1okt']}-10-01", "series": row["source"]},
                                 topic=_topic(col), publisher=publisher, source_table_id=table_id, citation_url=url)


def bbl_counts_compiled(root: Path) -> Iterator[Figure]:
    src = SourceFile(root, "data/published/mbo_bbl_counts_per_year_compiled.csv", unit="students (1 October)")
    for row in src.rows():
        year = int(row["peiljaar_1okt"])
        sj = f"{year}/{year + 1}"
        qualifier = "about" if year == 2009 else "exact"  # 2009/10: "~167,000" (SBB Barometer)
        for col in ("bbl_students", "bol_students", "total_mbo"):
            if not row[col]:
                continue
            excerpt = src.line(f"{year},{row[col]}") if col == "bbl_students" else src.line(f"{year},", row[col])
            yield src.figure(f"students.{col}.{studiejaar_slug(sj)}.compiled", col, sj, float(row[col]), excerpt,
                             qualifier, {"peildatum": f"{year}-10-01", "source": row["source"]},
                             topic=_topic(col), publisher=row["source"].split(" (")[0], citation_url=row["source_url"])


def bbl_inflow(root: Path) -> Iterator[Figure]:
    src = SourceFile(root, "data/published/bbl_inflow_by_sectorkamer_2021_2022.csv", topic="bbl_inflow",
                     publisher="MBO Raad", unit="new bbl students")
    for row in src.rows():
        qualifier = "at least" if row["qualifier"].startswith("at least") else row["qualifier"]
        sj = row["studiejaar"].replace("/", "/20")  # "2021/22" -> "2021/2022"
        yield src.figure(f"inflow.bbl.{slug(row['sectorkamer'])}.{studiejaar_slug(sj)}", "bbl_inflow", sj,
                         float(row["bbl_inflow"]), src.line(row["studiejaar"], row["bbl_inflow"]), qualifier,
                         {"sectorkamer": row["sectorkamer"], "via": row["source"]}, citation_url=row["source_url"])
