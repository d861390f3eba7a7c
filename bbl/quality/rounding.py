"""Tolerances from the precision CBS publishes, and how CBS forms a yearly figure.

A cell published with ``Decimals`` d is exact to half a unit of its last decimal, ±0.5·10^-d. So a
figure computed from n published cells (a sum of SBI sections, a yearly total of four quarters) may
differ from the published, itself rounded, aggregate by the cells' rounding plus the aggregate's own
half unit. These functions state that bound; the suites' SQL (bbl/cbs/suite.py) applies the same
formulas, and property-based tests check both against rounded synthetic tables.
"""

from __future__ import annotations

from collections.abc import Sequence

EPSILON = 1e-9  # floating-point slack on top of the stated bound

# How CBS defines a yearly figure from its quarters (DataProperties / the table's explanation):
#   sum            flows (new, filled vacancies): the sum of the four quarters
#   mean           a plain average of the four quarters
#   weighted_stock stocks at the end of each quarter (open vacancies): (Q4 of the previous year
#                  + 2·Q1 + 2·Q2 + 2·Q3 + Q4) / 8, the average stand over the year
YEARLY_WEIGHTS = {
    "sum": (0, 1, 1, 1, 1),
    "mean": (0, 0.25, 0.25, 0.25, 0.25),
    "weighted_stock": (1 / 8, 2 / 8, 2 / 8, 2 / 8, 1 / 8),
}
DEFINITIONS = {
    "sum": "CBS: the yearly figure is the sum of the four quarters",
    "mean": "CBS: the yearly figure is the average of the four quarters",
    "weighted_stock": "CBS: the yearly figure is the weighted average of the quarter-end stands, "
                      "(Q4 of the previous year + 2*Q1 + 2*Q2 + 2*Q3 + Q4) / 8",
}


def half_unit(decimals: int) -> float:
    """The rounding bound of a cell published with ``decimals`` decimals."""
    return 0.5 * 10.0 ** (-int(decimals))


def sum_tolerance(n_parts: int, part_decimals: int, total_decimals: int) -> float:
    """How far the sum of n rounded parts may lie from their rounded total."""
    return n_parts * half_unit(part_decimals) + half_unit(total_decimals) + EPSILON


def yearly_from_quarters(how: str, q4_previous: float | None, quarters: Sequence[float]) -> float | None:
    """CBS's yearly figure from its quarters (None when a quarter it needs is missing)."""
    weights = YEARLY_WEIGHTS[how]
    values = [q4_previous, *quarters]
    if len(quarters) != 4 or any(v is None for w, v in zip(weights, values, strict=True) if w):
        return None
    return sum(w * v for w, v in zip(weights, values, strict=True) if w)


def yearly_tolerance(how: str, quarter_decimals: int, year_decimals: int) -> float:
    """How far the yearly figure computed from rounded quarters may lie from the rounded yearly figure."""
    return sum(YEARLY_WEIGHTS[how]) * half_unit(quarter_decimals) + half_unit(year_decimals) + EPSILON
