"""Build the register of published figures (`data/figures/published_figures.csv`).

The register gives every published figure the product uses one uniform shape (see
`REGISTER_COLUMNS`). It is *built* from the source files copied verbatim into `data/published/`
and `data/reference/` (each with a `.source.txt`), never typed in by hand: this module is the
only place where a source file's layout is interpreted. Every row carries a verbatim
`source_excerpt` from its `source_file`, so a test can prove that each value stands in its file.

Third-party derivations are left out on purpose: the friction-period columns of the 80472ned
extract, the "change to 2024" factors of the CPI extract, and values the compiled tables mark
"(derived)". The product computes what it needs itself, in the marts.

Run ``python -m assets.figures_register`` after changing a source file; a test fails while the
committed register differs from what this module builds.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REGISTER_COLUMNS = [
    "figure_id",
    "topic",
    "publisher",
    "source_table_id",
    "measure",
    "labels",
    "period",
    "value",
    "unit",
    "qualifier",
    "citation_url",
    "source_file",
    "source_excerpt",
]

# What a number's wording says about it. "exact": as published; "about": rounded or "ongeveer"/"zo'n";
# "at least": "ruim"/"meer dan"; "almost": "bijna"; "forecast": an expectation before the fact;
# "inferred": not published per year but inferred by the compiler from a general statement;
# "derived": computed by the publisher of the extract from published values.
QUALIFIERS = ("exact", "about", "at least", "almost", "forecast", "inferred", "derived")

CBS_DETAIL_URL = "https://www.cbs.nl/nl-nl/cijfers/detail/{table_id}"
REGULATION_URL = "https://zoek.officielebekendmakingen.nl/stcrt-2013-31130.html"


@dataclass(frozen=True)
class Figure:
    figure_id: str
    topic: str
    publisher: str
    measure: str
    period: str
    value: float
    unit: str
    qualifier: str
    citation_url: str
    source_file: str
    source_excerpt: str
    source_table_id: str = ""
    labels: dict[str, str] = field(default_factory=dict)

    def as_row(self) -> dict[str, str]:
        if self.qualifier not in QUALIFIERS:
            raise ValueError(f"{self.figure_id}: qualifier {self.qualifier!r} not in {QUALIFIERS}")
        return {
            "figure_id": self.figure_id,
            "topic": self.topic,
            "publisher": self.publisher,
            "source_table_id": self.source_table_id,
            "measure": self.measure,
            "labels": json.dumps(self.labels, ensure_ascii=False, sort_keys=True),
            "period": self.period,
            "value": _fmt(self.value),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "citation_url": self.citation_url,
            "source_file": self.source_file,
            "source_excerpt": self.source_excerpt,
        }


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _studiejaar_slug(studiejaar: str) -> str:
    return studiejaar.replace("/", "-")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _raw_line(path: Path, *needles: str) -> str:
    """The first line of ``path`` that contains every needle, verbatim (the excerpt a row cites)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if all(n in line for n in needles):
            return line.strip()
    raise ValueError(f"{path.name}: no line contains {needles!r}")


# --------------------------------------------------------------------------------------------
# Subsidieregeling praktijkleren
# --------------------------------------------------------------------------------------------

PRAKTIJKLEREN_FILE = "data/published/praktijkleren_mbo_per_studiejaar_compiled.csv"
REGULATION_FILE = "data/reference/subsidieregeling_praktijkleren_2013_art1c_14_15.md"

_CATEGORY_SLUG = {
    "mbo bbl": "mbo_bbl",
    "all categories (total)": "total",
    "hbo duaal/deeltijd": "hbo",
    "vmbo/vso/pro": "vmbo_vso_pro",
}


def _first_url(cell: str) -> str:
    return cell.split(" ; ")[0].strip()


def _publisher_from_url(url: str) -> str:
    host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
    return {
        "openkamer.org": "Tweede Kamer (Kamervraag, via openkamer.org)",
        "finestri.nl": "Finestri",
        "mbo-today.nl": "mbo-today (MBO Raad / SBB)",
        "oaz.nl": "OAZ",
        "aob.nl": "AOb",
        "zoek.officielebekendmakingen.nl": "Staatscourant (OCW)",
        "aavas.nl": "AAVAS",
        "vgn.nl": "VGN",
        "stl.nl": "STL",
        "rijksfinancien.nl": "Rijksoverheid (Rijksfinanciën, OCW begroting)",
    }.get(host, host)


