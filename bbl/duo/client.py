"""DUO open education data (onderwijsdata.duo.nl, CKAN): fetch (parsing and loading: load.py).

* ``fetch_dataset``: CKAN ``package_show`` for a dataset, then each matching CSV resource,
  downloaded with the same rules as CBS (timeouts, retries, same host only, streamed to a temp
  folder renamed into ``$BBL_HOME/snapshots/duo/<dataset>/<metadata_modified>/``). An unchanged
  ``metadata_modified`` means no download.
* ``parse_csv``: ``;``-separated files in UTF-8 or Latin-1; counts masked as ``<5`` become null with
  ``masked = true``; any other non-number stops the load naming the file, line and column.
* ``load_duo_snapshot``: wide year or leerweg columns to long rows in raw.duo_students_sectorkamer /
  raw.duo_students_instelling, in one transaction.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bbl.http import FetchError, Http, RetryPolicy
from bbl.snapshot import (
    discard_fetch_folder,
    file_entries,
    latest_snapshot,
    load_manifest,
    new_fetch_folder,
    write_manifest,
)

DATASET = re.compile(r"^[a-z0-9][a-z0-9_-]{2,100}$")


def validate_dataset(name: str) -> str:
    if not DATASET.match(name or ""):
        raise ValueError(f"invalid DUO dataset name {name!r}: expected lower-case letters, digits and dashes")
    return name


@dataclass(frozen=True)
class DuoFetchResult:
    dataset: str
    changed: bool
    folder: Path
    manifest: dict[str, Any]
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0


def _safe(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "", text)[:32] or "unknown"


def fetch_dataset(duo_url: str, dataset: str, resource_match: str, snapshot_root: Path,
                  timeout_s: float = 120.0, max_attempts: int = 5) -> DuoFetchResult:
    dataset = validate_dataset(dataset)
    started = time.monotonic()
    base = snapshot_root / "duo" / dataset
    tmp = new_fetch_folder(base)
    subject = f"DUO dataset {dataset}"
    http = Http(duo_url, subject, timeout_s, RetryPolicy(max_attempts=max_attempts))
    show = f"{duo_url.rstrip('/')}/api/3/action/package_show"
    try:
        doc = http.get_json(show, tmp / "package.json", {"id": dataset})
        result = doc.get("result")
        if not doc.get("success") or not isinstance(result, dict):
            raise FetchError(subject, show, "package_show did not succeed")
        modified = str(result.get("metadata_modified") or "")
        if not modified:
            raise FetchError(subject, show, "package has no metadata_modified")
        version = _safe(modified)
        previous = latest_snapshot(snapshot_root, "duo", dataset)
        if previous is not None and previous.name == version:
            shutil.rmtree(tmp, ignore_errors=True)
            return DuoFetchResult(dataset, False, previous, load_manifest(previous), seconds=time.monotonic() - started)
        resources = [r for r in result.get("resources", [])
                     if str(r.get("format", "")).upper() == "CSV" and resource_match in f"{r.get('name')} {r.get('url')}"]
        if not resources:
            raise FetchError(subject, show, f"no CSV resource matching {resource_match!r}")
        roles = [("package.json", "package")]
        for r in resources:
            url = str(r["url"])
            name = os.path.basename(unquote(urlsplit(url).path)) or f"{r.get('id', 'resource')}.csv"
            name = re.sub(r"[^0-9A-Za-z._-]+", "_", name)
            http.download(url, tmp / name)
            roles.append((name, "csv"))
        now = datetime.now(UTC).isoformat(timespec="seconds")
        manifest = {
            "snapshot_id": f"duo/{dataset}/{version}",
            "source": "duo",
            "table_id": dataset,
            "producer": "Dienst Uitvoering Onderwijs (DUO)",
            "title": str(result.get("title") or dataset),
            "url": f"{duo_url.rstrip('/')}/dataset/{dataset}",
            "date_accessed": now,
            "date_published": modified,
            "version": modified,
            "license": {"name": str(result.get("license_title") or "see DUO open data terms"), "url": ""},
            "resource_match": resource_match,
            "files": file_entries(tmp, roles),
        }
        write_manifest(tmp, manifest)
        final = base / version
        if final.exists():
            shutil.rmtree(tmp, ignore_errors=True)
            return DuoFetchResult(dataset, False, final, load_manifest(final), seconds=time.monotonic() - started)
        os.replace(tmp, final)
        return DuoFetchResult(dataset, True, final, manifest, files=len(resources),
                              bytes=sum(f["size"] for f in manifest["files"]), seconds=time.monotonic() - started)
    except BaseException:
        discard_fetch_folder(tmp)
        raise
    finally:
        http.close()


# ----------------------------------------------------------------------------------------------
# parsing
# ----------------------------------------------------------------------------------------------
