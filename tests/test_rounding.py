"""Property-based tests of the tolerance rules (bbl/quality/rounding.py and the SQL in bbl/cbs/suite.py):
on any table rounded the way CBS rounds, an aggregate of rounded cells stays within the stated bound of
the rounded aggregate, and a cell corrupted by more than the bound is always caught."""

import duckdb
import pytest
from cbs_cells import put_cells
from cbs_shapes import cbs_round
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bbl.cbs.suite import sbi_sum_frame, year_vs_quarters_frame
from bbl.quality.rounding import (
    YEARLY_WEIGHTS,
    half_unit,
    sum_tolerance,
    yearly_from_quarters,
    yearly_tolerance,
)
from warehouse.store import ensure_warehouse

values = st.floats(min_value=0, max_value=5_000, allow_nan=False, allow_infinity=False)
decimals = st.integers(min_value=0, max_value=2)
hows = st.sampled_from(sorted(YEARLY_WEIGHTS))


@given(how=hows, d_q=decimals, d_y=decimals, prev=values, qs=st.lists(values, min_size=4, max_size=4))
def test_yearly_figure_of_rounded_quarters_is_within_the_bound(how, d_q, d_y, prev, qs):
    published_year = cbs_round(yearly_from_quarters(how, prev, qs), d_y)
    from_cells = yearly_from_quarters(how, cbs_round(prev, d_q), [cbs_round(q, d_q) for q in qs])
    assert abs(published_year - from_cells) <= yearly_tolerance(how, d_q, d_y)


@given(parts=st.lists(values, min_size=1, max_size=40), d=decimals)
def test_sum_of_rounded_parts_is_within_the_bound(parts, d):
    total = cbs_round(sum(parts), d)
    assert abs(total - sum(cbs_round(p, d) for p in parts)) <= sum_tolerance(len(parts), d, d)


@given(how=hows, d=decimals, prev=values, qs=st.lists(values, min_size=4, max_size=4))
def test_a_yearly_cell_off_by_more_than_the_bound_is_caught(how, d, prev, qs):
    tol = yearly_tolerance(how, d, d)
    published_year = cbs_round(yearly_from_quarters(how, prev, qs), d)
    corrupted = published_year + 2 * tol + 10.0 ** -d
    from_cells = yearly_from_quarters(how, cbs_round(prev, d), [cbs_round(q, d) for q in qs])
    assert abs(corrupted - from_cells) > tol


def test_the_bounds_are_cbs_half_units():
    assert half_unit(1) == 0.05 and half_unit(0) == 0.5
    assert sum_tolerance(21, 1, 1) == pytest.approx(1.1)
    assert yearly_tolerance("sum", 0, 0) == pytest.approx(2.5)  # four quarters + the yearly cell
    assert yearly_tolerance("weighted_stock", 1, 1) == pytest.approx(0.1)
    assert yearly_from_quarters("weighted_stock", 8, [16, 16, 16, 8]) == 14  # (8 + 32 + 32 + 32 + 8) / 8
    assert yearly_from_quarters("weighted_stock", None, [1, 2, 3, 4]) is None


# the SQL applies the same bounds ---------------------------------------------------------------

def _warehouse(d: int, title: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    ensure_warehouse(con)
    con.execute("INSERT INTO raw.cbs_measures (table_id, snapshot_id, measure, title, unit, decimals) "
                "VALUES ('T1', 's', 'M1', ?, 'x 1 000', ?)", [title, d])
    con.execute("INSERT INTO raw.cbs_dimensions (table_id, snapshot_id, dimension, kind) "
                "VALUES ('T1', 's', 'Perioden', 'TimeDimension')")
    return con


def _observe(con: duckdb.DuckDBPyConnection, cells: dict[tuple[str, str], float]) -> None:
    put_cells(con, "T1", [("M1", period, v, {"Sbi": code}) for (code, period), v in sorted(cells.items())])
    periods = sorted({p for _, p in cells})
    for p in periods:
        con.execute("INSERT OR IGNORE INTO raw.cbs_codes (table_id, snapshot_id, dimension, code, title, status) "
                    "VALUES ('T1', 's', 'Perioden', ?, ?, 'Definitief')", [p, p])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(how=hows, d=decimals, prev=values, qs=st.lists(values, min_size=4, max_size=4), corrupt=st.booleans())
def test_sql_yearly_rule_agrees(how, d, prev, qs, corrupt):
    con = _warehouse(d, "Openstaande vacatures")
    year = cbs_round(yearly_from_quarters(how, prev, qs), d)
    if corrupt:
        year += 2 * yearly_tolerance(how, d, d) + 10.0 ** -d
    cells = {("T", "2021KW04"): cbs_round(prev, d), ("T", "2022JJ00"): year}
    cells |= {("T", f"2022KW0{q}"): cbs_round(v, d) for q, v in enumerate(qs, start=1)}
    _observe(con, cells)
    problems = year_vs_quarters_frame(con, "T1", [{"measure_title": "^Openstaande", "how": how}])
    assert len(problems) == (1 if corrupt else 0)
    if corrupt:
        assert bool(problems.column("final")[0]) and f"cells rounded to {d} decimals" in problems.column("problem")[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(values, min_size=1, max_size=25), d=decimals, corrupt=st.booleans())
def test_sql_sum_rule_agrees(parts, d, corrupt):
    con = _warehouse(d, "Ontstane vacatures")
    codes = [f"S{i:02d}" for i in range(len(parts))]
    total = cbs_round(sum(parts), d) + ((2 * sum_tolerance(len(parts), d, d) + 10.0 ** -d) if corrupt else 0)
    _observe(con, {("TOT", "2022KW01"): total} | {(c, "2022KW01"): cbs_round(p, d) for c, p in zip(codes, parts, strict=True)})
    problems = sbi_sum_frame(con, "T1", {"dimension": "Sbi", "total": "TOT", "parts": codes})
    assert len(problems) == (1 if corrupt else 0)
