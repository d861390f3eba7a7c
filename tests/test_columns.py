"""A suite's frame as numpy arrays (bbl/quality/columns.py): the pandas frame it builds is the one
DuckDB's .df() builds from the same query, for each DuckDB type, with and without NULLs."""

import pickle

import duckdb
import pandas as pd
import pytest

from bbl.quality.frames import frame

VALUES = {
    "varchar": "'b'", "json": "'{\"a\": 1}'::JSON", "integer": "1", "bigint": "2::BIGINT", "utinyint": "3::UTINYINT",
    "hugeint": "4::HUGEINT", "double": "2.5", "float": "1.5::FLOAT", "decimal": "1.25::DECIMAL(5, 2)",
    "boolean": "true", "date": "DATE '2020-01-01'", "timestamp": "TIMESTAMP '2020-01-01 10:00'",
    "timestamptz": "TIMESTAMPTZ '2020-01-01 10:00+00'", "time": "TIME '10:00'", "interval": "INTERVAL 1 DAY",
    "list": "[1, 2]", "struct": "{'x': 1}", "blob": "'a'::BLOB", "null": "NULL",
}
NULLS = {"no": "false", "some": "i = 1", "only": "true"}


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    yield con
    con.close()


@pytest.mark.parametrize("nulls", NULLS)
@pytest.mark.parametrize("kind", VALUES)
def test_to_pandas_is_what_duckdb_builds(con, kind, nulls):
    sql = f"SELECT CASE WHEN {NULLS[nulls]} THEN NULL ELSE {VALUES[kind]} END AS v, i, 'x' || i AS s FROM range(3) t(i)"
    columns = pickle.loads(pickle.dumps(frame(con, sql)))
    pd.testing.assert_frame_equal(columns.to_pandas(), con.execute(sql).df())


def test_empty_results_and_repeated_names_too(con):
    for sql in ("SELECT 'a' AS s, 1 AS n, DATE '2020-01-01' AS d WHERE false", "SELECT 1 AS a, 2 AS a"):
        pd.testing.assert_frame_equal(frame(con, sql).to_pandas(), con.execute(sql).df())


def test_column_rows_and_len(con):
    columns = frame(con, "SELECT i, CASE WHEN i = 1 THEN NULL ELSE 'x' || i END AS s, i % 2 = 0 AS even "
                         "FROM range(4) t(i)")
    assert len(columns) == 4
    assert columns.column("s") == ["x0", None, "x2", "x3"]
    even = columns.rows(columns.column("even"))
    assert len(even) == 2 and even.column("i") == [0, 2] and even.column("s") == ["x0", "x2"]
    assert len(columns.rows([False] * 4)) == 0
    pd.testing.assert_frame_equal(even.to_pandas(), columns.to_pandas()[lambda df: df["even"]].reset_index(drop=True))


@pytest.mark.parametrize("value", ["'a'::ENUM('a', 'b')", "MAP {1: 2}"])
def test_types_pandas_would_get_wrong_are_refused_with_the_remedy(con, value):
    with pytest.raises(ValueError, match="cast it to text"):
        frame(con, f"SELECT {value} AS v")


def test_reading_a_frame_imports_neither_pandas_nor_pyarrow():
    import subprocess
    import sys

    probe = ("import sys, duckdb; from bbl.quality.frames import frame; "
             "c = frame(duckdb.connect(), \"SELECT 'a' AS s, NULL::INT AS n, [1] AS l\"); "
             "print(len(c), [m for m in ('pandas', 'pyarrow') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["1", "[]"]
