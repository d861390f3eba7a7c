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

OBSERVATION_COLUMNS = {
    "table_id": "VARCHAR", "snapshot_id": "VARCHAR", "observation_id": "BIGINT", "measure": "VARCHAR",
    "period": "VARCHAR", "value": "DOUBLE", "value_attribute": "VARCHAR", "string_value": "VARCHAR",
    "dimensions": "MAP(VARCHAR, VARCHAR)",
}
# series index of a period code: years count 1 per year, quarters 4, months 12
_INDEX = ("CAST(substr(period, 1, 4) AS INTEGER) * CASE substr(period, 5, 2) WHEN 'KW' THEN 4 WHEN 'MM' THEN 12 "
          "ELSE 1 END + CASE WHEN substr(period, 5, 2) IN ('KW', 'MM') THEN CAST(substr(period, 7, 2) AS INTEGER) - 1 "
          "ELSE 0 END")


def observations_frames(con: duckdb.DuckDBPyConnection, table_id: str, checks: dict[str, Any]) -> list:
    loaded = con.execute("SELECT count(*) FROM raw.cbs_tables WHERE table_id = ?", [table_id]).fetchall()[0][0]
    known = [r[0] for r in con.execute(
        "SELECT measure FROM raw.cbs_measures WHERE table_id = ?", [table_id]).fetchall()]
    frames = [
        ("schema", schema_frame(con, "raw.cbs_observations"), lambda gxe: schema_expectations(gxe, OBSERVATION_COLUMNS)),
        ("observations", frame(con, """
            SELECT measure, period, CAST(dimensions AS VARCHAR) AS dimensions, value, value_attribute,
                   (value IS NOT NULL) = (value_attribute = 'None') OR string_value IS NOT NULL AS value_matches_attribute
            FROM raw.cbs_observations WHERE table_id = ?""", [table_id]),
         lambda gxe: [
             *([gxe.ExpectTableRowCountToBeBetween(min_value=1)] if loaded else []),
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
        ("measures", frame(con, "SELECT measure, title, unit FROM raw.cbs_measures WHERE table_id = ?", [table_id]),
         lambda gxe: [gxe.ExpectColumnValuesToNotBeNull(column="measure"),
                      gxe.ExpectColumnValuesToBeUnique(column="measure")]),
        ("completeness", completeness_frame(con, table_id), no_problems),
    ]
    for rule in checks.get("ranges", []):
        lo, hi = rule.get("min"), rule.get("max")
        frames.append((
            f"range {rule['measure_title']}",
            frame(con, """
                SELECT o.value FROM raw.cbs_observations o JOIN raw.cbs_measures m USING (table_id, measure)
                WHERE o.table_id = ? AND regexp_matches(coalesce(m.title, ''), ?) AND o.value IS NOT NULL""",
                  [table_id, rule["measure_title"]]),
            lambda gxe, lo=lo, hi=hi: [gxe.ExpectColumnValuesToBeBetween(column="value", min_value=lo, max_value=hi)],
        ))
    if "sbi_sum" in checks:
        frames.append(("sbi_sum", sbi_sum_frame(con, table_id, checks["sbi_sum"]), no_problems))
    if "year_vs_quarters" in checks:
        frames.append(("year_vs_quarters", year_vs_quarters_frame(con, table_id, checks["year_vs_quarters"]),
                       no_problems))
    return frames


def completeness_frame(con: duckdb.DuckDBPyConnection, table_id: str) -> Any:
    """One row per missing period inside a series' covered range (yearly, quarterly, monthly)."""
    return frame(con, f"""
        WITH p AS (
            SELECT DISTINCT measure, CAST(dimensions AS VARCHAR) AS dims, substr(period, 5, 2) AS freq, {_INDEX} AS idx
            FROM raw.cbs_observations
            WHERE table_id = ? AND regexp_matches(period, '^\\d{{4}}(JJ00|KW0[1-4]|MM(0[1-9]|1[0-2]))$')
        ),
        bounds AS (SELECT measure, dims, freq, min(idx) AS lo, max(idx) AS hi FROM p GROUP BY ALL),
        expected AS (SELECT measure, dims, freq, unnest(range(lo, hi + 1)) AS idx FROM bounds)
        SELECT e.measure || ' ' || e.dims || ': missing ' ||
               CASE e.freq WHEN 'JJ' THEN CAST(e.idx AS VARCHAR) || 'JJ00'
                           WHEN 'KW' THEN CAST(e.idx // 4 AS VARCHAR) || 'KW0' || CAST(e.idx % 4 + 1 AS VARCHAR)
                           ELSE CAST(e.idx // 12 AS VARCHAR) || 'MM' || lpad(CAST(e.idx % 12 + 1 AS VARCHAR), 2, '0')
               END AS problem
        FROM expected e ANTI JOIN p USING (measure, dims, freq, idx)
        ORDER BY problem
        LIMIT 1000""", [table_id])


def sbi_sum_frame(con: duckdb.DuckDBPyConnection, table_id: str, rule: dict[str, Any]) -> Any:
    """Per measure and period: the A-U total against the sum of the sections, allowing the rounding
    of each published section (half a unit of the measure's last decimal) and 1% of the total."""
    dim = rule["dimension"]
    return frame(con, """
        WITH o AS (
            SELECT o.measure, o.period, o.dimensions[?] AS code, o.value, coalesce(m.decimals, 1) AS decimals,
                   CAST(map_entries(o.dimensions) AS VARCHAR) AS all_dims
            FROM raw.cbs_observations o LEFT JOIN raw.cbs_measures m USING (table_id, measure)
            WHERE o.table_id = ? AND o.value IS NOT NULL
        ),
        other AS (  -- the other dimensions must be at their totals: compare like with like
            SELECT measure, period, code, value, decimals FROM o
        ),
        totals AS (SELECT measure, period, value AS total, decimals FROM other WHERE code = ?),
        parts AS (SELECT measure, period, sum(value) AS parts_sum, count(*) AS n_parts
                  FROM other WHERE list_contains(?, code) GROUP BY ALL)
        SELECT t.measure || ' ' || t.period || ': total ' || CAST(t.total AS VARCHAR) || ' vs sections '
               || CAST(round(p.parts_sum, 3) AS VARCHAR) || ' (' || CAST(p.n_parts AS VARCHAR) || ' sections)' AS problem
        FROM totals t JOIN parts p USING (measure, period)
        WHERE abs(t.total - p.parts_sum) > greatest(p.n_parts * 0.5 * pow(10, -t.decimals), 0.01 * abs(t.total))
        ORDER BY problem LIMIT 1000""", [dim, table_id, rule["total"], rule["parts"]])


def year_vs_quarters_frame(con: duckdb.DuckDBPyConnection, table_id: str, rules: list[dict[str, Any]]) -> Any:
    """Yearly values (JJ00) against the mean or the sum of their four quarters, where CBS defines them so."""
    parts = []
    params: list[Any] = []
    for rule in rules:
        agg = "avg" if rule["how"] == "mean" else "sum"
        parts.append(f"""
            SELECT y.measure, y.period, y.dims, y.value AS yearly, q.agg AS quarters, {float(rule['tolerance_pct'])} AS tol
            FROM (SELECT o.measure, o.period, CAST(o.dimensions AS VARCHAR) AS dims, o.value
                  FROM raw.cbs_observations o JOIN raw.cbs_measures m USING (table_id, measure)
                  WHERE o.table_id = ? AND regexp_matches(coalesce(m.title, ''), ?) AND o.period LIKE '____JJ00'
                    AND o.value IS NOT NULL) y
            JOIN (SELECT measure, substr(period, 1, 4) AS year, CAST(dimensions AS VARCHAR) AS dims,
                         {agg}(value) AS agg, count(value) AS n
                  FROM raw.cbs_observations WHERE table_id = ? AND period LIKE '____KW0_' GROUP BY ALL) q
              ON q.measure = y.measure AND q.dims = y.dims AND q.year = substr(y.period, 1, 4) AND q.n = 4""")
        params += [table_id, rule["measure_title"], table_id]
    sql = " UNION ALL ".join(parts)
    return frame(con, f"""
        SELECT measure || ' ' || period || ' ' || dims || ': yearly ' || CAST(yearly AS VARCHAR) || ' vs quarters '
               || CAST(round(quarters, 3) AS VARCHAR) AS problem
        FROM ({sql}) WHERE abs(yearly - quarters) > tol / 100 * abs(quarters) + 0.05
        ORDER BY problem LIMIT 1000""", params)


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
