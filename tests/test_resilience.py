"""The analyst database under real-world stress: readers, crashes, concurrent runs, older clients.

Slow (each runs the CLI in real processes); `make test-slow` and CI run them.
"""

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT

pytestmark = pytest.mark.slow
RUN = [sys.executable, "-m", "pipelines.cli", "run", "--force"]


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "BBL_HOME": str(tmp_path / "bbl"), "DAGSTER_HOME": str(tmp_path / "dh"),
            "BBL_MODE": "bundled", **extra}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(db: Path, sql: str) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


INFLOW_2021 = "SELECT value FROM raw.published_figures WHERE figure_id = 'inflow.bbl.totaal.2021-2022'"


def test_an_analyst_holding_the_file_keeps_a_consistent_view(tmp_path, data_copy):
    env = env_for(tmp_path, BBL_DATA_DIR=str(data_copy))
    assert subprocess.run(RUN, cwd=PROJECT, env=env, capture_output=True, timeout=300).returncode == 0
    db = tmp_path / "bbl" / "bbl.duckdb"
    go = tmp_path / "go"
    analyst = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, os, time
        con = duckdb.connect({str(db)!r}, read_only=True)
        before = con.execute({INFLOW_2021!r}).fetchall()
        print("ready", flush=True)
        while not os.path.exists({str(go)!r}):
            time.sleep(0.1)
        after = con.execute({INFLOW_2021!r}).fetchall()
        print(before[0][0], after[0][0], con.execute("SELECT count(*) FROM marts.claim_checks").fetchall()[0][0])
    """)], stdout=subprocess.PIPE, text=True)
    assert analyst.stdout.readline().strip() == "ready"
    # a new figure arrives (test-only change to a copy of the data), and the pipeline runs meanwhile
    from bbl.bundle import rebuild_figures

    src = data_copy / "published" / "bbl_inflow_by_sectorkamer_2021_2022.csv"
    src.write_text(src.read_text(encoding="utf-8").replace(",44000,", ",44500,"), encoding="utf-8")
    rebuild_figures(data_copy)
    run = subprocess.run(RUN, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    go.touch()
    out, _ = analyst.communicate(timeout=60)
    before, after, claims = out.split()
    assert before == after == "44000.0" and int(claims) > 10  # the open session saw one consistent database
    assert query(db, INFLOW_2021) == [(44500.0,)]  # a new session sees the new publication


def test_a_run_killed_midway_leaves_the_published_database_intact(tmp_path):
    env = env_for(tmp_path)
    assert subprocess.run(RUN, cwd=PROJECT, env=env, capture_output=True, timeout=300).returncode == 0
    db = tmp_path / "bbl" / "bbl.duckdb"
    before = sha(db)
    proc = subprocess.Popen(RUN, cwd=PROJECT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in proc.stderr:  # kill it in the middle: after the staging tables, before publication
        if "staging.subsidy_amounts:" in line:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert sha(db) == before
    assert query(db, "SELECT count(*) FROM marts.claim_checks")[0][0] > 10
    again = subprocess.run(RUN, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "which ended without finishing (its process is gone)" in again.stderr  # its pool slot was freed
    assert not list((tmp_path / "bbl").glob(".bbl.duckdb.tmp-*"))


def test_two_runs_started_at_once_are_serialized_and_both_succeed(tmp_path):
    env = env_for(tmp_path)
    procs = [subprocess.Popen(RUN, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e[-2000:] for _, e in results]
    assert sum("another run holds" in err for _, err in results) == 1
    db = tmp_path / "bbl" / "bbl.duckdb"
    assert query(db, "SELECT count(*) FROM meta.publications") == [(1,)]
    assert query(db, "SELECT count(*) FROM quality.check_results WHERE NOT passed AND severity = 'ERROR'") == [(0,)]


DUCKDB14 = PROJECT / ".venv-duckdb14"


def test_the_published_file_opens_in_duckdb_1_4(built_home):
    python = DUCKDB14 / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DUCKDB14)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "duckdb>=1.4,<1.5"], check=True, timeout=600)
    out = subprocess.run([str(python), "-c", textwrap.dedent(f"""
        import duckdb
        con = duckdb.connect({str(built_home / 'bbl.duckdb')!r}, read_only=True)
        print(duckdb.__version__, con.execute("SELECT count(*) FROM marts.claim_checks").fetchall()[0][0],
              con.execute("SELECT amount_nominal_eur FROM marts.subsidy_per_place WHERE studiejaar = '2018/2019'")
                 .fetchall()[0][0])
    """)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    version, claims, amount = out.stdout.split()
    assert version.startswith("1.4") and int(claims) > 10 and float(amount) == 2216.7


def test_a_second_run_while_a_reader_holds_the_file_yields_identical_marts(tmp_path):
    from test_operations import table_hashes

    env = env_for(tmp_path)
    assert subprocess.run(RUN, cwd=PROJECT, env=env, capture_output=True, timeout=300).returncode == 0
    db = tmp_path / "bbl" / "bbl.duckdb"
    before = table_hashes(db)
    reader = duckdb.connect(str(db), read_only=True)  # an analyst session, open during the whole run
    try:
        run = subprocess.run(RUN, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        assert reader.execute("SELECT count(*) FROM marts.claim_checks").fetchall()[0][0] > 10
    finally:
        reader.close()
    assert table_hashes(db) == before
    assert query(db, "SELECT count(*) FROM meta.publications") == [(1,)]
