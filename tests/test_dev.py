"""`make dev` (the Dagster UI and daemon) stops cleanly: on Ctrl-C (SIGINT to its process group, what a
terminal sends) and on SIGTERM to `make` (what a service manager sends), leaving no process behind.

Each case starts `make dev` with the signal dispositions its launcher gives, not those of this pytest
process: a terminal leaves SIGINT and SIGTERM at their defaults; a non-interactive shell starting it in
the background (``make dev &`` in a script, ``nohup``) ignores SIGINT, which `dagster dev` alone would
keep ignoring, and SIGTERM with it (pipelines/dev.py)."""

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


def _launched_from(launcher: str):
    def set_dispositions() -> None:  # in the child, before it runs make
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN if launcher == "background" else signal.SIG_DFL)

    return set_dispositions


@pytest.mark.parametrize("launcher, how", [("terminal", "ctrl-c"), ("terminal", "sigterm"), ("background", "sigterm")])
def test_make_dev_stops_cleanly(tmp_path, launcher, how):
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dh"), "BBL_HOME": str(tmp_path / "bbl")}
    proc = subprocess.Popen(["make", "dev", f"DEV_ARGS=-h 127.0.0.1 -p {port}"], cwd=PROJECT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=_launched_from(launcher))
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
