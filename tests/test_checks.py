"""Data quality: every GX suite fails on corrupted input, naming the column and the offending values;
a failing blocking check stops publication; results land in quality.check_results."""

import hashlib
import json

import dagster as dg
import duckdb
import pandas as pd
import pytest
from cbs_cells import put_cells
from conftest import materialize_all

from assets.quality import to_check_result
from bbl.bundle import rebuild_figures
from bbl.cbs.suite import observations_frames, reconciliation_frame
from bbl.duo.suite import duo_frames
from bbl.figures.suite import register_frames
from bbl.quality.gx import SuiteResult, as_pandas, validate
from bbl.quality.marts import claim_checks_frames, subsidy_per_place_frames
from bbl.quality.staging import cpi_yearly_frames, subsidy_amounts_frames
from bbl.registry import cbs_tables
from warehouse.store import Warehouse

CPI_CHECKS = {t.id: t for t in cbs_tables()}["86141NED"].checks


@pytest.fixture(scope="module")
def frames(built_home):
    """The real frames of every suite, read from a complete bundled run (a copy of the working DB)."""
    con = duckdb.connect(str(built_home / "bbl.duckdb"), read_only=True)
    try:
        return {
            "cbs": observations_frames(con, "86141NED", CPI_CHECKS),
            "figures": register_frames(con),
            "cpi_yearly": cpi_yearly_frames(con),
            "subsidy_amounts": subsidy_amounts_frames(con),
            "subsidy_per_place": subsidy_per_place_frames(con),
            "claim_checks": claim_checks_frames(con),
        }
    finally:
        con.close()


def corrupt(frames, name, change):
    """The suite's frames with frame `name` replaced by change(a pandas copy of it)."""
    out = []
    for n, df, build in frames:
        out.append((n, change(as_pandas(df).copy()) if n == name else df, build))
    return out


def dup_first(df):
    return pd.concat([df, df.iloc[[0]]], ignore_index=True)


def set_cell(col, value, row=0):
    def change(df):
        df[col] = df[col].astype(object)
        df.loc[row, col] = value
        return df
    return change


@pytest.mark.parametrize("suite", ["cbs", "figures", "cpi_yearly", "subsidy_amounts", "subsidy_per_place",
                                   "claim_checks"])
def test_every_suite_passes_on_the_bundled_data(frames, suite):
    result = validate(suite, frames[suite])
    assert result.success, result.message()
    assert result.evaluated >= 5


# raw.cbs_observations is a view of the version in use; its cells are stored in history.cbs_cells
FIRST_CELL = ("(SELECT min(rowid) FROM history.cbs_cells WHERE table_id = '86141NED' AND measure = 'M000215' "
              "AND to_version IS NULL)")
