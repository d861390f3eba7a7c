"""Live ingestion against a real HTTP server on 127.0.0.1: paging, retries, safety, change detection.

The CLI tests run `bbl fetch` as a subprocess with BBL_MODE=live and the CBS/DUO URLs pointing at
the loopback server; each fault asserts the message, the exit status, and that the previous
snapshot and the published warehouse are unchanged.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import CPI_SNAPSHOT, PROJECT
from http_server import DuoDataset, FakeOpenData, RealV4Table, SyntheticTable

from bbl.cbs.client import CbsClient, SchemaDriftError, snapshot_version
from bbl.http import FetchError, RetryPolicy
from bbl.registry import cbs_tables

FAST = RetryPolicy(max_attempts=4, backoff_base_s=0.01, backoff_max_s=0.05)
# 86141NED is registered with a filter (all spending): its snapshot folders carry the filter's hash
CPI_FILTER = {t.id: t for t in cbs_tables()}["86141NED"].filter
V1 = snapshot_version("202607020000", CPI_FILTER)
V2 = snapshot_version("202608010000", CPI_FILTER)


@pytest.fixture
def server():
    with FakeOpenData(page_size_v4=400, page_size_v3=1000) as srv:
        srv.add(RealV4Table(CPI_SNAPSHOT))
        yield srv


@pytest.fixture
def env(server, tmp_path):
    return {
        "BBL_MODE": "live",
        "BBL_HOME": str(tmp_path / "home"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "BBL_CBS_V4_URL": server.v4_url,
        "BBL_CBS_V3_URL": server.v3_url,
        "BBL_DUO_URL": server.duo_url,
        "BBL_HTTP_MAX_ATTEMPTS": "4",
    }


def bbl(env, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=PROJECT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def fetch_in_process(env, monkeypatch, capsys):
    """`bbl fetch ...` through the same entry point, in this process (GX is imported once per session);
    the call under test still runs as a real subprocess."""
    from pipelines.cli import main

    def run(*args):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        code = main(list(args))
        out = capsys.readouterr()
        assert code == 0, out.err
        return out

    return run


def snapshots(home: Path, table: str) -> list[str]:
    base = home / "snapshots" / "cbs" / table
    return sorted(p.name for p in base.iterdir()) if base.is_dir() else []


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_rows(home: Path, table_id: str) -> set[tuple]:
    con = duckdb.connect(str(home / "bbl.duckdb"), read_only=True)
    try:
        return set(con.execute(
            "SELECT measure, period, value, value_attribute, dimensions['Bestedingscategorieen'] "
            "FROM raw.cbs_observations WHERE table_id = ?", [table_id]).fetchall())
    finally:
        con.close()


def served_rows(table) -> set[tuple]:
    return {(r["Measure"], r["Perioden"], r["Value"] if r["ValueAttribute"] == "None" else None,
             r["ValueAttribute"], r["Bestedingscategorieen"]) for r in table.rows_v4(0, 10**9, {})}


# ----------------------------------------------------------------------------------------------
# acceptance: fetch, load, publish; unchanged; faults leave everything in place
# ----------------------------------------------------------------------------------------------

def test_fetch_loads_exactly_the_served_observations_then_reports_unchanged(server, env, tmp_path):
    home = tmp_path / "home"
    out = bbl(env, "fetch", "cbs", "86141NED")
    assert out.returncode == 0, out.stderr
    assert "fetched 1,505 rows in 4 pages" in out.stdout
    assert "page 4, 1,505/1,505 rows" in out.stderr  # progress with pages, rows and MB
    assert published_rows(home, "86141NED") == served_rows(server.tables["86141NED"])
    assert snapshots(home, "86141NED") == [V1]
    before = sha(home / "bbl.duckdb")
    n_requests = len(server.requests)

    again = bbl(env, "fetch", "cbs", "86141NED")
    assert again.returncode == 0, again.stderr
    assert "unchanged at the source (version 202607020000); nothing downloaded" in again.stdout
    assert snapshots(home, "86141NED") == [V1]
    assert [r for r in server.requests[n_requests:] if "Observations" in r] == []  # no page downloaded
    assert sha(home / "bbl.duckdb") == before


def _fault_leaves_everything(server, env, tmp_path, fetch_in_process, expect: list[str], **fault):
    home = tmp_path / "home"
    fetch_in_process("fetch", "cbs", "86141NED")
    published_before = sha(home / "bbl.duckdb")
    snaps_before = snapshots(home, "86141NED")
    server.tables["86141NED"].version = "202608010000"  # CBS published a new version
    server.fault(**fault)
    out = bbl(env, "fetch", "cbs", "86141NED")
    assert out.returncode == 1, out.stdout + out.stderr
    for text in ["CBS table 86141NED", *expect]:
        assert text in out.stderr, (text, out.stderr)
    assert snapshots(home, "86141NED") == snaps_before  # no half-written snapshot, no temp folder
    assert sha(home / "bbl.duckdb") == published_before
    return out


def test_truncated_page(server, env, tmp_path, fetch_in_process):
    _fault_leaves_everything(server, env, tmp_path, fetch_in_process, ["Observations?$skip=400", "malformed JSON"],
                             kind="truncated", path="Observations$", skip=400, times=None)


def test_html_error_page(server, env, tmp_path, fetch_in_process):
    _fault_leaves_everything(server, env, tmp_path, fetch_in_process, ["expected JSON or CSV, got an HTML page"],
                             kind="html", path="Observations$", skip=800, times=None)


def test_malformed_json(server, env, tmp_path, fetch_in_process):
    _fault_leaves_everything(server, env, tmp_path, fetch_in_process, ["MeasureCodes", "malformed JSON"],
                             kind="malformed", path="MeasureCodes$", times=None)


def test_next_link_to_another_host(server, env, tmp_path, fetch_in_process):
    _fault_leaves_everything(server, env, tmp_path, fetch_in_process,
                             ["data.example.invalid", "refusing to follow a link off the configured host"],
                             kind="offhost", path="Observations$", skip=0, times=None)
    assert not [r for r in server.requests if "example.invalid" in r]


def test_next_link_loop(server, env, tmp_path, fetch_in_process):
    _fault_leaves_everything(server, env, tmp_path, fetch_in_process, ["next link loops back to a page already fetched"],
                             kind="loop", path="Observations$", skip=400, times=None)


def test_persistent_outage_gives_up(server, env, tmp_path, fetch_in_process):
    _fault_leaves_everything(server, env, tmp_path, fetch_in_process, ["HTTP 503; gave up after 4 attempts"],
                             kind="status", status=503, path="Observations$", skip=800, times=None)


def test_response_slower_than_the_timeout(server, env, tmp_path, fetch_in_process):
    env.update({"BBL_HTTP_TIMEOUT_S": "0.3", "BBL_HTTP_MAX_ATTEMPTS": "2"})
    _fault_leaves_everything(server, env, tmp_path, fetch_in_process, ["timed out", "gave up after 2 attempts"],
                             kind="slow", delay_s=1.0, path="Observations$", skip=400, times=None)


def test_schema_drift_stops_until_accepted(server, env, tmp_path, fetch_in_process):
    table = server.tables["86141NED"]
    home = tmp_path / "home"
    fetch_in_process("fetch", "cbs", "86141NED")
    before = sha(home / "bbl.duckdb")
    table.measures = [*table.measures, {"id": "M999999", "title": "Nieuwe maat", "unit": "%", "decimals": 1}]
    table.version = "202608010000"
    out = bbl(env, "fetch", "cbs", "86141NED")
    assert out.returncode == 1
    assert f"schema changed since snapshot cbs/86141NED/{V1} (measures added: M999999)" in out.stderr
    assert snapshots(home, "86141NED") == [V1] and sha(home / "bbl.duckdb") == before
    table.dims = [(d, "Dimension" if d == "Bestedingscategorieen" else k, t) for d, k, t in table.dims]
    fetch_in_process("fetch", "cbs", "86141NED", "--accept-schema-change")
    assert snapshots(home, "86141NED") == [V1, V2]


def test_invalid_table_id_makes_no_request(server, env):
    out = bbl(env, "fetch", "cbs", "../../etc")
    assert out.returncode == 2 and "invalid CBS table id" in out.stderr
    assert server.requests == []


def test_bundled_mode_never_fetches(server, env):
    out = bbl({**env, "BBL_MODE": "bundled"}, "fetch", "cbs", "86141NED")
    assert out.returncode == 2 and "never touches the network" in out.stderr
    assert server.requests == []


# ----------------------------------------------------------------------------------------------
# retries, page by page (in process, with a recording sleep)
# ----------------------------------------------------------------------------------------------

def _client(server, sleeps=None, retry=FAST, timeout=10.0):
    return CbsClient(server.v4_url, server.v3_url, timeout_s=timeout, retry=retry,
                     sleep=(sleeps.append if sleeps is not None else (lambda s: None)))


def _page_requests(server, skip: int) -> int:
    pages = server.requests_matching(r"/Observations(\?|$)")
    return len([r for r in pages if f"$skip={skip}&" in r + "&" or (skip == 0 and "$skip=" not in r)])


def test_503_with_retry_after_is_retried_for_that_page_only(server, tmp_path):
    sleeps: list[float] = []
    server.fault("status", status=503, retry_after="2", path="Observations$", skip=800, times=2)
    result = _client(server, sleeps).fetch_table("86141NED", tmp_path)
    assert result.changed and result.rows == 1505 and result.retries == 2
    assert sleeps == [2.0, 2.0]  # Retry-After honoured
    assert [_page_requests(server, s) for s in (0, 400, 800, 1200)] == [1, 1, 3, 1]


def test_429_retry_after_and_backoff(server, tmp_path):
    sleeps: list[float] = []
    server.fault("status", status=429, retry_after="1", path="MeasureCodes$", times=1)
    server.fault("status", status=500, retry_after=None, path="Dimensions$", times=2)
    _client(server, sleeps, retry=RetryPolicy(max_attempts=4, backoff_base_s=0.1, backoff_max_s=1)).fetch_table(
        "86141NED", tmp_path)
    assert sleeps[0] == pytest.approx(0.1, rel=0.51) and sleeps[1] == pytest.approx(0.2, rel=0.51)  # jittered
    assert sleeps[2] == 1.0


def test_connection_cut_mid_body_costs_one_page(server, tmp_path):
    server.fault("cut", path="Observations$", skip=1200, times=1)
    result = _client(server).fetch_table("86141NED", tmp_path)
    assert result.rows == 1505 and result.retries == 1
    assert [_page_requests(server, s) for s in (0, 400, 800, 1200)] == [1, 1, 1, 2]


def test_retry_after_longer_than_allowed_fails_fast(server, tmp_path):
    server.fault("status", status=503, retry_after="3600", path="Properties$", times=None)
    with pytest.raises(FetchError, match="Retry-After 3600 s, longer than allowed"):
        _client(server).fetch_table("86141NED", tmp_path)


def test_row_count_differing_from_the_announced_count_is_rejected(server, tmp_path):
    table = server.tables["86141NED"]
    table.count_v4 = lambda flt: 1600  # the service announces more rows than it serves
    with pytest.raises(FetchError, match="received 1,505 rows in 4 pages, the service announced 1,600"):
        _client(server).fetch_table("86141NED", tmp_path)
    assert not (tmp_path / "cbs" / "86141NED").exists()  # a failed first fetch leaves nothing


def test_without_a_count_endpoint_pages_are_still_loaded(server, tmp_path):
    server.count_endpoint = False
    assert _client(server).fetch_table("86141NED", tmp_path).rows == 1505


def test_a_filter_makes_its_own_snapshot_and_is_sent(server, tmp_path):
    flt = "Bestedingscategorieen eq 'T001112'"
    result = _client(server).fetch_table("86141NED", tmp_path, row_filter=flt)
    assert result.folder.name.startswith("202607020000-f")
    assert result.manifest["row_filter"] == flt
    assert all("%24filter=" in r or "$filter=" in r for r in server.requests_matching(r"Observations\?"))


# ----------------------------------------------------------------------------------------------
# v3 fallback
# ----------------------------------------------------------------------------------------------

def test_v3_fallback_when_the_table_is_not_on_v4(env, tmp_path, server):
    table = SyntheticTable("80001ned", 2500, n_regions=25, apis={"v3"})
    server.add(table)
    out = bbl(env, "fetch", "cbs", "80001ned")
    assert out.returncode == 0, out.stderr
    assert "api v3" in out.stdout
    con = duckdb.connect(str(tmp_path / "home" / "bbl.duckdb"), read_only=True)
    try:
        n, regions, padded = con.execute(
            "SELECT count(*), count(DISTINCT dimensions['Regio']), count(*) FILTER (WHERE dimensions['Regio'] LIKE '% ')"
            " FROM raw.cbs_observations WHERE table_id = '80001ned'").fetchall()[0]
        assert (n, regions, padded) == (5000, 25, 0)  # 2 topics per row, keys trimmed
        assert con.execute("SELECT api FROM raw.cbs_tables WHERE table_id = '80001ned'").fetchall() == [("v3",)]
        region, period = "GM0007", table.period(0)  # the v3 row with ID 7 (25 regions a period)
        value = con.execute("SELECT value FROM raw.cbs_observations WHERE table_id = '80001ned' "
                            "AND dimensions['Regio'] = ? AND period = ? AND measure = 'Aantal_2'", [region, period]).fetchall()
        assert value == [(SyntheticTable.value(7 * 2 + 1),)]
    finally:
        con.close()


def test_forced_v4_does_not_fall_back(server, tmp_path):
    server.add(SyntheticTable("80002ned", 100, n_regions=10, apis={"v3"}))
    with pytest.raises(FetchError, match="HTTP 404"):
        _client(server).fetch_table("80002ned", tmp_path, api="v4")


def test_drift_error_is_a_fetch_error_subclass():
    assert issubclass(SchemaDriftError, FetchError)


# ----------------------------------------------------------------------------------------------
# DUO
# ----------------------------------------------------------------------------------------------

SECTORKAMER_CSV = (
    "SECTORKAMER NAAM;HOOFDGROEP NAAM;LEERWEG;NIVEAU;WOONPROVINCIE;JAAR_2021;JAAR_2022\n"
    "Techniek en gebouwde omgeving;Elektrotechniek;BBL;3;Fryslân;120;131\n"
    "Techniek en gebouwde omgeving;Elektrotechniek;BOLVT;3;Fryslân;<5;7\n"
    "Zorg, welzijn en sport;Verpleegkunde;BBL;4;Utrecht;340;\n"
)


def test_duo_latin1_with_masked_counts(server, env, tmp_path):
    server.duo["mbo-studenten-per-sectorkamer-en-leerweg"] = DuoDataset(
        "mbo-studenten-per-sectorkamer-en-leerweg", "2026-02-12T10:00:00",
        {"2021-2025-sectorkamer01-studenten-per-sectorkamer-leerweg-niveau-woonprovincie.csv":
         SECTORKAMER_CSV.encode("latin-1")})
    out = bbl(env, "fetch", "duo", "mbo-studenten-per-sectorkamer-en-leerweg")
    assert out.returncode == 0, out.stderr
    con = duckdb.connect(str(tmp_path / "home" / "bbl.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT sectorkamer, leerweg, woonprovincie, year, students, masked, raw_value "
                           "FROM raw.duo_students_sectorkamer ORDER BY sectorkamer, leerweg, year").fetchall()
    finally:
        con.close()
    assert ("Techniek en gebouwde omgeving", "BBL", "Fryslân", 2022, 131, False, "131") in rows
    assert ("Techniek en gebouwde omgeving", "BOLVT", "Fryslân", 2021, None, True, "<5") in rows
    assert ("Zorg, welzijn en sport", "BBL", "Utrecht", 2022, None, False, None) in rows
    assert len(rows) == 6


def test_duo_bad_count_names_file_line_and_column(server, env, tmp_path):
    server.duo["mbo-studenten-per-sectorkamer-en-leerweg"] = DuoDataset(
        "mbo-studenten-per-sectorkamer-en-leerweg", "2026-02-12T10:00:00",
        {"sectorkamer01.csv": (SECTORKAMER_CSV + "Handel;Retail;BBL;2;Utrecht;12;n.v.t.\n").encode("utf-8")})
    out = bbl(env, "fetch", "duo", "mbo-studenten-per-sectorkamer-en-leerweg")
    assert out.returncode == 1
    assert "sectorkamer01.csv line 5 column JAAR_2022: 'n.v.t.' is not a count" in out.stderr
    assert not (tmp_path / "home" / "bbl.duckdb").exists()



def test_duo_fetch_runs_the_duo_suite_before_it_publishes(server, env, tmp_path):
    """A DUO file that parses but breaks the suite (a year 1990, an empty sectorkamer name) is not
    published: exit 1, the previous publication byte for byte intact, the failure recorded."""
    name = "mbo-studenten-per-sectorkamer-en-leerweg"
    server.duo[name] = DuoDataset(name, "2026-02-12T10:00:00", {"sectorkamer01.csv": SECTORKAMER_CSV.encode()})
    first = bbl(env, "fetch", "duo", name)
    assert first.returncode == 0, first.stderr
    published = tmp_path / "home" / "bbl.duckdb"
    before = sha(published)
    bad = ("SECTORKAMER NAAM;HOOFDGROEP NAAM;LEERWEG;NIVEAU;WOONPROVINCIE;JAAR_1990;JAAR_2022\n"
           ";Elektrotechniek;BBL;3;Fryslân;120;131\n")
    server.duo[name] = DuoDataset(name, "2026-03-01T10:00:00", {"sectorkamer01.csv": bad.encode()})
    out = bbl(env, "fetch", "duo", name)
    assert out.returncode == 1, out.stdout
    assert "data-quality check failed, not published" in out.stderr
    assert "raw/duo/mbo_studenten_per_sectorkamer_en_leerweg" in out.stderr and "year" in out.stderr
    assert "sectorkamer" in out.stderr
    assert sha(published) == before
    con = duckdb.connect(str(tmp_path / "home" / "work.duckdb"), read_only=True)
    try:
        results = con.execute("SELECT passed FROM quality.check_results WHERE asset LIKE 'raw/duo/%' AND check_name = 'gx_suite' "
                              "ORDER BY checked_at").fetchall()
    finally:
        con.close()
    assert results == [(True,), (False,)]


# ----------------------------------------------------------------------------------------------
# the same code path as a Dagster asset in live mode
# ----------------------------------------------------------------------------------------------

def test_live_asset_fetches_then_is_a_no_op(server, tmp_path):
    import dagster as dg

    from assets.cbs import cbs_assets
    from assets.resources import BblResource

    asset = next(a for a in cbs_assets if a.key.path[-1] == "86141NED")
    bbl_res = BblResource(mode="live", home=str(tmp_path / "home"), cbs_v4_url=server.v4_url,
                          cbs_v3_url=server.v3_url, http_max_attempts=2)

    def run():
        result = dg.materialize([asset], resources={"bbl": bbl_res})
        assert result.success
        return result.get_asset_materialization_events()[0].event_specific_data.materialization.metadata

    first = run()
    assert first["status"].value == "loaded" and first["fetch/changed"].value is True
    assert first["fetch/pages"].value == 4 and first["dagster/row_count"].value == 1505
    pages_before = len(server.requests_matching("Observations"))
    second = run()
    assert second["status"].value == "unchanged" and second["fetch/changed"].value is False
    assert len(server.requests_matching("Observations")) == pages_before


def test_fetched_table_failing_its_quality_suite_is_not_published(server, env, tmp_path, fetch_in_process):
    class BadPeriods(SyntheticTable):
        def rows_v4(self, start, stop, flt):
            rows = super().rows_v4(start, stop, flt)
            for r in rows:
                if r["Id"] == 3:
                    r["Perioden"] = "2022XX07"
            return rows

    server.add(BadPeriods("80003ned", 200, n_regions=10, apis={"v4"}))
    fetch_in_process("fetch", "cbs", "86141NED")
    before = sha(tmp_path / "home" / "bbl.duckdb")
    out = bbl(env, "fetch", "cbs", "80003ned")
    assert out.returncode == 1
    assert "data-quality check failed, not published" in out.stderr
    assert "observations.period" in out.stderr and "'2022XX07'" in out.stderr
    assert sha(tmp_path / "home" / "bbl.duckdb") == before


# ----------------------------------------------------------------------------------------------
# clean state: nothing half-written stays behind, one run id, only registered sources published
# ----------------------------------------------------------------------------------------------

def test_a_fetch_killed_mid_download_is_cleaned_up_by_the_next(server, env, tmp_path):
    import signal
    import time

    server.add(SyntheticTable("80004ned", 4000, n_regions=10, apis={"v4"}))
    server.fault("slow", path=r"/80004ned/Observations$", skip=400, delay_s=30)
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "fetch", "cbs", "80004ned"], cwd=PROJECT,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = tmp_path / "home" / "snapshots" / "cbs" / "80004ned"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(base.glob(".tmp-*/observations-page-*")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = list(base.glob(".tmp-*"))
    assert len(left) == 1 and any(left[0].iterdir())  # what a killed download leaves
    server.faults.clear()
    out = bbl(env, "fetch", "cbs", "80004ned")
    assert out.returncode == 0, out.stderr
    assert not list(base.glob(".tmp-*")) and len(list(base.iterdir())) == 1


def test_a_failed_first_fetch_leaves_nothing(server, env, tmp_path):
    server.fault("status", status=503, path=r"86141NED", times=None)
    out = bbl(env, "fetch", "cbs", "86141NED")
    assert out.returncode == 1 and "HTTP 503" in out.stderr
    assert not (tmp_path / "home" / "snapshots" / "cbs" / "86141NED").exists()


def test_fetch_records_checks_and_publication_under_one_run_id(server, env, tmp_path, fetch_in_process):
    fetch_in_process("fetch", "cbs", "86141NED")
    con = duckdb.connect(str(tmp_path / "home" / "bbl.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT q.check_name FROM quality.check_results q JOIN meta.publications p USING (run_id) "
                           "WHERE q.asset = 'raw/cbs/86141NED'").fetchall()
        status = con.execute("SELECT status, last_error FROM meta.source_status WHERE name = '86141NED'").fetchall()
    finally:
        con.close()
    assert sorted(r[0] for r in rows) == ["gx_suite", "gx_suite_warnings"]
    assert status == [("loaded", None)]  # a fetch that worked clears an earlier stale mark


@pytest.mark.slow  # two fetches and a whole bundled run
def test_a_run_publishes_only_registered_sources_and_says_where_they_came_from(server, env, tmp_path,
                                                                               fetch_in_process, monkeypatch):
    from cbs_shapes import VacancyTable

    server.add(VacancyTable(first_year=2030, last_year=2032))  # registered, fetched live (years the register lacks)
    server.add(SyntheticTable("80005ned", 200, n_regions=10, apis={"v4"}))  # tried once, not registered
    fetch_in_process("fetch", "cbs", "80472ned")
    fetch_in_process("fetch", "cbs", "80005ned")
    published = tmp_path / "home" / "bbl.duckdb"

    def held():
        con = duckdb.connect(str(published), read_only=True)
        try:
            tables = {r[0] for r in con.execute("SELECT DISTINCT table_id FROM raw.cbs_observations").fetchall()}
            return tables, con.execute("SELECT mode FROM meta.publications").fetchall()[0][0]
        finally:
            con.close()

    assert held() == ({"80472ned", "80005ned"}, "live")
    from pipelines.cli import main

    monkeypatch.setenv("BBL_MODE", "bundled")
    assert main(["run"]) == 0
    tables, mode = held()
    assert "80005ned" not in tables and {"80472ned", "86141NED"} <= tables
    assert mode == "mixed"  # a bundled run that used a snapshot fetched live earlier says so


@pytest.mark.slow  # two whole-process fetches: CI runs it with the slow tests
def test_duo_versions_are_kept_in_the_history(server, env, tmp_path):
    """A second DUO version (a revised count, a dropped row) adds only what changed, valid from DUO's own
    metadata_modified; history.duo_as_of gives each version's count."""
    name = "mbo-studenten-per-sectorkamer-en-leerweg"
    server.duo[name] = DuoDataset(name, "2026-02-12T10:00:00", {"sectorkamer01.csv": SECTORKAMER_CSV.encode()})
    assert bbl(env, "fetch", "duo", name).returncode == 0
    revised = SECTORKAMER_CSV.replace(";120;131\n", ";120;133\n").replace("Zorg, welzijn en sport;Verpleegkunde;BBL;4;Utrecht;340;\n", "")
    server.duo[name] = DuoDataset(name, "2026-03-01T10:00:00", {"sectorkamer01.csv": revised.encode()})
    out = bbl(env, "fetch", "duo", name)
    assert out.returncode == 0, out.stderr
    con = duckdb.connect(str(tmp_path / "home" / "bbl.duckdb"), read_only=True)
    try:
        vintages = con.execute("SELECT CAST(valid_from AS VARCHAR), cells, cells_added, cells_revised, cells_removed "
                               "FROM history.duo_vintages ORDER BY valid_from").fetchall()
        sql = ("SELECT students FROM history.duo_as_of(?, ?) WHERE cell['leerweg'] = 'BBL' AND cell['year'] = '2022' "
               "AND cell['sectorkamer'] = 'Techniek en gebouwde omgeving'")
        before, after = (con.execute(sql, [name, ts]).fetchall() for ts in ("2026-02-20", "2026-03-02"))
        rows = con.execute("SELECT count(*) FROM history.duo_students").fetchall()
    finally:
        con.close()
    assert vintages == [("2026-02-12 10:00:00", 6, 6, 0, 0), ("2026-03-01 10:00:00", 4, 0, 1, 2)]
    assert (before, after) == ([(131,)], [(133,)])
    assert rows == [(7,)]  # 6 + the one revised count


