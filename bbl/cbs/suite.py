"""Suites for a CBS table in raw.cbs_* (one table_id at a time).

Generic for every table: the contract's columns and types; keys not null and unique; period codes
that follow CBS's grammar; measures known to the table's MeasureCodes; value present exactly when
ValueAttribute is 'None'; no gaps inside any yearly, quarterly or monthly series.
Per table (bbl/sources.yaml `checks:`): plausible ranges per measure, SBI sections adding up to
the A-U total within rounding, yearly values matching their quarters.
Reconciliation (its own check): figures transcribed from StatLine (raw.published_figures) against
the API value for the same table, measure, period and dimensions.
"""

from __future__ import annotations

from typing import Any

import duckdb

from bbl.quality.frames import PERIOD_REGEX, frame, no_problems, schema_expectations, schema_frame
from bbl.quality.rounding import DEFINITIONS, YEARLY_WEIGHTS

OBSERVATION_COLUMNS = {
    "table_id": "VARCHAR", "snapshot_id": "VARCHAR", "measure": "VARCHAR",
    "period": "VARCHAR", "value": "DOUBLE", "value_attribute": "VARCHAR", "string_value": "VARCHAR",
    "dimensions": "MAP(VARCHAR, VARCHAR)", "dims_id": "INTEGER",
}
# series index of a period code: years count 1 per year, quarters 4, months 12
_INDEX = ("CAST(substr(period, 1, 4) AS INTEGER) * CASE substr(period, 5, 2) WHEN 'KW' THEN 4 WHEN 'MM' THEN 12 "
          "ELSE 1 END + CASE WHEN substr(period, 5, 2) IN ('KW', 'MM') THEN CAST(substr(period, 7, 2) AS INTEGER) - 1 "
          "ELSE 0 END")


MAX_OFFENDING = 10_000  # offending rows handed to GX per frame (the message says how many it saw)
# every row that breaks one of the "observations" rules: a null key, a period outside CBS's grammar, a
# measure the table does not have, a value that disagrees with its ValueAttribute, a duplicated key.
# Cells are keyed by their dims_id (the number of their dimensions); `canon` numbers each distinct MAP of
# dimensions once, so that two numbers for the same dimensions still count as one key.
# Duplicates without a hash table over every cell: per (measure, period, canon // 64), a 64-bit mask of
# the canons seen has fewer bits set than the block has rows exactly when a key occurs twice; only the
# rows of such blocks are then grouped by their keys. The checks read the rows, never a copy of them:
# o is NOT MATERIALIZED (a copy of the whole table costs more than reading the view again).
OFFENDING_OBSERVATIONS_SQL = """
    WITH o AS NOT MATERIALIZED (SELECT measure, period, dims_id, value, value_attribute,
                      (value IS NOT NULL) = (value_attribute = 'None') OR string_value IS NOT NULL
                          AS value_matches_attribute
               FROM raw.cbs_observations WHERE table_id = $1),
         shared AS (SELECT dims_id, canon FROM (
                        SELECT dims_id, min(dims_id) OVER (PARTITION BY dimensions) AS canon
                        FROM history.cbs_dimension_sets WHERE table_id = $1) WHERE canon <> dims_id),
         k AS NOT MATERIALIZED (SELECT o.measure, o.period, coalesce(s.canon, o.dims_id) AS canon
                                FROM o LEFT JOIN shared s USING (dims_id)),
         blocks AS (SELECT measure, period, canon // 64 AS block FROM k GROUP BY ALL
                    HAVING count(*) > bit_count(bit_or(CAST(1 AS UBIGINT) << CAST(canon % 64 AS INTEGER)))),
         dup_keys AS (SELECT measure, period, canon FROM k
                      SEMI JOIN blocks b ON b.measure = k.measure AND b.period = k.period AND b.block = k.canon // 64
                      GROUP BY ALL HAVING count(*) > 1),
         bad_keys AS (SELECT measure, period FROM (SELECT DISTINCT measure, period FROM o)
                      WHERE NOT regexp_matches(period, $2)
                         OR measure NOT IN (SELECT measure FROM raw.cbs_measures
                                            WHERE table_id = $1 AND measure IS NOT NULL)),
         offending AS (
            SELECT * FROM o
            WHERE measure IS NULL OR period IS NULL OR value_attribute IS NULL OR NOT coalesce(value_matches_attribute, false)
               OR (measure, period) IN (SELECT (measure, period) FROM bad_keys)
            UNION ALL
            SELECT o.* FROM o LEFT JOIN shared s USING (dims_id)
            WHERE (o.measure, o.period, coalesce(s.canon, o.dims_id)) IN (SELECT (measure, period, canon) FROM dup_keys)
              AND NOT (value_attribute IS NULL OR NOT coalesce(value_matches_attribute, false)
                       OR (measure, period) IN (SELECT (measure, period) FROM bad_keys))
            LIMIT $3)
    SELECT f.measure, f.period, CAST(d.dimensions AS VARCHAR) AS dimensions, f.value, f.value_attribute,
           f.value_matches_attribute
    FROM offending f LEFT JOIN history.cbs_dimension_sets d ON d.table_id = $1 AND d.dims_id = f.dims_id"""