def _host_slug(url: str) -> str:
    return _slug(re.sub(r"^https?://(www\.)?", "", url).split("/")[0].rsplit(".", 1)[0])


def _budget(cell: str) -> tuple[float, str] | None:
    cell = cell.strip()
    if not cell:
        return None
    if re.fullmatch(r"\d+", cell):
        return float(cell), "exact"
    m = re.fullmatch(r"ruim (\d+) mln", cell)
    if m:
        return float(m.group(1)) * 1_000_000, "at least"
    raise ValueError(f"unrecognised budget cell {cell!r}")


def _praktijkleren_rows(root: Path) -> Iterator[Figure]:
    path = root / PRAKTIJKLEREN_FILE
    for row in _read_csv(path):
        if not row["source_url"].startswith("http"):
            # "2014-2018 (plafond per regeling art.14)" cites the regulation itself: its figures are
            # taken from the regulation text below (art. 14), which is the primary source.
            continue
        sj = row["studiejaar"]
        category = row["category"]
        cat = _CATEGORY_SLUG[category]
        url = _first_url(row["source_url"])
        publisher = _publisher_from_url(url)
        status = row["status"]
        base_qualifier = "inferred" if status == "inferred" else "exact"
        period = sj.split(" (")[0]
        period_slug = _studiejaar_slug(period) if "/" in period else _slug(period)
        labels = {"category": category, "status_in_source": status}
        excerpt = _raw_line(path, row["studiejaar"], row["category"], row["source_url"].split(" ; ")[0])

        budget = _budget(row["budget_eur"])
        if budget is not None:
            value, qualifier = budget
            # Two sources report the same 2013/14 total; keep both, told apart by publisher.
            suffix = f".{_host_slug(url)}" if sj == "2013/2014" else ""
            yield Figure(
                figure_id=f"subsidy.budget.{cat}.{period_slug}{suffix}",
                topic="subsidy",
                publisher=publisher,
                measure="budget_eur",
                period=period,
                value=value,
                unit="EUR",
                qualifier=qualifier if base_qualifier == "exact" else base_qualifier,
                citation_url=url,
                source_file=PRAKTIJKLEREN_FILE,
                source_excerpt=excerpt,
                labels=labels,
            )

        amount = row["amount_per_full_place_eur"].strip()
        if amount and "derived" not in amount:
            if amount.startswith("~"):
                # "~2300 (OCW forecast); 2300-2500 (OAZ)": one OCW forecast and OAZ's range.
                m = re.fullmatch(r"~(\d+) \(OCW forecast\); (\d+)-(\d+) \(OAZ\)", amount)
                if not m:
                    raise ValueError(f"unrecognised forecast cell {amount!r}")
                urls = [u.strip() for u in row["source_url"].split(" ; ")]
                stl, oaz = urls[0], urls[1]
                for suffix, val, pub, src, extra in (
                    ("ocw", m.group(1), "OCW (via STL)", stl, {"forecast_by": "OCW", "wording": "zo'n / ongeveer"}),
                    ("oaz_low", m.group(2), "OAZ", oaz, {"forecast_by": "OAZ", "range_end": "low"}),
                    ("oaz_high", m.group(3), "OAZ", oaz, {"forecast_by": "OAZ", "range_end": "high"}),
                ):
                    yield Figure(
                        figure_id=f"subsidy.amount_per_place.{cat}.{period_slug}.forecast_{suffix}",
                        topic="subsidy",
                        publisher=pub,
                        measure="amount_per_full_place_eur",
                        period=period,
                        value=float(val),
                        unit="EUR per full place",
                        qualifier="forecast",
                        citation_url=src,
                        source_file=PRAKTIJKLEREN_FILE,
                        source_excerpt=excerpt,
                        labels={**labels, **extra},
                    )
            else:
                yield Figure(
                    figure_id=f"subsidy.amount_per_place.{cat}.{period_slug}",
                    topic="subsidy",
                    publisher=publisher,
                    measure="amount_per_full_place_eur",
                    period=period,
                    value=float(amount),
                    unit="EUR per full place",
                    qualifier=base_qualifier,
                    citation_url=url,
                    source_file=PRAKTIJKLEREN_FILE,
                    source_excerpt=excerpt,
                    labels=labels,
                )

        pct = row["pct_of_requested"].strip()
        if pct and "derived" not in pct:
            yield Figure(
                figure_id=f"subsidy.pct_of_requested.{cat}.{period_slug}",
                topic="subsidy",
                publisher=publisher,
                measure="pct_of_requested",
                period=period,
                value=float(pct),
                unit="% of requested amount",
                qualifier=base_qualifier,
                citation_url=url,
                source_file=PRAKTIJKLEREN_FILE,
                source_excerpt=excerpt,
                labels=labels,
            )

        count = row["n_places_or_applications"].strip()
        for m in re.finditer(r"(>|~)?(\d+) (aanvragen|werkgevers|aanvragers|bbl-plaatsen)", count):
            sign, number, what = m.groups()
            measure = {
                "aanvragen": "applications",
                "werkgevers": "employers_applying",
                "aanvragers": "applicants",
                "bbl-plaatsen": "bbl_places_granted",
            }[what]
            qualifier = {">": "at least", "~": "about"}.get(sign or "", "exact")
            if what == "aanvragen" and sj == "2013/2014":
                qualifier = "at least"  # the answer says "ruim 92.000 aanvragen"
            suffix = f".{_host_slug(url)}" if sj == "2013/2014" else ""
            yield Figure(
                figure_id=f"subsidy.{measure}.{cat}.{period_slug}{suffix}",
                topic="subsidy",
                publisher=publisher,
                measure=measure,
                period=period,
                value=float(number),
                unit="count",
                qualifier=qualifier,
                citation_url=url,
                source_file=PRAKTIJKLEREN_FILE,
                source_excerpt=excerpt,
                labels=labels,
            )

    # Figures stated in the note column of the same file (quoted verbatim as the excerpt).
    notes = [
        # (studiejaar, measure, category label, value, unit, needle in the line, publisher url)
        ("2018/2019", "budget_eur", "wo (promovendi/toio)", 2_800_000, "EUR", "wo 2,800,000",
         "https://zoek.officielebekendmakingen.nl/stcrt-2019-48191.html"),
        ("2020/2021", "extra_per_full_place_eur", "landbouw/horeca/recreatie", 1918.00, "EUR per full place",
         "landbouw/horeca/recreatie 1918.00", "https://www.vgn.nl/nieuws/verhoging-budget-subsidieregeling-praktijkleren"),
        ("2020/2021", "extra_per_full_place_eur", "conjunctuurgevoelige sectoren", 772.40, "EUR per full place",
         "conjunctuurgevoelige sectoren 772.40", "https://www.vgn.nl/nieuws/verhoging-budget-subsidieregeling-praktijkleren"),
        ("2020/2021", "extra_per_full_place_eur", "hbo techniek/zorg", 1089.90, "EUR per full place",
         "hbo techniek/zorg 1089.90", "https://www.vgn.nl/nieuws/verhoging-budget-subsidieregeling-praktijkleren"),
        ("2021/2022", "extra_per_full_place_eur", "landbouw/horeca/recreatie", 2058.00, "EUR per full place",
         "landbouw/horeca/recreatie 2058.00", "https://oaz.nl/nieuws/normbedragen-praktijkleren-schooljaar-2021-2022-zijn-bekend/"),
        ("2021/2022", "extra_per_full_place_eur", "conjunctuurgevoelige sectoren", 920.00, "EUR per full place",
         "conjunctuurgevoelig 920.00", "https://oaz.nl/nieuws/normbedragen-praktijkleren-schooljaar-2021-2022-zijn-bekend/"),
        ("2021/2022", "extra_per_full_place_eur", "hbo techniek/zorg", 1327.20, "EUR per full place",
         "hbo techniek/zorg 1327.20", "https://oaz.nl/nieuws/normbedragen-praktijkleren-schooljaar-2021-2022-zijn-bekend/"),
        ("2021/2022", "budget_eur", "all categories (total)", 279_000_000, "EUR", "total 279.0 mln",
         "https://www.rvo.nl/subsidies-financiering/praktijkleren"),
        ("2022/2023", "budget_eur", "all categories (total)", 228_000_000, "EUR", "228 mln (mbo-today)",
         "https://mbo-today.nl/subsidie-voor-leerbaan-blijft-ook-in-2023/"),
    ]
    for sj, measure, category, value, unit, needle, url in notes:
        excerpt = _raw_line(path, sj, needle)
        kind = "budget" if measure == "budget_eur" else "extra_per_place"
        yield Figure(
            figure_id=f"subsidy.{kind}.{_slug(category)}.{_studiejaar_slug(sj)}",
            topic="subsidy",
            publisher=_publisher_from_url(url),
            measure=measure,
            period=sj,
            value=float(value),
            unit=unit,
            qualifier="exact",
            citation_url=url,
            source_file=PRAKTIJKLEREN_FILE,
            source_excerpt=excerpt,
            labels={"category": category, "status_in_source": "reported (note column)"},
        )

    # Rijksbegroting 2023 (OCW, art. 4): the Praktijkleren line and its later mutations.
    begroting_url = "https://rijksfinancien.nl/memorie-van-toelichting/2023/1SUPP/VIII/onderdeel/1739213"
    line = _raw_line(path, "2023 (begroting)")
    for fid, period, measure, value in (
        ("subsidy.budget_line.ontwerpbegroting.2023", "2023", "budget_line_eur", 240_092_000),
        ("subsidy.budget_line.mutation_1e_suppletoire.2023", "2023", "budget_mutation_eur", 25_772_000),
        ("subsidy.budget_line.total_after_1e_suppletoire.2023", "2023", "budget_line_eur", 265_864_000),
        ("subsidy.budget_line.mutation_1e_suppletoire.2024", "2024", "budget_mutation_eur", 41_310_000),
        ("subsidy.budget_line.mutation_1e_suppletoire.2025", "2025", "budget_mutation_eur", 34_936_000),
        ("subsidy.budget_line.mutation_1e_suppletoire.2026", "2026", "budget_mutation_eur", 33_864_000),
        ("subsidy.budget_line.mutation_1e_suppletoire.2027", "2027", "budget_mutation_eur", 23_313_000),
    ):
        yield Figure(
            figure_id=fid,
            topic="subsidy",
            publisher="Rijksoverheid (Rijksfinanciën, OCW begroting)",
            measure=measure,
            period=period,
            value=float(value),
            unit="EUR",
            qualifier="exact",
            citation_url=begroting_url,
            source_file=PRAKTIJKLEREN_FILE,
            source_excerpt=line,
            labels={"category": "all categories (total)", "begroting": "OCW 2023, art. 4, Praktijkleren"},
        )

    # The regulation itself: the cap per place (art. 15) and the budgets 2014-2018 (art. 14).
    reg = root / REGULATION_FILE
    yield Figure(
        figure_id="subsidy.max_per_place.regulation_art15",
        topic="subsidy",
        publisher="Staatscourant (OCW), Subsidieregeling praktijkleren",
        measure="max_per_full_place_eur",
        period="2013/2014-",
        value=2700.0,
        unit="EUR per full place",
        qualifier="exact",
        citation_url=REGULATION_URL,
        source_file=REGULATION_FILE,
        source_excerpt=_raw_line(reg, "met een maximum van € 2.700"),
        labels={"article": "15", "category": "all categories"},
    )
    for letter, article, category, amount in (
        ("a.", "4", "mbo bbl", "188,9"),
        ("b.", "6", "hbo duaal/deeltijd", "8"),
        ("c.", "8", "promovendi/toio", "6,7"),
        ("d.", "10", "vmbo leer-werktraject", "1,4"),
    ):
        excerpt = _raw_line(reg, f"{letter} subsidies op grond van artikel {article}:")
        value = float(amount.replace(",", ".")) * 1_000_000
        yield Figure(
            figure_id=f"subsidy.budget_cap.{_slug(category)}.regulation_art14",
            topic="subsidy",
            publisher="Staatscourant (OCW), Subsidieregeling praktijkleren",
            measure="budget_cap_eur",
            period="2014-2018",
            value=round(value),
            unit="EUR per year",
            qualifier="exact",
            citation_url=REGULATION_URL,
            source_file=REGULATION_FILE,
            source_excerpt=excerpt,
            labels={"article": "14", "category": category},
        )


