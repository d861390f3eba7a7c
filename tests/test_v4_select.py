"""v4 Observations are asked for with ``$select``: only the fields the loader reads.

``Id`` (the response's row number) and, when MeasureCodes gives every measure a numeric DataType,
``StringValue`` (null for numbers) are about a quarter of a page's bytes. The load must not change:
the rows equal those of a fetch that got every field (a service that refuses ``$select`` with HTTP 400
is asked again without it), and a page that carries fields it was not asked for is read the same.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import CPI_SNAPSHOT
from http_server import FakeOpenData, RealV4Table, TextMeasureTable

from bbl.cbs.client import CbsClient
from bbl.cbs.load import load_cbs_snapshot
from bbl.cbs.parse import v4_select
from warehouse.store import Warehouse

ROWS = "SELECT * EXCLUDE (snapshot_id) FROM raw.cbs_observations"
CPI_FIELDS = ["Measure", "ValueAttribute", "Value", "Bestedingscategorieen", "Perioden"]


def _fetch_and_load(srv: FakeOpenData, table_id: str, root: Path) -> tuple[dict, list[Path], list[tuple]]:
    result = CbsClient(srv.v4_url, srv.v3_url).fetch_table(table_id, root / "snapshots", api="v4")
    with Warehouse(root / "home").connect() as con:
        load_cbs_snapshot(con, result.folder, result.manifest, "test", verify=False, staged=result.staged)
        rows = sorted(con.execute(ROWS).fetchall(), key=repr)
    pages = sorted(result.folder.glob("observations-page-*.json"))
    return result.manifest, pages, rows


def _records(page: Path) -> list[dict]:
    return json.loads(page.read_text(encoding="utf-8"))["value"]


def test_v4_asks_only_for_the_fields_it_reads_and_loads_the_same_rows(tmp_path, caplog):
    with FakeOpenData(page_size_v4=400) as srv:
        srv.add(RealV4Table(CPI_SNAPSHOT))  # the real capture: 6 Double measures and 1 Long
        manifest, pages, rows = _fetch_and_load(srv, "86141NED", tmp_path / "select")
        asked = srv.requests_matching(r"/Observations\?")
        srv.select_v4 = False  # a service that refuses $select: HTTP 400, then asked again without it
        srv.requests.clear()
        with caplog.at_level(logging.WARNING, logger="bbl.cbs.client"):
            manifest_all, pages_all, rows_all = _fetch_and_load(srv, "86141NED", tmp_path / "all")
        asked_all = srv.requests_matching(r"/Observations(\?|$)")

    assert len(pages) == len(pages_all) == 4 and len(rows) == 1505
    assert len(asked) == 4 and all(f"$select={','.join(CPI_FIELDS)}" in unquote(r) for r in asked)
    assert manifest["select"] == CPI_FIELDS
    assert all(set(rec) == set(CPI_FIELDS) for page in pages for rec in _records(page))
    assert sum(p.stat().st_size for p in pages) < 0.85 * sum(p.stat().st_size for p in pages_all)

    assert manifest_all["select"] is None
    assert sum("$select=" in unquote(r) for r in asked_all) == 1 and len(asked_all) == 1 + len(pages_all)
    assert "refused $select on Observations (HTTP 400" in caplog.text
    assert {"Id", "StringValue"} <= set(_records(pages_all[0])[0])
    assert rows == rows_all


def test_a_text_measure_keeps_string_value_in_the_select(tmp_path):
    with FakeOpenData(page_size_v4=250) as srv:
        # its second measure is text: its cells have a StringValue and no Value
        t = srv.add(TextMeasureTable("TXT1", 600, n_regions=10, n_measures=2, apis={"v4"}, text_measure=1,
                                     text=lambda i: f"tekst {i}"))
        manifest, pages, rows = _fetch_and_load(srv, t.table_id, tmp_path)
    assert "StringValue" in manifest["select"] and "Id" not in manifest["select"]
    texts = sorted(r for row in rows for r in row if isinstance(r, str) and r.startswith("tekst "))
    assert texts == sorted(f"tekst {i}" for i in range(1, 600, 2))


def test_pages_with_fields_not_asked_for_load_the_same(tmp_path):
    """CBS's next links might drop the $select: the later pages then carry every field."""

    class _NextLinkWithoutSelect(FakeOpenData):
        def _v4(self, t, rest, q):
            status, body, ctype = super()._v4(t, rest, q)
            if rest == ["Observations"]:
                doc = json.loads(body)
                if "@odata.nextLink" in doc:
                    doc["@odata.nextLink"] = doc["@odata.nextLink"].split("&$select=")[0]
                body = json.dumps(doc).encode()
            return status, body, ctype

    with FakeOpenData(page_size_v4=400) as srv:
        srv.add(RealV4Table(CPI_SNAPSHOT))
        *_, expected = _fetch_and_load(srv, "86141NED", tmp_path / "select")
    with _NextLinkWithoutSelect(page_size_v4=400) as srv:
        srv.add(RealV4Table(CPI_SNAPSHOT))
        manifest, pages, rows = _fetch_and_load(srv, "86141NED", tmp_path / "mixed")
    assert "Id" not in _records(pages[0])[0] and "Id" in _records(pages[1])[0]
    assert rows == expected


@pytest.mark.parametrize("types, string_value", [
    (["Double", "Long"], False),
    (["Double", "String"], True),
    (["Double", None], True),  # a DataType not given: its text, if any, is kept
    ([], True),
])
def test_v4_select_drops_string_value_only_when_every_measure_is_numeric(types, string_value):
    dims = [{"dimension": "Regio", "kind": "GeoDimension"}, {"dimension": "Perioden", "kind": "TimeDimension"}]
    measures = [{"measure": f"M{i}", "data_type": t} for i, t in enumerate(types)]
    fields = v4_select(dims, measures)
    assert ("StringValue" in fields) is string_value
    assert [f for f in fields if f != "StringValue"] == ["Measure", "ValueAttribute", "Value", "Regio", "Perioden"]
