"""Benchmark: what a publication costs, and how it grows with what a run changed (make bench).

    python bench/publish.py [--cells 3000000] [--revised 0.01] [--repeats 3] [--dir DIR]

A warehouse home in DIR (default: a temporary folder) gets a synthetic CBS-shaped table of --cells
cells through the product's own load path (raw.cbs_observations and its history, as bench/history.py
builds them), then is published with `Warehouse.publish`, median of --repeats each:
* first: right after the first version (everything changed);
* revised: after a second version that revises --revised of the cells;
* unchanged: again, with nothing changed;
* rewrite: the same database published with compact=True: the working file rebuilt by COPY FROM
  DATABASE (what every publication did before: decode and re-compress every table), then copied.

How a publication copies the working file depends on the filesystem: a reflink (XFS, btrfs) shares
the unchanged blocks, so its cost follows the change; elsewhere (ext4) it is a byte copy of the file.
Run it once on each, e.g. `--dir /mnt/xfs`; the result says which method was used. Results are printed
and written to bench/results/publish-<method>.json. Synthetic data: never published.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from history import load_version  # noqa: E402

from warehouse.store import Warehouse, clone_or_copy  # noqa: E402


def timed_publish(wh: Warehouse, repeats: int, compact: bool = False) -> float:
    times = []
    for i in range(repeats):
        t = time.perf_counter()
        wh.publish(f"bench-{i}", "bench", compact=compact)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cells", type=int, default=3_000_000)
    ap.add_argument("--revised", type=float, default=0.01)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=None, help="where the warehouse home goes (its filesystem matters)")
    args = ap.parse_args()
    n_regions = max(1, args.cells // 100)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        home = Path(tmp) / "home"
        wh = Warehouse(home)
        probe = Path(tmp) / "probe"
        probe.write_bytes(b"x" * 4096)
        method = clone_or_copy(probe, Path(tmp) / "probe-copy")
        with wh.connect() as con:
            load_version(con, n_regions, 0, args.revised)
        first = timed_publish(wh, args.repeats)
        with wh.connect() as con:
            revised = load_version(con, n_regions, 1, args.revised)["revised"]
        t = time.perf_counter()
        wh.publish("bench-revised", "bench")  # the one publication that follows the revision
        after_revision = time.perf_counter() - t
        unchanged = timed_publish(wh, args.repeats)
        rewrite = timed_publish(wh, args.repeats, compact=True)
        size_mb = wh.published_path.stat().st_size / 1e6
    result = {
        "cells": n_regions * 100, "revised_cells": revised, "method": method, "published_mb": round(size_mb, 1),
        "first_s": round(first, 3), "after_revision_s": round(after_revision, 3), "unchanged_s": round(unchanged, 3),
        "rewrite_s": round(rewrite, 3),
        "ratios": {
            "after revision / first": round(after_revision / first, 3),
            "unchanged / first": round(unchanged / first, 3),
            "file copy / rewrite (COPY FROM DATABASE)": round(unchanged / rewrite, 3),
        },
    }
    out = ROOT / "bench" / "results" / f"publish-{method.replace(' ', '-')}-{n_regions * 100}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
