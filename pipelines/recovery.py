"""Recover from runs that died without finishing (SIGKILL, power loss, OOM).

A run killed mid-way leaves its Dagster run STARTED and its slot in the `bbl_warehouse` pool
claimed, so the next run would wait for the slot forever. With a daemon, run monitoring frees slots
of finished runs; for runs launched by `bbl run` (tagged with their pid and host) this module marks
a run whose process is gone as failed and frees its slots. `bbl run` calls it while holding its run
lock, so no other CLI run is active.
"""

from __future__ import annotations

import os
import socket

import dagster as dg

from bbl.pids import pid_alive

LAUNCHER_TAGS = {"bbl/launcher": "cli"}


def cli_run_tags() -> dict[str, str]:
    return {**LAUNCHER_TAGS, "bbl/pid": str(os.getpid()), "bbl/host": socket.gethostname()}


def release_orphaned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark dead CLI runs as failed and free pool slots held by runs that are no longer running."""
    from dagster._core.storage.dagster_run import DagsterRunStatus, RunsFilter

    released = []
    host = socket.gethostname()
    active = [DagsterRunStatus.STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.NOT_STARTED]
    for record in instance.get_run_records(filters=RunsFilter(statuses=active, tags=LAUNCHER_TAGS)):
        run = record.dagster_run
        pid = int(run.tags.get("bbl/pid", "0") or 0)
        if run.tags.get("bbl/host") == host and pid and not pid_alive(pid):
            instance.report_run_failed(run, message=f"process {pid} ended without finishing the run (killed?)")
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            released.append(run.run_id)
    if instance.event_log_storage.supports_global_concurrency_limits:
        for run_id in instance.event_log_storage.get_concurrency_run_ids():
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                instance.event_log_storage.free_concurrency_slots_for_run(run_id)
                released.append(run_id)
    return released
