"""Synthetic CBS tables shaped like CBS's own, for tests only (never in data/ or a published warehouse).

`VacancyTable` imitates 80472ned (Vacatures; SBI 2008) as the v3 ODataFeed serves it:
* Bedrijfskenmerken: the A-U total (T001081) and its 21 SBI sections; v3 keys space-padded to 8;
* Perioden: quarters YYYYKW01..04 and yearly YYYYJJ00; the latest year and its quarters "Voorlopig";
* OpenstaandeVacatures_1 (x 1 000, 1 decimal): a stock at the end of each quarter; its yearly figure
  is CBS's weighted average (Q4 previous year + 2·Q1 + 2·Q2 + 2·Q3 + Q4) / 8;
  OntstaneVacatures_2 and VervuldeVacatures_3 (x 1 000, 0 decimals): flows, yearly = sum of quarters;
* the total is the sum of the *unrounded* sections and every aggregate is formed from unrounded
  values; then every published cell is rounded to its measure's Decimals, as CBS publishes them;
* a section with secret cells (null in the TypedDataSet, '.' on StatLine) in the earliest years;
* `revise()` makes the next version: the provisional year's cells revised by about 1%.
"""

from __future__ import annotations

import math
from typing import Any

from http_server import Table

SECTIONS = ["301000", "305700", "307500", "346600", "348000", "350000", "354200", "383100", "389100", "391600",
            "396300", "402000", "403300", "410200", "417400", "419000", "422400", "428100", "435500", "440000",
            "440900"]
TOTAL = "T001081"
SECRET = "305700"  # B Delfstoffenwinning: too few respondents in the first years
MEASURES = [
    {"id": "OpenstaandeVacatures_1", "key": "OpenstaandeVacatures_1", "title": "Openstaande vacatures",
     "unit": "x 1 000", "decimals": 1, "kind": "stock"},
    {"id": "OntstaneVacatures_2", "key": "OntstaneVacatures_2", "title": "Ontstane vacatures", "unit": "x 1 000",
     "decimals": 0, "kind": "flow"},
    {"id": "VervuldeVacatures_3", "key": "VervuldeVacatures_3", "title": "Vervulde vacatures", "unit": "x 1 000",
     "decimals": 0, "kind": "flow"},
]


def cbs_round(value: float, decimals: int) -> float:
    """CBS rounds half away from zero."""
    f = 10 ** decimals
    return math.copysign(math.floor(abs(value) * f + 0.5) / f, value)


