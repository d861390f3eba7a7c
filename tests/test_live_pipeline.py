"""The whole pipeline in live mode against the loopback server: every registered CBS table and DUO
dataset is served (86141NED from its real responses, the others by synthetic stand-ins: test-only
data, in temporary folders). The first run fetches and publishes; the second downloads no pages."""

import dagster as dg
import pytest
from conftest import CPI_SNAPSHOT
from http_server import DuoDataset, FakeOpenData, RealV4Table, SyntheticTable

from assets.resources import BblResource
from bbl.registry import cbs_tables, duo_datasets

pytestmark = pytest.mark.slow

# plausible sizes: the suites reject a national bbl total outside 90,000-175,000
SECTORKAMER_CSV = ("SECTORKAMER NAAM;HOOFDGROEP NAAM;LEERWEG;NIVEAU;WOONPROVINCIE;JAAR_2022\n"
                   "Techniek en gebouwde omgeving;Bouw;BBL;3;Utrecht;40000\n"
                   "Mobiliteit, transport, logistiek en maritiem;Logistiek;BBL;2;Utrecht;30000\n"
                   "Zorg, welzijn en sport;Zorg;BBL;3;Fryslân;60000\n").encode("latin-1")
INSTELLING_CSV = (b"JAAR;PROVINCIE INSTELLING;INSTELLINGSCODE;INSTELLINGSNAAM;GEMEENTE INSTELLING;BBL;BOLDT;BOLVT;EX\n"
                  b"2022;Utrecht;00AA;ROC;Utrecht;10;<5;30;0\n")


@pytest.fixture
def live_server():
    with FakeOpenData(page_size_v4=500, page_size_v3=500) as srv:
        for table in cbs_tables():
            if table.id == "86141NED":
                srv.add(RealV4Table(CPI_SNAPSHOT))
            else:  # stand-ins: v4 and v3 both, so that `auto` takes v4 and `v3` tables work as well
                srv.add(SyntheticTable(table.id, 600, n_regions=6))
        names = {d.dataset: d.resource for d in duo_datasets()}
        srv.duo["mbo-studenten-per-sectorkamer-en-leerweg"] = DuoDataset(
            "mbo-studenten-per-sectorkamer-en-leerweg", "2026-02-12T10:00:00",
            {f"2021-2025-{names['mbo-studenten-per-sectorkamer-en-leerweg']}-x.csv": SECTORKAMER_CSV})
        srv.duo["mbo-studenten-per-instelling"] = DuoDataset(
            "mbo-studenten-per-instelling", "2026-02-12T10:00:00",
            {f"2021-2025{names['mbo-studenten-per-instelling']}-x.csv": INSTELLING_CSV})
        yield srv


def test_live_run_then_a_run_with_no_upstream_change_downloads_nothing(live_server, tmp_path):
    from pipelines.definitions import all_assets, all_checks

    resource = BblResource(mode="live", home=str(tmp_path / "home"), cbs_v4_url=live_server.v4_url,
                           cbs_v3_url=live_server.v3_url, duo_url=live_server.duo_url, http_max_attempts=2)

    def run():
        result = dg.materialize([*all_assets, *all_checks], resources={"bbl": resource}, raise_on_error=False)
        assert result.success, [e.message for e in result.all_events if e.is_step_failure]
        return {e.asset_key.to_user_string(): e.step_materialization_data.materialization.metadata
                for e in result.get_asset_materialization_events()}

    first = run()
    assert all(first[f"raw/cbs/{t.id}"]["status"].value == "loaded" for t in cbs_tables())
    assert (tmp_path / "home" / "bbl.duckdb").is_file() and (tmp_path / "home" / "reports" / "report.html").is_file()
    pages = len(live_server.requests_matching(r"Observations|TypedDataSet|/download/"))
    assert pages >= 10

    # with DUO's stock per sectorkamer loaded, the broad technical reading gets a value
    import duckdb

    con = duckdb.connect(str(tmp_path / "home" / "bbl.duckdb"), read_only=True)
    try:
        broad = con.execute("SELECT computed_value, verdict, unit FROM marts.claim_checks "
                            "WHERE claim_id = 'technical_share_one_third'").fetchall()
    finally:
        con.close()
    assert broad == [(round(70000 / 130000 * 100, 1), "not supported", "% of bbl students")]

    second = run()
    assert all(second[f"raw/cbs/{t.id}"]["status"].value == "unchanged" for t in cbs_tables())
    assert all(second[f"raw/cbs/{t.id}"]["fetch/changed"].value is False for t in cbs_tables())
    assert len(live_server.requests_matching(r"Observations|TypedDataSet|/download/")) == pages


