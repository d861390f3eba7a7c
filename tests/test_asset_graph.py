"""A snapshot of the asset graph (keys, groups, kinds, deps, checks, jobs, schedules, sensors), like
the reference platform's syrupy snapshot: an accidental change to the graph shows up as a diff.

After an intended change: `.venv/bin/python -m pytest tests/test_asset_graph.py --snapshot-update`,
and review the diff of tests/__snapshots__/test_asset_graph.ambr.
"""

from syrupy.extensions.json import JSONSnapshotExtension


def graph_description() -> dict:
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    # checks of their own (checks/) and those an asset's step evaluates (assets/quality.py) alike
    blocking = {key for key in graph.asset_check_keys if graph.get_check_spec(key).blocking}
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "kinds": sorted(node.kinds),
            "deps": sorted(k.to_user_string() for k in node.parent_keys),
            "checks": sorted(c.name + (" (blocking)" if c in blocking else "") for c in node.check_keys),
            "freshness_policy": node.freshness_policy is not None,
        }
    jobs = {}
    for job in defs.resolve_all_job_defs():
        if job.name.startswith("__"):
            continue
        selected = job.asset_layer.selected_asset_keys if job.asset_layer else set()
        jobs[job.name] = {"assets": sorted(k.to_user_string() for k in selected), "tags": dict(sorted(job.tags.items())),
                          "executor": job.executor_def.name}
    schedules = {s.name: {"job": s.job_name, "cron": s.cron_schedule, "timezone": s.execution_timezone}
                 for s in defs.schedules or []}
    sensors = {s.name: {"jobs": sorted(j.name for j in s.jobs) if s.has_jobs else [],
                        "kind": type(s).__name__, "interval_s": s.minimum_interval_seconds}
               for s in defs.sensors or []}
    return {"assets": assets, "jobs": dict(sorted(jobs.items())), "schedules": schedules, "sensors": sensors}


def test_asset_graph_matches_its_snapshot(snapshot):
    assert graph_description() == snapshot(extension_class=JSONSnapshotExtension)