def test_fetch_cbs_imports_neither_polars_nor_pandas_nor_pyarrow(server, env):
    """`bbl fetch cbs` validates in the GX worker, so it needs no pandas (nor pyarrow, which pandas and
    DuckDB's polars reader import): about 65 MB of its memory (issue 14). Its pages are parsed by DuckDB
    and its small rows cross as JSON, so it needs no polars either: 0.2 s and about 38 MB more."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipelines.cli", "fetch", "cbs", "86141NED"],
                         cwd=PROJECT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "expectations passed" in out.stdout + out.stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in out.stderr.splitlines()
                if line.startswith("import time:")}
    assert {"duckdb", "urllib3"} <= imported
    assert not imported & {"polars", "pandas", "pyarrow", "great_expectations", "rich", "pygments"}


def test_https_clients_share_one_tls_context_and_http_ones_build_none(monkeypatch):
    import bbl.http

    made = []
    create = bbl.http.urllib3.util.create_urllib3_context
    monkeypatch.setattr(bbl.http.urllib3.util, "create_urllib3_context", lambda *a, **k: made.append(1) or create(*a, **k))
    bbl.http._tls.cache_clear()
    with bbl.http.Http("http://127.0.0.1:9", "a"):
        assert made == [], "a plain-http origin needs no TLS context (certifi's bundle is not parsed)"
    with bbl.http.Http("https://127.0.0.1:9", "a") as a, bbl.http.Http("https://127.0.0.1:9", "b") as b:
        assert a._pool.connection_pool_kw["ssl_context"] is b._pool.connection_pool_kw["ssl_context"]
    bbl.http._tls.cache_clear()
    assert len(made) == 1, "certifi's bundle is parsed once per process"


def test_a_proxy_in_the_environment_carries_the_requests(server, tmp_path, monkeypatch):
    """HTTP_PROXY is honoured (as httpx and requests do): the loopback server plays the proxy, receiving the
    absolute URL of a host this machine cannot reach; NO_PROXY exempts a host."""
    import urllib3

    import bbl.http

    proxy = server.v4_url.split("/odata")[0]
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with bbl.http.Http("http://cbs.example.invalid/odata/v1/CBS", "proxied", timeout_s=5) as http:
        props = http.get_json("http://cbs.example.invalid/odata/v1/CBS/86141NED/Properties", tmp_path / "p.json")
    assert props["Identifier"] == "86141NED"
    assert any(r.startswith("http://cbs.example.invalid/odata/v1/CBS/86141NED/Properties") for r in server.requests)
    monkeypatch.setenv("NO_PROXY", "cbs.example.invalid")
    assert not isinstance(bbl.http._pool("http://cbs.example.invalid/x", 5), urllib3.ProxyManager)


def test_query_parameters_are_form_encoded_as_before():
    from bbl.http import with_params

    assert (with_params("http://h/a", {"$filter": "Perioden eq '2020JJ00'", "$format": "json"})
            == "http://h/a?%24filter=Perioden+eq+%272020JJ00%27&%24format=json")
    assert with_params("http://h/a?$skip=400", {"$format": "json"}) == "http://h/a?$skip=400&%24format=json"
    assert with_params("http://h/a", None) == "http://h/a"