# --------------------------------------------------------------------------------------------
# CBS figures transcribed or extracted from StatLine
# --------------------------------------------------------------------------------------------

SBI_CODES_FILE = "data/reference/84826NED_SBI2008_codes_v4.json"


def _sbi_title_to_key(root: Path) -> dict[str, str]:
    data = json.loads((root / SBI_CODES_FILE).read_text(encoding="utf-8"))
    return {row["Title"]: row["Identifier"] for row in data["value"]}


def _cbs_yearly_vacancies(root: Path) -> Iterator[Figure]:
    rel = "data/published/cbs_80472ned_vacatures_yearly_T001081_1997_2023.csv"
    path = root / rel
    for row in _read_csv(path):
        excerpt = _raw_line(path, row["Perioden"] + ",")
        for col, measure in (
            ("OpenstaandeVacatures_1_x1000", "OpenstaandeVacatures_1"),
            ("VervuldeVacatures_3_x1000", "VervuldeVacatures_3"),
        ):
            if not row[col]:
                continue  # CBS has no value (1997 open vacancies): no figure, never a guess
            yield Figure(
                figure_id=f"cbs.80472ned.{measure}.T001081.{row['Perioden']}.api_extract",
                topic="vacancies",
                publisher="CBS",
                source_table_id="80472ned",
                measure=measure,
                period=row["Perioden"],
                value=float(row[col]),
                unit="x 1 000",
                qualifier="exact",
                citation_url=CBS_DETAIL_URL.format(table_id="80472ned"),
                source_file=rel,
                source_excerpt=excerpt,
                labels={"Bedrijfskenmerken": "T001081", "title": "A-U Alle economische activiteiten"},
            )


