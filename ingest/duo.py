"""DUO open education data (onderwijsdata.duo.nl, CKAN): fetch, parse and load.

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

import io
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import duckdb
import polars as pl

from ingest.cbs_load import record_snapshot
from ingest.http import FetchError, Http, RetryPolicy
from ingest.snapshot import (
    SnapshotError,
    file_entries,
    files_with_role,
    latest_snapshot,
    load_manifest,
    verify_snapshot,
    write_manifest,
)
from warehouse.store import insert_frame

DATASET = re.compile(r"^[a-z0-9][a-z0-9_-]{2,100}$")
MASKED = re.compile(r"^<\s*\d+$")
YEAR_COLUMN = re.compile(r"^JAAR_(\d{4})$")
LEERWEG_COLUMNS = ("BBL", "BOLDT", "BOLVT", "EX")


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
    base.mkdir(parents=True, exist_ok=True)
    tmp = base / f".tmp-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
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
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        http.close()


# ----------------------------------------------------------------------------------------------
# parsing
# ----------------------------------------------------------------------------------------------

def decode(data: bytes) -> str:
    """DUO files are UTF-8 (sometimes with a BOM) or Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_csv(data: bytes, name: str) -> pl.DataFrame:
    """A DUO CSV as strings, with normalized headers (upper case, single spaces)."""
    text = decode(data)
    first = text.split("\n", 1)[0]
    if first.count(";") == 0:
        raise SnapshotError(f"{name}: not a ';'-separated DUO file (header {first[:80]!r})")
    df = pl.read_csv(io.StringIO(text), separator=";", infer_schema=False, truncate_ragged_lines=False)
    return df.rename({c: re.sub(r"\s+", " ", c.strip().upper()) for c in df.columns})


def parse_count(value: str | None, where: str) -> tuple[int | None, bool]:
    """(count, masked) of a DUO cell: '' -> (None, False), '<5' -> (None, True), '123' -> (123, False)."""
    if value is None:
        return None, False
    v = value.strip()
    if v == "":
        return None, False
    if MASKED.match(v):
        return None, True
    if re.fullmatch(r"\d+", v):
        return int(v), False
    raise SnapshotError(f"{where}: {v!r} is not a count")


def to_long(df: pl.DataFrame, name: str) -> tuple[str, pl.DataFrame]:
    """(target table, long frame) for a DUO file: year columns (JAAR_2021...) or leerweg columns."""
    year_cols = [c for c in df.columns if YEAR_COLUMN.match(c)]
    if year_cols:
        keys = {"SECTORKAMER NAAM": "sectorkamer", "HOOFDGROEP NAAM": "hoofdgroep", "LEERWEG": "leerweg",
                "NIVEAU": "niveau", "WOONPROVINCIE": "woonprovincie"}
        missing = [k for k in keys if k not in df.columns]
        if missing:
            raise SnapshotError(f"{name}: missing columns {missing} (have {df.columns})")
        rows = []
        for i, rec in enumerate(df.iter_rows(named=True), start=2):
            base = {v: (rec[k] or "").strip() for k, v in keys.items()}
            for col in year_cols:
                count, masked = parse_count(rec[col], f"{name} line {i} column {col}")
                rows.append({**base, "year": int(YEAR_COLUMN.match(col).group(1)), "students": count,
                             "masked": masked, "raw_value": rec[col]})
        return "raw.duo_students_sectorkamer", pl.DataFrame(rows, infer_schema_length=None)
    if all(c in df.columns for c in LEERWEG_COLUMNS) and "INSTELLINGSCODE" in df.columns:
        rows = []
        for i, rec in enumerate(df.iter_rows(named=True), start=2):
            year, _ = parse_count(rec.get("JAAR"), f"{name} line {i} column JAAR")
            base = {"year": year, "instellingscode": (rec["INSTELLINGSCODE"] or "").strip(),
                    "instellingsnaam": (rec.get("INSTELLINGSNAAM") or "").strip(),
                    "provincie": (rec.get("PROVINCIE INSTELLING") or "").strip(),
                    "gemeente": (rec.get("GEMEENTE INSTELLING") or "").strip()}
            for col in LEERWEG_COLUMNS:
                count, masked = parse_count(rec[col], f"{name} line {i} column {col}")
                rows.append({**base, "leerweg": col, "students": count, "masked": masked, "raw_value": rec[col]})
        return "raw.duo_students_instelling", pl.DataFrame(rows, infer_schema_length=None)
    raise SnapshotError(f"{name}: unrecognised DUO layout (columns {df.columns[:12]})")


def load_duo_snapshot(con: duckdb.DuckDBPyConnection, folder: Path, manifest: dict[str, Any], display: str) -> int:
    verify_snapshot(folder, manifest)
    sid = manifest["snapshot_id"]
    frames: dict[str, list[pl.DataFrame]] = {}
    for rel in files_with_role(manifest, "csv"):
        table, df = to_long(parse_csv((folder / rel).read_bytes(), rel), rel)
        frames.setdefault(table, []).append(df.with_columns(pl.lit(sid).alias("snapshot_id"),
                                                            pl.lit(rel).alias("resource")))
    if not frames:
        raise SnapshotError(f"snapshot {sid}: no CSV files")
    total = 0
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("raw.duo_students_sectorkamer", "raw.duo_students_instelling"):
            con.execute(f"DELETE FROM {table} WHERE dataset = ?", [manifest["table_id"]])
        for table, parts in frames.items():
            df = pl.concat(parts, how="diagonal").with_columns(pl.lit(manifest["table_id"]).alias("dataset"))
            insert_frame(con, table, df)
            total += df.height
        record_snapshot(con, manifest, display, total)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return total
