"""Load a CBS snapshot folder into the ``raw.cbs_*`` tables.

Small pure functions parse the metadata responses (Properties, Dimensions, {Dim}Codes,
MeasureCodes); the observation pages are read by DuckDB straight from disk, so memory stays flat
however large the table. One transaction replaces everything the warehouse holds for the table:
a failure leaves the previous load in place.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import orjson
import polars as pl

from ingest.snapshot import SnapshotError, files_with_role, one_file, verify_snapshot
from warehouse.store import first_row, insert_frame

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
# fast path: DuckDB reads a JSON *array* file about 25x faster than one large object holding it.
# Raw pages stay as delivered; for the load, the "value" array of each page is copied to a scratch
# file (a byte slice, no parsing in Python). A page whose envelope is unusual is read as an object.
# ----------------------------------------------------------------------------------------------

_VALUE_ARRAY = re.compile(rb'"value"\s*:\s*\[')


def _envelope_ok(text: bytes) -> bool:
    try:
        return isinstance(orjson.loads(text), dict)
    except orjson.JSONDecodeError:
        return False


def value_array_span(data: bytes) -> tuple[int, int] | None:
    """Byte span [start, end) of the top-level "value" array of an OData page, or None."""
    for m in _VALUE_ARRAY.finditer(data):
        prefix = data[: m.start()].rstrip()
        if not (prefix == b"{" or (prefix.endswith(b",") and _envelope_ok(prefix[:-1] + b"}"))):
            continue
        start = m.end() - 1
        end = data.rfind(b"]")
        while end > start:
            rest = data[end + 1:].strip()
            if rest == b"}" or (rest.startswith(b",") and _envelope_ok(b"{" + rest[1:])):
                return start, end + 1
            end = data.rfind(b"]", start, end)
        return None
    return None


def split_value_arrays(pages: list[Path], scratch: Path) -> list[Path] | None:
    """Write each page's "value" array to ``scratch``; None if any page has an unusual envelope."""
    out = []
    for i, page in enumerate(pages):
        data = page.read_bytes()
        span = value_array_span(data)
        if span is None:
            return None
        target = scratch / f"value-{i:06d}.json"
        with target.open("wb") as fh:
            fh.write(memoryview(data)[span[0]: span[1]])
        out.append(target)
    return out


def _rows_source(files: list[Path], fields: list[tuple[str, str]], array_form: bool) -> str:
    """A FROM clause yielding one row per observation record with the given (name, type) fields."""
    file_list = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    if array_form:
        cols = ", ".join(f"'{name}': '{typ}'" for name, typ in fields)
        return (f"(SELECT * FROM read_json([{file_list}], format = 'array', columns = {{{cols}}}, "
                "maximum_object_size = 1073741824))")
    struct = "STRUCT(" + ", ".join(f'"{name}" {typ}' for name, typ in fields) + ")[]"
    return (f"(SELECT unnest(value, recursive := true) FROM read_json([{file_list}], columns = {{'value': '{struct}'}}, "
            "format = 'auto', maximum_object_size = 1073741824))")


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


def v4_observations_sql(files: list[Path], dimensions: list[dict[str, str]], array_form: bool = False) -> str:
    """A SELECT turning v4 Observations pages on disk into ``raw.cbs_observations`` rows.

    Codes are trimmed; ``value`` is kept only where ValueAttribute is 'None' (CBS's normal value).
    Columns are typed explicitly, so a page can never change a column's type by inference.
    """
    time_dim = next(d["dimension"] for d in dimensions if d["kind"] == "TimeDimension")
    others = [d["dimension"] for d in dimensions if d["kind"] != "TimeDimension"]
    fields = [("Id", "BIGINT"), ("Measure", "VARCHAR"), ("ValueAttribute", "VARCHAR"), ("Value", "DOUBLE"),
              ("StringValue", "VARCHAR"), *[(d["dimension"], "VARCHAR") for d in dimensions]]
    keys = ", ".join(f"'{d}'" for d in others)
    vals = ", ".join(f'trim("{d}")' for d in others)
    return f"""
        SELECT
            "Id" AS observation_id,
            trim("Measure") AS measure,
            trim("{time_dim}") AS period,
            CASE WHEN "ValueAttribute" = 'None' THEN "Value" END AS value,
            "ValueAttribute" AS value_attribute,
            "StringValue" AS string_value,
            CAST(map([{keys}], [{vals}]) AS MAP(VARCHAR, VARCHAR)) AS dimensions
        FROM {_rows_source(files, fields, array_form)}
    """