def _cbs_80472_excerpts(root: Path, keys: dict[str, str]) -> Iterator[Figure]:
    rel = "data/published/cbs_80472ned_published_excerpts.csv"
    path = root / rel
    for row in _read_csv(path):
        title = row["Bedrijfskenmerken_title"]
        key = keys.get(title, "")
        labels = {"title": title, "view": row["snapshot"]}
        if key:
            labels["Bedrijfskenmerken"] = key
        dim_slug = key or _slug(title)
        excerpt = _raw_line(path, title.split(",")[0], row["Perioden"])
        for col, measure in (
            ("OpenstaandeVacatures_1_x1000", "OpenstaandeVacatures_1"),
            ("OntstaneVacatures_2_x1000", "OntstaneVacatures_2"),
            ("VervuldeVacatures_3_x1000", "VervuldeVacatures_3"),
        ):
            if not row[col]:
                continue
            yield Figure(
                figure_id=f"cbs.80472ned.{measure}.{dim_slug}.{row['Perioden']}.statline",
                topic="vacancies",
                publisher="CBS",
                source_table_id="80472ned",
                measure=measure,
                period=row["Perioden"],
                value=float(row[col]),
                unit="x 1 000",
                qualifier="exact",
                citation_url=CBS_DETAIL_URL.format(table_id="80472ned"),
                source_file=rel,
                source_excerpt=excerpt,
                labels=labels,
            )