CASES = [
    # (suite, frame, change, column named in the message, offending value named). The CBS rules run in
    # DuckDB over the whole table (GX sees only the offending rows), so their cases corrupt the table (SQL).
    ("cbs", "observations", f"UPDATE history.cbs_cells SET period = '2022XX07' WHERE rowid = {FIRST_CELL}",
     "observations.period", "'2022XX07'"),
    ("cbs", "observations", "ALTER TABLE history.cbs_cells ALTER measure DROP NOT NULL; "
     f"UPDATE history.cbs_cells SET measure = NULL WHERE rowid = {FIRST_CELL}", "observations.measure", "None"),
    ("cbs", "observations", f"UPDATE history.cbs_cells SET measure = 'M999999' WHERE rowid = {FIRST_CELL}",
     "observations.measure", "'M999999'"),
    ("cbs", "observations", f"INSERT INTO history.cbs_cells SELECT * FROM history.cbs_cells WHERE rowid = "
     f"{FIRST_CELL}", "observations.measure, period, dimensions", "M000215"),
    # the same dimensions under a second number: two rows of the view with one key
    ("cbs", "observations", "INSERT INTO history.cbs_dimension_sets SELECT table_id, 100000, dimensions "
     f"FROM history.cbs_dimension_sets WHERE table_id = '86141NED' AND dims_id = (SELECT dims_id FROM history.cbs_cells "
     f"WHERE rowid = {FIRST_CELL}); INSERT INTO history.cbs_cells SELECT * REPLACE (100000 AS dims_id) "
     f"FROM history.cbs_cells WHERE rowid = {FIRST_CELL}", "observations.measure, period, dimensions", "M000215"),
    ("cbs", "observations", f"UPDATE history.cbs_cells SET value = NULL WHERE rowid = {FIRST_CELL}",
     "observations.value_matches_attribute", "False"),
    ("cbs", "range ^CPI( afgeleid)?$", f"UPDATE history.cbs_cells SET value = -3.0 WHERE rowid = {FIRST_CELL}",
     "range ^CPI( afgeleid)?$.value", "-3.0"),
    ("cbs", "codes", dup_first, "codes.dimension, code", "Bestedingscategorieen"),
    ("figures", "figures", set_cell("citation_url", "not a url"), "figures.citation_url", "'not a url'"),
    ("figures", "figures", set_cell("qualifier", "roughly"), "figures.qualifier", "'roughly'"),
    ("figures", "figures", dup_first, "figures.figure_id", "subsidy."),
    ("figures", "figures", set_cell("figure_id", None), "figures.figure_id", "None"),
    ("figures", "counts", set_cell("value", -120.0), "counts.value", "-120.0"),
    ("figures", "amounts_per_place", set_cell("value", 3100.0), "amounts_per_place.value", "3100.0"),
    ("cpi_yearly", "cpi_yearly", set_cell("cpi_2025eq100", 1234.5), "cpi_yearly.cpi_2025eq100", "1234.5"),
    ("cpi_yearly", "cpi_yearly", dup_first, "cpi_yearly.year", "2010"),
    ("cpi_yearly", "cpi_yearly", set_cell("year", None), "cpi_yearly.year", "None"),
    ("subsidy_amounts", "subsidy_amounts", set_cell("studiejaar", "2018-19"), "subsidy_amounts.studiejaar", "'2018-19'"),
    ("subsidy_amounts", "subsidy_amounts", set_cell("amount_eur", -1.0), "subsidy_amounts.amount_eur", "-1.0"),
    ("subsidy_amounts", "subsidy_amounts", dup_first, "subsidy_amounts.studiejaar, figure_id", "2013/2014"),
    ("subsidy_per_place", "subsidy_per_place", set_cell("pct_of_max", 120.0), "subsidy_per_place.pct_of_max",
     "120.0"),
    ("subsidy_per_place", "subsidy_per_place", dup_first, "subsidy_per_place.studiejaar", "2013/2014"),
    ("claim_checks", "claim_checks", set_cell("verdict", "true"), "claim_checks.verdict", "'true'"),
    ("claim_checks", "claim_checks", dup_first, "claim_checks.claim_id", "'hybrid_teachers_1000'"),  # the first quote of the letter
]