WARN_PREFIX = "warn: "  # frames that only warn: provisional periods, rules the metadata cannot state


def observations_frames(con: duckdb.DuckDBPyConnection, table_id: str, checks: dict[str, Any]) -> list:
    loaded = con.execute("SELECT count(*) FROM raw.cbs_tables WHERE table_id = ?", [table_id]).fetchall()[0][0]
    known = [r[0] for r in con.execute(
        "SELECT measure FROM raw.cbs_measures WHERE table_id = ?", [table_id]).fetchall()]
    frames = [
        ("schema", schema_frame(con, "raw.cbs_observations"), lambda gxe: schema_expectations(gxe, OBSERVATION_COLUMNS)),
        *([("observation_count", frame(con, "SELECT count(*) AS observations FROM raw.cbs_observations "
                                            "WHERE table_id = ?", [table_id]),
            lambda gxe: [gxe.ExpectColumnValuesToBeBetween(column="observations", min_value=1)])] if loaded else []),
        # pushed down: DuckDB finds the offending rows of the whole table, GX validates only those, with the
        # same expectations as over the full table, so a suite's cost grows with the problems, not the rows
        ("observations", frame(con, OFFENDING_OBSERVATIONS_SQL, [table_id, PERIOD_REGEX, MAX_OFFENDING]),
         lambda gxe: [
             gxe.ExpectColumnValuesToNotBeNull(column="measure"),
             gxe.ExpectColumnValuesToNotBeNull(column="period"),
             gxe.ExpectColumnValuesToNotBeNull(column="value_attribute"),
             gxe.ExpectColumnValuesToMatchRegex(column="period", regex=PERIOD_REGEX),
             gxe.ExpectColumnValuesToBeInSet(column="measure", value_set=known),
             gxe.ExpectCompoundColumnsToBeUnique(column_list=["measure", "period", "dimensions"]),
             gxe.ExpectColumnValuesToBeInSet(column="value_matches_attribute", value_set=[True]),
         ]),
        ("codes", frame(con, "SELECT dimension, code, title, status FROM raw.cbs_codes WHERE table_id = ?", [table_id]),
         lambda gxe: [
             gxe.ExpectColumnValuesToNotBeNull(column="code"),
             gxe.ExpectCompoundColumnsToBeUnique(column_list=["dimension", "code"]),
         ]),
        ("table", frame(con, "SELECT snapshot_id, title, row_count, api FROM raw.cbs_tables WHERE table_id = ?",
                        [table_id]),
         lambda gxe: [gxe.ExpectTableRowCountToEqual(value=1 if loaded else 0),
                      gxe.ExpectColumnValuesToNotBeNull(column="snapshot_id"),
                      gxe.ExpectColumnValuesToBeBetween(column="row_count", min_value=0),
                      gxe.ExpectColumnValuesToBeInSet(column="api", value_set=["v4", "v3"])]),
        ("dimensions", frame(con, "SELECT dimension, kind FROM raw.cbs_dimensions WHERE table_id = ?", [table_id]),
         lambda gxe: [gxe.ExpectColumnValuesToBeUnique(column="dimension"),
                      gxe.ExpectColumnValuesToNotBeNull(column="kind")]),
        ("time_dimension", frame(con, """
            SELECT 'a loaded table has ' || CAST(count(*) FILTER (WHERE kind = 'TimeDimension') AS VARCHAR)
                   || ' time dimensions, expected 1' AS problem
            FROM raw.cbs_dimensions WHERE table_id = ?
            HAVING count(*) > 0 AND count(*) FILTER (WHERE kind = 'TimeDimension') <> 1""", [table_id]), no_problems),
        ("measures", frame(con, "SELECT measure, title, unit FROM raw.cbs_measures WHERE table_id = ?", [table_id]),
         lambda gxe: [gxe.ExpectColumnValuesToNotBeNull(column="measure"),
                      gxe.ExpectColumnValuesToBeUnique(column="measure")]),
        ("completeness", completeness_frame(con, table_id), no_problems),
    ]
    for rule in checks.get("ranges", []):
        lo, hi = rule.get("min"), rule.get("max")
        outside = " OR ".join([*(["o.value < ?"] if lo is not None else []), *(["o.value > ?"] if hi is not None else [])])
        frames.append((
            f"range {rule['measure_title']}",
            frame(con, f"""
                SELECT o.value FROM raw.cbs_observations o JOIN raw.cbs_measures m USING (table_id, measure)
                WHERE o.table_id = ? AND regexp_matches(coalesce(m.title, ''), ?) AND o.value IS NOT NULL
                  AND ({outside or 'false'}) LIMIT {MAX_OFFENDING}""",
                  [table_id, rule["measure_title"], *([lo] if lo is not None else []), *([hi] if hi is not None else [])]),
            lambda gxe, lo=lo, hi=hi: [gxe.ExpectColumnValuesToBeBetween(column="value", min_value=lo, max_value=hi)],
        ))
    for name, rule_frame in (("sbi_sum", sbi_sum_frame), ("year_vs_quarters", year_vs_quarters_frame)):
        if name in checks:
            problems = rule_frame(con, table_id, checks[name])
            final = [bool(v) for v in problems.column("final")]  # CBS's final figures block; provisional ones warn
            frames.append((name, problems.rows(final), no_problems))
            frames.append((f"{WARN_PREFIX}{name}", problems.rows([not f for f in final]), no_problems))
    return frames