def _cbs_80474_sa(root: Path, keys: dict[str, str]) -> Iterator[Figure]:
    rel = "data/published/cbs_80474ned_vacatures_sa_by_sector_2023KW02.csv"
    path = root / rel
    for row in _read_csv(path):
        title = row["SBI2008_part_bedrijven_overheid_title"]
        key = keys.get(title, "")
        labels = {"title": title, "status": row["status"]}
        if key:
            labels["SBI2008"] = key
        yield Figure(
            figure_id=f"cbs.80474ned.vacatures_sa.{key or _slug(title)}.{row['Perioden']}",
            topic="vacancies",
            publisher="CBS",
            source_table_id="80474ned",
            measure="VacaturesSeizoengecorrigeerd",
            period=row["Perioden"],
            value=float(row["VacaturesSeizoengecorrigeerd_x1000"]),
            unit="x 1 000",
            qualifier="exact",
            citation_url=CBS_DETAIL_URL.format(table_id="80474ned"),
            source_file=rel,
            source_excerpt=_raw_line(path, title.split(",")[0], row["Perioden"]),
            labels=labels,
        )


def _cbs_84545_flows(root: Path) -> Iterator[Figure]:
    rel = "data/published/cbs_84545NED_vacatures_sa_stroomcijfers_2017Q1_2024Q1.csv"
    path = root / rel
    for row in _read_csv(path):
        for col, measure in (
            ("VacaturesSeizoengecorrigeerdOpenstaand_x1000", "open"),
            ("VacaturesSeizoengecorrigeerdOntstaan_x1000", "new"),
            ("VacaturesSeizoengecorrigeerdVervuld_x1000", "filled"),
        ):
            yield Figure(
                figure_id=f"cbs.84545NED.vacatures_sa_{measure}.{row['Perioden']}",
                topic="vacancies",
                publisher="CBS",
                source_table_id="84545NED",
                measure=col.removesuffix("_x1000"),
                period=row["Perioden"],
                value=float(row[col]),
                unit="x 1 000",
                qualifier="exact",
                citation_url=CBS_DETAIL_URL.format(table_id="84545NED"),
                source_file=rel,
                source_excerpt=_raw_line(path, row["Perioden"] + ","),
                labels={"status": row["status_in_snapshot"], "region": "Nederland"},
            )


