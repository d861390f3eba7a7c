"""End to end: every asset materialized into a temporary BBL_HOME, and what a failure leaves behind."""

import hashlib
import json

import duckdb
from conftest import materialize_all

from bbl.duck import first_row

CONTRACT = {
    "raw.cbs_observations": {"table_id", "snapshot_id", "measure", "period", "value", "value_attribute", "dimensions"},
    "raw.cbs_tables": {"table_id", "snapshot_id", "title", "modified", "version", "retrieved_at", "source_url", "api"},
    "raw.cbs_codes": {"table_id", "dimension", "code", "title", "status"},
    "raw.cbs_measures": {"table_id", "measure", "title", "unit", "decimals"},
    "raw.published_figures": {"figure_id", "topic", "publisher", "source_table_id", "measure", "labels", "period",
                              "value", "unit", "qualifier", "citation_url", "source_file"},
    "staging.cpi_yearly": {"year", "cpi_2025eq100", "yoy_pct", "status"},
    "marts.subsidy_per_place": {"studiejaar", "amount_nominal_eur", "max_eur", "pct_of_max", "amount_real_eur",
                                "real_base_year", "figure_status", "citation_url"},
    "marts.claim_checks": {"claim_id", "claim_kind", "quote", "claimed_value", "computed_value", "unit", "verdict",
                           "direction", "explanation_nl", "sources", "evidence"},
    "marts.claim_readings": {"claim_id", "reading_id", "reading", "headline", "computed_value", "unit", "verdict",
                             "direction", "explanation_nl", "evidence"},
    "meta.snapshots": {"snapshot_id", "url", "date_accessed", "license", "manifest"},
    "meta.indicators": {"name", "title", "unit", "definition", "sources", "caveats"},
}


def test_published_database_holds_the_contract(published):
    for table, columns in CONTRACT.items():
        schema, name = table.split(".")
        have = {r[0] for r in published.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
            [schema, name]).fetchall()}
        assert columns <= have, (table, columns - have)
    assert published.execute("SELECT data_type FROM information_schema.columns WHERE table_schema = 'raw' "
                             "AND table_name = 'cbs_observations' AND column_name = 'value'").fetchall() == [("DOUBLE",)]


def test_acceptance_figures(published):
    assert published.execute("SELECT count(*) FROM raw.cbs_observations WHERE table_id = '86141NED'").fetchall() \
        == [(1505,)]
    assert published.execute("SELECT yoy_pct, status FROM staging.cpi_yearly WHERE year = 2022").fetchall() \
        == [(10.0, "Definitief")]
    row = first_row(published.execute(
        "SELECT amount_nominal_eur, pct_of_max, figure_status, citation_url FROM marts.subsidy_per_place "
        "WHERE studiejaar = '2018/2019'"))
    # the amount of 2018/19 is reported by AAVAS (the Staatscourant document of that year sets the budgets)
    assert row == (2216.70, 82.1, "reported", "https://aavas.nl/nieuws/terugblik-praktijkleren-2018-2019/")
    assert published.execute(
        "SELECT count(*) FROM marts.claim_checks WHERE computed_value IS NULL "
        "AND verdict NOT IN ('not checkable with open data', 'pending live data', 'not a factual claim')"
    ).fetchall() == [(0,)]