# ----------------------------------------------------------------------------------------------
# pure parsers of OData v3 responses (opendata.cbs.nl)
# ----------------------------------------------------------------------------------------------

V3_DIMENSION_TYPES = ("Dimension", "TimeDimension", "GeoDimension")


def parse_v3_dataproperties(doc: dict[str, Any]) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """(dimensions, measures) from DataProperties: Type *Dimension and Type Topic rows."""
    dims, measures = [], []
    for row in _values(doc, "DataProperties"):
        kind, key = row.get("Type"), str(row.get("Key") or "").strip()
        if kind in V3_DIMENSION_TYPES:
            if not _DIM_NAME.match(key):
                raise SnapshotError(f"DataProperties: unusable dimension key {key!r}")
            dims.append({"dimension": key, "kind": kind, "title": row.get("Title")})
        elif kind == "Topic":
            if not _DIM_NAME.match(key):
                raise SnapshotError(f"DataProperties: unusable topic key {key!r}")
            measures.append({
                "measure": key,
                "title": row.get("Title"),
                "unit": (row.get("Unit") or "").strip() or None,
                "decimals": row.get("Decimals"),
                "data_type": row.get("Datatype"),
                "description": row.get("Description"),
            })
    if not any(d["kind"] == "TimeDimension" for d in dims):
        raise SnapshotError("DataProperties: the table has no TimeDimension")
    return dims, measures


def parse_v3_codes(doc: dict[str, Any], dimension: str) -> list[dict[str, Any]]:
    return [
        {
            "dimension": dimension,
            "code": str(row["Key"]).strip(),
            "title": row.get("Title"),
            "description": row.get("Description") or None,
            "status": row.get("Status"),
            "dimension_group_id": None if row.get("CategoryGroupID") is None else str(row["CategoryGroupID"]),
            "sort_index": i,
        }
        for i, row in enumerate(_values(doc, dimension))
    ]


NUMERIC_TYPES = {"double", "float", "long", "integer", "short", "decimal", "byte"}


