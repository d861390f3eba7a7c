"""The claim ledger's model: a claim (read from the family YAMLs), what a computation returns, the
tables it reads, and the registry of compute functions.

A compute function is registered with the tables it reads, ``@compute("marts.subsidy_per_place", ...)``:
that one list gives the ledger asset its dependencies (assets/claims.py) and decides which tables
`read_inputs` loads (bbl/claims/ledger.py). Functions are pure: inputs in, `Computed` out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bbl.settings import DATA_DIR

if TYPE_CHECKING:
    import polars as pl

LETTER = DATA_DIR / "letter" / "brief-industriecoalitie-2023-05.txt"
LETTER_DATE = dt.date(2023, 5, 25)  # sent before, and published by Bouwend Nederland on, the debate of 25 May 2023
LETTER_REF = f"data/letter/{LETTER.name}"  # the letter as an evidence id

# the tables compute functions read
SUBSIDY = "marts.subsidy_per_place"
AMOUNTS = "staging.subsidy_amounts"
FIGURES = "raw.published_figures"
CPI = "staging.cpi_yearly"
TECHNICAL_SHARE = "marts.bbl_technical_share"
STUDENTS = "staging.bbl_students"
BBL_TOTALS = "marts.bbl_students"
VAKKRACHTEN = "marts.vakkrachten_share"
BUDGET = "marts.subsidy_budget"
SNAPSHOTS = "meta.snapshots"


class ClaimError(ValueError):
    """The claim ledger is malformed."""


@dataclass(frozen=True)
class Reading:
    """One way of reading a claim: a computation, the comparison that judges it, and its name."""

    id: str
    name_nl: str  # what this reading computes, in Dutch (shown under the claim)
    compute: str
    params: dict[str, Any]
    comparison: str
    tolerance: float
    unit: str
    claimed_value: float | None
    headline: bool = False


@dataclass(frozen=True)
class Claim:
    """One distinct quote of the letter, its kind, and the readings that test it (the headline first)."""

    id: str
    topic: str
    kind: str  # fact, forecast, request, intention, about the letter (verdicts.KINDS)
    quote: str
    claimed_value: float | None
    unit: str
    reading_nl: str  # how the quote is read, in Dutch
    readings: tuple[Reading, ...]
    when_missing: str
    family: str = ""

    @property
    def headline(self) -> Reading:
        return next((r for r in self.readings if r.headline), self.readings[0])


class Inputs:
    """The tables a ledger is computed from (table name -> polars frame), and the letter's text."""

    def __init__(self, tables: dict[str, pl.DataFrame], letter: str = "") -> None:
        self.tables = dict(tables)
        self.letter = letter

    def __getitem__(self, table: str) -> pl.DataFrame:
        try:
            return self.tables[table]
        except KeyError:
            raise ClaimError(f"table {table} was not read: add it to the compute function's @compute(...)") from None

    def with_table(self, table: str, frame: pl.DataFrame) -> Inputs:
        """A copy with one table replaced (to ask what a verdict would be on other data)."""
        return Inputs({**self.tables, table: frame}, self.letter)


@dataclass
class Computed:
    value: float | None
    explanation: str  # Dutch, plain words, Dutch number formats (bbl/nl.py)
    evidence: list[str] = field(default_factory=list)
    upper: float | None = None  # for range comparisons: the highest value in the range
    missing: str | None = None  # what is missing when value is None (Dutch)
    unit: str | None = None  # when the data decides the unit (inflow or stock of students); else the reading's


@dataclass(frozen=True)
class ComputeFunction:
    fn: Callable[..., Computed]
    reads: tuple[str, ...]


COMPUTE: dict[str, ComputeFunction] = {}


def compute(*reads: str) -> Callable[[Callable[..., Computed]], Callable[..., Computed]]:
    """Register a compute function under its name, with the warehouse tables it reads."""
    def register(fn: Callable[..., Computed]) -> Callable[..., Computed]:
        if fn.__name__ in COMPUTE:
            raise ClaimError(f"compute function {fn.__name__} is defined twice")
        COMPUTE[fn.__name__] = ComputeFunction(fn, tuple(reads))
        return fn
    return register


def normalize_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