# Every claim's published verdict, direction and computed value, written from the sources (not by the
# code under test): the legal maximum EUR 2,700 (Stcrt 2013, 31130, art. 15); OCW's forecast for
# 2022/23 EUR 2,300 (STL); the amounts paid 2013/14-2021/22 (2,700 x3 inferred, 2,587.14, not found,
# 2,216.70, not found, 2,700, 2,700); SEO 2019-59 "bijna 1,4 miljard"; CBS 80472ned open vacancies
# 2023, yearly average 423,700 (A-U); the letter's own list of seven action lines; no open source for
# the stock of bbl students per sectorkamer offline (MBO Raad inflow only).
EXPECTED_LEDGER = {
    "hybrid_teachers_1000": ("intention", "not a factual claim", None, None),
    "seven_action_lines": ("about the letter", "not a factual claim", None, 7),
    "investments_doubled": ("intention", "not a factual claim", None, None),
    "subsidy_2023_max_2300": ("forecast", "supported", "matches", 2300),
    "subsidy_past_max_2700": ("fact", "partly supported", "overstated", 2216.70),  # lowest of 2017/18-2021/22
    "subsidy_cut_400": ("fact", "supported", "matches", 2700 - 2300),
    "employer_cost_12000": ("fact", "not checkable with open data", None, None),
    "seo_net_benefits_1_4bn": ("fact", "supported", "matches", 1.4e9),
    "subsidy_plea_2700": ("request", "not a factual claim", None, 2700),
    "subsidy_fluctuates": ("fact", "supported", None, round(2700 - 2216.70, 2)),
    "voorjaarsnota_2300": ("fact", "not checkable with open data", None, None),
    "subsidy_cut_12pct": ("fact", "supported", "understated", round(400 / 2700 * 100, 1)),  # 14.8, not 12
    "technical_largest": ("fact", "pending live data", None, None),
    "technical_share_one_third": ("fact", "pending live data", None, None),
    "vakkrachten_10000": ("forecast", "not checkable with open data", None, round(10000 / 423700 * 100, 1)),
}


def test_published_verdicts_match_the_sources(published):
    rows = published.execute(
        "SELECT claim_id, claim_kind, verdict, direction, computed_value FROM marts.claim_checks").fetchall()
    got = {r[0]: (r[1], r[2], r[3], None if r[4] is None else round(r[4], 2)) for r in rows}
    assert got == EXPECTED_LEDGER
    # the tally counts claims: one row per distinct quote
    assert published.execute("SELECT count(*), count(DISTINCT quote) FROM marts.claim_checks").fetchall() \
        == [(len(EXPECTED_LEDGER), len(EXPECTED_LEDGER))]
    assert published.execute(
        "SELECT count(*) FROM marts.claim_checks WHERE explanation_nl = '' OR "
        "len(list_filter(sources, lambda s: s.url LIKE 'https://%')) = 0").fetchall() == [(0,)]


def test_real_amounts_use_the_cpi(published):
    rows = published.execute(
        "SELECT s.amount_nominal_eur, s.amount_real_eur, b.cpi_2025eq100, c.cpi_2025eq100 "
        "FROM marts.subsidy_per_place s JOIN staging.cpi_yearly c ON c.year = s.cpi_year "
        "JOIN staging.cpi_yearly b ON b.year = s.real_base_year WHERE s.amount_nominal_eur IS NOT NULL").fetchall()
    assert len(rows) == 8
    for nominal, real, base_cpi, year_cpi in rows:
        assert abs(real - nominal * base_cpi / year_cpi) < 0.006


def test_years_without_an_amount_say_so(published):
    rows = published.execute("SELECT studiejaar FROM marts.subsidy_per_place WHERE figure_status = 'not found' "
                             "ORDER BY 1").fetchall()
    assert rows == [("2017/2018",), ("2019/2020",)]
    assert published.execute("SELECT count(*) FROM marts.subsidy_per_place WHERE figure_status = 'not found' "
                             "AND amount_nominal_eur IS NOT NULL").fetchall() == [(0,)]


def test_provenance_is_recorded(published):
    snap = first_row(published.execute(
        "SELECT url, date_accessed, license, manifest FROM meta.snapshots WHERE snapshot_id = 'cbs/86141NED/202607020000'"))
    assert snap[0] == "https://datasets.cbs.nl/odata/v1/CBS/86141NED" and snap[2] == "CC BY 4.0"
    manifest = json.loads(snap[3])
    files = dict(published.execute("SELECT path, sha256 FROM meta.snapshot_files WHERE snapshot_id = "
                                   "'cbs/86141NED/202607020000'").fetchall())
    assert files == {f["path"]: f["sha256"] for f in manifest["files"]}
    assert published.execute("SELECT count(*) FROM raw.published_figures WHERE citation_url NOT LIKE 'http%'")\
        .fetchall() == [(0,)]


def test_published_file_is_commented_and_readable_by_older_duckdb(published):
    comment = first_row(published.execute(
        "SELECT comment FROM duckdb_columns() WHERE table_name = 'subsidy_per_place' AND column_name = 'amount_real_eur'"))
    assert "CPI" in comment[0]
    tags = first_row(published.execute("SELECT tags FROM duckdb_databases() WHERE database_name = 'bbl'"))
    assert tags[0]["storage_version"].startswith("v1.4.0")