class VacancyTable(Table):
    def __init__(self, first_year: int = 2012, last_year: int = 2023, version: str = "202308160200",
                 revision: int = 0, table_id: str = "80472ned", secret_years: int = 2,
                 dropped: tuple[str, ...] = (), revised_year: int | None = None) -> None:
        self.first_year, self.last_year, self.revision = first_year, last_year, revision
        self.secret_years, self.dropped = secret_years, dropped
        self.revised_year = last_year if revised_year is None else revised_year
        periods = []
        for y in range(first_year, last_year + 1):
            for q in range(1, 5):
                periods.append(f"{y}KW0{q}")
            periods.append(f"{y}JJ00")
        def status(p: str) -> str:
            return "Voorlopig" if int(p[:4]) == last_year else "Definitief"

        codes = {
            "Bedrijfskenmerken": [{"Identifier": c, "Key": f"{c:<8}", "Title": f"SBI {c}", "Description": "",
                                   "CategoryGroupID": 1} for c in [TOTAL, *SECTIONS] if c not in dropped],
            "Perioden": [{"Identifier": p, "Key": p, "Title": p, "Description": "", "Status": status(p)}
                         for p in periods],
        }
        super().__init__(table_id=table_id, title="Vacatures; SBI 2008 (synthetic, CBS-shaped)", version=version,
                         modified=f"{version[:4]}-{version[4:6]}-{version[6:8]}T02:00:00+02:00",
                         dims=[("Bedrijfskenmerken", "Dimension", "Bedrijfskenmerken"),
                               ("Perioden", "TimeDimension", "Perioden")],
                         measures=[dict(m) for m in MEASURES], codes=codes, apis={"v3"})
        self.periods = periods
        self.cells = self._cells()
        self.corrupted: dict[tuple[str, str, str], float | None] = {}

    # the unrounded truth --------------------------------------------------------------------
    def _true(self, measure: str, code: str, year: int, quarter: int) -> float:
        s = SECTIONS.index(code) + 1
        t = (year - 2000) * 4 + quarter
        base = 1.3 + (s * 37 % 23) + 0.7 * math.sin(s)
        season = 1 + 0.08 * math.sin(t * math.pi / 2 + s)
        trend = 1 + 0.03 * (year - 2012)
        wiggle = (s * 7919 + t * 104729) % 1000 / 3000
        revised = 1 + (0.013 * ((s + quarter) % 3 - 1) if self.revision and year >= self.revised_year else 0)
        value = (base * season * trend + wiggle) * revised
        return value if measure == "OpenstaandeVacatures_1" else value * (1.4 if "Ontstane" in measure else 1.3)

    def _cells(self) -> dict[tuple[str, str, str], float | None]:
        out: dict[tuple[str, str, str], float | None] = {}
        for m in MEASURES:
            mid, dec = m["id"], m["decimals"]
            for year in range(self.first_year, self.last_year + 1):
                for code in SECTIONS:
                    qs = [self._true(mid, code, year, q) for q in range(1, 5)]
                    prev_q4 = self._true(mid, code, year - 1, 4)
                    yearly = ((prev_q4 + 2 * qs[0] + 2 * qs[1] + 2 * qs[2] + qs[3]) / 8 if m["kind"] == "stock"
                              else sum(qs))
                    for q, v in enumerate(qs, start=1):
                        out[(mid, code, f"{year}KW0{q}")] = v
                    out[(mid, code, f"{year}JJ00")] = yearly
                for p in [f"{year}KW0{q}" for q in range(1, 5)] + [f"{year}JJ00"]:
                    out[(mid, TOTAL, p)] = sum(out[(mid, c, p)] for c in SECTIONS if c not in self.dropped)
        published: dict[tuple[str, str, str], float | None] = {}
        for (mid, code, p), v in out.items():
            dec = next(m["decimals"] for m in MEASURES if m["id"] == mid)
            secret = code == SECRET and int(p[:4]) < self.first_year + self.secret_years
            published[(mid, code, p)] = None if secret else cbs_round(v, dec)
        return published

    # edits a test makes ---------------------------------------------------------------------
    def set_cell(self, measure: str, code: str, period: str, value: float | None) -> None:
        self.cells[(measure, code, period)] = value

    def revise(self, version: str, last_year: int | None = None, dropped: tuple[str, ...] = ()) -> VacancyTable:
        """The next version: the provisional year's cells revised, as CBS does at its next release;
        optionally a new year added (``last_year``) and codes no longer published (``dropped``)."""
        return VacancyTable(self.first_year, last_year or self.last_year, version, self.revision + 1, self.table_id,
                            self.secret_years, dropped, revised_year=self.last_year)

    # serving (v3 wide rows) -----------------------------------------------------------------
    def _rows(self) -> list[tuple[str, str]]:
        return [(code, p) for code in [TOTAL, *SECTIONS] if code not in self.dropped for p in self.periods]

    def count_v3(self, flt: dict[str, str]) -> int:
        return len(self._rows())

    def rows_v3(self, start: int, stop: int, flt: dict[str, str]) -> list[dict[str, Any]]:
        out = []
        for i, (code, p) in enumerate(self._rows()[start:stop], start=start):
            row: dict[str, Any] = {"ID": i, "Bedrijfskenmerken": f"{code:<8}", "Perioden": p}
            for m in MEASURES:
                row[m["key"]] = self.cells[(m["id"], code, p)]
            out.append(row)
        return out