def completeness_frame(con: duckdb.DuckDBPyConnection, table_id: str) -> Any:
    """One row per missing period inside a series' covered range (yearly, quarterly, monthly).

    A series (measure, dimensions, frequency) is complete when it has as many rows as periods in its
    range. One pass over the cells finds the series where that does not hold (a gap, or a duplicate,
    which the observations frame reports); only when there are some are their rows read again and
    expanded period by period, to name what is missing."""
    periods = [r[0] for r in con.execute(
        "SELECT DISTINCT period FROM raw.cbs_observations WHERE table_id = ?", [table_id]).fetchall()]
    # the periods arrive as a parameter, not as a second read of the cells (which DuckDB would share
    # by keeping a copy of all of them)
    per_series = f"""
        per AS (
            SELECT period, substr(period, 5, 2) AS freq, {_INDEX} AS idx
            FROM (SELECT unnest($2::VARCHAR[]) AS period)
            WHERE regexp_matches(period, '^\\d{{4}}(JJ00|KW0[1-4]|MM(0[1-9]|1[0-2]))$')
        ),
        series AS (
            SELECT measure, dims_id, freq, min(idx) AS lo, max(idx) AS hi, count(*) AS n
            FROM raw.cbs_observations JOIN per USING (period) WHERE table_id = $1 GROUP BY ALL
        ),
        suspect AS (SELECT measure, dims_id, freq, lo, hi FROM series WHERE n <> hi - lo + 1)"""
    params = [table_id, periods]
    if not con.execute(f"WITH {per_series} SELECT count(*) FROM suspect", params).fetchall()[0][0]:
        return frame(con, "SELECT CAST(NULL AS VARCHAR) AS problem WHERE false")
    return frame(con, f"""
        WITH {per_series},
        p AS (
            SELECT DISTINCT o.measure, o.dims_id, per.freq, per.idx
            FROM raw.cbs_observations o JOIN per USING (period) SEMI JOIN suspect s
                 ON s.measure = o.measure AND s.dims_id = o.dims_id AND s.freq = per.freq
            WHERE o.table_id = $1
        ),
        expected AS (SELECT measure, dims_id, freq, unnest(range(lo, hi + 1)) AS idx FROM suspect),
        missing AS (SELECT * FROM expected e ANTI JOIN p USING (measure, dims_id, freq, idx))
        SELECT m.measure || ' ' || CAST(d.dimensions AS VARCHAR) || ': missing ' ||
               CASE m.freq WHEN 'JJ' THEN CAST(m.idx AS VARCHAR) || 'JJ00'
                           WHEN 'KW' THEN CAST(m.idx // 4 AS VARCHAR) || 'KW0' || CAST(m.idx % 4 + 1 AS VARCHAR)
                           ELSE CAST(m.idx // 12 AS VARCHAR) || 'MM' || lpad(CAST(m.idx % 12 + 1 AS VARCHAR), 2, '0')
               END AS problem
        FROM missing m JOIN history.cbs_dimension_sets d ON d.table_id = $1 AND d.dims_id = m.dims_id
        ORDER BY problem
        LIMIT 1000""", params)