def _cpi_changes(root: Path) -> Iterator[Figure]:
    rel = "data/published/cpi_yearly_changes_2012_2024_from_83131ned.csv"
    path = root / rel
    for row in _read_csv(path):
        year = row["year_to"]
        yield Figure(
            figure_id=f"cbs.83131NED.cpi_yoy_pct.T001112.{year}JJ00",
            topic="cpi",
            publisher="CBS",
            source_table_id="83131NED",
            measure="yoy_change_pct_CPI_1",
            period=f"{year}JJ00",
            value=float(row["yoy_change_pct"]),
            unit="%",
            # computed by the extract's publisher from CBS's yearly CPI_1 index (2015=100)
            qualifier="derived",
            citation_url=CBS_DETAIL_URL.format(table_id="83131NED"),
            source_file=rel,
            source_excerpt=_raw_line(path, f"{row['year_from']},{year},"),
            labels={"Bestedingscategorieen": "T001112", "from_year": row["year_from"]},
        )


# --------------------------------------------------------------------------------------------
# mbo students (stock on 1 October) and bbl inflow
# --------------------------------------------------------------------------------------------

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


def _mbo_by_leerweg(root: Path) -> Iterator[Figure]:
    rel = "data/published/mbo_students_by_leerweg_published_2015_2022.csv"
    path = root / rel
    for row in _read_csv(path):
        publisher, url, table_id, src = _LEERWEG_SOURCES[row["source"]]
        sj = row["studiejaar"]
        for col in ("bbl", "bol", "extranei", "total"):
            if not row[col]:
                continue
            yield Figure(
                figure_id=f"students.{col}.{_studiejaar_slug(sj)}.{src}",
                topic="bbl_students" if col == "bbl" else "mbo_students",
                publisher=publisher,
                source_table_id=table_id,
                measure=f"students_{col}",
                period=sj,
                value=float(row[col]),
                unit="students (1 October)",
                qualifier="exact",
                citation_url=url,
                source_file=rel,
                source_excerpt=_raw_line(path, f"{row['peiljaar_1okt']},{sj},", row["source"].split(" ")[0]),
                labels={"peildatum": f"{row['peiljaar_1okt']}-10-01", "series": row["source"]},
            )


