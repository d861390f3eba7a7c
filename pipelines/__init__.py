"""The Dagster edge of bbl-stats: the code location, jobs, schedules, sensors and the `bbl` command.

A run that the daemon or the UI launches executes in a run worker process: a child that the code
server (`dagster api grpc`) spawns with multiprocessing for each run it starts, or `dagster api
execute_run` / `resume_run`. That process imports this package when it loads the code location. It
starts its GX worker here, before the code location's modules load, and the report's matplotlib in a
thread: both imports then overlap the rest of the start-up, as in `bbl run` (pipelines/run.py),
instead of the run's first check waiting for GX and its report step for matplotlib. No other process
that imports this package (the webserver, the daemon, the code server itself, `bbl`, the tests)
starts either.
"""

import sys


def is_run_worker(argv: list[str]) -> bool:
    """Whether this process, started with ``argv``, is a Dagster run worker (see the module doc)."""
    if argv[1:3] in (["api", "execute_run"], ["api", "resume_run"]):
        return True
    if argv[1:3] == ["api", "grpc"]:  # the code server itself, or the child it spawned for a run
        import multiprocessing

        return multiprocessing.parent_process() is not None
    return False


if is_run_worker(sys.argv):
    from bbl.quality.worker import validate_in_worker_until_exit
    from bbl.report.charts import preload

    validate_in_worker_until_exit()
    preload()
