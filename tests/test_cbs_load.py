"""Parsing and loading the raw CBS v4 responses of 86141NED (the bundled real snapshot)."""

import json
import shutil

import duckdb
import pytest
from conftest import CPI_SNAPSHOT

from bbl.cbs.ids import validate_table_id
from bbl.cbs.load import load_cbs_snapshot
from bbl.cbs.parse import parse_v4_codes, parse_v4_dimensions, parse_v4_measures
from bbl.snapshot import SnapshotError, load_manifest, verify_snapshot
from warehouse.store import Warehouse


def _json(name):
    return json.loads((CPI_SNAPSHOT / name).read_text(encoding="utf-8"))


def test_parse_dimensions_finds_the_time_dimension():
    dims = parse_v4_dimensions(_json("dimensions.json"))
    assert [(d["dimension"], d["kind"]) for d in dims] == [
        ("Bestedingscategorieen", "Dimension"),
        ("Perioden", "TimeDimension"),
    ]


def test_parse_dimensions_rejects_a_table_without_time_dimension():
    doc = {"value": [{"Identifier": "Regio", "Kind": "GeoDimension"}]}
    with pytest.raises(SnapshotError, match="no TimeDimension"):
        parse_v4_dimensions(doc)


def test_parse_measures_has_cpi_and_yearly_change():
    measures = {m["measure"]: m for m in parse_v4_measures(_json("measure-codes.json"))}
    assert len(measures) == 7
    assert measures["M000215"]["title"] == "CPI" and measures["M000215"]["unit"] == "2025=100"
    assert measures["M000238"]["title"] == "Jaarmutatie CPI" and measures["M000238"]["decimals"] == 1


def test_parse_codes_keeps_period_status():
    codes = {c["code"]: c for c in parse_v4_codes(_json("codes-Perioden.json"), "Perioden")}
    assert len(codes) == 215
    assert codes["2022JJ00"]["status"] == "Definitief"
    assert codes["2026MM06"]["status"] == "Voorlopig" and codes["2026MM06"]["description"] == "Snelle raming"


@pytest.mark.parametrize("good", ["80472ned", "86141NED", "37220", "03759ned"])
def test_valid_table_ids_keep_their_case(good):
    assert validate_table_id(good) == good


@pytest.mark.parametrize("bad", ["", "80472ned/../x", "8047 2ned", "80472ned?$top=1", "a" * 13, "ab'c"])
def test_invalid_table_ids_are_rejected(bad):
    with pytest.raises(ValueError, match="invalid CBS table id"):
        validate_table_id(bad)


@pytest.fixture
def loaded(tmp_path):
    wh = Warehouse(tmp_path)
    with wh.connect() as con:
        stats = load_cbs_snapshot(con, CPI_SNAPSHOT, load_manifest(CPI_SNAPSHOT), "data/cbs/86141NED/202607020000")
    return wh, stats


def test_load_gives_every_observation_with_values(loaded):
    wh, stats = loaded
    assert stats.observations == 1505 and stats.measures == 7 and stats.codes == 406 + 215
    con = duckdb.connect(str(wh.work_path), read_only=True)
    try:
        value = con.execute(
            "SELECT value FROM raw.cbs_observations WHERE measure = 'M000238' AND period = '2022JJ00' "
            "AND dimensions['Bestedingscategorieen'] = 'T001112'"
        ).fetchall()
        assert value == [(10.0,)]
        # CPI 2025=100 of 2010 as CBS delivered it
        assert con.execute(
            "SELECT value FROM raw.cbs_observations WHERE measure = 'M000215' AND period = '2010JJ00'"
        ).fetchall() == [(68.1,)]
        # a value is kept only where ValueAttribute is None; 'Impossible' cells have no value
        impossible = con.execute(
            "SELECT count(*), count(value) FROM raw.cbs_observations WHERE value_attribute = 'Impossible'"
        ).fetchall()
        assert impossible == [(65, 0)]
        assert con.execute("SELECT count(DISTINCT period) FROM raw.cbs_observations").fetchall() == [(215,)]
        table = con.execute("SELECT table_id, version, api, row_count, license FROM raw.cbs_tables").fetchall()
        assert table == [("86141NED", "202607020000", "v4", 1505, "CC BY 4.0")]
    finally:
        con.close()


def test_reloading_replaces_rather_than_appends(loaded):
    wh, _ = loaded
    with wh.connect() as con:
        load_cbs_snapshot(con, CPI_SNAPSHOT, load_manifest(CPI_SNAPSHOT), "x")
        assert con.execute("SELECT count(*) FROM raw.cbs_observations").fetchall() == [(1505,)]
        assert con.execute("SELECT count(*) FROM meta.snapshots").fetchall() == [(1,)]


def test_bundled_manifest_matches_its_files():
    manifest = load_manifest(CPI_SNAPSHOT)
    verify_snapshot(CPI_SNAPSHOT, manifest)
    assert manifest["license"]["name"] == "CC BY 4.0"
    assert manifest["table_id"] == "86141NED" and manifest["row_count"] == 1505
    assert {e["role"] for e in manifest["files"]} >= {"properties", "dimensions", "measures", "observations",
                                                      "codes:Perioden", "codes:Bestedingscategorieen"}


