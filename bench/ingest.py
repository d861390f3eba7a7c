"""Benchmark: fetching a big CBS table, ours against the usual tools, side by side on a loopback server.

    python bench/ingest.py [--rows 1000000] [--big 5000000] [--repeats 3]      (make bench)

The server (tests/http_server.py) runs in its own process with synthetic tables, pages rendered once
and cached, so the clients are measured, not the server:
* bench3: a v3 table of --rows rows x 3 topics (3 x --rows observations);
* BENCH4: the same observations on v4 (3 x --rows); BENCH1 and BENCH5: v4 tables of --rows and
  --big observations, to show how memory grows with the table.

Every measured run is a fresh Python process (wall time and peak RSS are its own), alternating:
* peers: `cbsodata.get_data` (download into a list of dicts), and cbsodata -> pandas -> a DuckDB
  table on disk (what a user does without us);
* ours, library path: fetch into a snapshot folder (pages hashed and parsed while they download), load
  into raw.cbs_* and the history, as `bbl fetch` does;
* ours, `bbl fetch cbs` end to end (v3 and v4): the above plus the table's quality suite and the
  publication of bbl.duckdb; what the peers do not do.

Goals (issue 14): `bbl fetch cbs` <= 1.3x the cbsodata -> pandas -> DuckDB wall time with <= 1/2 of its
memory; the library path >= 2x faster than that pipeline and faster than `cbsodata.get_data`; v4 end
to end <= 1.3x v3; memory at --big within 1.5x of --rows. Results (medians) are printed and written to
bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))


def serve(rows: int, big: int, port_queue: mp.Queue, stop: mp.Event) -> None:
    from http_server import FakeOpenData, SyntheticTable

    with FakeOpenData(page_size_v4=100_000, page_size_v3=10_000) as srv:
        srv.cache_pages = True
        srv.add(SyntheticTable("bench3", rows, n_regions=1000, n_measures=3, apis={"v3"}))
        srv.add(SyntheticTable("BENCH4", 3 * rows, n_regions=1000, n_measures=3, apis={"v4"}))
        srv.add(SyntheticTable("BENCH1", rows, n_regions=1000, n_measures=2, apis={"v4"}))
        srv.add(SyntheticTable("BENCH5", big, n_regions=1000, n_measures=2, apis={"v4"}))
        port_queue.put(srv.port)
        stop.wait()


def child(kind: str, table: str, port: int) -> None:
    """One measured run; prints a JSON line with wall seconds, peak RSS and rows."""
    import resource

    started = time.perf_counter()
    base = f"http://127.0.0.1:{port}"
    if kind in ("cbsodata", "cbsodata_duckdb"):
        import cbsodata

        cbsodata.options.catalog_url = f"127.0.0.1:{port}"
        cbsodata.options.use_https = False
        data = cbsodata.get_data(table)
        rows = len(data)
        if kind == "cbsodata_duckdb":
            import duckdb
            import pandas as pd

            df = pd.DataFrame(data)
            del data
            with tempfile.TemporaryDirectory() as tmp:
                con = duckdb.connect(f"{tmp}/peer.duckdb")
                con.register("frame", df)
                con.execute("CREATE TABLE observations AS SELECT * FROM frame")
                con.close()
    elif kind in ("fetch_v3", "fetch_v4"):
        from pipelines.cli import main as bbl

        with tempfile.TemporaryDirectory() as tmp:
            os.environ.update({"BBL_MODE": "live", "BBL_HOME": f"{tmp}/home", "DAGSTER_HOME": f"{tmp}/dagster",
                               "BBL_CBS_V4_URL": f"{base}/odata/v1/CBS", "BBL_CBS_V3_URL": base})
            with open(os.devnull, "w") as sink:
                stdout, sys.stdout = sys.stdout, sink
                try:
                    code = bbl(["fetch", "cbs", table, "--api", kind[-2:]])
                finally:
                    sys.stdout = stdout
            if code != 0:
                raise SystemExit(f"bbl fetch cbs {table} exited {code}")
            import duckdb

            con = duckdb.connect(f"{tmp}/home/bbl.duckdb", read_only=True)
            rows = con.execute("SELECT count(*) FROM raw.cbs_observations WHERE table_id = ?", [table]).fetchall()[0][0]
            con.close()
    else:
        from bbl.cbs.client import CbsClient
        from bbl.cbs.load import load_cbs_snapshot
        from warehouse.store import Warehouse

        with tempfile.TemporaryDirectory() as tmp:
            result = CbsClient(f"{base}/odata/v1/CBS", base).fetch_table(table, Path(tmp) / "snapshots")
            with Warehouse(Path(tmp) / "home").connect() as con:  # as bbl fetch loads a snapshot it just fetched:
                stats = load_cbs_snapshot(con, result.folder, result.manifest, str(result.folder),  # hashed as it
                                          verify=False, staged=result.staged)  # downloaded, pages parsed meanwhile
            rows = stats.observations
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # a worker process (bbl fetch validates in one) counts too: its peak is added, an upper bound of the total
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"kind": kind, "table": table, "wall_s": round(wall, 3),
                      "peak_rss_mb": round(peak_mb + children_mb, 1), "main_rss_mb": round(peak_mb, 1),
                      "worker_rss_mb": round(children_mb, 1), "rows": rows}))


def measure(kind: str, table: str, port: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, table, str(port)], capture_output=True,
                         text=True, cwd=ROOT, timeout=1800)
    if out.returncode != 0:
        raise SystemExit(f"{kind} {table} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=5_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "TABLE", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return

    ctx = mp.get_context("spawn")
    port_queue, stop = ctx.Queue(), ctx.Event()
    server = ctx.Process(target=serve, args=(args.rows, args.big, port_queue, stop), daemon=True)
    server.start()
    port = port_queue.get(timeout=60)
    plan = [("cbsodata_v3", "cbsodata", "bench3"), ("cbsodata_duckdb_v3", "cbsodata_duckdb", "bench3"),
            ("ours_v3", "ours", "bench3"), ("ours_v4", "ours", "BENCH4"), ("fetch_v3", "fetch_v3", "bench3"),
            ("fetch_v4", "fetch_v4", "BENCH4"), ("ours_v4_rows", "ours", "BENCH1"), ("ours_v4_big", "ours", "BENCH5")]
    try:
        print(f"server on 127.0.0.1:{port}; warming the page cache ...", file=sys.stderr)
        for table in ("bench3", "BENCH4", "BENCH1", "BENCH5"):
            measure("ours", table, port)
        runs: dict[str, list[dict]] = {key: [] for key, _, _ in plan}
        for i in range(args.repeats):
            for key, kind, table in plan:
                r = measure(kind, table, port)
                runs[key].append(r)
                print(f"run {i + 1}: {key:<19} {r['wall_s']:7.2f} s  {r['peak_rss_mb']:7.1f} MB  {r['rows']:>10,} rows",
                      file=sys.stderr)
    finally:
        stop.set()
        server.join(timeout=10)

    def med(key: str, field: str = "wall_s") -> float:
        return statistics.median(r[field] for r in runs[key])

    summary: dict = {"rows": args.rows, "big": args.big, "repeats": args.repeats}
    for key, _, _ in plan:
        summary[f"{key}_wall_s"] = med(key)
        summary[f"{key}_peak_rss_mb"] = med(key, "peak_rss_mb")
    peer = "cbsodata_duckdb_v3"
    ratios = {
        "fetch_v3 / cbsodata->pandas->duckdb, wall": med("fetch_v3") / med(peer),
        "fetch_v3 / cbsodata->pandas->duckdb, memory": med("fetch_v3", "peak_rss_mb") / med(peer, "peak_rss_mb"),
        "cbsodata->pandas->duckdb / ours library v3, wall (speed-up)": med(peer) / med("ours_v3"),
        "cbsodata.get_data / ours library v3, wall (speed-up)": med("cbsodata_v3") / med("ours_v3"),
        "fetch_v4 / fetch_v3, wall": med("fetch_v4") / med("fetch_v3"),
        "ours library v4 / v3, wall": med("ours_v4") / med("ours_v3"),
        "memory at big / at rows (v4 library)": med("ours_v4_big", "peak_rss_mb") / med("ours_v4_rows", "peak_rss_mb"),
    }
    summary["ratios"] = {k: round(v, 3) for k, v in ratios.items()}
    summary["goals"] = {
        "fetch <= 1.3x the peer pipeline": ratios["fetch_v3 / cbsodata->pandas->duckdb, wall"] <= 1.3,
        "fetch memory <= 1/2 of the peer pipeline": ratios["fetch_v3 / cbsodata->pandas->duckdb, memory"] <= 0.5,
        "library >= 2x faster than the peer pipeline":
            ratios["cbsodata->pandas->duckdb / ours library v3, wall (speed-up)"] >= 2,
        "library faster than cbsodata.get_data": ratios["cbsodata.get_data / ours library v3, wall (speed-up)"] > 1,
        "v4 fetch <= 1.3x v3": ratios["fetch_v4 / fetch_v3, wall"] <= 1.3,
        "memory at big <= 1.5x": ratios["memory at big / at rows (v4 library)"] <= 1.5,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ingest.json").write_text(json.dumps({"summary": summary, "runs": runs}, indent=1))
    print(json.dumps(summary, indent=1))
    for name, ok in summary["goals"].items():
        print(f"{'met' if ok else 'NOT MET':>8}  {name}")


if __name__ == "__main__":
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    main()
