"""Subsidieregeling praktijkleren: figures from the compiled per-studiejaar file
(data/published/praktijkleren_mbo_per_studiejaar_compiled.csv): budgets, amounts per full place,
percentages of the requested amount, counts of applications and places, the figures stated in its
note column, and the OCW budget line (Rijksbegroting 2023) with its mutations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bbl.figures.vocabulary import Figure, SourceFile, slug, studiejaar_slug, url_host

PRAKTIJKLEREN_FILE = "data/published/praktijkleren_mbo_per_studiejaar_compiled.csv"

_CATEGORY_SLUG = {
    "mbo bbl": "mbo_bbl",
    "all categories (total)": "total",
    "hbo duaal/deeltijd": "hbo",
    "vmbo/vso/pro": "vmbo_vso_pro",
}
_PUBLISHERS = {
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
}
_COUNT_MEASURES = {"aanvragen": "applications", "werkgevers": "employers_applying", "aanvragers": "applicants",
                   "bbl-plaatsen": "bbl_places_granted"}
# Figures stated in the note column (quoted verbatim as the excerpt):
# (studiejaar, measure, category label, value, unit, needle in the line, publisher url)
_NOTES = [
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
# Rijksbegroting 2023 (OCW, art. 4): the Praktijkleren line and its later mutations.
_BEGROTING_URL = "https://rijksfinancien.nl/memorie-van-toelichting/2023/1SUPP/VIII/onderdeel/1739213"
_BEGROTING = [
    ("subsidy.budget_line.ontwerpbegroting.2023", "2023", "budget_line_eur", 240_092_000),
    ("subsidy.budget_line.mutation_1e_suppletoire.2023", "2023", "budget_mutation_eur", 25_772_000),
    ("subsidy.budget_line.total_after_1e_suppletoire.2023", "2023", "budget_line_eur", 265_864_000),
    ("subsidy.budget_line.mutation_1e_suppletoire.2024", "2024", "budget_mutation_eur", 41_310_000),
    ("subsidy.budget_line.mutation_1e_suppletoire.2025", "2025", "budget_mutation_eur", 34_936_000),
    ("subsidy.budget_line.mutation_1e_suppletoire.2026", "2026", "budget_mutation_eur", 33_864_000),
    ("subsidy.budget_line.mutation_1e_suppletoire.2027", "2027", "budget_mutation_eur", 23_313_000),
]


# Figures a row's first URL does not publish: the Staatscourant document of 2018/2019 (stcrt-2019-48191) is
# the plafonds decision of 23-8-2019, which sets the budgets; the amount per place, the percentage of the
# requested amount and the places granted are reported by AAVAS and ANKO (second and third URL of the row;
# ../docs/sources-and-claims.md). Those figures cite the URL that reports them.
_CITED_ELSEWHERE = {("2018/2019", "mbo bbl"): ({"amount_per_full_place_eur", "pct_of_requested",
                                                "bbl_places_granted"}, 1)}


def publisher_from_url(url: str) -> str:
    return _PUBLISHERS.get(url_host(url), url_host(url))


def _host_slug(url: str) -> str:
    return slug(url_host(url).rsplit(".", 1)[0])


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


def _row_figures(src: SourceFile, row: dict[str, str]) -> Iterator[Figure]:
    sj = row["studiejaar"]
    category = row["category"]
    cat = _CATEGORY_SLUG[category]
    url = row["source_url"].split(" ; ")[0].strip()
    status = row["status"]
    base_qualifier = "inferred" if status == "inferred" else "exact"
    period = sj.split(" (")[0]
    period_slug = studiejaar_slug(period) if "/" in period else slug(period)
    labels = {"category": category, "status_in_source": status}
    excerpt = src.line(row["studiejaar"], row["category"], row["source_url"].split(" ; ")[0])
    # Two sources report the same 2013/14 totals; keep both, told apart by publisher.
    suffix = f".{_host_slug(url)}" if sj == "2013/2014" else ""

    elsewhere, url_index = _CITED_ELSEWHERE.get((sj, category), (set(), 0))

    def figure(figure_id: str, measure: str, value: float, qualifier: str, unit: str, **shared: str) -> Figure:
        cited = row["source_url"].split(" ; ")[url_index].strip() if measure in elsewhere else url
        shared = {"publisher": publisher_from_url(cited), "citation_url": cited, **shared}
        return src.figure(figure_id, measure, period, value, excerpt, qualifier, shared.pop("labels", labels),
                          unit=unit, **shared)

    budget = _budget(row["budget_eur"])
    if budget is not None:
        value, qualifier = budget
        yield figure(f"subsidy.budget.{cat}.{period_slug}{suffix}", "budget_eur", value,
                     qualifier if base_qualifier == "exact" else base_qualifier, "EUR")

    amount = row["amount_per_full_place_eur"].strip()
    if amount and "derived" not in amount:
        if amount.startswith("~"):
            # "~2300 (OCW forecast); 2300-2500 (OAZ)": one OCW forecast and OAZ's range.
            m = re.fullmatch(r"~(\d+) \(OCW forecast\); (\d+)-(\d+) \(OAZ\)", amount)
            if not m:
                raise ValueError(f"unrecognised forecast cell {amount!r}")
            stl, oaz = (u.strip() for u in row["source_url"].split(" ; ")[:2])
            for end, val, pub, cited, extra in (
                ("ocw", m.group(1), "OCW (via STL)", stl, {"forecast_by": "OCW", "wording": "zo'n / ongeveer"}),
                ("oaz_low", m.group(2), "OAZ", oaz, {"forecast_by": "OAZ", "range_end": "low"}),
                ("oaz_high", m.group(3), "OAZ", oaz, {"forecast_by": "OAZ", "range_end": "high"}),
            ):
                yield figure(f"subsidy.amount_per_place.{cat}.{period_slug}.forecast_{end}",
                             "amount_per_full_place_eur", float(val), "forecast", "EUR per full place",
                             publisher=pub, citation_url=cited, labels={**labels, **extra})
        else:
            yield figure(f"subsidy.amount_per_place.{cat}.{period_slug}", "amount_per_full_place_eur",
                         float(amount), base_qualifier, "EUR per full place")

    pct = row["pct_of_requested"].strip()
    if pct and "derived" not in pct:
        yield figure(f"subsidy.pct_of_requested.{cat}.{period_slug}", "pct_of_requested", float(pct),
                     base_qualifier, "% of requested amount")

    for m in re.finditer(r"(>|~)?(\d+) (aanvragen|werkgevers|aanvragers|bbl-plaatsen)",
                         row["n_places_or_applications"].strip()):
        sign, number, what = m.groups()
        qualifier = {">": "at least", "~": "about"}.get(sign or "", "exact")
        if what == "aanvragen" and sj == "2013/2014":
            qualifier = "at least"  # the answer says "ruim 92.000 aanvragen"
        measure = _COUNT_MEASURES[what]
        yield figure(f"subsidy.{measure}.{cat}.{period_slug}{suffix}", measure, float(number), qualifier, "count")


def praktijkleren_figures(root: Path) -> Iterator[Figure]:
    src = SourceFile(root, PRAKTIJKLEREN_FILE, topic="subsidy")
    for row in src.rows():
        if not row["source_url"].startswith("http"):
            # "2014-2018 (plafond per regeling art.14)" cites the regulation itself: its figures are
            # taken from the regulation text (regulation.py), the primary source.
            continue
        yield from _row_figures(src, row)
    for sj, measure, category, value, unit, needle, url in _NOTES:
        kind = "budget" if measure == "budget_eur" else "extra_per_place"
        yield src.figure(f"subsidy.{kind}.{slug(category)}.{studiejaar_slug(sj)}", measure, sj, value,
                         src.line(sj, needle), labels={"category": category,
                                                        "status_in_source": "reported (note column)"},
                         publisher=publisher_from_url(url), unit=unit, citation_url=url)
    line = src.line("2023 (begroting)")
    for fid, period, measure, value in _BEGROTING:
        yield src.figure(fid, measure, period, value, line,
                         labels={"category": "all categories (total)", "begroting": "OCW 2023, art. 4, Praktijkleren"},
                         publisher="Rijksoverheid (Rijksfinanciën, OCW begroting)", unit="EUR",
                         citation_url=_BEGROTING_URL)
