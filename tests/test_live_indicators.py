"""Live indicators from raw CBS rows: with 80472ned, 80567ned, 85224NED and 85353NED served CBS-shaped
(tests/cbs_shapes.py), the vacancy, vacancy-rate, per-unemployed and bbl-student marts and their claims
are computed from the API rows, and say so; the register stays the offline source and the cross-check."""

import dagster as dg
import duckdb
import pytest
from cbs_shapes import VacancyTable, labour_force_table, mbo_students_table, vacancy_rate_table
from conftest import CPI_SNAPSHOT
from http_server import FakeOpenData, RealV4Table

from assets.resources import BblResource

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("live")
    with FakeOpenData(page_size_v4=2000, page_size_v3=500) as srv:
        srv.add(RealV4Table(CPI_SNAPSHOT))
        # The register holds CBS's real 80472ned figures for 1997-2023, and the reconciliation check compares
        # them with the API's: the synthetic stand-in lies in years the register does not cover.
        for table in (VacancyTable(first_year=2030, last_year=2035), vacancy_rate_table(), labour_force_table(),
                      mbo_students_table()):
            srv.add(table)
        from pipelines.definitions import all_assets, all_checks

        resource = BblResource(mode="live", home=str(home), cbs_v4_url=srv.v4_url, cbs_v3_url=srv.v3_url,
                               duo_url=srv.duo_url, http_max_attempts=1)
        result = dg.materialize([*all_assets, *all_checks], resources={"bbl": resource}, raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.is_step_failure]
    failed = [(e.asset_key.to_user_string(), e.check_name, e.description) for e in result.get_asset_check_evaluations()
              if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    assert failed == []
    return home


@pytest.fixture(scope="module")
def db(live_home):
    con = duckdb.connect(str(live_home / "bbl.duckdb"), read_only=True)
    yield con
    con.close()


def test_every_cbs_table_passes_its_suite(db):
    rows = db.execute("SELECT asset, passed FROM quality.check_results WHERE check_name = 'gx_suite' "
                      "AND asset LIKE 'raw/cbs/%'").fetchall()
    assert dict(rows) == {f"raw/cbs/{t}": True for t in ("80472ned", "80567ned", "85224NED", "85353NED", "86141NED")}


def test_vacancies_come_from_the_api_rows(db):
    rows = db.execute("SELECT period, open_x1000, source, source_refs FROM marts.vacancies "
                      "WHERE scope = 'A-U' AND period = '2034JJ00'").fetchall()
    api = db.execute("SELECT value FROM raw.cbs_observations WHERE table_id = '80472ned' AND period = '2034JJ00' "
                     "AND measure = 'OpenstaandeVacatures_1' AND dimensions['Bedrijfskenmerken'] = 'T001081'").fetchall()
    assert len(rows) == 1 and rows[0][1] == api[0][0] and rows[0][2] == "api"
    assert rows[0][3] == ["cbs:80472ned:OpenstaandeVacatures_1:2034JJ00"]


def test_vacancy_rate_from_80567ned(db):
    rows = db.execute("SELECT count(*), count(DISTINCT sbi_code), min(source_ref) FROM marts.vacancy_rate").fetchall()[0]
    assert rows[0] == 4 * 12 and rows[1] == 4 and rows[2].startswith("cbs:80567ned:Vacaturegraad_1:")  # served on v3: topic keys


def test_vacancies_per_unemployed_from_85224ned(db):
    rows = db.execute("SELECT period, open_x1000, unemployed_x1000, vacancies_per_100_unemployed "
                      "FROM marts.vacancies_per_unemployed ORDER BY period").fetchall()
    assert len(rows) >= 20
    for _period, open_, unemployed, ratio in rows:
        assert ratio == round(open_ / unemployed * 100)
    total = db.execute("SELECT value FROM raw.cbs_observations WHERE table_id = '85224NED' AND period = ? "
                       "AND dimensions['Geslacht'] = 'T001038' AND dimensions['Leeftijd'] = '52052'",
                       [rows[0][0]]).fetchall()
    assert rows[0][2] == total[0][0]  # the national total, not a breakdown


def test_bbl_students_and_the_technical_share_from_85353ned(db):
    preferred = db.execute("SELECT studiejaar, series, students FROM marts.bbl_students WHERE preferred "
                           "AND start_year >= 2021 ORDER BY start_year").fetchall()
    assert preferred == [("2021/2022", "CBS 85353NED", 130000.0), ("2022/2023", "CBS 85353NED", 132600.0)]
    share = dict(db.execute("SELECT definition, share_pct FROM marts.bbl_technical_share "
                            "WHERE basis = 'stock' AND studiejaar = '2022/2023'").fetchall())
    assert share == {"narrow": round(30600 / 132600 * 100, 1), "broad": round(45900 / 132600 * 100, 1)}
    claim = db.execute("SELECT computed_value, explanation_nl, unit FROM marts.claim_checks "
                       "WHERE claim_id = 'technical_share_one_third'").fetchall()[0]
    assert claim[0] == share["broad"] and claim[2] == "% of bbl students"  # the stock, not the inflow
    assert "CBS 85353NED" in claim[1] and "Aantal bbl-studenten 2022/2023" in claim[1]


def test_the_ledger_names_the_api_cells_behind_the_vakkrachten_share(db):
    evidence = db.execute("SELECT evidence FROM marts.claim_readings WHERE claim_id = 'vakkrachten_10000' "
                          "AND reading_id = 'all_sectors'").fetchall()[0][0]
    assert evidence and all(e.startswith("cbs:80472ned:") for e in evidence)
    sources = db.execute("SELECT sources FROM marts.claim_checks WHERE claim_id = 'vakkrachten_10000'").fetchall()[0][0]
    cbs = [s for s in sources if s["url"] == "https://www.cbs.nl/nl-nl/cijfers/detail/80472ned"]
    assert cbs and cbs[0]["accessed"] and cbs[0]["ref"].startswith("cbs/80472ned/")  # the API snapshot, dated
