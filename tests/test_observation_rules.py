"""Property-based tests of the CBS observations rules' SQL (bbl/cbs/suite.py) against a plain count in Python:
duplicated keys are found exactly (across the 64-cell blocks the rule counts in, and where two numbers
stand for the same dimensions), and the completeness rule names exactly the periods missing from a series."""

from collections import Counter

import duckdb
from cbs_cells import use_version
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bbl.cbs.suite import MAX_OFFENDING, OFFENDING_OBSERVATIONS_SQL, completeness_frame
from bbl.quality.frames import PERIOD_REGEX
from warehouse.store import ensure_warehouse

N_SETS = 300  # dimension sets 1..300: five blocks of 64


def _warehouse(aliases: dict[int, int]) -> duckdb.DuckDBPyConnection:
    """Table T1 with measures M1, M2 and N_SETS dimension sets; each alias is a further number for the same
    dimensions as an existing set."""
    con = duckdb.connect(":memory:")
    ensure_warehouse(con)
    use_version(con, "T1")
    con.execute("INSERT INTO raw.cbs_measures (table_id, snapshot_id, measure, title) VALUES "
                "('T1', 's', 'M1', 'one'), ('T1', 's', 'M2', 'two')")
    con.execute("INSERT INTO history.cbs_dimension_sets SELECT 'T1', i, MAP {'Regio': 'R' || i} "
                f"FROM range(1, {N_SETS + 1}) t(i)")
    for alias, of in aliases.items():
        con.execute("INSERT INTO history.cbs_dimension_sets SELECT 'T1', ?, dimensions FROM history.cbs_dimension_sets "
                    "WHERE table_id = 'T1' AND dims_id = ?", [alias, of])
    return con


def _put(con: duckdb.DuckDBPyConnection, cells: list[tuple[str, str, int]]) -> None:
    con.executemany("INSERT INTO history.cbs_cells BY NAME SELECT 'T1' AS table_id, ? AS measure, ? AS period, "
                    "? AS dims_id, 1.0 AS value, 'None' AS value_attribute, 1 AS from_version", cells)


keys = st.tuples(st.sampled_from(["M1", "M2"]), st.sampled_from(["2022JJ00", "2022KW01", "2023MM07"]),
                 st.integers(min_value=1, max_value=N_SETS))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(keys, min_size=1, max_size=400), extra=st.lists(keys, max_size=5),
       alias_of=st.lists(st.integers(min_value=1, max_value=N_SETS), max_size=2, unique=True))
def test_duplicated_keys_are_found_exactly(cells, extra, alias_of):
    aliases = {N_SETS + 1 + i: of for i, of in enumerate(alias_of)}  # e.g. 301 stands for the same as 17
    con = _warehouse(aliases)
    # distinct cells, then a few repeated as they are or under an alias of their dimensions
    distinct = sorted(set(cells))
    alias_by_set = {of: alias for alias, of in aliases.items()}
    rows = distinct + [(m, p, alias_by_set.get(d, d)) for m, p, d in extra if (m, p, d) in set(distinct)]
    rows += [(m, p, d) for m, p, d in extra if (m, p, d) not in set(distinct)]
    _put(con, rows)

    canon = {d: aliases.get(d, d) for _, _, d in rows}  # the dimensions a number stands for
    count = Counter((m, p, canon[d]) for m, p, d in rows)
    expected = sorted((m, p, f"{{Regio=R{canon[d]}}}") for m, p, d in rows if count[(m, p, canon[d])] > 1)
    found = con.execute(f"SELECT measure, period, dimensions FROM ({OFFENDING_OBSERVATIONS_SQL})",
                        ["T1", PERIOD_REGEX, MAX_OFFENDING]).fetchall()
    assert sorted(found) == expected


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series=st.lists(st.tuples(st.integers(min_value=1, max_value=N_SETS),
                                 st.sets(st.integers(min_value=0, max_value=11), min_size=1)),
                       min_size=1, max_size=20, unique_by=lambda s: s[0]))
def test_completeness_names_exactly_the_missing_quarters(series):
    con = _warehouse({})
    quarter = [f"{2020 + i // 4}KW0{i % 4 + 1}" for i in range(12)]
    _put(con, [("M1", quarter[i], d) for d, held in series for i in sorted(held)])
    expected = sorted(f"M1 {{Regio=R{d}}}: missing {quarter[i]}" for d, held in series
                      for i in range(min(held), max(held) + 1) if i not in held)
    assert sorted(completeness_frame(con, "T1").column("problem")) == expected
