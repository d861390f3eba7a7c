"""Benchmark: a cold full bundled run, a no-op run, and the import floor (make bench).

    python bench/pipeline.py [--repeats 3]

* import floor: `python -c "import dagster, great_expectations, polars, duckdb"`;
* cold full run: `bbl run` into an empty BBL_HOME and DAGSTER_HOME (every asset, every check, the
  publication and the report);
* no-op run: `bbl run` again with nothing changed.

Each command runs in a fresh process, measured by a wrapper process (wall time, peak RSS of its one
child). Medians over --repeats. Goals (issue #6): full run within 4x the import floor, no-op within 2x.
Results are printed and written to bench/results/pipeline.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(json.dumps({"wall_s": round(time.perf_counter() - t, 3), "code": code,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}))
"""


def measure(cmd: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=1800)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"{cmd} exited {result['code']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    bbl = [sys.executable, "-m", "pipelines.cli", "run"]
    floor_cmd = [sys.executable, "-c", "import dagster, great_expectations, polars, duckdb"]
    runs: dict[str, list[dict]] = {"import_floor": [], "full_run": [], "noop_run": []}
    for i in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "BBL_HOME": f"{tmp}/bbl", "DAGSTER_HOME": f"{tmp}/dagster", "BBL_MODE": "bundled",
                   "GX_ANALYTICS_ENABLED": "False"}
            runs["import_floor"].append(measure(floor_cmd, env))
            runs["full_run"].append(measure(bbl, env))
            runs["noop_run"].append(measure(bbl, env))
        print(f"run {i + 1}: " + ", ".join(f"{k} {v[-1]['wall_s']:.2f} s / {v[-1]['peak_rss_mb']:.0f} MB"
                                          for k, v in runs.items()), file=sys.stderr)

    def med(key: str) -> float:
        return statistics.median(r["wall_s"] for r in runs[key])

    summary = {k: {"wall_s": med(k), "peak_rss_mb": max(r["peak_rss_mb"] for r in runs[k])} for k in runs}
    floor = summary["import_floor"]["wall_s"]
    summary["full_over_floor"] = round(summary["full_run"]["wall_s"] / floor, 2)
    summary["noop_over_floor"] = round(summary["noop_run"]["wall_s"] / floor, 2)
    summary["goals"] = {"full run <= 4x import floor": summary["full_over_floor"] <= 4,
                        "no-op run <= 2x import floor": summary["noop_over_floor"] <= 2}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pipeline.json").write_text(json.dumps({"summary": summary, "runs": runs}, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
