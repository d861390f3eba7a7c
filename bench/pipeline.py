"""Benchmark: a cold full bundled run, a no-op run, and the import floor (make bench).

    python bench/pipeline.py [--repeats 3]

* import floor: `python -c "import dagster, great_expectations, polars, duckdb"`;
* cold full run: `bbl run` into an empty BBL_HOME and DAGSTER_HOME (every asset, every check, the
  publication and the report);
* no-op run: `bbl run` again with nothing changed;
* forced run: `bbl run --force` in that home (every asset and check again, the sources already loaded);
* daemon run: the job `bbl_all` launched the way the UI launches it (a GraphQL launch to a running
  `dagster-webserver`, as its Materialize button sends), queued, dequeued by a running `dagster-daemon`
  and executed by the run launcher in its own process, into an empty BBL_HOME, timed from submission
  to success. A schedule's run is created by the daemon, whose code location is loaded too;
* daemon run, launched by `dagster job launch` instead (reported, no goal): the same plus that
  client's own start-up, importing Dagster and loading the workspace (the measure before 2026-12-03).

Each command runs in a fresh process, measured by a wrapper process (wall time, peak RSS of its one
child; `bbl run` validates in a GX worker process, whose peak is not in it). Medians over --repeats.
The import floor is measured right before and right after the forced run of each repeat, and the
forced run's ratio is the median of the per-repeat ratios (forced / the mean of its two floors): on a
shared machine whose speed drifts by half within minutes, a floor measured a minute earlier is not
the same machine.
Goals: a forced run within 2.5x the import floor and a no-op under 1x (issue 14); the cold full run
within 4x; a daemon run launched as the UI launches it within 1.5x `bbl run` (the full run above;
issue 12).
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
sys.path.insert(0, str(ROOT / "tests"))  # http_server.free_port

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


def daemon_run(tmp: str, via: str) -> dict:
    """Launch bbl_all into an empty BBL_HOME with a running daemon (and, ``via`` "ui", a running webserver);
    wall time from the submission until the run succeeded.

    ``via`` "ui" submits as the UI's Materialize button does, a GraphQL launch to the webserver, whose
    code location is loaded already (a schedule's tick, created by the daemon, starts as warm). ``via``
    "cli" runs `dagster job launch`, whose time includes that client's own start-up: importing Dagster
    and loading the workspace, about 4-5 s here."""
    import signal
    import time
    import urllib.request

    from http_server import free_port

    env = {**os.environ, "BBL_HOME": f"{tmp}/{via}-bbl", "DAGSTER_HOME": f"{tmp}/{via}-dagster", "BBL_MODE": "bundled",
           "GX_ANALYTICS_ENABLED": "False"}
    subprocess.run([sys.executable, "-m", "pipelines.instance", env["DAGSTER_HOME"]], env=env, check=True,
                   capture_output=True)
    bin_dir = Path(sys.executable).parent
    services = [[str(bin_dir / "dagster-daemon"), "run", "-w", "workspace.yaml"]]
    port = free_port()
    if via == "ui":
        services.append([str(bin_dir / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)])
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True) for cmd in services]
    try:
        # the daemon and the webserver are long-running services: their start-up is not part of a run
        deadline = time.monotonic() + 120
        while via == "ui":
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("dagster-webserver did not answer in 2 minutes") from None
                time.sleep(0.5)
        time.sleep(8)  # the daemon's and the webserver's code servers load the code location
        started = time.perf_counter()
        if via == "ui":
            from dagster_graphql import DagsterGraphQLClient

            DagsterGraphQLClient("127.0.0.1", port_number=port).submit_job_execution(
                "bbl_all", repository_location_name="bbl_stats")
        else:
            subprocess.run([str(bin_dir / "dagster"), "job", "launch", "-j", "bbl_all", "-w", "workspace.yaml"],
                           cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        from dagster import DagsterInstance, DagsterRunStatus

        instance = DagsterInstance.from_config(env["DAGSTER_HOME"])
        while True:
            runs = instance.get_runs(limit=1)
            if runs and runs[0].status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED):
                break
            if time.perf_counter() - started > 1200:
                raise SystemExit("the daemon's run did not finish in 20 minutes")
            time.sleep(0.1)
        wall = time.perf_counter() - started
        if runs[0].status != DagsterRunStatus.SUCCESS:
            raise SystemExit(f"the daemon's run ended {runs[0].status}")
        return {"wall_s": round(wall, 3), "code": 0, "peak_rss_mb": None}
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    bbl = [sys.executable, "-m", "pipelines.cli", "run"]
    floor_cmd = [sys.executable, "-c", "import dagster, great_expectations, polars, duckdb"]
    runs: dict[str, list[dict]] = {"import_floor": [], "full_run": [], "noop_run": [], "forced_run": [],
                                   "daemon_run": [], "daemon_run_cli": [], "import_floor_after": []}
    forced_ratios: list[float] = []
    for i in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "BBL_HOME": f"{tmp}/bbl", "DAGSTER_HOME": f"{tmp}/dagster", "BBL_MODE": "bundled",
                   "GX_ANALYTICS_ENABLED": "False"}
            runs["import_floor"].append(measure(floor_cmd, env))
            runs["full_run"].append(measure(bbl, env))
            runs["noop_run"].append(measure(bbl, env))
            runs["forced_run"].append(measure([*bbl, "--force"], env))
            runs["import_floor_after"].append(measure(floor_cmd, env))
            pair = (runs["import_floor"][-1]["wall_s"] + runs["import_floor_after"][-1]["wall_s"]) / 2
            forced_ratios.append(runs["forced_run"][-1]["wall_s"] / pair)
            runs["daemon_run"].append(daemon_run(tmp, "ui"))
            runs["daemon_run_cli"].append(daemon_run(tmp, "cli"))
        print(f"run {i + 1}: " + ", ".join(f"{k} {v[-1]['wall_s']:.2f} s" for k, v in runs.items()), file=sys.stderr)

    def med(key: str) -> float:
        return statistics.median(r["wall_s"] for r in runs[key])

    summary = {k: {"wall_s": med(k), "peak_rss_mb": max((r["peak_rss_mb"] or 0) for r in runs[k]) or None}
               for k in runs}
    floor = summary["import_floor"]["wall_s"]
    summary["full_over_floor"] = round(summary["full_run"]["wall_s"] / floor, 2)
    summary["noop_over_floor"] = round(summary["noop_run"]["wall_s"] / floor, 2)
    summary["forced_over_floor"] = round(statistics.median(forced_ratios), 2)  # median of the paired ratios
    summary["forced_over_floor_each"] = [round(r, 2) for r in forced_ratios]
    summary["daemon_over_cli"] = round(summary["daemon_run"]["wall_s"] / summary["full_run"]["wall_s"], 2)
    summary["daemon_cli_launch_over_cli"] = round(summary["daemon_run_cli"]["wall_s"] / summary["full_run"]["wall_s"], 2)
    summary["goals"] = {"forced run <= 2.5x import floor": summary["forced_over_floor"] <= 2.5,
                        "no-op run < 1x import floor": summary["noop_over_floor"] < 1,
                        "full run <= 4x import floor": summary["full_over_floor"] <= 4,
                        "daemon run <= 1.5x bbl run": summary["daemon_over_cli"] <= 1.5}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pipeline.json").write_text(json.dumps({"summary": summary, "runs": runs}, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