_STATUS_JOIN = """
    LEFT JOIN raw.cbs_dimensions d ON d.table_id = o.table_id AND d.kind = 'TimeDimension'
    LEFT JOIN raw.cbs_codes c ON c.table_id = o.table_id AND c.dimension = d.dimension AND c.code = o.period"""


def sbi_sum_frame(con: duckdb.DuckDBPyConnection, table_id: str, rule: dict[str, Any]) -> Any:
    """Per measure and period: the published total against the sum of its published sections. Each cell is
    rounded to its measure's Decimals, so they may differ by n·½·10^-d plus the total's own ½·10^-d.

    One row per problem, with `final`: the period is final (status Definitief), every listed section
    has a value and the measure states its Decimals. Only final problems block; the others warn."""
    dim = rule["dimension"]
    return frame(con, """
        WITH o AS (
            SELECT o.measure, o.period, o.dimensions[?] AS code, o.value, m.decimals,
                   coalesce(c.status, 'unknown') AS status
            FROM raw.cbs_observations o LEFT JOIN raw.cbs_measures m USING (table_id, measure)""" + _STATUS_JOIN + """
            WHERE o.table_id = ? AND o.value IS NOT NULL
        ),
        totals AS (SELECT measure, period, value AS total, decimals, status FROM o WHERE code = ?),
        parts AS (SELECT measure, period, sum(value) AS parts_sum, count(*) AS n_parts
                  FROM o WHERE list_contains(?, code) GROUP BY ALL),
        checked AS (
            SELECT t.*, p.parts_sum, p.n_parts,
                   p.n_parts * 0.5 * pow(10, -coalesce(t.decimals, 0)) + 0.5 * pow(10, -coalesce(t.decimals, 0))
                   + 1e-9 AS tolerance
            FROM totals t JOIN parts p USING (measure, period)
        )
        SELECT t.measure || ' ' || t.period || ': total ' || CAST(t.total AS VARCHAR) || ' vs sum of '
               || CAST(t.n_parts AS VARCHAR) || ' sections ' || CAST(round(t.parts_sum, 6) AS VARCHAR)
               || ' (allowed ±' || CAST(round(t.tolerance, 6) AS VARCHAR) || ': each cell rounded to '
               || coalesce(CAST(t.decimals AS VARCHAR), 'unknown') || ' decimals; period ' || t.status
               || CASE WHEN t.n_parts < ? THEN '; ' || CAST(? - t.n_parts AS VARCHAR) || ' sections without a value'
                       ELSE '' END || ')' AS problem,
               t.status = 'Definitief' AND t.decimals IS NOT NULL AND t.n_parts = ? AS final
        FROM checked t
        WHERE abs(t.total - t.parts_sum) > t.tolerance
        ORDER BY problem LIMIT 1000""", [dim, table_id, rule["total"], rule["parts"], len(rule["parts"]),
                                         len(rule["parts"]), len(rule["parts"])])


