"""Operations: schedules, the CBS catalogue sensor, freshness, the instance, idempotent and no-op runs."""

import hashlib
import json
import os
import subprocess
import sys

import dagster as dg
import pytest
import yaml
from conftest import CPI_SNAPSHOT, PROJECT, materialize_all
from http_server import FakeOpenData, RealV4Table, SyntheticTable

from bbl.settings import Settings
from pipelines.jobs import TZ, schedules


def test_schedules_cover_every_cadence_in_amsterdam_time():
    from pipelines.definitions import defs

    found = {s.name: s for s in defs.schedules}
    assert len(found) >= 3
    assert all(s.execution_timezone == TZ == "Europe/Amsterdam" for s in found.values())
    assert found["vacancies_quarterly_schedule"].cron_schedule == "0 7 16 2,5,8,11 *"
    assert found["cpi_and_labour_monthly_schedule"].cron_schedule == "0 7 15 * *"
    assert found["education_yearly_schedule"].cron_schedule == "0 7 1 3,10 *"
    assert "praktijkleren_yearly_schedule" in found


def test_schedules_run_only_in_live_mode():
    bundled = schedules(Settings(mode="bundled"))
    live = schedules(Settings(mode="live"))
    assert {s.default_status for s in bundled} == {dg.DefaultScheduleStatus.STOPPED}
    assert {s.default_status for s in live} == {dg.DefaultScheduleStatus.RUNNING}


def test_cadence_jobs_select_their_sources_and_everything_downstream():
    from pipelines.definitions import defs

    keys = {k.to_user_string() for k in defs.resolve_job_def("vacancies_quarterly").asset_layer.selected_asset_keys}
    assert {"raw/cbs/80472ned", "raw/cbs/80567ned", "staging/vacancies", "marts/vacancies",
            "marts/claim_checks", "publish/analyst_database", "publish/report"} <= keys
    assert "raw/cbs/86141NED" not in keys
    tags = defs.resolve_job_def("vacancies_quarterly").tags
    assert tags["dagster/max_retries"] == "2" and tags["bbl/warehouse"] == "true"


def test_every_raw_asset_has_a_freshness_policy_matching_its_cadence():
    from pipelines.definitions import defs

    raw = [s for s in defs.resolve_all_asset_specs() if s.key.path[0] == "raw"]
    assert raw and all(s.freshness_policy is not None for s in raw)
    cpi = next(s for s in raw if s.key.path[-1] == "86141NED")
    assert cpi.freshness_policy.fail_window.to_timedelta().days == 40  # monthly
    vac = next(s for s in raw if s.key.path[-1] == "80472ned")
    assert vac.freshness_policy.fail_window.to_timedelta().days == 100  # quarterly


def test_instance_config(tmp_path):
    from pipelines.instance import ensure_instance

    home = ensure_instance(tmp_path / "dh")
    cfg = yaml.safe_load((home / "dagster.yaml").read_text())
    assert cfg["concurrency"]["pools"]["default_limit"] == 1
    assert {"key": "bbl/warehouse", "limit": 1} in cfg["concurrency"]["runs"]["tag_concurrency_limits"]
    assert cfg["telemetry"]["enabled"] is False and cfg["run_retries"]["enabled"] is True
    assert cfg["storage"]["sqlite"]["base_dir"] == str(home / "storage")
    instance = dg.DagsterInstance.from_config(str(home))
    assert instance.get_runs() == []  # the file is a valid instance
    # the daemon looks at the queue every second, and the run limits above still hold with it
    assert instance.run_coordinator.dequeue_interval_seconds == 1
    queue = instance.get_concurrency_config().run_queue_config
    assert queue.max_concurrent_runs == 2 and {"key": "bbl/warehouse", "limit": 1} in queue.tag_concurrency_limits


# ----------------------------------------------------------------------------------------------
# the sensor, against the loopback CBS server
# ----------------------------------------------------------------------------------------------

@pytest.fixture
def catalog_server():
    with FakeOpenData() as srv:
        srv.add(RealV4Table(CPI_SNAPSHOT))
        for tid in ("80472ned", "80567ned", "85353NED"):
            srv.add(SyntheticTable(tid, 10, n_regions=5, apis={"v3"}, version="202605010000"))
        srv.add(SyntheticTable("85224NED", 10, n_regions=5, apis={"v4"}, version="202605010000"))
        yield srv


