"""Fetch a CBS StatLine table (OData v4, v3 fallback) into an immutable snapshot folder.

    fetch_table("80472ned", snapshot_root, settings...) -> FetchResult

* v4 (``BBL_CBS_V4_URL``): Properties, Dimensions, ``{Dim}Codes``, MeasureCodes, Observations
  (following ``@odata.nextLink``; ``$select`` asks only for the fields the loader reads, and a
  service that refuses it with HTTP 400 or 501 is asked again without). v3 (``BBL_CBS_V3_URL``):
  TableInfos, DataProperties, the dimension entity sets, and the ODataFeed TypedDataSet (following
  ``odata.nextLink``).
* Change detection first: the source's Version/Modified is compared with the latest snapshot.
  Unchanged means no download and no new folder.
* A changed schema (measures or dimensions added, removed or changed) stops the fetch unless it is
  accepted explicitly (``accept_schema_change``): downstream SQL relies on those codes.
* Pages are written to a temporary folder as they arrive and checked (JSON object, a ``value``
  list, links to the configured host only, no loops); the total must equal the count the service
  announces. Only then is the folder renamed into place, with its manifest. A failure removes it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bbl.cbs.ids import validate_table_id
from bbl.cbs.pages import Progress, announced_count, follow_pages, observation_pages
from bbl.cbs.parse import parse_v3_dataproperties, parse_v4_dimensions, parse_v4_measures, v4_select
from bbl.cbs.stage import PageStager, Staged
from bbl.http import FetchError, Http, RetryPolicy
from bbl.snapshot import (
    CBS_LICENSE,
    SnapshotError,
    discard_fetch_folder,
    file_entries,
    latest_snapshot,
    load_manifest,
    new_fetch_folder,
    write_manifest,
)

PRODUCER = "Centraal Bureau voor de Statistiek (CBS)"
V3_DIMENSION_TYPES = {"Dimension", "TimeDimension", "GeoDimension"}
V3_TOPIC_TYPES = {"Topic"}
log = logging.getLogger(__name__)


class SchemaDriftError(FetchError):
    """The table's measures or dimensions changed since the last snapshot."""


@dataclass(frozen=True)
class FetchResult:
    table_id: str
    changed: bool
    folder: Path
    manifest: dict[str, Any]
    api: str
    pages: int = 0
    rows: int = 0
    bytes: int = 0
    seconds: float = 0.0
    retries: int = 0
    staged: Staged | None = None  # the observation pages already parsed (this process only), for the load

    @property
    def snapshot_id(self) -> str:
        return self.manifest["snapshot_id"]


def _safe_version(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "", text)[:32] or "unknown"


def snapshot_version(source_version: str, row_filter: str | None) -> str:
    """Folder name of a snapshot: the source's version, plus a hash of the filter for a slice."""
    version = _safe_version(source_version)
    if row_filter:
        version += "-f" + hashlib.sha256(row_filter.encode()).hexdigest()[:8]
    return version


def schema_fingerprint(dimensions: list[tuple[str, str]], measures: list[str]) -> dict[str, Any]:
    return {"dimensions": [f"{d}:{k}" for d, k in dimensions], "measures": sorted(measures)}


def describe_drift(old: dict[str, Any], new: dict[str, Any]) -> str:
    parts = []
    for key in ("dimensions", "measures"):
        added = sorted(set(new[key]) - set(old.get(key, [])))
        removed = sorted(set(old.get(key, [])) - set(new[key]))
        if added:
            parts.append(f"{key} added: {', '.join(added)}")
        if removed:
            parts.append(f"{key} removed: {', '.join(removed)}")
    return "; ".join(parts) or "order changed"


