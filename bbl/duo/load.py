"""DUO CSV files into the warehouse.

* ``parse_csv``: ``;``-separated files in UTF-8 or Latin-1; counts masked as ``<5`` become null with
  ``masked = true``; any other non-number stops the load naming the file, line and column.
* ``load_duo_snapshot``: wide year or leerweg columns to long rows in raw.duo_students_sectorkamer /
  raw.duo_students_instelling, in one transaction.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from bbl.duck import insert_frame, transaction
from bbl.history.duo import apply_duo_version
from bbl.provenance import record_snapshot
from bbl.snapshot import SnapshotError, files_with_role, verify_snapshot

MASKED = re.compile(r"^<\s*\d+$")
YEAR_COLUMN = re.compile(r"^JAAR_(\d{4})$")
LEERWEG_COLUMNS = ("BBL", "BOLDT", "BOLVT", "EX")


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


def load_duo_snapshot(con: duckdb.DuckDBPyConnection, folder: Path, manifest: dict[str, Any], display: str,
                      verify: bool = True) -> int:
    if verify:
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
    with transaction(con):
        for table in ("raw.duo_students_sectorkamer", "raw.duo_students_instelling"):
            con.execute(f"DELETE FROM {table} WHERE dataset = ?", [manifest["table_id"]])
        for table, parts in frames.items():
            df = pl.concat(parts, how="diagonal").with_columns(pl.lit(manifest["table_id"]).alias("dataset"))
            insert_frame(con, table, df)
            total += df.height
        record_snapshot(con, manifest, display, total)
        apply_duo_version(con, manifest, str(folder.resolve()))
    return total