class CubeTable(Table):
    """A CBS table as a cube: dimensions with CBS-style codes (v3 keys space-padded), time codes with a
    Status, measures with Decimals; one v4 observation per cell and measure, one v3 row per cell.
    ``value(measure, coords)`` gives the unrounded value (None: a secret cell), rounded as CBS does."""

    def __init__(self, table_id: str, title: str, dims: list[tuple[str, str, list[tuple[str, str]]]],
                 measures: list[dict[str, Any]], value: Any, statuses: dict[str, str] | None = None,
                 apis: set[str] | None = None, version: str = "202310010000") -> None:
        statuses = statuses or {}
        codes = {}
        for name, kind, items in dims:
            width = max(len(k) for k, _ in items)
            codes[name] = [{"Identifier": k, "Key": f"{k:<{width + 2}}", "Title": t, "Description": "",
                            **({"Status": statuses.get(k, "Definitief")} if kind == "TimeDimension"
                               else {"CategoryGroupID": 1, "DimensionGroupId": "0"})} for k, t in items]
        super().__init__(table_id=table_id, title=title, version=version,
                         modified=f"{version[:4]}-{version[4:6]}-{version[6:8]}T02:00:00+02:00",
                         dims=[(n, k, n) for n, k, _ in dims], measures=measures, codes=codes,
                         apis=apis or {"v4", "v3"})
        import itertools

        self.cells = list(itertools.product(*[[k for k, _ in items] for _, _, items in dims]))
        self.dim_names = [n for n, _, _ in dims]
        self.value = value

    def _value(self, measure: dict[str, Any], cell: tuple[str, ...]) -> float | None:
        v = self.value(measure["id"], dict(zip(self.dim_names, cell, strict=True)))
        return None if v is None else cbs_round(v, measure["decimals"])

    def count_v4(self, flt: dict[str, str]) -> int:
        return len(self.cells) * len(self.measures)

    def rows_v4(self, start: int, stop: int, flt: dict[str, str]) -> list[dict[str, Any]]:
        out = []
        for i in range(start, min(stop, self.count_v4(flt))):
            cell, m = self.cells[i // len(self.measures)], self.measures[i % len(self.measures)]
            v = self._value(m, cell)
            out.append({"Id": i, "Measure": m["id"], "ValueAttribute": "None" if v is not None else "Impossible",
                        "Value": v, "StringValue": None, **dict(zip(self.dim_names, cell, strict=True))})
        return out

    def count_v3(self, flt: dict[str, str]) -> int:
        return len(self.cells)

    def rows_v3(self, start: int, stop: int, flt: dict[str, str]) -> list[dict[str, Any]]:
        pads = {n: {c["Identifier"]: c["Key"] for c in self.codes[n]} for n in self.dim_names}
        out = []
        for i, cell in enumerate(self.cells[start:stop], start=start):
            row: dict[str, Any] = {"ID": i, **{n: pads[n][k] for n, k in zip(self.dim_names, cell, strict=True)}}
            row.update({m["key"]: self._value(m, cell) for m in self.measures})
            out.append(row)
        return out


def _quarters(first: int, last: int) -> list[tuple[str, str]]:
    return [(f"{y}KW0{q}", f"{y} {q}e kwartaal") for y in range(first, last + 1) for q in range(1, 5)]


def vacancy_rate_table() -> CubeTable:
    """80567ned: vacancies per 1,000 employee jobs at the end of the quarter, by SBI 2008 (v3 keys)."""
    sbi = [("T001081", "A-U Alle economische activiteiten"), ("300003", "B-F Nijverheid en energie"),
           ("307500", "C Industrie"), ("350000", "F Bouwnijverheid")]
    periods = _quarters(2021, 2023)
    return CubeTable(
        "80567ned", "Vacatures; vacaturegraad naar SBI 2008 (synthetic, CBS-shaped)",
        [("SBI2008", "Dimension", sbi), ("Perioden", "TimeDimension", periods)],
        [{"id": "M002041", "key": "Vacaturegraad_1", "title": "Vacaturegraad", "unit": "aantal", "decimals": 0}],
        lambda m, c: 40 + 7 * sbi.index(next(s for s in sbi if s[0] == c["SBI2008"])) + int(c["Perioden"][7]) * 1.3,
        statuses={p: "Voorlopig" for p, _ in periods[-2:]}, apis={"v3"})


def labour_force_table() -> CubeTable:
    """85224NED: labour force key figures, seasonally adjusted, by sex and age, per quarter (v4)."""
    sexes = [("T001038", "Totaal mannen en vrouwen"), ("3000", "Mannen"), ("4000", "Vrouwen")]
    ages = [("52052", "15 tot 75 jaar"), ("53105", "15 tot 25 jaar")]
    periods = _quarters(2017, 2024)[:29]  # up to 2024KW01, like 84545NED in the register

    def unemployed(m: str, c: dict[str, str]) -> float:
        base = 420 - 4.1 * periods.index(next(p for p in periods if p[0] == c["Perioden"]))
        share = {"T001038": 1.0, "3000": 0.52, "4000": 0.48}[c["Geslacht"]] * (1.0 if c["Leeftijd"] == "52052" else 0.38)
        return base * share
    return CubeTable(
        "85224NED", "Arbeidsdeelname; kerncijfers seizoengecorrigeerd (synthetic, CBS-shaped)",
        [("Geslacht", "Dimension", sexes), ("Leeftijd", "Dimension", ages), ("Perioden", "TimeDimension", periods)],
        [{"id": "M001234", "key": "WerklozeBeroepsbevolking_2", "title": "Werkloze beroepsbevolking",
          "unit": "x 1 000", "decimals": 0}],
        unemployed, statuses={periods[-1][0]: "Voorlopig"}, apis={"v4"})


SECTORKAMERS = [("T001072", "Totaal", 130_000), ("A048581", "Sectorkamer techniek en gebouwde omgeve.", 30_000),
                ("A048582", "Sectorkamer mobiliteit, transport, logi.", 15_000),
                ("A048583", "Sectorkamer zorg, welzijn en sport", 40_000), ("A048584", "Sectorkamer handel", 20_000),
                ("A048585", "Sectorkamer voedsel, groen en gastvrijh", 25_000),
                ("A048590", "07 Techniek, industrie en bouwkunde", 33_000)]


def mbo_students_table() -> CubeTable:
    """85353NED: mbo students on 1 October by sex, level, leerweg, field (incl. SBB sectorkamers), region (v4)."""
    def students(m: str, c: dict[str, str]) -> float:
        base = next(n for k, _, n in SECTORKAMERS if k == c["Studierichting"])
        factor = {"A025261": 1.0, "A025259": 3.1, "T001208": 4.2}[c["Leerweg"]]
        factor *= {"T001038": 1.0, "3000": 0.6}[c["Geslacht"]] * {"T001097": 1.0, "A025275": 0.45}[c["Niveau"]]
        factor *= {"NL01": 1.0, "PV20": 0.04}[c["Regio"]] * (1.02 if c["Perioden"] == "2022SJ00" else 1.0)
        return base * factor
    return CubeTable(
        "85353NED", "Mbo; studenten, niveau, leerweg, studierichting, regio (synthetic, CBS-shaped)",
        [("Geslacht", "Dimension", [("T001038", "Totaal mannen en vrouwen"), ("3000", "Mannen")]),
         ("Niveau", "Dimension", [("T001097", "Totaal"), ("A025275", "Mbo niveau 3")]),
         ("Leerweg", "Dimension", [("A025261", "Bbl totaal"), ("A025259", "Bol totaal"),
                                   ("T001208", "Totaal mbo (incl. extranei)")]),
         ("Studierichting", "Dimension", [(k, t) for k, t, _ in SECTORKAMERS]),
         ("Regio", "GeoDimension", [("NL01", "Nederland"), ("PV20", "Groningen (PV)")]),
         ("Perioden", "TimeDimension", [("2021SJ00", "2021/'22"), ("2022SJ00", "2022/'23*")])],
        [{"id": "M004410", "key": "MboStudenten_1", "title": "Mbo-studenten", "unit": "aantal", "decimals": 0}],
        students, statuses={"2022SJ00": "Voorlopig"}, apis={"v4"})
