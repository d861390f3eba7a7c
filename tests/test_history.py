"""Every version kept (issue 13): the history store, as-of queries, revisions, and change detection.

The loopback server serves successive versions of a CBS-shaped table (tests/cbs_shapes.py): the
second revises the provisional year's cells, adds a year and no longer has one SBI section. Each is
fetched with `bbl fetch cbs`, as a user would.
"""

import io
import os
from contextlib import redirect_stderr, redirect_stdout

import duckdb
import pytest
from cbs_shapes import TOTAL, VacancyTable

OPEN = "OpenstaandeVacatures_1"
DROPPED = "440900"  # the last SBI section: not in the second version
T1, T2 = "2023-09-01", "2023-12-01"  # after the first version (16 Aug 2023 02:00 Dutch time), after the second (15 Nov 2023)


@pytest.fixture
def fetch(fetch):
    """conftest's `bbl fetch cbs`, required to succeed; returns its stdout."""
    def run(*args):
        code, out, err = fetch(*args)
        assert code == 0, err
        return out
    return run


def query(home, sql, params=()):
    con = duckdb.connect(str(home / "bbl.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def cell_as_of(home, ts, code=TOTAL, period="2023KW01"):
    return query(home, "SELECT value FROM history.cbs_as_of('80472ned', ?) WHERE measure = ? AND period = ? "
                       "AND dimensions['Bedrijfskenmerken'] = ?", [ts, OPEN, period, code])


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """Two versions fetched once for the module's tests: (home, first, second, output of the second fetch,
    a function that fetches again). The server stays up until the module's last test."""
    from http_server import FakeOpenData

    from pipelines.cli import main

    root = tmp_path_factory.mktemp("history")
    with FakeOpenData(page_size_v3=500) as server, pytest.MonkeyPatch.context() as mp:
        for k, v in {"BBL_MODE": "live", "BBL_HOME": str(root / "home"), "DAGSTER_HOME": str(root / "dagster"),
                     "BBL_CBS_V4_URL": server.v4_url, "BBL_CBS_V3_URL": server.v3_url, "BBL_DUO_URL": server.duo_url,
                     "BBL_HTTP_MAX_ATTEMPTS": "2"}.items():
            mp.setenv(k, v)

        def fetch_again() -> str:
            out, err = io.StringIO(), io.StringIO()
            with redirect_stdout(out), redirect_stderr(err):
                code = main(["fetch", "cbs", "80472ned"])
            assert code == 0, err.getvalue()
            return out.getvalue()

        first = server.add(VacancyTable())
        fetch_again()
        second = server.add(first.revise("202311150200", last_year=2024, dropped=(DROPPED,)))
        yield root / "home", first, second, fetch_again(), fetch_again


def test_as_of_gives_each_versions_value(two_versions):
    home, first, second, *_ = two_versions
    old, new = first.cells[(OPEN, TOTAL, "2023KW01")], second.cells[(OPEN, TOTAL, "2023KW01")]
    assert old != new
    assert cell_as_of(home, T1) == [(old,)]
    assert cell_as_of(home, T2) == [(new,)]
    assert cell_as_of(home, "2023-08-01") == []  # before CBS published the first version
    # the added period exists only in the second version, the removed code only in the first
    assert cell_as_of(home, T1, period="2024KW01") == []
    assert cell_as_of(home, T2, period="2024KW01") == [(second.cells[(OPEN, TOTAL, "2024KW01")],)]
    assert cell_as_of(home, T1, code=DROPPED) == [(first.cells[(OPEN, DROPPED, "2023KW01")],)]
    assert cell_as_of(home, T2, code=DROPPED) == []
    # the current as-of equals raw.cbs_observations, cell for cell
    assert query(home, """
        SELECT count(*) FROM (
          (SELECT measure, period, dimensions, value FROM raw.cbs_observations WHERE table_id = '80472ned'
           EXCEPT SELECT measure, period, dimensions, value FROM history.cbs_as_of('80472ned', now()))
          UNION ALL
          (SELECT measure, period, dimensions, value FROM history.cbs_as_of('80472ned', now())
           EXCEPT SELECT measure, period, dimensions, value FROM raw.cbs_observations WHERE table_id = '80472ned'))
        """) == [(0,)]


def test_history_stores_only_changes(two_versions):
    home, first, second, out, _ = two_versions
    served = {k: v for k, v in second.cells.items() if k[1] not in second.dropped}
    n_first = len(first.cells)
    revised = sum(1 for k, v in first.cells.items() if k in served and served[k] != v)
    added = sum(1 for k in served if k not in first.cells)
    removed = sum(1 for k in first.cells if k not in served)
    assert revised > 0 and added > 0 and removed > 0
    vintages = query(home, "SELECT cells, cells_added, cells_revised, cells_removed, valid_from_basis "
                           "FROM history.cbs_vintages ORDER BY valid_from")
    assert vintages == [(n_first, n_first, 0, 0, "Modified"), (len(served), added, revised, removed, "Modified")]
    assert query(home, "SELECT count(*) FROM history.cbs_observations") == [(n_first + added + revised,)]
    assert f"{revised} revised" in out and f"{added} added" in out and f"{removed} removed" in out


def test_revisions_list_the_revised_cell(two_versions):
    home, first, second, *_ = two_versions
    rows = query(home, "SELECT first_value, latest_value, revision_count, first_published, last_revised, current "
                       "FROM marts.revisions WHERE measure = ? AND period = '2023KW01' "
                       "AND dimensions['Bedrijfskenmerken'] = ?", [OPEN, TOTAL])
    assert len(rows) == 1
    first_value, latest_value, count, first_published, last_revised, current = rows[0]
    assert (first_value, latest_value, count, current) == (
        first.cells[(OPEN, TOTAL, "2023KW01")], second.cells[(OPEN, TOTAL, "2023KW01")], 1, True)
    assert str(first_published) == "2023-08-16 00:00:00" and str(last_revised) == "2023-11-15 01:00:00"  # 02:00 Dutch winter time
    # exactly the revised cells are listed: not the added year, not a section's unrevised old year
    served = {k: v for k, v in second.cells.items() if k[1] not in second.dropped}
    revised = {k for k, v in first.cells.items() if k in served and served[k] != v}
    assert query(home, "SELECT count(*) FROM marts.revisions") == [(len(revised),)]
    assert query(home, "SELECT count(*) FROM marts.revisions WHERE period LIKE '2024%' OR (period LIKE '2015%' "
                       "AND dimensions['Bedrijfskenmerken'] <> ?)", [TOTAL]) == [(0,)]


def test_an_unchanged_refetch_adds_nothing(two_versions):
    home, fetch_again = two_versions[0], two_versions[4]
    before = query(home, "SELECT (SELECT count(*) FROM history.cbs_observations), "
                         "(SELECT count(*) FROM history.cbs_vintages)")
    assert "unchanged at the source" in fetch_again()
    assert query(home, "SELECT (SELECT count(*) FROM history.cbs_observations), "
                       "(SELECT count(*) FROM history.cbs_vintages)") == before


def test_the_sensor_reports_what_a_new_version_revised(server, tmp_path):
    import dagster as dg

    from assets.cbs import cbs_assets
    from assets.resources import BblResource
    from pipelines.sensors import cbs_revisions_sensor

    asset = next(a for a in cbs_assets if a.key.path == ["raw", "cbs", "80472ned"])
    resource = BblResource(mode="live", home=str(tmp_path / "home"), cbs_v4_url=server.v4_url,
                           cbs_v3_url=server.v3_url, duo_url=server.duo_url, http_max_attempts=2)
    first = server.add(VacancyTable())
    with dg.instance_for_test() as instance:
        assert dg.materialize([asset], resources={"bbl": resource}, instance=instance).success
        second = server.add(first.revise("202311150200", last_year=2024, dropped=(DROPPED,)))
        result = dg.materialize([asset], resources={"bbl": resource}, instance=instance)
        assert result.success
        served = {k: v for k, v in second.cells.items() if k[1] not in second.dropped}
        revised = sum(1 for k, v in first.cells.items() if k in served and served[k] != v)
        run = instance.get_run_by_id(result.run_id)
        ctx = dg.build_run_status_sensor_context(
            sensor_name="cbs_revisions_sensor", dagster_instance=instance, dagster_run=run,
            dagster_event=result.get_run_success_event())
        reason = cbs_revisions_sensor(ctx)
    assert f"80472ned: new version published 2023-11-15T01:00:00: {revised:,} cells revised" in reason.skip_message


def test_an_older_version_loaded_later_is_put_in_publication_order(server, fetch, tmp_path, monkeypatch):
    """The history does not depend on the order of loads: a version published before the newest one
    in the history (here: the first version, loaded after the second) makes the table's history be
    replayed from the snapshot folders in CBS's publication order."""
    import shutil

    from bbl.cbs.load import load_cbs_snapshot
    from bbl.snapshot import load_manifest
    from warehouse.store import Warehouse

    first = server.add(VacancyTable())
    fetch("80472ned")
    first_folder = next((tmp_path / "home" / "snapshots" / "cbs" / "80472ned").iterdir())
    kept = tmp_path / "kept-first"
    shutil.copytree(first_folder, kept)
    other = tmp_path / "other"
    monkeypatch.setenv("BBL_HOME", str(other))
    second = server.add(first.revise("202311150200"))
    fetch("80472ned")  # the second home knows only the second version
    with Warehouse(other).connect() as con:
        stats = load_cbs_snapshot(con, kept, load_manifest(kept), "kept-first")
        versions = con.execute("SELECT version, snapshot_id FROM history.cbs_vintages ORDER BY version").fetchall()
        values = [con.execute("SELECT value FROM history.cbs_as_of('80472ned', ?) WHERE measure = ? AND "
                              "period = '2023KW01' AND dimensions['Bedrijfskenmerken'] = ?", [ts, OPEN, TOTAL]).fetchall()
                  for ts in (T1, T2)]
        raw = con.execute("SELECT value FROM raw.cbs_observations WHERE measure = ? AND period = '2023KW01' "
                          "AND dimensions['Bedrijfskenmerken'] = ?", [OPEN, TOTAL]).fetchall()
    assert [v for v, _ in versions] == [1, 2] and versions[0][1] == load_manifest(kept)["snapshot_id"]
    assert values == [[(first.cells[(OPEN, TOTAL, "2023KW01")],)], [(second.cells[(OPEN, TOTAL, "2023KW01")],)]]
    assert raw == [(first.cells[(OPEN, TOTAL, "2023KW01")],)]  # raw holds the version this load used
    assert stats.history.diff is not None and stats.history.diff.cells == len(first.cells)


@pytest.mark.slow  # a whole pipeline run in process (about 20 s): CI runs it with the slow tests
def test_bbl_run_as_of_uses_only_what_was_published_by_then(two_versions, tmp_path, monkeypatch, capsys):
    """`bbl run --as-of`: a labelled database and report from the versions in force on the date."""
    from pipelines.cli import main

    home, first, *_ = two_versions
    monkeypatch.setenv("BBL_MODE", "bundled")
    monkeypatch.delenv("BBL_AS_OF", raising=False)
    assert main(["run", "--as-of", T1]) == 0, capsys.readouterr().err
    assert "BBL_AS_OF" not in os.environ  # the option is this run's, not the process's
    out = home / f"asof-{T1}"
    con = duckdb.connect(str(out / "bbl.duckdb"), read_only=True)
    try:
        pub = con.execute("SELECT mode, CAST(as_of AS VARCHAR) FROM meta.publications").fetchall()
        value = con.execute("SELECT value FROM raw.cbs_observations WHERE table_id = '80472ned' AND measure = ? "
                            "AND period = '2023KW01' AND dimensions['Bedrijfskenmerken'] = ?", [OPEN, TOTAL]).fetchall()
        later = con.execute("SELECT count(*) FROM raw.published_figures WHERE date_published IS NULL "
                            "OR date_published > DATE '2023-09-01'").fetchall()
        cpi = con.execute("SELECT count(*) FROM raw.cbs_observations WHERE table_id = '86141NED'").fetchall()
        ledger = dict(con.execute("SELECT claim_id, verdict FROM marts.claim_checks").fetchall())
    finally:
        con.close()
    assert pub == [("as-of", T1)]
    assert value == [(first.cells[(OPEN, TOTAL, "2023KW01")],)]  # the first version, not the revised one
    assert later == [(0,)] and cpi == [(0,)]  # the bundled CPI was published in 2026
    assert ledger["subsidy_cut_12pct"] == "pending live data"  # it needs the CPI
    assert "Stand op 01-09-2023" in (out / "reports" / "report.html").read_text(encoding="utf-8")
    # the regular publication is untouched
    assert (home / "bbl.duckdb").is_file() and not (home / "reports").exists()
