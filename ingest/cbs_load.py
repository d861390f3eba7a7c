"""Load a CBS snapshot folder into the ``raw.cbs_*`` tables.

Small pure functions parse the metadata responses (Properties, Dimensions, {Dim}Codes,
MeasureCodes); the observation pages are read by DuckDB straight from disk, so memory stays flat
however large the table. One transaction replaces everything the warehouse holds for the table:
a failure leaves the previous load in place.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from ingest.snapshot import SnapshotError, files_with_role, one_file, verify_snapshot
from warehouse.store import first_row

TABLE_ID = re.compile(r"^[A-Za-z0-9]{4,12}$")
_DIM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RAW_CBS_TABLES = ("raw.cbs_tables", "raw.cbs_dimensions", "raw.cbs_codes", "raw.cbs_measures", "raw.cbs_observations")


def validate_table_id(table_id: str) -> str:
    """CBS table ids are letters and digits; their case is kept (80472ned and 86141NED differ)."""
    if not isinstance(table_id, str) or not TABLE_ID.match(table_id):
        raise ValueError(f"invalid CBS table id {table_id!r}: expected 4-12 letters and digits, e.g. 80472ned")
    return table_id


@dataclass(frozen=True)
class LoadStats:
    table_id: str
    snapshot_id: str
    observations: int
    codes: int
    measures: int
    dimensions: int
    seconds: float


def _read_json(folder: Path, rel: str, sid: str) -> dict[str, Any]:
    try:
        doc = json.loads((folder / rel).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"snapshot {sid}: {rel} is not readable JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise SnapshotError(f"snapshot {sid}: {rel} is not a JSON object")
    return doc


def _values(doc: dict[str, Any], rel: str) -> list[dict[str, Any]]:
    value = doc.get("value")
    if not isinstance(value, list):
        raise SnapshotError(f"{rel}: expected a 'value' list")
    return value


# ----------------------------------------------------------------------------------------------
# pure parsers of OData v4 metadata responses
# ----------------------------------------------------------------------------------------------

def parse_v4_dimensions(doc: dict[str, Any]) -> list[dict[str, str]]:
    dims = []
    for row in _values(doc, "Dimensions"):
        name = str(row["Identifier"]).strip()
        if not _DIM_NAME.match(name):
            raise SnapshotError(f"Dimensions: unusable dimension identifier {name!r}")
        dims.append({"dimension": name, "kind": str(row.get("Kind") or "Dimension"), "title": row.get("Title")})
    if not any(d["kind"] == "TimeDimension" for d in dims):
        raise SnapshotError("Dimensions: the table has no TimeDimension")
    return dims


def parse_v4_codes(doc: dict[str, Any], dimension: str) -> list[dict[str, Any]]:
    return [
        {
            "dimension": dimension,
            "code": str(row["Identifier"]).strip(),
            "title": row.get("Title"),
            "description": row.get("Description") or None,
            "status": row.get("Status"),
            "dimension_group_id": None if row.get("DimensionGroupId") is None else str(row["DimensionGroupId"]),
            "sort_index": row.get("Index"),
        }
        for row in _values(doc, f"{dimension}Codes")
    ]


def parse_v4_measures(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "measure": str(row["Identifier"]).strip(),
            "title": row.get("Title"),
            "unit": row.get("Unit"),
            "decimals": row.get("Decimals"),
            "data_type": row.get("DataType"),
            "description": row.get("Description"),
        }
        for row in _values(doc, "MeasureCodes")
    ]


def v4_observations_sql(files: list[Path], dimensions: list[dict[str, str]]) -> str:
    """A SELECT turning v4 Observations pages on disk into ``raw.cbs_observations`` rows.

    Codes are trimmed; ``value`` is kept only where ValueAttribute is 'None' (CBS's normal value).
    Columns are typed explicitly, so a page can never change a column's type by inference.
    """
    time_dims = [d["dimension"] for d in dimensions if d["kind"] == "TimeDimension"]
    others = [d["dimension"] for d in dimensions if d["kind"] != "TimeDimension"]
    fields = [
        '"Id" BIGINT',
        '"Measure" VARCHAR',
        '"ValueAttribute" VARCHAR',
        '"Value" DOUBLE',
        '"StringValue" VARCHAR',
        *[f'"{d["dimension"]}" VARCHAR' for d in dimensions],
    ]
    struct = f"STRUCT({', '.join(fields)})[]"
    file_list = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    keys = ", ".join(f"'{d}'" for d in others)
    vals = ", ".join(f'trim(v."{d}")' for d in others)
    return f"""
        SELECT
            v."Id" AS observation_id,
            trim(v."Measure") AS measure,
            trim(v."{time_dims[0]}") AS period,
            CASE WHEN v."ValueAttribute" = 'None' THEN v."Value" END AS value,
            v."ValueAttribute" AS value_attribute,
            v."StringValue" AS string_value,
            CAST(map([{keys}], [{vals}]) AS MAP(VARCHAR, VARCHAR)) AS dimensions
        FROM (
            SELECT unnest(value) AS v
            FROM read_json([{file_list}], columns = {{'value': '{struct}'}}, format = 'auto',
                           maximum_object_size = 1073741824)
        )
    """


# ----------------------------------------------------------------------------------------------
# the load
# ----------------------------------------------------------------------------------------------

def load_cbs_snapshot(
    con: duckdb.DuckDBPyConnection, folder: Path, manifest: dict[str, Any], display_path: str
) -> LoadStats:
    """Verify the snapshot, then replace the table's rows in every ``raw.cbs_*`` table at once."""
    started = time.monotonic()
    sid = manifest["snapshot_id"]
    table_id = validate_table_id(manifest["table_id"])
    if manifest.get("api") != "v4":
        raise SnapshotError(f"snapshot {sid}: api {manifest.get('api')!r} is not supported by this loader")
    verify_snapshot(folder, manifest)

    dims = parse_v4_dimensions(_read_json(folder, one_file(manifest, "dimensions"), sid))
    measures = parse_v4_measures(_read_json(folder, one_file(manifest, "measures"), sid))
    codes: list[dict[str, Any]] = []
    for d in dims:
        for rel in files_with_role(manifest, f"codes:{d['dimension']}"):
            codes.extend(parse_v4_codes(_read_json(folder, rel, sid), d["dimension"]))
    pages = [folder / rel for rel in files_with_role(manifest, "observations")]
    if not pages:
        raise SnapshotError(f"snapshot {sid}: no observation pages")

    def frame(rows: list[dict[str, Any]], **extra: Any) -> pl.DataFrame:
        df = pl.DataFrame(rows, infer_schema_length=None)
        return df.with_columns(*(pl.lit(v).alias(k) for k, v in extra.items()))

    key = {"table_id": table_id, "snapshot_id": sid}
    dims_df = frame(dims, **key)
    codes_df = frame(codes, **key)
    measures_df = frame(measures, **key)
    files_df = pl.DataFrame(
        [{"snapshot_id": sid, "path": e["path"], "role": e["role"], "sha256": e["sha256"], "size_bytes": e["size"]}
         for e in manifest["files"]]
    )

    con.execute("BEGIN TRANSACTION")
    try:
        for table in RAW_CBS_TABLES:
            con.execute(f"DELETE FROM {table} WHERE table_id = ?", [table_id])
        for name, df in (("raw.cbs_dimensions", dims_df), ("raw.cbs_codes", codes_df), ("raw.cbs_measures", measures_df)):
            con.register("_bbl_incoming", df.to_arrow())
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _bbl_incoming")
            con.unregister("_bbl_incoming")
        try:
            con.execute(
                "INSERT INTO raw.cbs_observations BY NAME SELECT ? AS table_id, ? AS snapshot_id, o.* FROM ("
                + v4_observations_sql(pages, dims)
                + ") o",
                [table_id, sid],
            )
        except duckdb.Error as exc:
            raise SnapshotError(f"snapshot {sid}: observation pages could not be read: {exc}") from exc
        n_obs = first_row(con.execute("SELECT count(*) FROM raw.cbs_observations WHERE table_id = ?", [table_id]))[0]
        expected = manifest.get("row_count")
        if expected is not None and n_obs != expected:
            raise SnapshotError(f"snapshot {sid}: {n_obs} observations loaded, the manifest announces {expected}")
        con.execute(
            "INSERT INTO raw.cbs_tables BY NAME SELECT ? AS table_id, ? AS snapshot_id, ? AS title, ? AS modified, "
            "? AS version, ? AS retrieved_at, ? AS source_url, ? AS api, ? AS row_filter, ? AS row_count, ? AS license",
            [table_id, sid, manifest["title"], manifest.get("modified"), manifest.get("version"),
             manifest["date_accessed"], manifest["url"], manifest["api"], manifest.get("row_filter"), n_obs,
             manifest["license"]["name"]],
        )
        record_snapshot(con, manifest, display_path, n_obs, files_df)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return LoadStats(table_id, sid, int(n_obs), len(codes), len(measures), len(dims), time.monotonic() - started)


def record_snapshot(
    con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], display_path: str, rows: int, files_df: pl.DataFrame
) -> None:
    """Write the snapshot's provenance to meta.snapshots / meta.snapshot_files (inside the caller's transaction)."""
    sid = manifest["snapshot_id"]
    con.execute("DELETE FROM meta.snapshot_files WHERE snapshot_id = ?", [sid])
    con.execute("DELETE FROM meta.snapshots WHERE snapshot_id = ?", [sid])
    # the previous snapshot of the same table is no longer in use
    if manifest.get("table_id"):
        old = con.execute(
            "SELECT snapshot_id FROM meta.snapshots WHERE source = ? AND table_id = ?",
            [manifest["source"], manifest["table_id"]],
        ).fetchall()
        for (old_sid,) in old:
            con.execute("DELETE FROM meta.snapshot_files WHERE snapshot_id = ?", [old_sid])
            con.execute("DELETE FROM meta.snapshots WHERE snapshot_id = ?", [old_sid])
    con.execute(
        "INSERT INTO meta.snapshots BY NAME SELECT ? AS snapshot_id, ? AS source, ? AS table_id, ? AS version, "
        "? AS title, ? AS producer, ? AS url, ? AS date_accessed, ? AS date_published, ? AS license, ? AS path, "
        "? AS row_count, CAST(? AS JSON) AS manifest, ? AS loaded_at",
        [sid, manifest["source"], manifest.get("table_id"), manifest.get("version"), manifest["title"],
         manifest["producer"], manifest["url"], manifest["date_accessed"], manifest.get("date_published"),
         manifest["license"]["name"], display_path, rows, json.dumps(manifest, ensure_ascii=False),
         datetime.now(UTC).replace(tzinfo=None)],
    )
    con.register("_bbl_files", files_df.to_arrow())
    con.execute("INSERT INTO meta.snapshot_files BY NAME SELECT * FROM _bbl_files")
    con.unregister("_bbl_files")
