"""The ledger as it could have been known (issue 13): as-of builds on the bundled data, the register's
publication dates, the ledger's own history, and the history's independence from schema.sql."""

import json
import subprocess
import sys
from datetime import date, datetime

import duckdb
import polars as pl
import pytest
from conftest import DATA, PROJECT

from bbl.claims.model import LETTER_DATE

LETTER = LETTER_DATE.isoformat()


@pytest.fixture(scope="module")
def as_of_letter(tmp_path_factory):
    """A Dagster as-of build of the bundled data at the letter's date (what `bbl run --as-of` runs)."""
    import dagster as dg
    from conftest import all_assets

    from assets.resources import BblResource

    home = tmp_path_factory.mktemp("asof") / f"asof-{LETTER}"
    resource = BblResource(mode="bundled", home=str(home), data_dir=str(DATA), as_of=LETTER)
    result = dg.materialize(all_assets(), resources={"bbl": resource}, raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.is_step_failure]
    con = duckdb.connect(str(home / "bbl.duckdb"), read_only=True)
    yield con
    con.close()


def test_the_as_of_build_holds_only_what_was_published_by_then(as_of_letter):
    assert as_of_letter.execute("SELECT mode, as_of FROM meta.publications").fetchall() == [("as-of", LETTER_DATE)]
    assert as_of_letter.execute("SELECT count(*) FROM raw.cbs_observations").fetchall() == [(0,)]  # CPI: 2026
    dates = as_of_letter.execute("SELECT min(date_published), max(date_published), count(*) FILTER "
                                 "(WHERE date_published IS NULL) FROM raw.published_figures").fetchall()[0]
    assert dates[1] <= LETTER_DATE and dates[2] == 0
    register = pl.read_csv(DATA / "figures" / "published_figures.csv", infer_schema=False).fill_null("")
    known = register.filter((pl.col("date_published") != "") & (pl.col("date_published") <= LETTER))
    assert as_of_letter.execute("SELECT count(*) FROM raw.published_figures").fetchall() == [(known.height,)]
    # the analysts' macro gives the same figures from the regular warehouse's history
    assert sorted(r[0] for r in as_of_letter.execute("SELECT figure_id FROM raw.published_figures").fetchall()) == \
        sorted(known["figure_id"].to_list())


def test_figures_as_of_is_the_as_of_builds_register(as_of_letter, published):
    macro = {r[0] for r in published.execute(
        "SELECT figure_id FROM history.figures_as_of(TIMESTAMP '2023-05-25')").fetchall()}
    build = {r[0] for r in as_of_letter.execute("SELECT figure_id FROM raw.published_figures").fetchall()}
    assert macro == build and len(macro) > 50


def test_computed_at_letter_date_is_the_as_of_builds_ledger(as_of_letter, published):
    """The in-memory build (warehouse/asof.py) behind marts.claim_checks.computed_at_letter_date and the
    Dagster as-of build agree, claim by claim."""
    then = dict((c, (v, x)) for c, v, x in as_of_letter.execute(
        "SELECT claim_id, verdict, computed_value FROM marts.claim_checks").fetchall())
    now = dict((c, (v, x)) for c, v, x in published.execute(
        "SELECT claim_id, verdict_at_letter_date, computed_at_letter_date FROM marts.claim_checks").fetchall())
    assert then == now and len(now) == 15
    # what the letter's date can and cannot show, on the real bundled data
    assert now["seo_net_benefits_1_4bn"] == ("supported", 1_400_000_000.0)  # SEO, September 2019
    notes = dict(published.execute("SELECT claim_id, at_letter_date_nl FROM marts.claim_checks").fetchall())
    assert "CBS 86141NED: oudste versie in het archief gepubliceerd op 02-07-2026" in notes["subsidy_cut_12pct"]


