"""Benchmark: the history store at scale (make bench).

    python bench/history.py [--cells 1000000] [--vintages 20] [--revised 0.01] [--repeats 5]

A synthetic CBS-shaped table (2 measures x 50 quarters x regions, one cell per combination, values
rounded to 1 decimal as CBS publishes them) gets --vintages versions, each revising --revised of its
cells. Each version goes through the product's own path in one transaction: bbl.history.cbs.apply_cbs_vintage
(the diff, the vintage row, marts.revisions), then raw.cbs_tables names it as the version in use.

Measured, in the same run:
* size: the history's storage (history.cbs_cells) after all versions against one version (its current
  cells), as rows and as bytes (each copied alone, with the dimension sets, into its own database file).
  Goal: at most 1.3x.
* as-of: reading the table as published at a time in the middle (history.cbs_as_of) against reading
  the version in use (raw.cbs_observations, a view over the same store), both fetched as Arrow (what an
  analyst's `.pl()` does), median of --repeats. Goal: at most 2x. An aggregate over the same columns is
  reported too.
Results are printed and written to bench/results/history.json. Synthetic data: never published.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from bbl.history.cbs import apply_cbs_vintage, dimension_ids, register_dimension_sets  # noqa: E402
from warehouse.store import ensure_warehouse  # noqa: E402

TABLE = "99999BENCH"
START = datetime(2024, 1, 1, 9, 0)


def version_sql(n_regions: int, v: int, revised: float) -> str:
    """The cells of version ``v``: a cell is revised in version k >= 1 when its hash says so (1 in 1/revised)."""
    every = round(1 / revised)
    width = max(4, len(str(n_regions - 1)))  # region codes stay unique however many regions
    bumps = " + ".join(f"CASE WHEN hash(i, {k}) % {every} = 0 THEN 0.1 ELSE 0 END" for k in range(1, v + 1)) or "0"
    return f"""
        SELECT '{TABLE}' AS table_id, 'bench/{v:02d}' AS snapshot_id,
               'M00000' || (i % 2) AS measure,
               CAST(2010 + (i // 2 % 50) // 4 AS VARCHAR) || 'KW0' || CAST(1 + (i // 2 % 50) % 4 AS VARCHAR) AS period,
               round(100 + (i % 997) / 10.0 + {bumps}, 1) AS value, 'None' AS value_attribute,
               CAST(NULL AS VARCHAR) AS string_value,
               MAP {{'RegioS': 'GM' || lpad(CAST(i // 100 AS VARCHAR), {width}, '0')}} AS dimensions
        FROM range({n_regions * 100}) t(i)"""


def load_version(con: duckdb.DuckDBPyConnection, n_regions: int, v: int, revised: float) -> dict:
    published = START + timedelta(days=30 * v)
    manifest = {"snapshot_id": f"bench/{v:02d}", "table_id": TABLE, "api": "v3", "modified": published.isoformat(),
                "date_accessed": published.isoformat(), "row_filter": None}
    t = time.perf_counter()
    con.execute("BEGIN TRANSACTION")
    cells = version_sql(n_regions, v, revised)
    register_dimension_sets(con, TABLE, f"SELECT DISTINCT dimensions FROM ({cells})")
    result = apply_cbs_vintage(con, Path("."), manifest, "bench",
                               "SELECT measure, period, s.dims_id, value, value_attribute, string_value "
                               f"FROM ({cells}) c JOIN {dimension_ids(TABLE)} s ON s.dimensions = c.dimensions", [])
    con.execute("DELETE FROM raw.cbs_tables WHERE table_id = ?", [TABLE])  # the version in use, as a load does
    con.execute("INSERT INTO raw.cbs_tables BY NAME SELECT ? AS table_id, ? AS snapshot_id, 'bench' AS title, "
                "'bench' AS retrieved_at, 'bench' AS source_url, 'v3' AS api, ? AS row_count, 'bench' AS license",
                [TABLE, manifest["snapshot_id"], result.diff.cells])
    con.execute("COMMIT")
    return {"version": v, "seconds": round(time.perf_counter() - t, 3), "revised": result.diff.revised,
            "cells": result.diff.cells}


def table_bytes(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> int:
    """The size of a database file holding ``sql``'s rows and the table's dimension sets (both layouts need them)."""
    con.execute(f"ATTACH '{path}' AS sizing")
    con.execute(f"CREATE TABLE sizing.t AS {sql}")
    con.execute("CREATE TABLE sizing.d AS SELECT * FROM history.cbs_dimension_sets")
    con.execute("DETACH sizing")
    return path.stat().st_size


def timed(con: duckdb.DuckDBPyConnection, sql: str, repeats: int, arrow: bool = True) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        con.sql(sql).to_arrow_table() if arrow else con.execute(sql).fetchall()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cells", type=int, default=1_000_000)
    ap.add_argument("--vintages", type=int, default=20)
    ap.add_argument("--revised", type=float, default=0.01)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "history.json")
    args = ap.parse_args()
    n_regions = max(1, args.cells // 100)
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(f"{tmp}/bench.duckdb")
        ensure_warehouse(con)
        loads = []
        for v in range(args.vintages):
            loads.append(load_version(con, n_regions, v, args.revised))
            print(f"version {v:2d}: {loads[-1]['cells']:,} cells, {loads[-1]['revised']:,} revised, "
                  f"{loads[-1]['seconds']:.2f} s", file=sys.stderr)
        con.execute("CHECKPOINT")
        rows_history = con.execute("SELECT count(*) FROM history.cbs_cells").fetchall()[0][0]
        rows_current = con.execute("SELECT count(*) FROM raw.cbs_observations").fetchall()[0][0]
        bytes_history = table_bytes(con, "SELECT * FROM history.cbs_cells", Path(tmp) / "h.duckdb")
        bytes_current = table_bytes(con, "SELECT * FROM history.cbs_cells WHERE to_version IS NULL",  # one version,
                                    Path(tmp) / "r.duckdb")  # stored as the history stores it
        middle = (START + timedelta(days=30 * (args.vintages // 2) + 1)).isoformat()
        cols = "measure, period, dimensions, value"
        as_of = f"SELECT {cols} FROM history.cbs_as_of('{TABLE}', TIMESTAMP '{middle}')"
        current = f"SELECT {cols} FROM raw.cbs_observations WHERE table_id = '{TABLE}'"
        agg = "SELECT count(*), sum(value), count(DISTINCT period), max(dimensions['RegioS']) FROM ({})"
        n_as_of = con.execute(f"SELECT count(*) FROM ({as_of})").fetchall()[0][0]
        t_as_of, t_current = timed(con, as_of, args.repeats), timed(con, current, args.repeats)
        a_as_of = timed(con, agg.format(as_of), args.repeats, arrow=False)
        a_current = timed(con, agg.format(current), args.repeats, arrow=False)
        con.close()
    result = {
        "cells": rows_current, "vintages": args.vintages, "revised_share": args.revised,
        "history_rows": rows_history, "history_rows_ratio": round(rows_history / rows_current, 3),
        "history_bytes": bytes_history, "current_bytes": bytes_current,
        "history_size_ratio": round(bytes_history / bytes_current, 3),
        "as_of_rows": n_as_of, "as_of_read_s": round(t_as_of, 4), "current_read_s": round(t_current, 4),
        "as_of_ratio": round(t_as_of / t_current, 3),
        "as_of_aggregate_s": round(a_as_of, 4), "current_aggregate_s": round(a_current, 4),
        "as_of_aggregate_ratio": round(a_as_of / a_current, 3),
        "revised_by_version": [x["revised"] for x in loads],
        "version_load_s_median": statistics.median(x["seconds"] for x in loads),
        "goals": {"history_size_ratio": 1.3, "as_of_ratio": 2.0},
    }
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    ok = result["history_size_ratio"] <= 1.3 and result["as_of_ratio"] <= 2.0
    print(f"history size {result['history_size_ratio']}x one version (goal <= 1.3x, rows "
          f"{result['history_rows_ratio']}x); as-of read {result['as_of_ratio']}x a read of the current table "
          f"(goal <= 2x; aggregate {result['as_of_aggregate_ratio']}x): {'OK' if ok else 'GOAL MISSED'}")


if __name__ == "__main__":
    main()
