"""The `bbl` command as a user runs it: a real subprocess, its output and its exit status."""

import hashlib
import os
import subprocess
import sys

import pytest
from conftest import PROJECT

BBL = [sys.executable, "-m", "pipelines.cli"]


def _run(args, env_extra, timeout=120):
    env = {**os.environ, **env_extra}
    return subprocess.run([*BBL, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout)


def test_help_lists_commands_and_environment():
    out = _run(["--help"], {})
    assert out.returncode == 0
    for word in ("run", "status", "BBL_MODE", "BBL_HOME", "BBL_CBS_V4_URL"):
        assert word in out.stdout


def test_no_command_is_a_usage_error():
    assert _run([], {}).returncode == 2


def test_bad_mode_is_refused():
    out = _run(["run"], {"BBL_MODE": "offline"})
    assert out.returncode == 2 and "BBL_MODE must be one of bundled, live" in out.stderr


@pytest.fixture
def homes(tmp_path):
    return {"BBL_HOME": str(tmp_path / "bbl"), "DAGSTER_HOME": str(tmp_path / "dagster"), "BBL_MODE": "bundled"}


def test_run_prints_the_ledger_and_the_paths(homes, tmp_path):
    out = _run(["run"], homes)
    assert out.returncode == 0, out.stderr[-3000:]
    line = next(x for x in out.stdout.splitlines() if x.startswith("subsidy_cut_12pct "))
    assert "14.8" in line and "understated" in line  # the letter understates the nominal cut
    assert f"analyst database  {tmp_path / 'bbl' / 'bbl.duckdb'}" in out.stdout
    assert (tmp_path / "bbl" / "bbl.duckdb").is_file()
    assert (tmp_path / "dagster" / "dagster.yaml").is_file()
    status = _run(["status"], homes)
    assert status.returncode == 0
    assert "cbs/86141NED/202607020000" in status.stdout and "202607020000" in status.stdout


@pytest.mark.slow
def test_failed_run_names_the_step_and_keeps_the_published_file(homes, tmp_path, data_copy):
    assert _run(["run"], homes).returncode == 0
    published = tmp_path / "bbl" / "bbl.duckdb"
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    register = data_copy / "figures" / "published_figures.csv"
    register.write_text(register.read_text(encoding="utf-8") + "broken,row\n", encoding="utf-8")
    out = _run(["run"], {**homes, "BBL_DATA_DIR": str(data_copy)})
    assert out.returncode == 1
    assert "failing step: raw__published_figures" in out.stderr
    assert "published_figures.csv has" in out.stderr  # the checksum names the file
    assert "not published: the published database was not changed" in out.stderr
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before


def test_status_without_a_published_database(homes):
    out = _run(["status"], homes)
    assert out.returncode == 1 and "no published database" in out.stderr


@pytest.mark.slow  # three whole runs
def test_every_outcome_is_told_from_what_happened_on_disk(homes, tmp_path, monkeypatch, capsys):
    """Published, then the report step fails: the CLI says it published (the file did change) and that the
    report is out of date; the next run, with nothing changed, rebuilds the stale report instead of
    claiming all is well. (In process: `main` is the CLI's own entry point.)"""
    from pipelines.cli import main

    for k, v in homes.items():
        monkeypatch.setenv(k, v)
    home = tmp_path / "bbl"
    assert main(["run"]) == 0
    published = home / "bbl.duckdb"
    first = published.stat().st_mtime_ns
    reports = home / "reports"
    for f in reports.rglob("*"):
        if f.is_file():
            f.unlink()
    for d in sorted(reports.rglob("*"), reverse=True):
        d.rmdir()
    reports.rmdir()
    reports.write_text("not a folder")  # the report step will fail, after the publication
    capsys.readouterr()
    assert main(["run", "--force"]) == 1
    err = capsys.readouterr().err
    assert "failing step: publish__report" in err
    assert f"published {published} (this run's data passed its checks), but a later step failed" in err
    assert "not published" not in err and published.stat().st_mtime_ns != first
    reports.unlink()
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "nothing changed since the last publication" in out
    assert "the report was older than the publication" in out and (reports / "report.html").is_file()
    assert main(["run"]) == 0
    assert "the report was older" not in capsys.readouterr().out


def test_an_unusable_bbl_home_is_one_clear_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for command in (["run"], ["fetch", "cbs", "80472ned"]):
        out = _run(command, {"BBL_HOME": str(blocker / "home"), "DAGSTER_HOME": str(tmp_path / "dh"),
                             "BBL_MODE": "live" if command[0] == "fetch" else "bundled"})
        assert out.returncode == 2, out.stderr
        assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
        assert f"BBL_HOME {blocker / 'home'} cannot be written" in out.stderr