def test_materialization_metadata(built_home):
    # rerun into the same home: the run is idempotent and asset metadata carries provenance
    from conftest import materialize_all as run

    result = run(built_home)
    assert result.success
    mats = {m.asset_key.to_user_string(): m.metadata
            for m in (e.event_specific_data.materialization for e in result.get_asset_materialization_events())}
    raw = mats["raw/cbs/86141NED"]
    assert raw["dagster/row_count"].value == 1505
    assert raw["snapshot/id"].value == "cbs/86141NED/202607020000"
    assert raw["source/url"].value == "https://datasets.cbs.nl/odata/v1/CBS/86141NED"
    assert "observations-page-1.json" in raw["snapshot/sha256"].value
    assert {c.name for c in mats["marts/claim_checks"]["dagster/column_schema"].schema.columns} >= {"verdict", "quote"}
    assert "| claim_id |" in mats["marts/claim_checks"]["preview"].value


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_corrupt_snapshot_stops_the_run_and_keeps_the_published_database(tmp_path, data_copy):
    home = tmp_path / "home"
    assert materialize_all(home, data_copy).success
    before = _sha(home / "bbl.duckdb")
    page = data_copy / "cbs" / "86141NED" / "202607020000" / "observations-page-1.json"
    page.write_bytes(page.read_bytes().replace(b'"Value": 10,', b'"Value": 99,', 1))

    result = materialize_all(home, data_copy)
    assert not result.success
    failures = [e for e in result.all_events if e.is_step_failure]
    assert [e.step_key for e in failures] == ["raw__cbs__86141NED"]
    message = failures[0].step_failure_data.error.message
    assert "observations-page-1.json has sha256" in message and "cbs/86141NED/202607020000" in message
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert "publish__analyst_database" not in started and "marts__claim_checks" not in started
    assert _sha(home / "bbl.duckdb") == before
    con = duckdb.connect(str(home / "bbl.duckdb"), read_only=True)
    try:  # the published copy still answers with the last good data
        assert con.execute("SELECT yoy_pct FROM staging.cpi_yearly WHERE year = 2022").fetchall() == [(10.0,)]
    finally:
        con.close()


def test_every_mart_is_documented_in_meta_indicators(published):
    marts = [t for (t,) in published.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()]
    names = [n for (n,) in published.execute("SELECT name FROM meta.indicators").fetchall()]
    assert len(marts) >= 10
    undocumented = [t for t in marts if not any(n == f"marts.{t}" or n.startswith(f"marts.{t}.") for n in names)]
    assert not undocumented
    comments = dict(published.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall())
    assert all(comments[t] for t in marts)


def test_staging_vacancies_keeps_the_seasonally_adjusted_rows(published):
    """84545NED (seasonally adjusted, no SBI dimension) is the national total: each of its register cells
    has a seasonally adjusted A-U row in staging.vacancies (the old SQL filtered on the SBI code before
    filling it in, and kept none). One cell (2023KW02 open) is also published by 80474ned, which wins."""
    register = published.execute(
        "SELECT count(*) FROM raw.published_figures WHERE source_table_id = '84545NED'").fetchall()[0][0]
    rows = published.execute("""
        SELECT count(*), count(DISTINCT period), count(*) FILTER (WHERE table_id = '84545NED')
        FROM staging.vacancies WHERE seasonally_adjusted AND sbi_code = 'T001081'""").fetchall()[0]
    assert register == 78 and rows == (78, 26, 77)
    sa_by_measure = dict(published.execute("""
        SELECT measure, count(*) FROM staging.vacancies WHERE seasonally_adjusted AND sbi_code = 'T001081'
        GROUP BY measure""").fetchall())
    assert sa_by_measure == {"open": 26, "new": 26, "filled": 26}


def test_every_table_and_column_has_a_comment(published):
    tables = published.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables() "
                               "WHERE database_name = current_database() AND coalesce(comment, '') = ''").fetchall()
    columns = published.execute("SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
                                "WHERE database_name = current_database() AND coalesce(comment, '') = ''").fetchall()
    assert tables == [] and columns == []
