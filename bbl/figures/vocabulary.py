"""The register's vocabulary: its columns, the qualifiers a figure's wording gets, the `Figure` row,
and `SourceFile`, the one place a builder turns a line of a copied source file into a `Figure`.

Every builder (one module per source family, see build.py) reads one source file copied verbatim
into data/published/ or data/reference/ and yields figures through `SourceFile.figure`, which fills
in what all figures of that file share (topic, publisher, table, unit, citation) and the file's path.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    "source_kind",
    "primary_publisher",
    "date_published",
    "date_published_basis",
]

# What a number's wording says about it. "exact": as published; "about": rounded or "ongeveer"/"zo'n";
# "at least": "ruim"/"meer dan"; "almost": "bijna"; "forecast": an expectation before the fact;
# "inferred": not published per year but inferred by the compiler from a general statement;
# "derived": computed by the publisher of the extract from published values.
QUALIFIERS = ("exact", "about", "at least", "almost", "forecast", "inferred", "derived")
TOPICS = ("subsidy", "vacancies", "cpi", "bbl_students", "mbo_students", "bbl_inflow", "seo_2019", "employer_cost")

# Primary vs secondary: a figure is *primary* when the page cited is the publication of the body that
# produces the figure (CBS's own site, the Staatscourant, the Rijksbegroting, RVO, OCW in cijfers,
# SEO's report); *secondary* when a news site, sector body or mirror reports it (OAZ, VGN, STL, AAVAS,
# AOb, mbo-today, NJi, openkamer.org, ...). `primary_publisher` names who produces the figure.
PRIMARY_HOSTS = {"cbs.nl", "zoek.officielebekendmakingen.nl", "rijksfinancien.nl", "rvo.nl", "ocwincijfers.nl",
                 "seo.nl"}
SOURCE_KINDS = ("primary", "secondary")
PRIMARY_PUBLISHER = {  # by topic: who produces the figures a secondary source reports
    "subsidy": "OCW / RVO (Subsidieregeling praktijkleren)",
    "vacancies": "CBS", "cpi": "CBS",
    "bbl_students": "DUO / OCW", "mbo_students": "DUO / OCW",
    "bbl_inflow": "MBO Raad",
    "seo_2019": "SEO Economisch Onderzoek",
    "employer_cost": "VNO-NCW / MKB-Nederland",
}


def url_host(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).split("/")[0]


def source_kind(url: str) -> str:
    """'primary' when ``url`` is on the producing body's own site, else 'secondary'."""
    return "primary" if url_host(url) in PRIMARY_HOSTS else "secondary"


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
        kind = source_kind(self.citation_url)
        return {
            "figure_id": self.figure_id,
            "topic": self.topic,
            "publisher": self.publisher,
            "source_table_id": self.source_table_id,
            "measure": self.measure,
            "labels": json.dumps(self.labels, ensure_ascii=False, sort_keys=True),
            "period": self.period,
            "value": fmt_value(self.value),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "citation_url": self.citation_url,
            "source_file": self.source_file,
            "source_excerpt": self.source_excerpt,
            "source_kind": kind,
            "primary_publisher": self.publisher if kind == "primary" else PRIMARY_PUBLISHER[self.topic],
        }


def fmt_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def studiejaar_slug(studiejaar: str) -> str:
    return studiejaar.replace("/", "-")


@dataclass(frozen=True)
class SourceFile:
    """One copied source file (``rel``, relative to the project root) and what its figures share."""

    root: Path
    rel: str
    topic: str = ""
    publisher: str = ""
    source_table_id: str = ""
    unit: str = ""
    citation_url: str = ""

    @property
    def path(self) -> Path:
        return self.root / self.rel

    def rows(self) -> list[dict[str, str]]:
        with self.path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    def line(self, *needles: str) -> str:
        """The first line of the file that contains every needle, verbatim (the excerpt a row cites)."""
        for text in self.path.read_text(encoding="utf-8").splitlines():
            if all(n in text for n in needles):
                return text.strip()
        raise ValueError(f"{self.path.name}: no line contains {needles!r}")

    def figure(self, figure_id: str, measure: str, period: str, value: float, excerpt: str,
               qualifier: str = "exact", labels: dict[str, str] | None = None, **shared: Any) -> Figure:
        """A figure of this file; ``shared`` overrides what the file's figures share (e.g. a row's publisher)."""
        fields = {"topic": self.topic, "publisher": self.publisher, "source_table_id": self.source_table_id,
                  "unit": self.unit, "citation_url": self.citation_url, **shared}
        return Figure(figure_id=figure_id, measure=measure, period=period, value=float(value), qualifier=qualifier,
                      source_file=self.rel, source_excerpt=excerpt, labels=dict(labels or {}), **fields)