def test_build_order_follows_the_asset_graph():
    """BUILD_ORDER (the in-memory build) holds every SQL-built staging and mart table, after its inputs."""
    from pipelines.definitions import all_assets
    from warehouse.asof import BUILD_ORDER

    order = [t for t, _ in BUILD_ORDER]
    deps = {}
    for a in all_assets:
        for key in a.keys:
            if "sql" in a.specs_by_key[key].kinds and key.path[0] in ("staging", "marts") \
                    and key.path[1] != "revisions":
                deps[".".join(key.path)] = {".".join(d.asset_key.path) for d in a.specs_by_key[key].deps}
    assert sorted(order) == sorted(deps)
    for i, table in enumerate(order):
        assert not (deps[table] & set(order[i + 1:])), f"{table} comes before one of its inputs"


def test_every_publication_date_is_quoted_from_its_source(tmp_path):
    from bbl.figures.dates import DATES_FILE, DatesError, read_dates

    entries = read_dates(PROJECT)  # raises if a quote is not in its file
    assert len(entries) >= 10
    register = pl.read_csv(DATA / "figures" / "published_figures.csv", infer_schema=False).fill_null("")
    dated = register.filter(pl.col("date_published") != "")
    assert dated.height >= 200 and (dated["date_published_basis"] != "").all()
    assert register.filter((pl.col("date_published") == "") & (pl.col("date_published_basis") != "")).height == 0
    # a date the source does not state is refused
    (tmp_path / "data" / "figures").mkdir(parents=True)
    text = (PROJECT / DATES_FILE).read_text(encoding="utf-8").replace("changed 16 Aug 2023", "changed 16 May 2023")
    (tmp_path / DATES_FILE).write_text(text, encoding="utf-8")
    (tmp_path / "data" / "published").symlink_to(DATA / "published")
    (tmp_path / "data" / "reference").symlink_to(DATA / "reference")
    with pytest.raises(DatesError, match="changed 16 May 2023"):
        read_dates(tmp_path)


def test_a_forecast_gives_way_to_the_final_figure():
    from bbl.history.figures import known_at

    rows = [  # synthetic register rows (tests only)
        {"figure_id": "f.forecast", "topic": "subsidy", "measure": "amount", "period": "2022/2023",
         "labels": '{"category": "mbo bbl"}', "qualifier": "forecast", "date_published": "2022-11-30"},
        {"figure_id": "f.final", "topic": "subsidy", "measure": "amount", "period": "2022/2023",
         "labels": '{"category": "mbo bbl"}', "qualifier": "exact", "date_published": "2023-09-15"},
        {"figure_id": "f.undated", "topic": "subsidy", "measure": "amount", "period": "2021/2022",
         "labels": '{"category": "mbo bbl"}', "qualifier": "exact", "date_published": ""},
    ]
    df = pl.DataFrame(rows)
    assert known_at(df, date(2022, 11, 29))["figure_id"].to_list() == []
    assert known_at(df, date(2023, 5, 25))["figure_id"].to_list() == ["f.forecast"]
    assert known_at(df, date(2023, 9, 15))["figure_id"].to_list() == ["f.final"]


def _ledger(verdict: str, value: float | None) -> pl.DataFrame:
    return pl.DataFrame({"claim_id": ["c1"], "verdict": [verdict], "computed_value": [value],
                         "evidence": [["cbs:80472ned:OpenstaandeVacatures_1:2023JJ00"]]},
                        schema={"claim_id": pl.Utf8, "verdict": pl.Utf8, "computed_value": pl.Float64,
                                "evidence": pl.List(pl.Utf8)})


