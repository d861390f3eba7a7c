"""A real HTTP server on 127.0.0.1 that speaks CBS OData v4 and v3 and DUO's CKAN API, with faults.

Used by the tests and by bench/. It serves
* the real CBS v4 responses of 86141NED from data/cbs/ (observations re-paged by ``page_size_v4``),
* synthetic tables of any size (values computed per row, pages generated on demand, so a 5M-row
  table costs the server one page of memory), on v4 and/or v3,
* synthetic DUO CSV files behind a CKAN ``package_show``,
* the v4 ``Datasets`` and v3 ``ODataCatalog/Tables`` catalogues,
and injects faults on matching requests: HTTP 503/429 with Retry-After, a connection cut mid-body,
a truncated page, an HTML error page, malformed JSON, a next link to another host, a next link
loop, and a response slower than the client's timeout. Every request is logged.

Synthetic data here is for tests only; it never enters data/ or a published warehouse.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import orjson

V4_PREFIX = "/odata/v1/CBS"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now (for servers the tests and bench/ start as processes)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ----------------------------------------------------------------------------------------------
# tables
# ----------------------------------------------------------------------------------------------

@dataclass
class Table:
    table_id: str
    title: str
    version: str
    modified: str
    dims: list[tuple[str, str, str]]  # (identifier, kind, title)
    measures: list[dict[str, Any]]  # {"id", "title", "unit", "decimals"[, "data_type": MeasureCodes DataType, default "Double"]}
    codes: dict[str, list[dict[str, Any]]]
    apis: set[str] = field(default_factory=lambda: {"v4"})

    # v4 long rows -------------------------------------------------------------------------
    def count_v4(self, flt: dict[str, str]) -> int:
        raise NotImplementedError

    def rows_v4(self, start: int, stop: int, flt: dict[str, str]) -> list[dict[str, Any]]:
        raise NotImplementedError

    # v3 wide rows -------------------------------------------------------------------------
    def count_v3(self, flt: dict[str, str]) -> int:
        raise NotImplementedError

    def rows_v3(self, start: int, stop: int, flt: dict[str, str]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def properties(self) -> dict[str, Any]:
        return {"Identifier": self.table_id, "Title": self.title, "Modified": self.modified, "Version": self.version,
                "License": "https://creativecommons.org/licenses/by/4.0/", "Status": "Regulier"}


class RealV4Table(Table):
    """A real CBS v4 capture (e.g. data/cbs/86141NED/<version>/), served as CBS served it."""

    def __init__(self, folder: Path, table_id: str | None = None) -> None:
        def load(name: str) -> dict[str, Any]:
            return json.loads((folder / name).read_text(encoding="utf-8"))

        self._props = load("properties.json")
        dims = load("dimensions.json")["value"]
        measures = load("measure-codes.json")["value"]
        self._measure_docs = measures
        self._dim_docs = dims
        codes = {d["Identifier"]: load(f"codes-{d['Identifier']}.json")["value"] for d in dims}
        index = load("index.json")
        self._obs: list[dict[str, Any]] = []
        for page in index["observationPages"]:
            self._obs.extend(load(page)["value"])
        super().__init__(
            table_id=table_id or self._props["Identifier"], title=self._props["Title"],
            version=self._props["Version"], modified=self._props["Modified"],
            dims=[(d["Identifier"], d["Kind"], d["Title"]) for d in dims],
            measures=[{"id": m["Identifier"], "title": m["Title"], "unit": m["Unit"], "decimals": m["Decimals"],
                       "data_type": m.get("DataType")} for m in measures],
            codes=codes, apis={"v4"},
        )

    def properties(self) -> dict[str, Any]:
        return {**self._props, "Identifier": self.table_id, "Version": self.version, "Modified": self.modified}

    def _filtered(self, flt: dict[str, str]) -> list[dict[str, Any]]:
        return [r for r in self._obs if all(str(r.get(k)) == v for k, v in flt.items())]

    def count_v4(self, flt: dict[str, str]) -> int:
        return len(self._filtered(flt))

    def rows_v4(self, start: int, stop: int, flt: dict[str, str]) -> list[dict[str, Any]]:
        return self._filtered(flt)[start:stop]


class SyntheticTable(Table):
    """A generated table: Regio (n_regions codes) x Perioden (months from 1900) x measures.

    v4: one observation per (period, region, measure); v3: one wide row per (period, region)
    with one column per topic. Values are a deterministic function of the row number.
    """

    def __init__(self, table_id: str, rows: int, n_regions: int = 1000, n_measures: int = 2,
                 apis: set[str] | None = None, version: str = "202601010000") -> None:
        self.rows, self.n_regions, self.n_measures = rows, n_regions, n_measures
        per_period = n_regions * n_measures
        n_periods = max(1, -(-rows // per_period))
        regions = [{"Identifier": f"GM{r:04d}", "Key": f"GM{r:04d}  ", "Title": f"Gemeente {r}",
                    "Description": "", "DimensionGroupId": "1", "CategoryGroupID": 1} for r in range(n_regions)]
        periods = [{"Identifier": self.period(p), "Key": self.period(p), "Title": self.period(p), "Description": "",
                    "Status": "Voorlopig" if p == n_periods - 1 else "Definitief", "DimensionGroupId": "0"}
                   for p in range(max(n_periods, -(-rows // n_regions)))]
        super().__init__(
            table_id=table_id, title=f"Synthetic test table {table_id} ({rows} rows)", version=version,
            modified=f"{version[:4]}-{version[4:6]}-{version[6:8]}T00:00:00+01:00",
            dims=[("Regio", "GeoDimension", "Regio's"), ("Perioden", "TimeDimension", "Perioden")],
            measures=[{"id": f"M{m:06d}", "key": f"Aantal_{m + 1}", "title": f"Aantal {m + 1}", "unit": "aantal",
                       "decimals": 1} for m in range(n_measures)],
            codes={"Regio": regions, "Perioden": periods}, apis=apis or {"v4", "v3"},
        )

    @staticmethod
    def period(p: int) -> str:
        return f"{1900 + p // 12}MM{p % 12 + 1:02d}"

    @staticmethod
    def value(i: int) -> float:
        return (i * 7919 % 100_000) / 10

    def count_v4(self, flt: dict[str, str]) -> int:
        return self.rows

    def rows_v4(self, start: int, stop: int, flt: dict[str, str]) -> list[dict[str, Any]]:
        m, r = self.n_measures, self.n_regions
        out = []
        for i in range(start, min(stop, self.rows)):
            out.append({"Id": i, "Measure": self.measures[i % m]["id"], "ValueAttribute": "None",
                        "Value": self.value(i), "StringValue": None, "Regio": f"GM{(i // m) % r:04d}",
                        "Perioden": self.period(i // (m * r))})
        return out

    def count_v3(self, flt: dict[str, str]) -> int:
        return self.rows

    def rows_v3(self, start: int, stop: int, flt: dict[str, str]) -> list[dict[str, Any]]:
        r = self.n_regions
        out = []
        for i in range(start, min(stop, self.rows)):
            row: dict[str, Any] = {"ID": i, "Regio": f"GM{i % r:04d}  ", "Perioden": self.period(i // r)}
            for k, meas in enumerate(self.measures):
                row[meas["key"]] = self.value(i * self.n_measures + k)
            out.append(row)
        return out


class TextMeasureTable(SyntheticTable):
    """A SyntheticTable whose measure ``text_measure`` is a text measure (MeasureCodes DataType String):
    its cells for which ``text(Id)`` gives a string carry that string as StringValue, and no Value."""

    def __init__(self, *args: Any, text_measure: int = 0, text: Callable[[int], str | None] = str,
                 **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.text_measure, self.text = text_measure, text
        self.measures[text_measure]["data_type"] = "String"

    def rows_v4(self, start: int, stop: int, flt: dict[str, str]) -> list[dict[str, Any]]:
        rows = super().rows_v4(start, stop, flt)
        code = self.measures[self.text_measure]["id"]
        for r in rows:
            if r["Measure"] == code and (text := self.text(r["Id"])) is not None:
                r["Value"], r["StringValue"] = None, text
        return rows


# ----------------------------------------------------------------------------------------------
# faults
# ----------------------------------------------------------------------------------------------

@dataclass
class Fault:
    """Inject ``kind`` into requests whose path matches ``path`` (regex) and, if set, ``skip``."""

    kind: str  # status | cut | truncated | html | malformed | bad_rows | offhost | loop | slow
    path: str = ""
    skip: int | None = None  # match only the page that starts at this $skip
    times: int | None = 1  # how many matching requests get the fault (None: all)
    status: int = 503
    retry_after: str | None = "0"
    delay_s: float = 2.0
    hits: int = 0

    def matches(self, path: str, skip: int) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.path and not re.search(self.path, path):
            return False
        return self.skip is None or self.skip == skip


@dataclass
class DuoDataset:
    name: str
    modified: str
    files: dict[str, bytes]  # file name -> CSV bytes


# ----------------------------------------------------------------------------------------------
# the server
# ----------------------------------------------------------------------------------------------

class FakeOpenData:
    """Start with ``with FakeOpenData() as srv:``; ``srv.v4_url``, ``srv.v3_url``, ``srv.duo_url``."""

    def __init__(self, page_size_v4: int = 100_000, page_size_v3: int = 10_000) -> None:
        self.tables: dict[str, Table] = {}
        self.duo: dict[str, DuoDataset] = {}
        self.faults: list[Fault] = []
        self.requests: list[str] = []
        self.page_size_v4 = page_size_v4
        self.page_size_v3 = page_size_v3
        self.count_endpoint = True
        self.select_v4 = True  # False: Observations refuse $select with HTTP 400
        self.cache_pages = False  # benchmarks: render each page once, so the server is not the bottleneck
        self._cache: dict[str, tuple[int, bytes, str]] = {}
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes; with Nagle's algorithm on a kept-alive connection the
            # body of a small response waits for the client's delayed ACK (about 40 ms on Linux)
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                owner._handle(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up (timeout tests) breaks the pipe: expected, not news

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def v4_url(self) -> str:
        return self.base + V4_PREFIX

    @property
    def v3_url(self) -> str:
        return self.base

    @property
    def duo_url(self) -> str:
        return self.base

    def add(self, table: Table) -> Table:
        self.tables[table.table_id] = table
        return table

    def fault(self, kind: str, **kw: Any) -> Fault:
        f = Fault(kind, **kw)
        self.faults.append(f)
        return f

    def requests_matching(self, pattern: str) -> list[str]:
        return [r for r in self.requests if re.search(pattern, r)]

    def __enter__(self) -> FakeOpenData:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # ------------------------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        with self._lock:
            self.requests.append(h.path)
        skip = int(query.get("$skip", "0") or 0)
        fault = None
        with self._lock:
            for f in self.faults:
                if f.matches(path, skip):
                    f.hits += 1
                    fault = f
                    break
        try:
            cached = self._cache.get(h.path) if self.cache_pages else None
            route = cached or self._route(path, query)
            if self.cache_pages and cached is None and route is not None:
                self._cache[h.path] = route
        except KeyError:
            return self._send(h, 404, b'{"error": "not found"}', "application/json")
        if route is None:
            return self._send(h, 404, b'{"error": "not found"}', "application/json")
        status, body, ctype = route
        if fault is not None:
            return self._apply_fault(h, fault, body, ctype, path, query)
        self._send(h, status, body, ctype)

    def _send(self, h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str,
              headers: dict[str, str] | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)

    def _apply_fault(self, h: BaseHTTPRequestHandler, f: Fault, body: bytes, ctype: str, path: str,
                     query: dict[str, str]) -> None:
        if f.kind == "status":
            headers = {"Retry-After": f.retry_after} if f.retry_after is not None else {}
            return self._send(h, f.status, b'{"error": "unavailable"}', "application/json", headers)
        if f.kind == "html":
            return self._send(h, 200, b"<!DOCTYPE html><html><body><h1>Onderhoud</h1></body></html>",
                              "text/html; charset=utf-8")
        if f.kind == "malformed":
            return self._send(h, 200, b'{"value": [{"Id": 1, "Measure": ', "application/json")
        if f.kind == "truncated":
            return self._send(h, 200, body[: len(body) // 2], ctype)
        if f.kind == "bad_rows":  # the envelope intact, the value list broken in the middle (an extra comma)
            i = body.index(b"},{", len(body) // 2)
            return self._send(h, 200, body[:i] + b"},,{" + body[i + 3:], ctype)
        if f.kind == "cut":
            h.send_response(200)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body[: len(body) // 3])
            h.wfile.flush()
            h.close_connection = True
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return None
        if f.kind == "slow":
            time.sleep(f.delay_s)
            return self._send(h, 200, body, ctype)
        if f.kind in ("offhost", "loop"):
            doc = orjson.loads(body)
            key = "@odata.nextLink" if path.startswith(V4_PREFIX) else "odata.nextLink"
            if f.kind == "offhost":
                doc[key] = "http://data.example.invalid" + h.path
            else:
                doc[key] = self.base + h.path  # points back at this very page
            return self._send(h, 200, orjson.dumps(doc), ctype)
        raise ValueError(f"unknown fault {f.kind}")

    # ------------------------------------------------------------------------------------------

    def _route(self, path: str, q: dict[str, str]) -> tuple[int, bytes, str] | None:
        js = "application/json; charset=utf-8"
        if path.startswith(V4_PREFIX + "/"):
            rest = path[len(V4_PREFIX) + 1:].split("/")
            if rest == ["Datasets"]:
                value = [{"Identifier": t.table_id, "Title": t.title, "Modified": t.modified, "Status": "Regulier",
                          "Version": t.version} for t in self.tables.values() if "v4" in t.apis]
                return 200, orjson.dumps({"value": value}), js
            table = self.tables[rest[0]]
            if "v4" not in table.apis:
                return None
            return self._v4(table, rest[1:], q)
        if path.startswith("/ODataCatalog/Tables"):
            value = [{"Identifier": t.table_id, "Title": t.title, "Modified": t.modified,
                      "MetaDataModified": t.modified} for t in self.tables.values() if "v3" in t.apis]
            return 200, orjson.dumps({"odata.metadata": "", "value": value}), js
        m = re.match(r"^/(ODataApi|ODataFeed)/odata/([^/]+)/?(.*)$", path)
        if m:
            table = self.tables[m.group(2)]
            if "v3" not in table.apis:
                return None
            return self._v3(table, m.group(1), m.group(3), q)
        if path == "/api/3/action/package_show":
            ds = self.duo[q.get("id", "")]
            resources = [{"id": f"r{i}", "name": name, "format": "CSV",
                          "url": f"{self.base}/dataset/{ds.name}/resource/r{i}/download/{quote(name)}"}
                         for i, name in enumerate(ds.files)]
            doc = {"success": True, "result": {"name": ds.name, "metadata_modified": ds.modified,
                                               "title": f"DUO {ds.name}", "resources": resources,
                                               "license_title": "CC-0"}}
            return 200, orjson.dumps(doc), js
        m = re.match(r"^/dataset/([^/]+)/resource/[^/]+/download/(.+)$", path)
        if m:
            from urllib.parse import unquote

            return 200, self.duo[m.group(1)].files[unquote(m.group(2))], "text/csv"
        return None

    def _filter(self, q: dict[str, str]) -> dict[str, str]:
        flt = q.get("$filter")
        if not flt:
            return {}
        out = {}
        for part in flt.split(" and "):
            m = re.fullmatch(r"\s*\(?\s*(\w+) eq '([^']*)'\s*\)?\s*", part)
            if not m:
                raise ValueError(f"unsupported filter {flt!r}")
            out[m.group(1)] = m.group(2)
        return out

    def _v4(self, t: Table, rest: list[str], q: dict[str, str]) -> tuple[int, bytes, str] | None:
        js = "application/json; charset=utf-8"
        ctx = f"{self.v4_url}/{t.table_id}/$metadata"
        if rest == ["Properties"]:
            return 200, orjson.dumps({"@odata.context": ctx + "#Properties", **t.properties()}), js
        if rest == ["Dimensions"]:
            value = [{"Identifier": d, "Kind": k, "Title": title} for d, k, title in t.dims]
            return 200, orjson.dumps({"@odata.context": ctx + "#Dimensions", "value": value}), js
        if rest == ["MeasureCodes"]:
            value = [{"Identifier": m["id"], "Title": m["title"], "Unit": m["unit"], "Decimals": m["decimals"],
                      "DataType": m.get("data_type", "Double"), "Description": ""} for m in t.measures]
            return 200, orjson.dumps({"@odata.context": ctx + "#MeasureCodes", "value": value}), js
        if len(rest) == 1 and rest[0].endswith("Codes") and rest[0][:-5] in t.codes:
            value = [{k: c[k] for k in c if k not in ("Key", "CategoryGroupID")} for c in t.codes[rest[0][:-5]]]
            return 200, orjson.dumps({"@odata.context": ctx, "value": value}), js
        if rest == ["Observations", "$count"]:
            if not self.count_endpoint:
                return None
            return 200, str(t.count_v4(self._filter(q))).encode(), "text/plain"
        if rest == ["Observations"]:
            flt = self._filter(q)
            skip = int(q.get("$skip", "0") or 0)
            total = t.count_v4(flt)
            rows = t.rows_v4(skip, skip + self.page_size_v4, flt)
            if "$select" in q:  # as CBS: the selected properties, in their own order; an unknown one is a 400
                if not self.select_v4:
                    return 400, b'{"error": {"code": "", "message": "The query parameter $select is not supported."}}', js
                wanted = {f.strip() for f in q["$select"].split(",")}
                known = {"Id", "Measure", "ValueAttribute", "Value", "StringValue", *(d for d, _, _ in t.dims)}
                if wanted - known:
                    msg = f"Could not find a property named '{sorted(wanted - known)[0]}' on type 'Observation'."
                    return 400, orjson.dumps({"error": {"code": "", "message": msg}}), js
                rows = [{k: v for k, v in r.items() if k in wanted} for r in rows]
            doc: dict[str, Any] = {"@odata.context": ctx + "#Observations", "value": rows}
            if skip + self.page_size_v4 < total:
                nxt = f"{self.v4_url}/{t.table_id}/Observations?$skip={skip + self.page_size_v4}"
                for key in ("$filter", "$select"):  # a next link carries the query's options
                    if q.get(key):
                        nxt += f"&{key}=" + quote(q[key])
                doc["@odata.nextLink"] = nxt
            return 200, orjson.dumps(doc), js
        return None

    def _v3(self, t: Table, service: str, rest: str, q: dict[str, str]) -> tuple[int, bytes, str] | None:
        js = "application/json; charset=utf-8"
        meta = f"{self.base}/{service}/odata/{t.table_id}/$metadata"
        if rest == "":  # service document: the entity sets of the table (cbsodata starts here)
            names = ["TableInfos", "UntypedDataSet", "TypedDataSet", "DataProperties", *t.codes]
            value = [{"name": n, "url": f"{self.base}/{service}/odata/{t.table_id}/{n}"} for n in names]
            return 200, orjson.dumps({"odata.metadata": meta, "value": value}), js
        if rest == "TableInfos":
            info = {"Identifier": t.table_id, "Title": t.title, "Modified": t.modified[:19],
                    "MetaDataModified": t.modified[:19], "ReasonDelivery": "Actualisering", "RecordCount": t.count_v3({})}
            return 200, orjson.dumps({"odata.metadata": meta, "value": [info]}), js
        if rest == "DataProperties":
            value = [{"ID": i, "Position": i, "Type": k, "Key": d, "Title": title}
                     for i, (d, k, title) in enumerate(t.dims)]
            value += [{"ID": len(t.dims) + i, "Position": len(t.dims) + i, "Type": "Topic", "Key": m["key"],
                       "Title": m["title"], "Unit": m["unit"], "Decimals": m["decimals"], "Datatype": "Double"}
                      for i, m in enumerate(t.measures)]
            return 200, orjson.dumps({"odata.metadata": meta, "value": value}), js
        if rest in t.codes:
            value = [{"Key": c.get("Key", c["Identifier"]), "Title": c["Title"], "Description": c.get("Description"),
                      **({"Status": c["Status"]} if "Status" in c else {"CategoryGroupID": c.get("CategoryGroupID")})}
                     for c in t.codes[rest]]
            return 200, orjson.dumps({"odata.metadata": meta, "value": value}), js
        if rest == "TypedDataSet/$count":
            if not self.count_endpoint:
                return None
            return 200, str(t.count_v3(self._filter(q))).encode(), "text/plain"
        if rest in ("TypedDataSet", "UntypedDataSet") and service == "ODataFeed":
            flt = self._filter(q)
            skip = int(q.get("$skip", "0") or 0)
            total = t.count_v3(flt)
            rows = t.rows_v3(skip, skip + self.page_size_v3, flt)
            doc: dict[str, Any] = {"odata.metadata": meta, "value": rows}
            if skip + self.page_size_v3 < total:
                nxt = f"{self.base}/ODataFeed/odata/{t.table_id}/{rest}?$format=json&$skip={skip + self.page_size_v3}"
                if q.get("$filter"):
                    nxt += "&$filter=" + quote(q["$filter"])
                doc["odata.nextLink"] = nxt
            return 200, orjson.dumps(doc), js
        return None
