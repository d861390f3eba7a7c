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
                 revision: int = 0, table_id: str = "80472ned", secret_years: int = 2) -> None:
        self.first_year, self.last_year, self.revision = first_year, last_year, revision
        self.secret_years = secret_years
        periods = []
        for y in range(first_year, last_year + 1):
            for q in range(1, 5):
                periods.append(f"{y}KW0{q}")
            periods.append(f"{y}JJ00")
        def status(p: str) -> str:
            return "Voorlopig" if int(p[:4]) == last_year else "Definitief"

        codes = {
            "Bedrijfskenmerken": [{"Identifier": c, "Key": f"{c:<8}", "Title": f"SBI {c}", "Description": "",
                                   "CategoryGroupID": 1} for c in [TOTAL, *SECTIONS]],
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
        revised = 1 + (0.013 * ((s + quarter) % 3 - 1) if self.revision and year == self.last_year else 0)
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
                    out[(mid, TOTAL, p)] = sum(out[(mid, c, p)] for c in SECTIONS)
        published: dict[tuple[str, str, str], float | None] = {}
        for (mid, code, p), v in out.items():
            dec = next(m["decimals"] for m in MEASURES if m["id"] == mid)
            secret = code == SECRET and int(p[:4]) < self.first_year + self.secret_years
            published[(mid, code, p)] = None if secret else cbs_round(v, dec)
        return published

    # edits a test makes ---------------------------------------------------------------------
    def set_cell(self, measure: str, code: str, period: str, value: float | None) -> None:
        self.cells[(measure, code, period)] = value

    def revise(self, version: str) -> VacancyTable:
        """The next version: the provisional year's cells revised, as CBS does at its next release."""
        return VacancyTable(self.first_year, self.last_year, version, self.revision + 1, self.table_id, self.secret_years)

    # serving (v3 wide rows) -----------------------------------------------------------------
    def _rows(self) -> list[tuple[str, str]]:
        return [(code, p) for code in [TOTAL, *SECTIONS] for p in self.periods]

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