class CbsClient:
    def __init__(
        self,
        v4_url: str,
        v3_url: str,
        timeout_s: float = 60.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> None:
        self.v4_url = v4_url.rstrip("/")
        self.v3_url = v3_url.rstrip("/")
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.on_progress = on_progress

    # ------------------------------------------------------------------------------------------

    def fetch_table(
        self,
        table_id: str,
        snapshot_root: Path,
        api: str = "auto",
        row_filter: str | None = None,
        accept_schema_change: bool = False,
    ) -> FetchResult:
        table_id = validate_table_id(table_id)
        if api not in ("auto", "v4", "v3"):
            raise ValueError(f"api must be auto, v4 or v3, got {api!r}")
        started = time.monotonic()
        subject = f"CBS table {table_id}"
        base = snapshot_root / "cbs" / table_id
        tmp = new_fetch_folder(base)
        http4 = Http(self.v4_url, subject, self.timeout_s, self.retry, self.sleep)
        http3 = Http(self.v3_url, subject, self.timeout_s, self.retry, self.sleep)
        try:
            chosen = api
            head: dict[str, Any] | None = None
            if api in ("auto", "v4"):
                head = self._v4_properties(http4, table_id, tmp, required=api == "v4")
                chosen = "v4" if head is not None else "v3"
            if chosen == "v3":
                head = self._v3_tableinfos(http3, table_id, tmp)
            assert head is not None
            version = snapshot_version(head["version"], row_filter)
            previous = latest_snapshot(snapshot_root, "cbs", table_id)
            prev_manifest = load_manifest(previous) if previous else None
            if previous is not None and previous.name == version:
                shutil.rmtree(tmp, ignore_errors=True)
                return FetchResult(table_id, False, previous, prev_manifest, chosen,
                                   seconds=time.monotonic() - started)
            fetch = self._fetch_v4 if chosen == "v4" else self._fetch_v3
            http = http4 if chosen == "v4" else http3
            staged, manifest = fetch(http, table_id, tmp, head, row_filter, prev_manifest, accept_schema_change, started)
            manifest["snapshot_id"] = f"cbs/{table_id}/{version}"
            write_manifest(tmp, manifest)
            final = base / version
            if final.exists():  # a concurrent fetch of the same version finished first
                shutil.rmtree(tmp, ignore_errors=True)
                if staged is not None:
                    staged.discard()
                return FetchResult(table_id, False, final, load_manifest(final), chosen,
                                   seconds=time.monotonic() - started)
            os.replace(tmp, final)
            return FetchResult(
                table_id, True, final, manifest, chosen, pages=manifest["pages"], rows=manifest["row_count"],
                bytes=sum(f["size"] for f in manifest["files"]), seconds=time.monotonic() - started,
                retries=http4.retries_done + http3.retries_done, staged=staged,
            )
        except BaseException:
            discard_fetch_folder(tmp)
            raise
        finally:
            http4.close()
            http3.close()

    # ------------------------------------------------------------------------------------------
    # v4
    # ------------------------------------------------------------------------------------------

    def _v4_properties(self, http: Http, table_id: str, tmp: Path, required: bool) -> dict[str, Any] | None:
        url = f"{self.v4_url}/{table_id}/Properties"
        try:
            props = http.get_json(url, tmp / "properties.json")
        except FetchError as exc:
            if not required and exc.cause.startswith("HTTP 404"):
                (tmp / "properties.json").unlink(missing_ok=True)
                return None  # not on v4: fall back to v3
            raise
        if str(props.get("Identifier", table_id)) != table_id:
            raise FetchError(f"CBS table {table_id}", url, f"Properties describe table {props.get('Identifier')!r}")
        version = props.get("Version") or props.get("Modified")
        if not version:
            raise FetchError(f"CBS table {table_id}", url, "Properties have neither Version nor Modified")
        return {"version": str(version), "props": props}

    def _fetch_v4(
        self, http: Http, table_id: str, tmp: Path, head: dict[str, Any], row_filter: str | None,
        prev: dict[str, Any] | None, accept: bool, started: float,
    ) -> tuple[Staged | None, dict[str, Any]]:
        props = head["props"]
        root = f"{self.v4_url}/{table_id}"
        roles: list[tuple[str, str]] = [("properties.json", "properties")]
        dims_doc = http.get_json(f"{root}/Dimensions", tmp / "dimensions.json")
        roles.append(("dimensions.json", "dimensions"))
        dims = [(str(d["Identifier"]), str(d.get("Kind") or "Dimension")) for d in _value(dims_doc, http, "Dimensions")]
        for name, _ in dims:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise FetchError(http.subject, f"{root}/Dimensions", f"unusable dimension identifier {name!r}")
        measures_doc = http.get_json(f"{root}/MeasureCodes", tmp / "measure-codes.json")
        roles.append(("measure-codes.json", "measures"))
        measures = [str(m["Identifier"]) for m in _value(measures_doc, http, "MeasureCodes")]
        schema = schema_fingerprint(dims, measures)
        self._check_drift(http, root, prev, schema, accept)
        for name, _ in dims:
            for rel in follow_pages(http, f"{root}/{name}Codes", None, tmp, f"codes-{name}", "@odata.nextLink")[0]:
                roles.append((rel, f"codes:{name}"))
        announced = announced_count(http, f"{root}/Observations/$count", row_filter, tmp)
        select = _v4_select(dims_doc, measures_doc)
        while True:
            params = {"$filter": row_filter} if row_filter else {}
            if select:
                params["$select"] = ",".join(select)
            progress = Progress(table_id, announced=announced, started=started)
            stager = _stager("v4", lambda: (parse_v4_dimensions(dims_doc), []))
            try:
                pages, staged = observation_pages(http, f"{root}/Observations", params or None, tmp,
                                                  "observations-page", "@odata.nextLink", progress, stager,
                                                  self.on_progress)
                break
            except FetchError as exc:
                if not (select and progress.pages == 0 and exc.cause.startswith(("HTTP 400", "HTTP 501"))):
                    raise
                log.warning("%s: the service refused $select on Observations (%s); asking for every field",
                            http.subject, exc.cause)
                select = None
        roles += [(rel, "observations") for rel in pages]
        manifest = self._manifest(
            table_id, "v4", tmp, roles, progress, schema, row_filter, http.written,
            title=props.get("Title", ""), url=root, version=head["version"], modified=props.get("Modified"),
            license_url=props.get("License"),
        )
        manifest["select"] = select  # the fields the Observations pages were asked for (None: all of them)
        return staged, manifest

    # ------------------------------------------------------------------------------------------
    # v3
    # ------------------------------------------------------------------------------------------

    def _v3_tableinfos(self, http: Http, table_id: str, tmp: Path) -> dict[str, Any]:
        url = f"{self.v3_url}/ODataApi/odata/{table_id}/TableInfos"
        doc = http.get_json(url, tmp / "TableInfos.json", {"$format": "json"})
        rows = _value(doc, http, "TableInfos")
        if not rows:
            raise FetchError(http.subject, url, "TableInfos is empty")
        info = rows[0]
        modified = info.get("Modified")
        if not modified:
            raise FetchError(http.subject, url, "TableInfos has no Modified")
        return {"version": str(modified), "info": info}

    def _fetch_v3(
        self, http: Http, table_id: str, tmp: Path, head: dict[str, Any], row_filter: str | None,
        prev: dict[str, Any] | None, accept: bool, started: float,
    ) -> tuple[Staged | None, dict[str, Any]]:
        info = head["info"]
        api_root = f"{self.v3_url}/ODataApi/odata/{table_id}"
        feed_root = f"{self.v3_url}/ODataFeed/odata/{table_id}"
        roles: list[tuple[str, str]] = [("TableInfos.json", "properties")]
        props_doc = http.get_json(f"{api_root}/DataProperties", tmp / "DataProperties.json", {"$format": "json"})
        roles.append(("DataProperties.json", "dimensions"))
        props = _value(props_doc, http, "DataProperties")
        dims = [(str(p["Key"]), str(p["Type"])) for p in props if p.get("Type") in V3_DIMENSION_TYPES]
        topics = [str(p["Key"]) for p in props if p.get("Type") in V3_TOPIC_TYPES]
        for name, _ in dims:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise FetchError(http.subject, f"{api_root}/DataProperties", f"unusable dimension key {name!r}")
        schema = schema_fingerprint(dims, topics)
        self._check_drift(http, api_root, prev, schema, accept)
        for name, _ in dims:
            rel = f"codes-{name}.json"
            http.get_json(f"{api_root}/{name}", tmp / rel, {"$format": "json"})
            roles.append((rel, f"codes:{name}"))
        params = {"$format": "json", **({"$filter": row_filter} if row_filter else {})}
        announced = announced_count(http, f"{feed_root}/TypedDataSet/$count", row_filter, tmp)
        progress = Progress(table_id, announced=announced, started=started)
        stager = _stager("v3", lambda: parse_v3_dataproperties(props_doc))
        pages, staged = observation_pages(http, f"{feed_root}/TypedDataSet", params, tmp, "typeddataset-page",
                                          "odata.nextLink", progress, stager, self.on_progress)
        roles += [(rel, "observations") for rel in pages]
        return staged, self._manifest(
            table_id, "v3", tmp, roles, progress, schema, row_filter, http.written,
            title=info.get("Title", ""), url=feed_root, version=head["version"], modified=info.get("Modified"),
            license_url=None,
        )

    # ------------------------------------------------------------------------------------------
    # shared
    # ------------------------------------------------------------------------------------------

    def _check_drift(self, http: Http, url: str, prev: dict[str, Any] | None, schema: dict[str, Any], accept: bool) -> None:
        if prev is None or "schema" not in prev or prev["schema"] == schema or accept:
            return
        raise SchemaDriftError(
            http.subject, url,
            f"schema changed since snapshot {prev['snapshot_id']} ({describe_drift(prev['schema'], schema)}); "
            "check the staging SQL, then fetch again accepting the change (bbl fetch cbs --accept-schema-change)",
        )

    def _manifest(
        self, table_id: str, api: str, tmp: Path, roles: list[tuple[str, str]], progress: Progress,
        schema: dict[str, Any], row_filter: str | None, written: dict[Path, tuple[str, int]], *, title: str,
        url: str, version: str,
        modified: str | None, license_url: str | None,
    ) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        return {
            "snapshot_id": "",
            "source": "cbs",
            "table_id": table_id,
            "api": api,
            "producer": PRODUCER,
            "title": title,
            "url": url,
            "url_main": f"https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table_id}",
            "row_filter": row_filter,
            "date_accessed": now,
            "date_published": modified,
            "modified": modified,
            "version": version,
            "license": {"name": CBS_LICENSE["name"], "url": license_url or CBS_LICENSE["url"]},
            "citation": f"CBS. {title}. StatLine, tabel {table_id} (accessed {now[:10]}).",
            "row_count": progress.rows,
            "announced_row_count": progress.announced,
            "pages": progress.pages,
            "schema": schema,
            "obtained_via": "bbl-stats CbsClient (live fetch)",
            "files": file_entries(tmp, roles, written),  # hashed as downloaded, not read back
        }


def _stager(api: str, schema: Callable[[], tuple[list[dict[str, Any]], list[dict[str, Any]]]]) -> PageStager | None:
    """A stager for the observation pages, or None if the metadata does not parse (the load will say why)."""
    try:
        dims, measures = schema()
    except (SnapshotError, KeyError, TypeError):
        return None
    return PageStager(api, dims, measures)


def _v4_select(dims_doc: dict[str, Any], measures_doc: dict[str, Any]) -> list[str] | None:
    """The Observations fields to ask for, or None (every field) if the metadata does not parse."""
    try:
        return v4_select(parse_v4_dimensions(dims_doc), parse_v4_measures(measures_doc))
    except (SnapshotError, KeyError, TypeError):
        return None


def _value(doc: dict[str, Any], http: Http, what: str) -> list[dict[str, Any]]:
    rows = doc.get("value")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise FetchError(http.subject, what, f"{what} response has no 'value' list of objects")
    return rows
