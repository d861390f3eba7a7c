"""A publication no analyst can break (each writer, reader and run in its own process).

DuckDB replays a `bbl.duckdb.wal` beside the file on every open. An analyst's read-write session
leaves one when it is killed, or writes one while it still holds the previous publication open; the
next opener then fails ("WAL does not match database file") or sees the analyst's writes. Every reader
of ours and every publication sets such a WAL aside (bbl.duck.set_aside_stale_wal), while a session
that holds the current file read-write is left alone.
"""

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-m", "pipelines.cli"]


def env_for(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "BBL_HOME": str(tmp_path / "bbl"), "DAGSTER_HOME": str(tmp_path / "dh"), "BBL_MODE": "bundled"}


def bbl(env, *args, timeout=300):
    return subprocess.run([*CLI, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout)


def analyst_writer(db: Path, keep_open: bool) -> subprocess.Popen:
    """An analyst's read-write session: writes a table without checkpointing, then waits (to be killed,
    or told on stdin to write again)."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time, duckdb
        con = duckdb.connect({str(db)!r})
        con.execute("SET checkpoint_threshold = '1TB'")
        con.execute("CREATE TABLE main.analyst_scratch AS SELECT range AS x FROM range(5000)")
        print("written", flush=True)
        for line in sys.stdin:
            con.execute("INSERT INTO main.analyst_scratch SELECT range FROM range(10)")
            print("again", flush=True)
        time.sleep(600)
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def readable(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'analyst_scratch'"
                               ).fetchall()[0][0], "an analyst's table reached the publication"
        return con.execute("SELECT count(*) FROM marts.claim_checks").fetchall()[0][0]
    finally:
        con.close()


def test_a_killed_analyst_writer_breaks_nothing(tmp_path):
    env = env_for(tmp_path)
    assert bbl(env, "run").returncode == 0
    db = tmp_path / "bbl" / "bbl.duckdb"
    writer = analyst_writer(db, keep_open=False)
    assert writer.stdout.readline().strip() == "written"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert db.with_name("bbl.duckdb.wal").exists()  # the stale WAL that used to break every reader
    status = bbl(env, "status")
    assert status.returncode == 0, status.stderr
    assert "moved" in status.stderr and "bbl.duckdb.wal" in status.stderr
    assert not db.with_name("bbl.duckdb.wal").exists() and list(db.parent.glob("bbl.duckdb.wal.stale-*"))
    assert readable(db) > 0
    again = bbl(env, "run", "--force")
    assert again.returncode == 0, again.stderr[-2000:]
    assert readable(db) > 0 and (tmp_path / "bbl" / "reports" / "report.html").is_file()


def test_a_writer_holding_the_file_across_a_publication(tmp_path):
    env = env_for(tmp_path)
    assert bbl(env, "run").returncode == 0
    db = tmp_path / "bbl" / "bbl.duckdb"
    writer = analyst_writer(db, keep_open=True)
    assert writer.stdout.readline().strip() == "written"
    try:
        run = bbl(env, "run", "--force")  # the writer keeps the old file; the publication replaces the name
        assert run.returncode == 0, run.stderr[-2000:]
        assert readable(db) > 0
        writer.stdin.write("more\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "again"  # it writes to the old copy, next to the new one
        status = bbl(env, "status")
        assert status.returncode == 0, status.stderr
        assert readable(db) > 0
    finally:
        writer.kill()
        writer.wait()
    assert bbl(env, "run", "--force").returncode == 0 and readable(db) > 0


def test_a_run_killed_while_publishing_leaves_the_old_or_the_new_file_whole(tmp_path):
    env = env_for(tmp_path)
    assert bbl(env, "run").returncode == 0
    db = tmp_path / "bbl" / "bbl.duckdb"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    run = subprocess.Popen([*CLI, "run", "--force"], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None and not list(db.parent.glob(".bbl.duckdb.tmp-*")):
        time.sleep(0.005)
    run.send_signal(signal.SIGKILL)
    run.wait()
    after = hashlib.sha256(db.read_bytes()).hexdigest()
    assert readable(db) > 0  # whole: the old file, or (if the rename had happened) the new one
    assert after == before or readable(db) > 0
    again = bbl(env, "run", "--force")
    assert again.returncode == 0, again.stderr[-2000:]
    assert not list(db.parent.glob(".bbl.duckdb.tmp-*")) and readable(db) > 0
