"""The Dagster code location: loads, validates, and every asset is documented for the UI."""

import subprocess
import sys
from pathlib import Path

import dagster as dg
from conftest import PROJECT

from assets.resources import WAREHOUSE_POOL

GROUPS = {"sources", "staging", "marts", "claims", "publish"}


def test_definitions_load_with_the_expected_assets():
    from pipelines.definitions import defs

    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    assert keys >= {"raw/cbs/86141NED", "raw/published_figures", "staging/cpi_yearly", "staging/subsidy_amounts",
                    "marts/subsidy_per_place", "marts/claim_checks", "publish/analyst_database"}
    assert defs.resolve_job_def("bbl_all")


def test_every_asset_has_description_kinds_group_and_the_warehouse_pool():
    from pipelines.definitions import defs

    for spec in defs.resolve_all_asset_specs():
        name = spec.key.to_user_string()
        assert spec.description and len(spec.description) > 40, name
        assert spec.group_name in GROUPS, name
        assert spec.kinds, name
    for assets_def in defs.resolve_asset_graph().assets_defs:
        for node in [assets_def.node_def]:
            assert node.pool == WAREHOUSE_POOL, assets_def.key


def test_publish_runs_after_every_mart():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey(["publish", "analyst_database"])).parent_keys
    marts = {k for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    assert marts <= upstream


def test_workspace_validates():
    out = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Validation successful" in out.stdout + out.stderr