def year_vs_quarters_frame(con: duckdb.DuckDBPyConnection, table_id: str, rules: list[dict[str, Any]]) -> Any:
    """Yearly values (JJ00) against the figure CBS forms from its quarters (rounding.YEARLY_WEIGHTS: a sum
    for flows, the weighted average of quarter-end stands for stocks such as open vacancies), within the
    rounding of the cells involved (rounding.yearly_tolerance). `final` as in `sbi_sum_frame`."""
    parts = []
    params: list[Any] = []
    for rule in rules:
        how = rule["how"]
        w_prev, w1, w2, w3, w4 = YEARLY_WEIGHTS[how]
        needed = sum(1 for w in YEARLY_WEIGHTS[how] if w)
        definition = DEFINITIONS[how].replace("'", "''")
        prev = "OR (q.year = y.year - 1 AND q.q = 4)" if w_prev else ""
        parts.append(f"""
            SELECT y.measure, y.year, y.dims, y.value AS yearly, y.decimals AS ydec,
                   sum(CASE WHEN q.year = y.year - 1 THEN {w_prev} WHEN q.q = 1 THEN {w1} WHEN q.q = 2 THEN {w2}
                            WHEN q.q = 3 THEN {w3} ELSE {w4} END * q.value) AS computed,
                   count(*) AS n, max(q.decimals) AS qdec, {sum(YEARLY_WEIGHTS[how])} AS weight_sum,
                   y.status = 'Definitief' AND bool_and(q.status = 'Definitief') AS final_periods,
                   '{definition}' AS definition
            FROM (SELECT * FROM obs WHERE freq = 'JJ' AND regexp_matches(title, ?)) y
            JOIN (SELECT * FROM obs WHERE freq = 'KW') q
              ON q.measure = y.measure AND q.dims = y.dims AND (q.year = y.year {prev})
            GROUP BY y.measure, y.year, y.dims, y.value, y.decimals, y.status
            HAVING count(*) = {needed}""")
        params.append(rule["measure_title"])
    sql = " UNION ALL ".join(parts)
    return frame(con, f"""
        WITH obs AS (
            SELECT o.measure, CAST(substr(o.period, 1, 4) AS INTEGER) AS year, substr(o.period, 5, 2) AS freq,
                   CAST(substr(o.period, 7, 2) AS INTEGER) AS q, CAST(o.dimensions AS VARCHAR) AS dims, o.value,
                   m.decimals, coalesce(m.title, '') AS title, coalesce(c.status, 'unknown') AS status
            FROM raw.cbs_observations o JOIN raw.cbs_measures m USING (table_id, measure){_STATUS_JOIN}
            WHERE o.table_id = ? AND o.value IS NOT NULL AND regexp_matches(o.period, '^[0-9]{{4}}(JJ00|KW0[1-4])$')
        ),
        checked AS (
            SELECT *, weight_sum * 0.5 * pow(10, -coalesce(qdec, 0)) + 0.5 * pow(10, -coalesce(ydec, 0)) + 1e-9
                      AS tolerance
            FROM ({sql})
        )
        SELECT measure || ' ' || CAST(year AS VARCHAR) || 'JJ00 ' || dims || ': yearly ' || CAST(yearly AS VARCHAR)
               || ' vs ' || CAST(round(computed, 6) AS VARCHAR) || ' from the quarters (allowed ±'
               || CAST(round(tolerance, 6) AS VARCHAR) || ': cells rounded to ' || coalesce(CAST(qdec AS VARCHAR), 'unknown')
               || ' decimals; ' || definition || ')' AS problem,
               final_periods AND qdec IS NOT NULL AND ydec IS NOT NULL AS final
        FROM checked
        WHERE abs(yearly - computed) > tolerance
        ORDER BY problem LIMIT 1000""", [table_id, *params])


def reconciliation_frame(con: duckdb.DuckDBPyConnection, table_id: str) -> Any:
    """Transcribed figures (raw.published_figures) matched to the API cell of the same table, measure,
    period and dimensions, with the difference and the tolerance of the API's stated rounding."""
    return frame(con, """
        WITH f AS (
            SELECT figure_id, measure AS fmeasure, period, value AS published, labels
            FROM raw.published_figures WHERE source_table_id = ?
        ),
        o AS (
            SELECT o.measure, o.period, o.value, o.dimensions, m.title, coalesce(m.decimals, 1) AS decimals,
                   coalesce(c.status, 'unknown') AS status
            FROM raw.cbs_observations o
            JOIN raw.cbs_measures m USING (table_id, measure)
            LEFT JOIN raw.cbs_dimensions d ON d.table_id = o.table_id AND d.kind = 'TimeDimension'
            LEFT JOIN raw.cbs_codes c ON c.table_id = o.table_id AND c.dimension = d.dimension AND c.code = o.period
            WHERE o.table_id = ?
        )
        SELECT f.figure_id, f.period, o.measure, o.status, f.published, o.value AS api_value,
               0.5 * pow(10, -o.decimals) + 1e-9 AS tolerance,
               CASE WHEN o.value IS NULL OR abs(o.value - f.published) > 0.5 * pow(10, -o.decimals) + 1e-9
                    THEN f.figure_id || ' ' || f.period || ': published ' || CAST(f.published AS VARCHAR) || ', API '
                         || coalesce(CAST(o.value AS VARCHAR), 'no value') || ' (' || o.status || ')'
               END AS problem
        FROM f JOIN o
          ON o.period = f.period
         AND (o.measure = f.fmeasure
              OR lower(regexp_replace(o.title, '[^A-Za-z]', '', 'g'))
                 = lower(regexp_replace(regexp_replace(f.fmeasure, '_[0-9]+$', ''), '[^A-Za-z]', '', 'g')))
         AND len(map_keys(o.dimensions)) > 0
         AND list_bool_and(list_transform(map_keys(o.dimensions), lambda k: coalesce(f.labels[k] = o.dimensions[k], false)))
        ORDER BY f.figure_id""", [table_id, table_id])