def test_the_ledger_keeps_its_own_history_with_causes():
    from bbl.history.claims import record_claim_history
    from warehouse.store import ensure_warehouse

    con = duckdb.connect()
    ensure_warehouse(con)

    def snapshot(sid: str) -> None:
        con.execute("DELETE FROM meta.snapshots WHERE table_id = '80472ned'")
        con.execute("INSERT INTO meta.snapshots (snapshot_id, source, table_id, path, manifest, loaded_at) "
                    "VALUES (?, 'cbs', '80472ned', 'x', '{}', now())", [sid])

    snapshot("cbs/80472ned/A")
    t0, t1, t2, t3 = (datetime(2026, 1, d) for d in (1, 2, 3, 4))
    first = record_claim_history(con, _ledger("supported", 10.0), "run1", t0)
    assert first["verdict_cause_nl"].to_list() == ["eerste berekening"]
    same = record_claim_history(con, _ledger("supported", 10.0), "run2", t1)  # nothing moved: no new row
    assert same["verdict_since"].to_list() == [t0]
    snapshot("cbs/80472ned/B")
    moved = record_claim_history(con, _ledger("not supported", 12.5), "run3", t2)
    assert moved["verdict_cause_nl"].to_list() == ["nieuwe versie van CBS 80472ned (cbs/80472ned/B)"]
    code = record_claim_history(con, _ledger("not supported", 12.4), "run4", t3)
    assert code["verdict_cause_nl"].to_list() == ["gewijzigde berekening of claimdefinitie (dezelfde gegevens)"]
    rows = con.execute("SELECT verdict, computed_value, valid_from, valid_to FROM history.claim_checks "
                       "ORDER BY valid_from").fetchall()
    assert rows == [("supported", 10.0, t0, t2), ("not supported", 12.5, t2, t3), ("not supported", 12.4, t3, None)]
    assert con.execute("SELECT verdict FROM history.claims_as_of(?)", [t1]).fetchall() == [("supported",)]


def test_the_history_outlives_a_change_of_schema_sql(tmp_path):
    from warehouse.store import ensure_history, ensure_schema

    path = tmp_path / "work.duckdb"
    con = duckdb.connect(str(path))
    ensure_history(con)
    ensure_schema(con)
    con.execute("INSERT INTO history.claim_checks VALUES ('c1', 'supported', 1, now(), NULL, 'eerste berekening', "
                "[], 'r')")
    con.execute("INSERT INTO meta.indicators VALUES ('x', 't', 'u', 'd', 's', 'c')")
    con.execute("UPDATE meta.schema_info SET schema_sha256 = 'an older schema.sql'")
    assert ensure_history(con) is False and ensure_schema(con) is True
    assert con.execute("SELECT count(*) FROM meta.indicators").fetchall() == [(0,)]  # rebuilt
    assert con.execute("SELECT count(*) FROM history.claim_checks").fetchall() == [(1,)]  # kept
    con.close()


def test_the_history_bench_prints_its_two_ratios(tmp_path):
    out = tmp_path / "history.json"
    run = subprocess.run([sys.executable, "bench/history.py", "--cells", "20000", "--vintages", "4", "--repeats", "1",
                          "--out", str(out)], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "history size" in run.stdout and "as-of read" in run.stdout
    result = json.loads(out.read_text())
    # one row per cell, and one more per revision: an unchanged cell is never stored again
    assert result["revised_by_version"][0] == 0 and all(n > 0 for n in result["revised_by_version"][1:])
    assert result["history_rows"] == result["cells"] + sum(result["revised_by_version"])
    assert result["history_size_ratio"] >= 1 and result["as_of_ratio"] > 0


def test_a_rebuilt_history_keeps_the_ledger_and_drops_the_replayable_cells(tmp_path, caplog):
    """A change of history.sql rebuilds the history: CBS cells are replayed later from the snapshots, but
    the ledger's own rows (which no snapshot holds) are set aside and put back."""
    from cbs_cells import put_cells

    from warehouse.store import ensure_history, ensure_schema

    con = duckdb.connect(str(tmp_path / "work.duckdb"))
    ensure_history(con)
    ensure_schema(con)
    con.execute("INSERT INTO history.claim_checks VALUES ('c1', 'supported', 1, now(), NULL, 'eerste berekening', "
                "[], 'r')")
    put_cells(con, "T1", [("M1", "2020JJ00", 1.0, {"R": "x"})])
    con.execute("UPDATE history.schema_info SET history_sha256 = 'an older history.sql'")
    with caplog.at_level("WARNING", logger="warehouse.store"):
        assert ensure_history(con) is True
    assert "kept as they were: claim_checks" in caplog.text
    assert con.execute("SELECT claim_id, verdict FROM history.claim_checks").fetchall() == [("c1", "supported")]
    assert con.execute("SELECT count(*) FROM history.cbs_cells").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM history.cbs_dimension_sets").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM raw.cbs_observations").fetchall() == [(0,)]  # until the next load
    con.close()