def test_a_source_that_cannot_be_reached_does_not_stop_the_others(live_server, tmp_path):
    """Live, one CBS table down (HTTP 503 after every retry): the run keeps its last good snapshot, marks
    it stale (meta.snapshots, meta.source_status, a WARN check, the report), and still publishes the
    rest; a table that was never fetched and is down stays pending."""
    import duckdb

    from pipelines.definitions import all_assets, all_checks

    resource = BblResource(mode="live", home=str(tmp_path / "home"), cbs_v4_url=live_server.v4_url,
                           cbs_v3_url=live_server.v3_url, duo_url=live_server.duo_url, http_max_attempts=1)

    def run():
        return dg.materialize([*all_assets, *all_checks], resources={"bbl": resource}, raise_on_error=False)

    assert run().success
    published = tmp_path / "home" / "bbl.duckdb"
    first_mtime = published.stat().st_mtime_ns
    live_server.fault("status", status=503, path=r"/80567ned/", times=None)  # v4 and v3 alike
    live_server.tables["85224NED"].version = "202612010000"  # a new version elsewhere: that one is loaded
    live_server.tables["85224NED"].modified = "2026-12-01T00:00:00+01:00"
    result = run()
    assert result.success, [e.message for e in result.all_events if e.is_step_failure]
    assert published.stat().st_mtime_ns != first_mtime
    warned = {(e.asset_key.to_user_string(), e.check_name) for e in result.get_asset_check_evaluations()
              if not e.passed}
    assert ("raw/cbs/80567ned", "gx_suite_warnings") in warned
    con = duckdb.connect(str(published), read_only=True)
    try:
        status = dict(con.execute("SELECT name, status FROM meta.source_status WHERE source = 'cbs'").fetchall())
        stale = con.execute("SELECT stale_since IS NOT NULL, last_error FROM meta.snapshots "
                            "WHERE table_id = '80567ned'").fetchall()
        kept = con.execute("SELECT count(*) FROM raw.cbs_observations WHERE table_id = '80567ned'").fetchall()[0][0]
        check = con.execute("SELECT severity, description FROM quality.check_results WHERE asset = 'raw/cbs/80567ned' "
                            "AND check_name = 'gx_suite_warnings' ORDER BY checked_at DESC LIMIT 1").fetchall()[0]
    finally:
        con.close()
    assert status["80567ned"] == "stale" and status["85224NED"] == "loaded" and status["86141NED"] == "loaded"
    assert stale[0][0] and "503" in stale[0][1]
    assert check[0] == "WARN" and "stale since" in check[1] and "503" in check[1]
    assert kept == 600  # the last good snapshot stays loaded
    report = (tmp_path / "home" / "reports" / "report.html").read_text(encoding="utf-8")
    assert "Niet alle bronnen waren bereikbaar" in report and "CBS 80567ned" in report and "verouderd sinds" in report
    from bbl.settings import Settings
    from bbl.status import status_report

    text = status_report(Settings(mode="live", home=tmp_path / "home"))
    assert "80567ned               stale" in text and "cbs 80567ned: stale since" in text


def test_a_source_down_on_the_first_run_is_pending_and_the_rest_publishes(live_server, tmp_path):
    import duckdb

    from pipelines.definitions import all_assets, all_checks

    live_server.fault("status", status=503, path=r"/85353NED/", times=None)
    resource = BblResource(mode="live", home=str(tmp_path / "home"), cbs_v4_url=live_server.v4_url,
                           cbs_v3_url=live_server.v3_url, duo_url=live_server.duo_url, http_max_attempts=1)
    result = dg.materialize([*all_assets, *all_checks], resources={"bbl": resource}, raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.is_step_failure]
    con = duckdb.connect(str(tmp_path / "home" / "bbl.duckdb"), read_only=True)
    try:
        status = con.execute("SELECT status, snapshot_id, last_error FROM meta.source_status "
                             "WHERE name = '85353NED'").fetchall()[0]
        check = con.execute("SELECT passed, severity, description FROM quality.check_results "
                            "WHERE asset = 'raw/cbs/85353NED' AND check_name = 'gx_suite'").fetchall()[0]
    finally:
        con.close()
    assert status[0] == "pending" and status[1] is None and "503" in status[2]
    assert check[0] is False and check[1] == "WARN" and "pending live data" in check[2] and "the fetch failed" in check[2]