def v3_observations_sql(
    files: list[Path], dimensions: list[dict[str, str]], measures: list[dict[str, Any]], array_form: bool = False
) -> str:
    """A SELECT turning v3 TypedDataSet pages (wide: one column per topic) into long rows.

    Keys are trimmed (v3 pads them). Numeric topics (DataProperties Datatype) are read as numbers;
    other topics keep their text in string_value. A null becomes value_attribute 'Missing'.
    """
    time_dim = next(d["dimension"] for d in dimensions if d["kind"] == "TimeDimension")
    others = [d["dimension"] for d in dimensions if d["kind"] != "TimeDimension"]
    numeric = {m["measure"] for m in measures if str(m.get("data_type") or "").lower() in NUMERIC_TYPES}
    fields = [("ID", "BIGINT"), *[(d["dimension"], "VARCHAR") for d in dimensions],
              *[(m["measure"], "VARCHAR") for m in measures]]
    keys = ", ".join(f"'{d}'" for d in others)
    vals = ", ".join(f'trim("{d}")' for d in others)
    topic_cols = ", ".join(
        f'TRY_CAST("{m["measure"]}" AS DOUBLE) AS "{m["measure"]}"' if m["measure"] in numeric
        else f'"{m["measure"]}" AS "{m["measure"]}"'
        for m in measures
    )
    unpivot = ", ".join(f'"{m["measure"]}"' for m in measures)
    if all(m["measure"] in numeric for m in measures):  # the usual case: unpivot the numbers directly
        fields = [(n, "DOUBLE" if n in numeric else t) for n, t in fields]
        return f"""
            WITH flat AS (
                SELECT "ID" AS observation_id, trim("{time_dim}") AS period,
                       CAST(map([{keys}], [{vals}]) AS MAP(VARCHAR, VARCHAR)) AS dimensions, {unpivot}
                FROM {_rows_source(files, fields, array_form)}
            )
            SELECT observation_id, measure, period, raw_value AS value,
                   CASE WHEN raw_value IS NULL THEN 'Missing' ELSE 'None' END AS value_attribute,
                   CAST(NULL AS VARCHAR) AS string_value, dimensions
            FROM flat UNPIVOT INCLUDE NULLS (raw_value FOR measure IN ({unpivot}))
        """
    # UNPIVOT needs one type: with text topics present, numbers go through text and back
    unpivot_cols = ", ".join(f'CAST("{m["measure"]}" AS VARCHAR) AS "{m["measure"]}"' for m in measures)
    return f"""
        WITH flat AS (
            SELECT "ID" AS observation_id, trim("{time_dim}") AS period,
                   CAST(map([{keys}], [{vals}]) AS MAP(VARCHAR, VARCHAR)) AS dimensions, {topic_cols}
            FROM {_rows_source(files, fields, array_form)}
        ),
        textual AS (SELECT observation_id, period, dimensions, {unpivot_cols} FROM flat)
        SELECT observation_id, measure, period,
               TRY_CAST(raw_value AS DOUBLE) AS value,
               CASE WHEN raw_value IS NULL OR trim(raw_value) IN ('', '.') THEN 'Missing' ELSE 'None' END
                   AS value_attribute,
               CASE WHEN TRY_CAST(raw_value AS DOUBLE) IS NULL AND trim(raw_value) NOT IN ('', '.')
                    THEN raw_value END AS string_value,
               dimensions
        FROM textual UNPIVOT INCLUDE NULLS (raw_value FOR measure IN ({unpivot}))
    """


# ----------------------------------------------------------------------------------------------
# the load
# ----------------------------------------------------------------------------------------------

