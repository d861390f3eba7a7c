"""Parse CBS OData responses: the metadata documents (v4 Dimensions, {Dim}Codes, MeasureCodes; v3
DataProperties and code lists) into rows, and the observation pages into the SQL DuckDB reads them with.

Pure functions of the documents; `load.py` writes what they return.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from bbl.snapshot import SnapshotError

_DIM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _values(doc: dict[str, Any], rel: str) -> list[dict[str, Any]]:
    value = doc.get("value")
    if not isinstance(value, list):
        raise SnapshotError(f"{rel}: expected a 'value' list")
    return value


# ----------------------------------------------------------------------------------------------
# fast path: DuckDB reads a JSON *array* file about 25x faster than one large object holding it.
# Raw pages stay as delivered; for the load, the "value" array of each page is copied to a scratch
# file (a byte slice, no parsing in Python). A page whose envelope is unusual is read as an object.
_VALUE_ARRAY = re.compile(rb'"value"\s*:\s*\[')


def _envelope_ok(text: bytes) -> bool:
    try:
        return isinstance(orjson.loads(text), dict)
    except orjson.JSONDecodeError:
        return False


def _array_start(data: bytes) -> int | None:
    """Where the top-level "value" array starts: the first ``"value": [`` after a valid envelope prefix."""
    for m in _VALUE_ARRAY.finditer(data):
        prefix = data[: m.start()].rstrip()
        if prefix == b"{" or (prefix.endswith(b",") and _envelope_ok(prefix[:-1] + b"}")):
            return m.end() - 1
    return None


def _array_end(data: bytes, lo: int) -> int | None:
    """Where the array ends (just past its ``]``): the last ``]`` above ``lo`` followed by a valid envelope end."""
    end = data.rfind(b"]")
    while end > lo:
        rest = data[end + 1:].strip()
        if rest == b"}" or (rest.startswith(b",") and _envelope_ok(b"{" + rest[1:])):
            return end + 1
        end = data.rfind(b"]", max(lo, 0), end)
    return None


def value_array_span(data: bytes) -> tuple[int, int] | None:
    """Byte span [start, end) of the top-level "value" array of an OData page, or None."""
    start = _array_start(data)
    end = None if start is None else _array_end(data, start)
    return None if start is None or end is None else (start, end)


EDGE = 1 << 16  # bytes read at each end of a page to find its value array


def page_value_span(path: Path) -> tuple[tuple[int, int], bytes] | None:
    """(the span of the page's "value" array, the page without it), read from the page's first and last
    EDGE bytes: an observation page (13 MB on v4) is not read again to find them. None where the two
    ends do not show the array's bounds (the caller then reads the whole page)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(EDGE)
        if size <= 2 * EDGE:
            data = head + fh.read()
            span = value_array_span(data)
            return None if span is None else (span, data[: span[0]] + data[span[1]:])
        fh.seek(size - EDGE)
        tail = fh.read()
    start = _array_start(head)
    end = None if start is None else _array_end(tail, -1)
    if start is None or end is None:
        return None
    return (start, size - EDGE + end), head[:start] + tail[end:]


MIN_OBJECT_SIZE = 16 * 2**20  # DuckDB's default maximum_object_size


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


def rows_source(files: list[Path], fields: list[tuple[str, str]], array_form: bool) -> str:
    """A FROM clause yielding one row per observation record with the given (name, type) fields."""
    file_list = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    # a page is one JSON object (or array), so the reader's object size is the largest page; DuckDB reserves
    # twice that against its memory limit (BBL_DUCKDB_MEMORY_LIMIT), so it is not set higher than needed
    size = max([MIN_OBJECT_SIZE, *(f.stat().st_size + 1 for f in files)])
    if array_form:
        cols = ", ".join(f"'{name}': '{typ}'" for name, typ in fields)
        return (f"(SELECT * FROM read_json([{file_list}], format = 'array', columns = {{{cols}}}, "
                f"maximum_object_size = {size}))")
    struct = "STRUCT(" + ", ".join(f'"{name}" {typ}' for name, typ in fields) + ")[]"
    return (f"(SELECT unnest(value, recursive := true) FROM read_json([{file_list}], columns = {{'value': '{struct}'}}, "
            f"format = 'auto', maximum_object_size = {size}))")


def _per_row_map(others: list[str]) -> str:
    keys = ", ".join(f"'{d}'" for d in others)
    vals = ", ".join(f'trim("{d}")' for d in others)
    return f"CAST(map([{keys}], [{vals}]) AS MAP(VARCHAR, VARCHAR))"


def _with_dimension_ids(rows: str, others: list[str], reread: bool, dimension_ids: str) -> str:
    """``rows`` plus a column ``_dims``: the number (``dimension_ids``, a FROM clause of ``dimensions, dims_id``
    pairs: history.cbs_dimension_sets) of the row's non-time dimensions as a MAP of trimmed codes; null if
    the MAP is not among them, which the history's NOT NULL refuses.

    ``reread``: the rows can be read twice cheaply (the fetch's staged Parquet files). Then the map is
    built and numbered once per distinct combination of codes and joined to the rows, which costs about
    a third of doing it row by row (a table has far fewer combinations than rows), and nothing is held
    in memory. Raw JSON pages are read once, with the map built and numbered row by row."""
    per_row = _per_row_map(others)
    if not others or not reread:
        return (f"(SELECT r.* EXCLUDE (_map), s.dims_id AS _dims FROM (SELECT *, {per_row} AS _map FROM {rows}) r "
                f"LEFT JOIN {dimension_ids} s ON s.dimensions = r._map)")
    cols = ", ".join(f'"{d}"' for d in others)
    on = " AND ".join(f'r."{d}" IS NOT DISTINCT FROM k."{d}"' for d in others)
    return f"""(
        WITH r AS NOT MATERIALIZED (SELECT * FROM {rows}),
             m AS (SELECT {cols}, {per_row} AS _map FROM (SELECT DISTINCT {cols} FROM r)),
             k AS (SELECT m.* EXCLUDE (_map), s.dims_id AS _dims FROM m LEFT JOIN {dimension_ids} s
                   ON s.dimensions = m._map)
        SELECT r.*, k._dims FROM r JOIN k ON {on})"""


def dimension_sets_sql(files: list[Path], dimensions: list[dict[str, str]], measures: list[dict[str, Any]],
                       api: str, array_form: bool = False, source: str | None = None) -> str:
    """A SELECT of the distinct MAPs of other dimension codes in the observation pages (or ``source``)."""
    others = [d["dimension"] for d in dimensions if d["kind"] != "TimeDimension"]
    fields = v4_fields(dimensions) if api == "v4" else v3_fields(dimensions, measures)
    rows = source or rows_source(files, fields, array_form)
    if not others:
        return f"SELECT DISTINCT {_per_row_map(others)} AS dimensions FROM (SELECT 1 FROM {rows} LIMIT 1)"
    cols = ", ".join(f'"{d}"' for d in others)
    return f"SELECT DISTINCT {_per_row_map(others)} AS dimensions FROM (SELECT DISTINCT {cols} FROM {rows})"


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


def v4_fields(dimensions: list[dict[str, str]]) -> list[tuple[str, str]]:
    """The (name, DuckDB type) of the fields an Observations record is read with. ``Id`` is not among
    them: a row number of the response, which no table keeps (it is not stable across versions)."""
    return [("Measure", "VARCHAR"), ("ValueAttribute", "VARCHAR"), ("Value", "DOUBLE"),
            ("StringValue", "VARCHAR"), *[(d["dimension"], "VARCHAR") for d in dimensions]]


def v4_select(dimensions: list[dict[str, str]], measures: list[dict[str, Any]]) -> list[str]:
    """The fields an Observations request asks for (``$select``): those ``v4_fields`` reads, less
    ``StringValue`` when MeasureCodes gives every measure a numeric DataType (CBS fills it for text
    measures only; a page that has it anyway is read the same). ``Id`` and ``StringValue: null`` are
    about a quarter of a numeric table's bytes."""
    numeric = bool(measures) and len(_numeric(measures)) == len(measures)
    return [name for name, _ in v4_fields(dimensions) if not (numeric and name == "StringValue")]


def v4_observations_sql(files: list[Path], dimensions: list[dict[str, str]], array_form: bool,
                        source: str | None, dimension_ids: str) -> str:
    """A SELECT turning v4 Observations pages on disk into the cells of history.cbs_cells.

    Codes are trimmed; ``value`` is kept only where ValueAttribute is 'None' (CBS's normal value).
    Columns are typed explicitly, so a page can never change a column's type by inference. ``source``:
    a FROM clause of records already read with ``v4_fields`` (the fetch's staged pages) instead of files.
    ``dimension_ids``: the table's dimension sets, which give each cell its ``dims_id``.
    """
    time_dim = next(d["dimension"] for d in dimensions if d["kind"] == "TimeDimension")
    others = [d["dimension"] for d in dimensions if d["kind"] != "TimeDimension"]
    fields = v4_fields(dimensions)
    return f"""
        SELECT
            trim("Measure") AS measure,
            trim("{time_dim}") AS period,
            CASE WHEN "ValueAttribute" = 'None' THEN "Value" END AS value,
            "ValueAttribute" AS value_attribute,
            "StringValue" AS string_value,
            _dims AS dims_id
        FROM {_with_dimension_ids(source or rows_source(files, fields, array_form), others, source is not None,
                                  dimension_ids)}
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


def _numeric(measures: list[dict[str, Any]]) -> set[str]:
    return {m["measure"] for m in measures if str(m.get("data_type") or "").lower() in NUMERIC_TYPES}


def v3_fields(dimensions: list[dict[str, str]], measures: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The (name, DuckDB type) of the fields a TypedDataSet record is read with: the topics as numbers
    when every topic is numeric, else as text (converted per topic in the SQL). Not ``ID``, the response's
    row number (as v4's ``Id``)."""
    fields = [*[(d["dimension"], "VARCHAR") for d in dimensions],
              *[(m["measure"], "VARCHAR") for m in measures]]
    numeric = _numeric(measures)
    if all(m["measure"] in numeric for m in measures):
        fields = [(n, "DOUBLE" if n in numeric else t) for n, t in fields]
    return fields


def v3_observations_sql(
    files: list[Path], dimensions: list[dict[str, str]], measures: list[dict[str, Any]], array_form: bool,
    source: str | None, dimension_ids: str,
) -> str:
    """A SELECT turning v3 TypedDataSet pages (wide: one column per topic) into long rows, the cells of
    history.cbs_cells.

    Keys are trimmed (v3 pads them). Numeric topics (DataProperties Datatype) are read as numbers;
    other topics keep their text in string_value. A null becomes value_attribute 'Missing'. ``source``:
    a FROM clause of records already read with ``v3_fields`` (the fetch's staged pages) instead of files.
    ``dimension_ids``: the table's dimension sets, which give each cell its ``dims_id``.
    """
    time_dim = next(d["dimension"] for d in dimensions if d["kind"] == "TimeDimension")
    others = [d["dimension"] for d in dimensions if d["kind"] != "TimeDimension"]
    numeric = _numeric(measures)
    fields = v3_fields(dimensions, measures)
    rows = _with_dimension_ids(source or rows_source(files, fields, array_form), others, source is not None,
                               dimension_ids)
    topic_cols = ", ".join(
        f'TRY_CAST("{m["measure"]}" AS DOUBLE) AS "{m["measure"]}"' if m["measure"] in numeric
        else f'"{m["measure"]}" AS "{m["measure"]}"'
        for m in measures
    )
    unpivot = ", ".join(f'"{m["measure"]}"' for m in measures)
    if all(m["measure"] in numeric for m in measures):  # the usual case: unpivot the numbers directly
        return f"""
            WITH flat AS (
                SELECT trim("{time_dim}") AS period,
                       _dims AS dims_id, {unpivot}
                FROM {rows}
            )
            SELECT measure, period, raw_value AS value,
                   CASE WHEN raw_value IS NULL THEN 'Missing' ELSE 'None' END AS value_attribute,
                   CAST(NULL AS VARCHAR) AS string_value, dims_id
            FROM flat UNPIVOT INCLUDE NULLS (raw_value FOR measure IN ({unpivot}))
        """
    # UNPIVOT needs one type: with text topics present, numbers go through text and back
    unpivot_cols = ", ".join(f'CAST("{m["measure"]}" AS VARCHAR) AS "{m["measure"]}"' for m in measures)
    return f"""
        WITH flat AS (
            SELECT trim("{time_dim}") AS period,
                   _dims AS dims_id, {topic_cols}
            FROM {rows}
        ),
        textual AS (SELECT period, dims_id, {unpivot_cols} FROM flat)
        SELECT measure, period,
               TRY_CAST(raw_value AS DOUBLE) AS value,
               CASE WHEN raw_value IS NULL OR trim(raw_value) IN ('', '.') THEN 'Missing' ELSE 'None' END
                   AS value_attribute,
               CASE WHEN TRY_CAST(raw_value AS DOUBLE) IS NULL AND trim(raw_value) NOT IN ('', '.')
                    THEN raw_value END AS string_value,
               dims_id
        FROM textual UNPIVOT INCLUDE NULLS (raw_value FOR measure IN ({unpivot}))
    """