def _evaluate(server, monkeypatch, cursor=None, mode="live"):
    from pipelines.definitions import defs
    from pipelines.sensors import cbs_catalog_sensor

    monkeypatch.setenv("BBL_MODE", mode)
    monkeypatch.setenv("BBL_CBS_V4_URL", server.v4_url)
    monkeypatch.setenv("BBL_CBS_V3_URL", server.v3_url)
    ctx = dg.build_sensor_context(cursor=cursor, definitions=defs)
    return cbs_catalog_sensor(ctx)


def test_sensor_requests_runs_only_for_changed_tables(catalog_server, monkeypatch):
    first = _evaluate(catalog_server, monkeypatch)
    assert not first.run_requests and first.cursor
    cursor = json.loads(first.cursor)
    assert set(cursor) == {"86141NED", "80472ned", "80567ned", "85353NED", "85224NED"}
    assert catalog_server.requests_matching("/Datasets") and catalog_server.requests_matching("ODataCatalog/Tables")

    quiet = _evaluate(catalog_server, monkeypatch, first.cursor)
    assert not quiet.run_requests

    catalog_server.tables["80472ned"].modified = "2026-08-14T02:00:00"  # CBS publishes a new quarter
    changed = _evaluate(catalog_server, monkeypatch, quiet.cursor)
    assert [r.run_key for r in changed.run_requests] == ["80472ned:2026-08-14T02:00:00"]
    selection = {k.to_user_string() for k in changed.run_requests[0].asset_selection}
    assert "raw/cbs/80472ned" in selection and "marts/vacancies" in selection and "raw/cbs/86141NED" not in selection
    assert json.loads(changed.cursor)["80472ned"] == "2026-08-14T02:00:00"


def test_sensor_never_polls_in_bundled_mode(catalog_server, monkeypatch):
    result = _evaluate(catalog_server, monkeypatch, mode="bundled")
    assert isinstance(result, dg.SkipReason) and catalog_server.requests == []


def test_sensor_skips_when_cbs_is_down(catalog_server, monkeypatch):
    catalog_server.fault("status", status=503, path="Datasets", times=None)
    monkeypatch.setenv("BBL_HTTP_MAX_ATTEMPTS", "1")
    result = _evaluate(catalog_server, monkeypatch)
    assert isinstance(result, dg.SkipReason) and "CBS catalogue unavailable" in str(result.skip_message)


# ----------------------------------------------------------------------------------------------
# idempotency and no-op runs
# ----------------------------------------------------------------------------------------------

def table_hashes(db) -> dict[str, str]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [f"{s}.{t}" for s, t in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('staging', 'marts')").fetchall()]
        out = {}
        for t in tables:
            # verdict_since is the time of the run that first computed a verdict: the one column that differs
            rows = con.execute(f"SELECT COLUMNS(lambda c: c <> 'verdict_since') FROM {t}").fetchall()
            out[t] = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
        return out
    finally:
        con.close()


def test_two_runs_on_the_same_snapshots_give_identical_marts(built_home, tmp_path):
    other = tmp_path / "second"
    assert materialize_all(other).success
    first, second = table_hashes(built_home / "bbl.duckdb"), table_hashes(other / "bbl.duckdb")
    assert len(first) >= 10 and first == second


@pytest.mark.slow  # three whole-process runs (about a minute): CI runs it with the slow tests
def test_a_second_run_without_changes_is_a_no_op(tmp_path):
    env = {**os.environ, "BBL_HOME": str(tmp_path / "bbl"), "DAGSTER_HOME": str(tmp_path / "dh"), "BBL_MODE": "bundled"}
    run = [sys.executable, "-m", "pipelines.cli", "run"]
    assert subprocess.run(run, cwd=PROJECT, env=env, capture_output=True, timeout=300).returncode == 0
    published = tmp_path / "bbl" / "bbl.duckdb"
    before = published.stat().st_mtime_ns
    again = subprocess.run(run, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "nothing changed since the last publication" in again.stdout
    assert "subsidy_cut_400" in again.stdout and published.stat().st_mtime_ns == before
    forced = subprocess.run([*run, "--force"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert forced.returncode == 0 and "succeeded" in forced.stdout