def load_cbs_snapshot(
    con: duckdb.DuckDBPyConnection, folder: Path, manifest: dict[str, Any], display_path: str, verify: bool = True
) -> LoadStats:
    """Verify the snapshot, then replace the table's rows in every ``raw.cbs_*`` table at once."""
    started = time.monotonic()
    sid = manifest["snapshot_id"]
    table_id = validate_table_id(manifest["table_id"])
    api = manifest.get("api")
    if api not in ("v4", "v3"):
        raise SnapshotError(f"snapshot {sid}: api {api!r} is not supported by this loader")
    if verify:
        verify_snapshot(folder, manifest)

    codes: list[dict[str, Any]] = []
    if api == "v4":
        dims = parse_v4_dimensions(_read_json(folder, one_file(manifest, "dimensions"), sid))
        measures = parse_v4_measures(_read_json(folder, one_file(manifest, "measures"), sid))
        parse_codes = parse_v4_codes
    else:
        dims, measures = parse_v3_dataproperties(_read_json(folder, one_file(manifest, "dimensions"), sid))
        parse_codes = parse_v3_codes
    for d in dims:
        for rel in files_with_role(manifest, f"codes:{d['dimension']}"):
            codes.extend(parse_codes(_read_json(folder, rel, sid), d["dimension"]))
    pages = [folder / rel for rel in files_with_role(manifest, "observations")]
    if not pages:
        raise SnapshotError(f"snapshot {sid}: no observation pages")
    scratch = Path(tempfile.mkdtemp(prefix="bbl-load-"))
    try:
        arrays = split_value_arrays(pages, scratch)
        files, array_form = (arrays, True) if arrays is not None else (pages, False)
        observations_sql = (
            v4_observations_sql(files, dims, array_form) if api == "v4"
            else v3_observations_sql(files, dims, measures, array_form)
        )
        return _load(con, manifest, sid, table_id, api, dims, codes, measures, observations_sql, display_path,
                     started)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _load(
    con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], sid: str, table_id: str, api: str,
    dims: list[dict[str, str]], codes: list[dict[str, Any]], measures: list[dict[str, Any]], observations_sql: str,
    display_path: str, started: float,
) -> LoadStats:

    def frame(rows: list[dict[str, Any]], **extra: Any) -> pl.DataFrame | None:
        if not rows:
            return None
        df = pl.DataFrame(rows, infer_schema_length=None)
        return df.with_columns(*(pl.lit(v).alias(k) for k, v in extra.items()))

    key = {"table_id": table_id, "snapshot_id": sid}
    dims_df = frame(dims, **key)
    codes_df = frame(codes, **key)
    measures_df = frame(measures, **key)

    con.execute("BEGIN TRANSACTION")
    try:
        for table in RAW_CBS_TABLES:
            con.execute(f"DELETE FROM {table} WHERE table_id = ?", [table_id])
        for name, df in (("raw.cbs_dimensions", dims_df), ("raw.cbs_codes", codes_df), ("raw.cbs_measures", measures_df)):
            if df is not None:
                insert_frame(con, name, df)
        try:
            con.execute(
                "INSERT INTO raw.cbs_observations BY NAME SELECT ? AS table_id, ? AS snapshot_id, o.* FROM ("
                + observations_sql
                + ") o",
                [table_id, sid],
            )
        except duckdb.Error as exc:
            raise SnapshotError(f"snapshot {sid}: observation pages could not be read: {exc}") from exc
        n_obs = first_row(con.execute("SELECT count(*) FROM raw.cbs_observations WHERE table_id = ?", [table_id]))[0]
        expected = manifest.get("row_count")
        if expected is not None and api == "v3":
            expected *= len(measures)  # a v3 row holds one value per topic
        if expected is not None and n_obs != expected:
            raise SnapshotError(f"snapshot {sid}: {n_obs} observations loaded, the manifest announces {expected}")
        con.execute(
            "INSERT INTO raw.cbs_tables BY NAME SELECT ? AS table_id, ? AS snapshot_id, ? AS title, ? AS modified, "
            "? AS version, ? AS retrieved_at, ? AS source_url, ? AS api, ? AS row_filter, ? AS row_count, ? AS license",
            [table_id, sid, manifest["title"], manifest.get("modified"), manifest.get("version"),
             manifest["date_accessed"], manifest["url"], manifest["api"], manifest.get("row_filter"), n_obs,
             manifest["license"]["name"]],
        )
        record_snapshot(con, manifest, display_path, n_obs)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return LoadStats(table_id, sid, int(n_obs), len(codes), len(measures), len(dims), time.monotonic() - started)


def record_snapshot(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], display_path: str, rows: int) -> None:
    """Write the snapshot's provenance to meta.snapshots / meta.snapshot_files (inside the caller's transaction).

    The files are the manifest's files plus, for a built snapshot such as the figures register, the
    source files it was built from (role ``source``).
    """
    sid = manifest["snapshot_id"]
    files = pl.DataFrame(
        [{"snapshot_id": sid, "path": e["path"], "role": e["role"], "sha256": e["sha256"], "size_bytes": e["size"]}
         for e in manifest["files"]]
        + [{"snapshot_id": sid, "path": e["path"], "role": "source", "sha256": e["sha256"], "size_bytes": e["size"]}
           for e in manifest.get("sources", [])]
    )
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
    insert_frame(con, "meta.snapshot_files", files)
