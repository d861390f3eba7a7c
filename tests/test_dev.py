"""`make dev` (the Dagster UI and daemon) stops cleanly: on Ctrl-C (SIGINT to its process group, what a
terminal sends) and on SIGTERM to `make` (what a service manager sends), leaving no process behind."""

import os
import signal
import subprocess
import time
import urllib.request

import pytest
from conftest import PROJECT
from http_server import free_port

pytestmark = pytest.mark.slow


def session_processes(sid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=,sid=,args=", "-e"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.split()[1] == str(sid)]


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_make_dev_stops_cleanly(tmp_path, how):
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dh"), "BBL_HOME": str(tmp_path / "bbl")}
    proc = subprocess.Popen(["make", "dev", f"DEV_ARGS=-h 127.0.0.1 -p {port}"], cwd=PROJECT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the UI did not come up")
        stopped = time.monotonic()
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and session_processes(proc.pid):
            time.sleep(0.5)
        assert session_processes(proc.pid) == [], "processes left behind"
        assert time.monotonic() - stopped < 40
    finally:
        if session_processes(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