def _bbl_counts_compiled(root: Path) -> Iterator[Figure]:
    rel = "data/published/mbo_bbl_counts_per_year_compiled.csv"
    path = root / rel
    for row in _read_csv(path):
        year = int(row["peiljaar_1okt"])
        sj = f"{year}/{year + 1}"
        qualifier = "about" if year == 2009 else "exact"  # 2009/10: "~167,000" (SBB Barometer)
        for col in ("bbl_students", "bol_students", "total_mbo"):
            if not row[col]:
                continue
            yield Figure(
                figure_id=f"students.{col}.{_studiejaar_slug(sj)}.compiled",
                topic="bbl_students" if col == "bbl_students" else "mbo_students",
                publisher=row["source"].split(" (")[0],
                measure=col,
                period=sj,
                value=float(row[col]),
                unit="students (1 October)",
                qualifier=qualifier,
                citation_url=row["source_url"],
                source_file=rel,
                source_excerpt=_raw_line(path, f"{year},{row[col]}") if col == "bbl_students"
                else _raw_line(path, f"{year},", row[col]),
                labels={"peildatum": f"{year}-10-01", "source": row["source"]},
            )


def _bbl_inflow(root: Path) -> Iterator[Figure]:
    rel = "data/published/bbl_inflow_by_sectorkamer_2021_2022.csv"
    path = root / rel
    for row in _read_csv(path):
        qualifier = "at least" if row["qualifier"].startswith("at least") else row["qualifier"]
        sj = row["studiejaar"].replace("/", "/20")  # "2021/22" -> "2021/2022"
        yield Figure(
            figure_id=f"inflow.bbl.{_slug(row['sectorkamer'])}.{_studiejaar_slug(sj)}",
            topic="bbl_inflow",
            publisher="MBO Raad",
            measure="bbl_inflow",
            period=sj,
            value=float(row["bbl_inflow"]),
            unit="new bbl students",
            qualifier=qualifier,
            citation_url=row["source_url"],
            source_file=rel,
            source_excerpt=_raw_line(path, row["studiejaar"], row["bbl_inflow"]),
            labels={"sectorkamer": row["sectorkamer"], "via": row["source"]},
        )


# --------------------------------------------------------------------------------------------
# SEO 2019 and the employer-cost estimate
# --------------------------------------------------------------------------------------------

def _seo(root: Path) -> Iterator[Figure]:
    rel = "data/published/seo_2019_bbl_costs_benefits.csv"
    path = root / rel
    for row in _read_csv(path):
        q = row["qualifier"]
        qualifier = (
            "almost" if q.startswith("almost")
            else "at least" if q.startswith("more than")
            else "about" if q.startswith("about")
            else "exact"
        )
        employer = row["figure_id"] == "employer_cost_per_bbl_student"
        yield Figure(
            figure_id=f"{'employer_cost' if employer else 'seo2019'}.{row['figure_id']}",
            topic="employer_cost" if employer else "seo_2019",
            publisher="VNO-NCW / MKB-Nederland" if employer else "SEO Economisch Onderzoek (rapport 2019-59)",
            measure=row["figure_id"],
            period="2018" if employer else "2019",
            value=float(row["value_eur"]),
            unit="EUR per student per year" if employer else "EUR per year",
            qualifier=qualifier,
            citation_url=row["source_url"],
            source_file=rel,
            source_excerpt=_raw_line(path, row["figure_id"] + ","),
            labels={"description": row["description"]},
        )


# --------------------------------------------------------------------------------------------

def build_register(root: Path) -> list[dict[str, str]]:
    """All register rows built from the source files under ``root`` (the project root)."""
    keys = _sbi_title_to_key(root)
    figures: list[Figure] = [
        *_praktijkleren_rows(root),
        *_cbs_yearly_vacancies(root),
        *_cbs_80472_excerpts(root, keys),
        *_cbs_80474_sa(root, keys),
        *_cbs_84545_flows(root),
        *_cpi_changes(root),
        *_mbo_by_leerweg(root),
        *_bbl_counts_compiled(root),
        *_bbl_inflow(root),
        *_seo(root),
    ]
    rows = [f.as_row() for f in figures]
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


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    out = root / "data" / "figures" / "published_figures.csv"
    n = write_register(root, out)
    print(f"wrote {n} figures to {out.relative_to(root)}", file=sys.stderr)


if __name__ == "__main__":
    main()
