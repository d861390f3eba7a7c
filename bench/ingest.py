"""Benchmark: our CBS fetch + snapshot + load against `cbsodata.get_data`, on a loopback server.

    python bench/ingest.py [--rows 1000000] [--big 5000000] [--repeats 3]      (make bench)

* The server (tests/http_server.py) runs in its own process with synthetic tables: a v3 table of
  --rows rows (2 topics), a v4 table of --rows observations and one of --big observations. Pages
  are rendered once and cached, so both clients are measured, not the server.
* Every measured run is a fresh Python process; wall time and peak RSS (ru_maxrss) are its own.
* v3, --rows: ours (fetch into a snapshot folder, verify, load into DuckDB) and cbsodata.get_data
  (download into a list of dicts), alternating, --repeats each. Reports medians and the ratios.
* v4: ours at --rows and at --big observations, to show how memory grows with table size.

Goals (issue #3): at --rows, at least 2.5x faster than cbsodata while also persisting and
loading, with at most 1/3 of its peak memory; at --big, peak memory within 1.5x of --rows.
Results are printed and written to bench/results/ingest.json.
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
        srv.add(SyntheticTable("bench3", rows, n_regions=1000, n_measures=2, apis={"v3"}))
        srv.add(SyntheticTable("BENCH4", rows, n_regions=1000, n_measures=2, apis={"v4"}))
        srv.add(SyntheticTable("BENCH5", big, n_regions=1000, n_measures=2, apis={"v4"}))
        port_queue.put(srv.port)
        stop.wait()


def child(kind: str, table: str, port: int) -> None:
    """One measured run; prints a JSON line with wall seconds, peak RSS and rows."""
    import resource

    started = time.perf_counter()
    if kind == "cbsodata":
        import cbsodata

        cbsodata.options.catalog_url = f"127.0.0.1:{port}"
        cbsodata.options.use_https = False
        rows = len(cbsodata.get_data(table))
    else:
        from bbl.cbs.client import CbsClient
        from bbl.cbs.load import load_cbs_snapshot
        from warehouse.store import Warehouse

        with tempfile.TemporaryDirectory() as tmp:
            base = f"http://127.0.0.1:{port}"
            result = CbsClient(f"{base}/odata/v1/CBS", base).fetch_table(table, Path(tmp) / "snapshots")
            with Warehouse(Path(tmp) / "home").connect() as con:
                stats = load_cbs_snapshot(con, result.folder, result.manifest, str(result.folder))
            rows = stats.observations
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"kind": kind, "table": table, "wall_s": round(wall, 3), "peak_rss_mb": round(peak_mb, 1),
                      "rows": rows}))


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
    try:
        print(f"server on 127.0.0.1:{port}; warming the page cache ...", file=sys.stderr)
        for kind, table in (("ours", "bench3"), ("ours", "BENCH4"), ("ours", "BENCH5")):
            measure(kind, table, port)
        runs: dict[str, list[dict]] = {"ours_v3": [], "cbsodata_v3": [], "ours_v4": [], "ours_v4_big": []}
        for i in range(args.repeats):
            for key, kind, table in (("ours_v3", "ours", "bench3"), ("cbsodata_v3", "cbsodata", "bench3"),
                                     ("ours_v4", "ours", "BENCH4"), ("ours_v4_big", "ours", "BENCH5")):
                r = measure(kind, table, port)
                runs[key].append(r)
                print(f"run {i + 1}: {key:<12} {r['wall_s']:7.2f} s  {r['peak_rss_mb']:7.1f} MB  {r['rows']:>10,} rows",
                      file=sys.stderr)
    finally:
        stop.set()
        server.join(timeout=10)

    def med(key: str, field: str) -> float:
        return statistics.median(r[field] for r in runs[key])

    summary = {
        "rows": args.rows, "big": args.big, "repeats": args.repeats,
        "ours_v3_wall_s": med("ours_v3", "wall_s"), "cbsodata_v3_wall_s": med("cbsodata_v3", "wall_s"),
        "ours_v3_peak_rss_mb": max(r["peak_rss_mb"] for r in runs["ours_v3"]),
        "cbsodata_v3_peak_rss_mb": max(r["peak_rss_mb"] for r in runs["cbsodata_v3"]),
        "ours_v4_wall_s": med("ours_v4", "wall_s"), "ours_v4_peak_rss_mb": max(r["peak_rss_mb"] for r in runs["ours_v4"]),
        "ours_v4_big_wall_s": med("ours_v4_big", "wall_s"),
        "ours_v4_big_peak_rss_mb": max(r["peak_rss_mb"] for r in runs["ours_v4_big"]),
    }
    summary["speedup_vs_cbsodata"] = round(summary["cbsodata_v3_wall_s"] / summary["ours_v3_wall_s"], 2)
    summary["memory_ratio_vs_cbsodata"] = round(summary["ours_v3_peak_rss_mb"] / summary["cbsodata_v3_peak_rss_mb"], 3)
    summary["memory_growth_big_vs_rows"] = round(summary["ours_v4_big_peak_rss_mb"] / summary["ours_v4_peak_rss_mb"], 3)
    summary["goals"] = {
        "speedup >= 2.5": summary["speedup_vs_cbsodata"] >= 2.5,
        "memory <= 1/3 of cbsodata": summary["memory_ratio_vs_cbsodata"] <= 1 / 3,
        "memory at big <= 1.5x": summary["memory_growth_big_vs_rows"] <= 1.5,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ingest.json").write_text(json.dumps({"summary": summary, "runs": runs}, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    main()