@pytest.mark.parametrize(("suite", "frame", "change", "column", "value"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_corrupted_frames_fail_naming_column_and_values(frames, built_home, tmp_path, suite, frame, change, column,
                                                        value):
    if isinstance(change, str):  # corrupt a copy of the table; the suite's SQL must find it
        import shutil

        shutil.copy(built_home / "bbl.duckdb", tmp_path / "copy.duckdb")
        con = duckdb.connect(str(tmp_path / "copy.duckdb"))
        try:
            con.execute(change)
            result = validate(suite, observations_frames(con, "86141NED", CPI_CHECKS))
        finally:
            con.close()
    else:
        result = validate(suite, corrupt(frames[suite], frame, change))
    assert not result.success
    message = result.message()
    assert f"{column}:" in message, message
    assert value in message, message


def test_a_missing_period_is_found(built_home, tmp_path):
    import shutil

    home = tmp_path / "h"
    shutil.copytree(built_home, home)
    wh = Warehouse(home)
    with wh.connect() as con:
        con.execute("DELETE FROM history.cbs_cells WHERE table_id = '86141NED' AND period = '2015MM07'")
        result = validate("cbs", observations_frames(con, "86141NED", CPI_CHECKS))
    assert not result.success
    assert "completeness.problem" in result.message()
    assert "M000215 {Bestedingscategorieen=T001112}: missing 2015MM07" in result.message()


def test_a_missing_year_in_the_cpi_is_found(built_home, tmp_path):
    import shutil

    home = tmp_path / "h"
    shutil.copytree(built_home, home)
    with Warehouse(home).connect() as con:
        con.execute("DELETE FROM staging.cpi_yearly WHERE year = 2018")
        result = validate("cpi", cpi_yearly_frames(con))
    assert "missing_years.problem:" in result.message() and "'missing year 2018'" in result.message()


def test_duo_suite_on_masked_and_negative_counts(tmp_path):
    wh = Warehouse(tmp_path)
    with wh.connect() as con:
        con.execute("""INSERT INTO raw.duo_students_sectorkamer VALUES
            ('mbo-studenten-per-sectorkamer-en-leerweg', 's', 'f.csv', 'Handel', 'x', 'BBL', '2', 'Utrecht', 2022, -4, false, '-4'),
            ('mbo-studenten-per-sectorkamer-en-leerweg', 's', 'f.csv', 'Handel', 'x', 'BBL', '2', 'Utrecht', 2021, 3, true, '<5')""")
        result = validate("duo", duo_frames(con, "mbo-studenten-per-sectorkamer-en-leerweg"))
    message = result.message()
    assert "rows.students:" in message and "-4" in message
    assert "masked.problem:" in message and "row with masked = true has a count: 3" in message


def test_reconciliation_compares_transcribed_figures_with_api_values(tmp_path):
    """A 80472ned cell as the API would deliver it against the register's transcription (444.4)."""
    wh = Warehouse(tmp_path)
    with wh.connect() as con:
        con.execute("INSERT INTO raw.cbs_measures VALUES ('80472ned', 's', 'OpenstaandeVacatures_1', "
                    "'Openstaande vacatures', 'x 1 000', 1, 'Double', NULL)")
        con.execute("INSERT INTO raw.cbs_dimensions VALUES ('80472ned', 's', 'Perioden', 'TimeDimension', 'Perioden')")
        con.execute("INSERT INTO raw.cbs_codes VALUES ('80472ned', 's', 'Perioden', '2022JJ00', '2022', NULL, "
                    "'Definitief', NULL, 1), ('80472ned', 's', 'Perioden', '2023JJ00', '2023', NULL, 'Voorlopig', NULL, 2)")
        con.execute("INSERT INTO raw.published_figures BY NAME SELECT * REPLACE (CAST(labels AS MAP(VARCHAR, VARCHAR)) "
                    "AS labels) FROM (VALUES ('f2022', 's', 'vacancies', 'CBS', '80472ned', 'OpenstaandeVacatures_1', "
                    "MAP {'Bedrijfskenmerken': 'T001081'}, '2022JJ00', 444.4, 'x 1 000', 'exact', 'https://x', 'f', 'e', 'primary', 'CBS'),"
                    "('f2023', 's', 'vacancies', 'CBS', '80472ned', 'OpenstaandeVacatures_1', "
                    "MAP {'Bedrijfskenmerken': 'T001081'}, '2023JJ00', 423.7, 'x 1 000', 'exact', 'https://x', 'f', 'e', 'primary', 'CBS')) "
                    "t(figure_id, snapshot_id, topic, publisher, source_table_id, measure, labels, period, value, unit, "
                    "qualifier, citation_url, source_file, source_excerpt, source_kind, primary_publisher)")

        def api(v2022, v2023):
            con.execute("DELETE FROM history.cbs_cells")
            put_cells(con, "80472ned", [(m, p, v, {"Bedrijfskenmerken": "T001081"}) for m, p, v in (
                ("OpenstaandeVacatures_1", "2022JJ00", v2022), ("OpenstaandeVacatures_1", "2023JJ00", v2023))])
            return reconciliation_frame(con, "80472ned")

        agree = api(444.4, 423.7)
        assert len(agree) == 2 and agree.column("problem") == [None, None]
        revised = api(444.4, 425.0)  # provisional 2023 revised by CBS
        assert [p is not None for p in revised.column("problem")] == [False, True]
        assert [s for s, p in zip(revised.column("status"), revised.column("problem"), strict=True) if p] == ["Voorlopig"]
        wrong = api(440.0, 423.7)  # a definitive year that disagrees
        assert "f2022 2022JJ00: published 444.4, API 440.0 (Definitief)" in [p for p in wrong.column("problem") if p is not None]


def test_adapter_turns_a_suite_result_into_a_check_result():
    result = validate("demo", [("t", pd.DataFrame({"period": ["2022JJ00", "2022XX07"]}),
                                lambda gxe: [gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}JJ\d{2}$")])])
    check = to_check_result(result)
    assert check.passed is False and check.severity == dg.AssetCheckSeverity.ERROR
    assert check.metadata["evaluated"].value == 1 and check.metadata["unsuccessful"].value == 1
    failed = check.metadata["failed_expectations"].value
    assert failed[0]["column"] == "period" and failed[0]["sample"] == ["2022XX07"]
    assert "| t | period | expect_column_values_to_match_regex | 1 | '2022XX07' |" in check.metadata["summary"].value
    assert to_check_result(SuiteResult("ok", evaluated=3)).passed


def test_every_check_leaves_a_row_in_quality_check_results(published):
    from pipelines.definitions import defs

    checks = {(k.asset_key.to_user_string(), k.name) for k in defs.resolve_asset_graph().asset_check_keys}
    rows = published.execute("SELECT asset, check_name, passed, evaluated, failed_expectations, severity, "
                             "description FROM quality.check_results").fetchall()
    assert {(a, c) for a, c, *_ in rows} == checks
    assert all(json.loads(f) == [] for _, _, _, _, f, _, _ in rows)
    # every check passes, except the sources without data offline: pending, a warning, not a pass
    failing = {(a, c): (sev, desc) for a, c, passed, _, _, sev, desc in rows if not passed}
    pending_sources = {"raw/cbs/80472ned", "raw/cbs/80567ned", "raw/cbs/85353NED", "raw/cbs/85224NED",
                       "raw/duo/mbo_studenten_per_sectorkamer_en_leerweg", "raw/duo/mbo_studenten_per_instelling",
                       "marts/vacancy_rate", "marts/vacancies_per_unemployed"}
    assert {a for a, _ in failing} == pending_sources
    assert all(sev == "WARN" and "pending live data" in desc for sev, desc in failing.values())
    assert all(passed for a, _, passed, *_ in rows if a == "raw/cbs/86141NED")


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_negative_count_in_a_source_blocks_publication(tmp_path, data_copy):
    """A negative count in a source file, with the register rebuilt and every checksum updated: the
    blocking check fails and bbl.duckdb keeps its previous content byte for byte."""
    home = tmp_path / "home"
    assert materialize_all(home, data_copy).success
    before = _sha(home / "bbl.duckdb")
    src = data_copy / "published" / "bbl_inflow_by_sectorkamer_2021_2022.csv"
    src.write_text(src.read_text(encoding="utf-8").replace(",44000,", ",-44000,"), encoding="utf-8")
    rebuild_figures(data_copy)  # what a maintainer does after editing a source: register and manifest
    result = materialize_all(home, data_copy)
    assert not result.success
    failed = [e for e in result.get_asset_check_evaluations()
              if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    assert [(e.asset_key.to_user_string(), e.check_name) for e in failed] == [("raw/published_figures", "gx_suite")]
    assert "counts.value:" in failed[0].description and "-44000.0" in failed[0].description
    assert _sha(home / "bbl.duckdb") == before


@pytest.mark.slow
def test_data_docs_are_built_from_the_published_database(built_home, tmp_path):
    from bbl.quality.docs import build

    index = build(tmp_path, built_home / "bbl.duckdb")
    assert index.is_file()
    html = index.read_text(encoding="utf-8")
    assert "raw_cbs_86141NED__observations" in html and "marts_claim_checks__claim_checks" in html


def _range_rules(published):
    """Every range expectation of every suite: (suite, frame, column, min, max)."""
    from bbl.quality.gx import gx_modules
    from bbl.quality.suites import SUITES

    _, gxe = gx_modules()
    rules = []
    for suite in SUITES:
        for name, _df, build in suite.frames(published):
            for e in build(gxe):
                if type(e).__name__ == "ExpectColumnValuesToBeBetween":
                    rules.append((suite.asset_name, name, e.column, e.min_value, e.max_value))
    return rules


def test_every_range_rule_holds_at_its_bounds_and_fails_just_beyond(published):
    rules = _range_rules(published)
    assert len(rules) >= 25  # every suite's ranges, CBS tables' registry ranges included
    for asset, frame_name, column, lo, hi in rules:
        for bound, beyond in ((hi, lambda b: b + max(abs(b), 1) * 1e-6), (lo, lambda b: b - max(abs(b), 1) * 1e-6)):
            if bound is None:
                continue
            assert _one_value(asset, frame_name, column, lo, hi, bound).success, (asset, frame_name, column, bound)
            failed = _one_value(asset, frame_name, column, lo, hi, beyond(bound))
            assert not failed.success and f"{frame_name}.{column}" in failed.message(), (asset, frame_name, column)


def _one_value(asset, frame_name, column, lo, hi, value):
    return validate(asset, [(frame_name, pd.DataFrame({column: [float(value)]}), lambda gxe: [
        gxe.ExpectColumnValuesToBeBetween(column=column, min_value=lo, max_value=hi)])])


def test_every_raw_staging_and_mart_table_has_a_suite_result(published):
    covered = {t for (t,) in published.execute("SELECT DISTINCT unnest(tables) FROM quality.check_results").fetchall()}
    tables = {f"{s}.{t}" for s, t in published.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('raw', 'staging', 'marts')").fetchall()}
    assert len(tables) >= 20 and tables <= covered, tables - covered
