"""The overlapped fetch (bbl/cbs/stage.py); the GX worker process is tested in test_worker.py.

The staged load must give exactly the rows the loader gives from the raw pages, on tables shaped like
CBS's: the real 86141NED capture served as CBS served it (v4), v3 pages with space-padded keys and
secret (null) cells, a v4 cube with provisional periods.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest
from cbs_shapes import VacancyTable, labour_force_table
from conftest import CPI_SNAPSHOT
from http_server import FakeOpenData, RealV4Table, SyntheticTable, TextMeasureTable

from bbl.cbs.client import CbsClient
from bbl.cbs.load import load_cbs_snapshot
from bbl.cbs.stage import MAX_PENDING, PageStager
from bbl.http import FetchError
from bbl.snapshot import SnapshotError
from warehouse.store import Warehouse

ROWS = "SELECT * EXCLUDE (snapshot_id) FROM raw.cbs_observations"


@pytest.fixture
def small_pages():
    with FakeOpenData(page_size_v4=100, page_size_v3=300) as srv:
        yield srv


def _fetch(srv: FakeOpenData, table_id: str, api: str, root: Path):
    return CbsClient(srv.v4_url, srv.v3_url).fetch_table(table_id, root, api=api)


def _load(home: Path, result, staged) -> list[tuple]:
    with Warehouse(home).connect() as con:
        stats = load_cbs_snapshot(con, result.folder, result.manifest, "test", verify=False, staged=staged)
        assert stats.observations == con.execute("SELECT count(*) FROM raw.cbs_observations").fetchall()[0][0]
        return sorted(con.execute(ROWS).fetchall(), key=repr)


def _brace_strings() -> TextMeasureTable:
    """A v4 table whose text values end in `},{`: in the JSON, `},{"` then occurs inside a record. Its
    first measure is a text measure (MeasureCodes DataType String), so the fetch asks for StringValue."""
    return TextMeasureTable("BRC1", 900, n_regions=10, n_measures=3, apis={"v4"},
                            text=lambda i: "a},{" if i % 7 == 3 else None)


@pytest.mark.parametrize("table, api", [
    (lambda: RealV4Table(CPI_SNAPSHOT), "v4"),
    (lambda: VacancyTable(first_year=2019, last_year=2023), "v3"),
    (labour_force_table, "v4"),
    (_brace_strings, "v4"),
], ids=["86141NED-real-v4", "80472ned-shaped-v3", "85224NED-shaped-v4", "strings-ending-in-braces-v4"])
def test_the_staged_load_gives_exactly_the_rows_of_the_raw_page_load(small_pages, tmp_path, table, api):
    t = small_pages.add(table())
    result = _fetch(small_pages, t.table_id, api, tmp_path / "snapshots")
    assert result.staged is not None and result.staged.unusable is None, "the fetch should have staged every page"
    assert result.manifest["pages"] > 1 and len(result.staged.files) == result.manifest["pages"]
    assert result.staged.records == result.rows == result.manifest["announced_row_count"]
    staged_rows = _load(tmp_path / "staged", result, result.staged)
    page_rows = _load(tmp_path / "pages", result, None)
    assert staged_rows == page_rows
    assert len(staged_rows) == result.staged.observations
    if isinstance(t, TextMeasureTable):  # its text values were asked for ($select) and arrived whole
        assert sum("a},{" in r for r in staged_rows) == sum(i % 3 == 0 and i % 7 == 3 for i in range(900))
    result.staged.discard()
    assert not result.staged.directory.exists()


class _TextValues(SyntheticTable):
    """A v4 table whose Value of one observation comes as a JSON string: ``text``."""

    text: str | None = None

    def rows_v4(self, start, stop, flt):
        rows = super().rows_v4(start, stop, flt)
        for r in rows:
            if r["Id"] == 5:
                r["Value"] = self.text if self.text is not None else str(r["Value"])
        return rows


def test_a_number_sent_as_text_is_read_alike_staged_and_from_the_raw_pages(small_pages, tmp_path):
    """"791.9" where a number belongs: the reader converts it, the same way for the stager and the loader."""
    small_pages.add(_TextValues("TXT1", 2000, n_regions=10, n_measures=2, apis={"v4"}))
    result = _fetch(small_pages, "TXT1", "v4", tmp_path / "snapshots")
    assert result.staged is not None and result.staged.unusable is None
    assert _load(tmp_path / "staged", result, result.staged) == _load(tmp_path / "pages", result, None)


def test_text_the_reader_refuses_leaves_the_load_to_the_raw_pages_which_reports_it(small_pages, tmp_path):
    """Text where a number belongs is JSON, so the fetch keeps what CBS sent; staging gives up, and the
    load from the raw pages (the same reader) fails naming the value."""
    table = small_pages.add(_TextValues("TXT2", 2000, n_regions=10, n_measures=2, apis={"v4"}))
    table.text = "n.v.t."
    result = _fetch(small_pages, "TXT2", "v4", tmp_path / "snapshots")
    assert result.staged is None  # staging gave up; the raw pages decide
    assert result.rows == 2000 and (result.folder / "manifest.json").is_file()
    with Warehouse(tmp_path / "home").connect() as con, pytest.raises(SnapshotError, match="n.v.t."):
        load_cbs_snapshot(con, result.folder, result.manifest, "test", verify=False, staged=None)


def test_a_malformed_value_list_fails_the_fetch_naming_the_page_and_keeps_nothing(small_pages, tmp_path, monkeypatch):
    small_pages.add(SyntheticTable("BAD1", 3000, n_regions=10, n_measures=1, apis={"v4"}))
    small_pages.fault("bad_rows", path="Observations$", skip=1400, times=None)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # this test's own: tests run side by side
    (tmp_path / "tmp").mkdir()
    stages = set(Path(tempfile.gettempdir()).glob("bbl-stage-*"))
    with pytest.raises(FetchError) as err:
        _fetch(small_pages, "BAD1", "v4", tmp_path / "snapshots")
    assert "$skip=1400" in str(err.value) and "malformed JSON" in str(err.value)
    base = tmp_path / "snapshots" / "cbs" / "BAD1"
    assert not base.exists() or not list(base.iterdir())
    assert set(Path(tempfile.gettempdir()).glob("bbl-stage-*")) == stages == set(), "the staged pages are removed"


def test_the_stager_blocks_while_max_pending_pages_wait(tmp_path, monkeypatch):
    release = threading.Event()

    def slow(self, page, span, n, target):
        release.wait(10)
        return self._counted(1)

    monkeypatch.setattr(PageStager, "_stage", slow)
    stager = PageStager("v4", [{"dimension": "Perioden", "kind": "TimeDimension"}], [], tmp_path / "stage")
    page = tmp_path / "page.json"
    page.write_bytes(b'{"value": []}')
    done = []

    def submit_all():
        for i in range(MAX_PENDING + 2):
            stager.submit(f"p{i}", page, (10, 12), f"http://x/{i}")
            done.append(i)

    producer = threading.Thread(target=submit_all)
    producer.start()
    producer.join(timeout=1)
    assert len(done) == MAX_PENDING, "the download must wait while MAX_PENDING pages are queued"
    release.set()
    producer.join(timeout=10)
    staged = stager.finish()
    assert len(done) == MAX_PENDING + 2 and staged.records == MAX_PENDING + 2