def test_a_changed_file_is_refused_with_its_name(tmp_path):
    folder = tmp_path / "snap"
    shutil.copytree(CPI_SNAPSHOT, folder)
    page = folder / "observations-page-1.json"
    original = page.read_bytes()
    page.write_bytes(original.replace(b'"Value": 10,', b'"Value": 11,', 1))
    assert page.read_bytes() != original
    with pytest.raises(SnapshotError, match=r"observations-page-1\.json has sha256 [0-9a-f]{64}, the manifest says"):
        verify_snapshot(folder, load_manifest(folder))


def test_a_row_count_that_differs_from_the_manifest_is_refused(tmp_path):
    folder = tmp_path / "snap"
    shutil.copytree(CPI_SNAPSHOT, folder)
    manifest = load_manifest(folder)
    manifest["row_count"] = 1504
    wh = Warehouse(tmp_path / "home")
    with wh.connect() as con, pytest.raises(SnapshotError, match="1505 observations loaded, the manifest announces 1504"):
        load_cbs_snapshot(con, folder, manifest, "x")
    with wh.connect() as con:  # the failed load left nothing behind
        assert con.execute("SELECT count(*) FROM raw.cbs_observations").fetchall() == [(0,)]


def test_value_array_span_on_the_real_page():
    import orjson

    from bbl.cbs.parse import value_array_span

    data = (CPI_SNAPSHOT / "observations-page-1.json").read_bytes()
    start, end = value_array_span(data)
    assert len(orjson.loads(data[start:end])) == 1505


@pytest.mark.parametrize(
    ("page", "rows"),
    [
        (b'{"odata.metadata":"x#value","value":[{"a":1},{"a":"]"}],"odata.nextLink":"http://h/p?$skip=2"}', 2),
        (b'{"value" : [ ] }', 0),
        (b'{"@odata.context":"c","value":[{"s":"\\"value\\":[x"}]}', 1),
    ],
)
def test_value_array_span_edge_cases(page, rows):
    import orjson

    from bbl.cbs.parse import value_array_span

    start, end = value_array_span(page)
    assert len(orjson.loads(page[start:end])) == rows


SPAN_PAGES = {
    "v3-next-link-after":
        b'{"odata.metadata":"x#value","value":[{"a":1},{"a":"]"}],"odata.nextLink":"http://h/p?$skip=2"}',
    "empty": b'{"value" : [ ] }',
    "value-in-a-string": b'{"@odata.context":"c","value":[{"s":"\\"value\\":[x"}]}',
    "long-page-brackets-in-strings": b'{"@odata.context":"http://h/$metadata#Observations","value":[' + b",".join(
        b'{"Id":%d,"Measure":"M1","Value":1.5,"Note":"a]}"}' % i for i in range(200)) + b'],"@odata.nextLink":"n"}',
    "bracket-in-link": b'{"value":[{"a":1}],"@odata.nextLink":"http://h/p?x=]"}',
    "unclosed": b'{"odata.metadata":"m","value":[{"a":1}]',  # no span, from either end
}


def _span_from_ends(tmp_path, monkeypatch, page: bytes, edge: int) -> bool:
    """Assert that page_value_span agrees with value_array_span; True if the two ends alone decided it."""
    import bbl.cbs.parse as parse

    monkeypatch.setattr(parse, "EDGE", edge)
    path = tmp_path / "page.json"
    path.write_bytes(page)
    whole = parse.value_array_span(page)
    found = parse.page_value_span(path)
    if found is not None:
        span, rest = found
        assert span == whole and rest == page[: span[0]] + page[span[1]:]
    else:
        assert whole is None or len(page) > 2 * edge, "a page that fits in its two ends is always decided"
    return found is not None and len(page) > 2 * edge


@pytest.mark.parametrize("edge", [8, 40, 64, 1 << 16])
@pytest.mark.parametrize("name", list(SPAN_PAGES))
def test_the_span_from_the_two_ends_is_the_span_of_the_whole_page(tmp_path, monkeypatch, name, edge):
    """read_envelope reads an observation page's two ends only: where they show the array's bounds they give
    what reading the whole page gives; where they do not, None (the whole page is read)."""
    _span_from_ends(tmp_path, monkeypatch, SPAN_PAGES[name], edge)


def test_the_two_ends_alone_decide_pages_shaped_like_cbs_ones(tmp_path, monkeypatch):
    """Not vacuous: a v3 page (next link after the rows) and a v4 page (context before them) are decided from
    their two ends alone; the others above are too short or unclosed, and go to the whole-page read."""
    decided = {name: any(_span_from_ends(tmp_path, monkeypatch, page, edge) for edge in (40, 64, 80))
               for name, page in SPAN_PAGES.items()}
    assert [n for n, d in decided.items() if d] == ["v3-next-link-after", "long-page-brackets-in-strings"]


def test_array_and_object_reads_load_the_same_rows(tmp_path, monkeypatch):
    import bbl.cbs.load as cl

    def load(home):
        wh = Warehouse(home)
        with wh.connect() as con:
            load_cbs_snapshot(con, CPI_SNAPSHOT, load_manifest(CPI_SNAPSHOT), "x")
            return con.execute("SELECT * FROM raw.cbs_observations ORDER BY ALL").fetchall()

    fast = load(tmp_path / "a")
    monkeypatch.setattr(cl, "split_value_arrays", lambda pages, scratch: None)  # force the object path
    assert load(tmp_path / "b") == fast and len(fast) == 1505
