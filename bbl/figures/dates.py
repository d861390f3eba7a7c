"""When each figure of the register was published, from the source's own words.

``data/figures/publication_dates.csv`` says, per source file (and citation URL or period range where
one file mixes publications), the date the source states for its publication, how precise that date
is, and the verbatim words that state it and where they stand (a file under data/, or the citation
URL itself, as in ``stcrt-2019-48191``). The builder checks every quote against its file, so no date
is typed in without the source saying it.

``date_published`` is the *last* day the stated date allows: "Sep 2019" -> 2019-09-30, "2019" ->
2019-12-31; for ``accessed`` (the page was checked or copied on that day) it is that day, an upper
bound. An as-of query therefore never counts a figure as known before it could have been. A figure
whose source states no date gets none, and as-of builds leave it out (`bbl run --as-of`).
"""

from __future__ import annotations

import calendar
import csv
from dataclasses import dataclass
from pathlib import Path

DATES_FILE = "data/figures/publication_dates.csv"
PRECISIONS = {
    "day": "dag genoemd door de bron",
    "month": "maand genoemd door de bron (laatste dag gebruikt)",
    "year": "jaar genoemd door de bron (31 december gebruikt)",
    "accessed": "bron geraadpleegd of gekopieerd op die dag (uiterlijk gepubliceerd op)",
}


class DatesError(ValueError):
    """An entry of publication_dates.csv is malformed or its quote is not in its file."""


@dataclass(frozen=True)
class PublicationDate:
    source_file: str
    citation_url: str
    period_from: str
    period_to: str
    stated: str
    precision: str
    quote: str
    quote_in: str

    @property
    def date_published(self) -> str:
        """The last day the stated date allows, ISO."""
        parts = [int(p) for p in self.stated.split("-")]
        if len(parts) == 3:
            return f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"
        if len(parts) == 2:
            return f"{parts[0]:04d}-{parts[1]:02d}-{calendar.monthrange(parts[0], parts[1])[1]:02d}"
        return f"{parts[0]:04d}-12-31"

    @property
    def basis(self) -> str:
        where = "de URL" if self.quote_in == "citation_url" else self.quote_in
        return f"{self.stated} ({PRECISIONS[self.precision]}): \"{self.quote}\" in {where}"

    def matches(self, row: dict[str, str]) -> bool:
        if row["source_file"] != self.source_file:
            return False
        if self.citation_url and row["citation_url"] != self.citation_url:
            return False
        if self.period_from and not (self.period_from <= row["period"] <= self.period_to):
            return False
        return True


def read_dates(root: Path) -> list[PublicationDate]:
    """The entries, each checked: a known precision, a date of that precision, the quote in its file."""
    path = root / DATES_FILE
    with path.open(encoding="utf-8", newline="") as fh:
        entries = [PublicationDate(**row) for row in csv.DictReader(fh)]
    for e in entries:
        where = f"{DATES_FILE}: {e.source_file} {e.citation_url} {e.period_from}".strip()
        if e.precision not in PRECISIONS:
            raise DatesError(f"{where}: precision {e.precision!r} not in {sorted(PRECISIONS)}")
        n_parts = {"day": 3, "accessed": 3, "month": 2, "year": 1}[e.precision]
        if len(e.stated.split("-")) != n_parts:
            raise DatesError(f"{where}: stated date {e.stated!r} does not have {e.precision} precision")
        text = e.citation_url if e.quote_in == "citation_url" else (root / e.quote_in).read_text(encoding="utf-8")
        if e.quote not in text:
            raise DatesError(f"{where}: the quote {e.quote!r} is not in {e.quote_in}")
    return entries


def date_columns(row: dict[str, str], entries: list[PublicationDate]) -> dict[str, str]:
    """``date_published`` and ``date_published_basis`` of a register row ('' when no source states a date)."""
    for e in entries:
        if e.matches(row):
            return {"date_published": e.date_published, "date_published_basis": e.basis}
    return {"date_published": "", "date_published_basis": ""}
