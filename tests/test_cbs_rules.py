"""The quality rules hold on CBS-shaped tables and fail on a corrupted cell (issue: real data, real rules).

The vacancy table (tests/cbs_shapes.py) is served the way the CBS v3 feed serves 80472ned: rounded
cells, yearly rows that are CBS's weighted average (stocks) or sums (flows) of unrounded quarters,
padded keys, secret cells, a provisional year and revisions between versions.
"""

import re

import duckdb
from cbs_shapes import TOTAL, VacancyTable

from bbl.cbs.suite import year_vs_quarters_frame

OPEN, NEW = "OpenstaandeVacatures_1", "OntstaneVacatures_2"


def _results(home):
    con = duckdb.connect(str(home / "work.duckdb"), read_only=True)
    try:
        return con.execute("SELECT check_name, passed, severity FROM quality.check_results "
                           "WHERE asset = 'raw/cbs/80472ned' ORDER BY checked_at, check_name").fetchall()
    finally:
        con.close()


def test_cbs_shaped_vacancies_pass_their_suite(server, fetch, tmp_path):
    server.add(VacancyTable())
    code, out, err = fetch("80472ned")
    assert code == 0, err
    assert re.search(r"raw/cbs/80472ned: \d+ expectations passed", out) and (tmp_path / "home" / "bbl.duckdb").exists()
    # the secret section's early periods cannot be summed: a warning that says why, never a failure
    assert "1 sections without a value" in err and "not blocking" in err
    assert [(c, p) for c, p, _ in _results(tmp_path / "home")] == [("gx_suite", True), ("gx_suite_warnings", False)]


def test_a_corrupted_total_in_a_final_period_blocks(server, fetch, tmp_path):
    table = server.add(VacancyTable())
    table.set_cell(OPEN, TOTAL, "2015KW02", table.cells[(OPEN, TOTAL, "2015KW02")] + 1.5)  # allowed: 21 x 0.05 + 0.05
    code, _, err = fetch("80472ned")
    assert code == 1
    assert "not published" in err and "OpenstaandeVacatures_1 2015KW02: total" in err
    assert "allowed ±1.1: each cell rounded to 1 decimals; period Definitief" in err
    assert not (tmp_path / "home" / "bbl.duckdb").exists()


def test_a_corrupted_yearly_flow_names_cbs_definition(server, fetch):
    table = server.add(VacancyTable())
    code = "350000"
    table.set_cell(NEW, code, "2016JJ00", table.cells[(NEW, code, "2016JJ00")] + 3)  # allowed 4 x 0.5 + 0.5
    rc, _, err = fetch("80472ned")
    assert rc == 1
    assert "OntstaneVacatures_2 2016JJ00" in err and "the yearly figure is the sum of the four quarters" in err


def test_a_corrupted_provisional_cell_only_warns(server, fetch, tmp_path):
    table = server.add(VacancyTable(secret_years=0))
    table.set_cell(OPEN, TOTAL, "2023KW02", table.cells[(OPEN, TOTAL, "2023KW02")] + 5)
    code, out, err = fetch("80472ned")
    assert code == 0, err
    assert "OpenstaandeVacatures_1 2023KW02: total" in err and "period Voorlopig" in err
    assert (tmp_path / "home" / "bbl.duckdb").exists()


def test_open_vacancies_are_cbs_weighted_average_not_the_mean(server, fetch, tmp_path):
    server.add(VacancyTable())
    assert fetch("80472ned")[0] == 0
    con = duckdb.connect(str(tmp_path / "home" / "work.duckdb"), read_only=True)
    try:
        weighted = year_vs_quarters_frame(con, "80472ned", [{"measure_title": "^Openstaande", "how": "weighted_stock"}])
        mean = year_vs_quarters_frame(con, "80472ned", [{"measure_title": "^Openstaande", "how": "mean"}])
    finally:
        con.close()
    assert len(weighted) == 0
    assert len(mean) > 10 and "the average of the four quarters" in mean.column("problem")[0]


def test_a_revised_version_loads_and_passes(server, fetch, tmp_path):
    table = server.add(VacancyTable())
    assert fetch("80472ned")[0] == 0
    first = table.cells[(OPEN, TOTAL, "2023KW01")]
    revised = server.add(table.revise("202311150200"))
    assert revised.cells[(OPEN, TOTAL, "2023KW01")] != first
    code, out, err = fetch("80472ned")
    assert code == 0, err and "loaded" in out
    con = duckdb.connect(str(tmp_path / "home" / "bbl.duckdb"), read_only=True)
    try:
        value = con.execute("SELECT value FROM raw.cbs_observations WHERE table_id = '80472ned' AND measure = ? "
                            "AND period = '2023KW01' AND dimensions['Bedrijfskenmerken'] = ?", [OPEN, TOTAL]).fetchall()
    finally:
        con.close()
    assert value == [(revised.cells[(OPEN, TOTAL, "2023KW01")],)]
