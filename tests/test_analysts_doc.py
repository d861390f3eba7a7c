"""docs/analysts.md: every example query runs on the published database, and every table is described."""

import re

import pytest
from conftest import PROJECT

DOC = (PROJECT / "docs" / "analysts.md").read_text(encoding="utf-8")
QUERIES = re.findall(r"```sql\n(.*?)```", DOC, flags=re.S)


def test_there_are_at_least_ten_example_queries():
    assert len(QUERIES) >= 10


@pytest.mark.parametrize("sql", QUERIES, ids=[f"query{i + 1}" for i in range(len(QUERIES))])
def test_example_query_runs_and_returns_rows(published, sql):
    rows = published.execute(sql).fetchall()
    assert rows, sql


def test_every_published_table_is_in_the_doc(published):
    tables = [f"{s}.{t}" for s, t in published.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
    missing = [t for t in tables if f"`{t}`" not in DOC and t != "meta.schema_info"]
    assert not missing
