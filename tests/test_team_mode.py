"""Team mode for real: Dagster on PostgreSQL, webserver and daemon as separate processes (as in
production), a schedule turned on with a near tick, and the daemon's run publishing the warehouse.

`make test-team` installs PostgreSQL from the Debian packages if missing; this test starts it on a
temporary data directory and port (as the `postgres` user: it refuses to run as root), and stops
everything by PID at the end. CI runs it.
"""

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT
from http_server import free_port

pytestmark = pytest.mark.team
BIN = Path(sys.executable).parent
SCHEDULE = "bbl_all_schedule"


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"PostgreSQL's {name} not found: `make test-team` installs the Debian package postgresql")
    return found[-1]


def as_postgres(*cmd: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *cmd], capture_output=True, text=True, check=True, **kw)


@pytest.fixture
def postgres():
    root = Path(tempfile.mkdtemp(prefix="bbl-pg-", dir="/tmp"))  # pytest's tmp folders are closed to `postgres`
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    shutil.chown(root, "postgres")
    shutil.chown(sock, "postgres")
    os.chmod(root, 0o700)
    port = free_port()
    as_postgres(pg_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    as_postgres(pg_bin("pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o",
                f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    pid = int((data / "postmaster.pid").read_text().splitlines()[0])
    try:
        as_postgres(pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "dagster")
        yield {"DAGSTER_PG_HOST": "127.0.0.1", "DAGSTER_PG_PORT": str(port), "DAGSTER_PG_USER": "postgres",
               "DAGSTER_PG_PASSWORD": "trust-auth-ignores-it", "DAGSTER_PG_DB": "dagster"}
    finally:
        os.kill(pid, signal.SIGTERM)  # by PID: a fast shutdown
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.2)
        shutil.rmtree(root, ignore_errors=True)


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=PROJECT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_the_daemon_runs_a_schedule_on_postgres_and_publishes(postgres, tmp_path):
    home, dagster_home = tmp_path / "bbl", tmp_path / "dagster"
    env = {**os.environ, **postgres, "BBL_MODE": "bundled", "BBL_HOME": str(home), "DAGSTER_HOME": str(dagster_home),
           "BBL_SCHEDULE_CRON": "* * * * *", "GX_ANALYTICS_ENABLED": "False"}
    subprocess.run([sys.executable, "-m", "pipelines.instance", "--postgres", str(dagster_home)], env=env, check=True,
                   capture_output=True)
    assert "postgres_db:" in (dagster_home / "dagster.yaml").read_text()
    port = free_port()
    webserver = start([str(BIN / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                      env, tmp_path / "webserver.log")
    daemon = start([str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"], env, tmp_path / "daemon.log")
    try:
        on = subprocess.run([str(BIN / "dagster"), "schedule", "start", SCHEDULE, "-w", "workspace.yaml"], cwd=PROJECT,
                            env=env, capture_output=True, text=True, timeout=120)
        assert on.returncode == 0, on.stdout + on.stderr
        published = home / "bbl.duckdb"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not published.exists():
            assert daemon.poll() is None and webserver.poll() is None, (tmp_path / "daemon.log").read_text()[-3000:]
            time.sleep(2)
        assert published.exists(), (tmp_path / "daemon.log").read_text()[-4000:]
        time.sleep(1)
        con = duckdb.connect(str(published), read_only=True)
        try:
            run_id, mode = con.execute("SELECT run_id, mode FROM meta.publications").fetchall()[0]
            claims = con.execute("SELECT count(*) FROM marts.claim_checks").fetchall()[0][0]
        finally:
            con.close()
        assert mode == "bundled" and claims > 10
        # the run is in PostgreSQL: launched by the daemon for the schedule
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", postgres["DAGSTER_PG_PORT"], "-U", "postgres", "-d",
                              "dagster", "-At", "-c",
                              f"SELECT key, value FROM run_tags WHERE run_id = '{run_id}' AND key = 'dagster/schedule_name'"],
                             capture_output=True, text=True, check=True)
        assert out.stdout.strip() == f"dagster/schedule_name|{SCHEDULE}"
    finally:
        subprocess.run([str(BIN / "dagster"), "schedule", "stop", SCHEDULE, "-w", "workspace.yaml"], cwd=PROJECT, env=env,
                       capture_output=True, timeout=120)
        stop(daemon)
        stop(webserver)
