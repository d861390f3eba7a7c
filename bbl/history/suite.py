"""The history's own quality rules, computed in DuckDB SQL (the history can hold millions of rows);
GX validates the small frames of problems found."""

from __future__ import annotations

import duckdb

from bbl.quality.frames import frame, no_problems


def revisions_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        # a cell has at most one current interval, and its intervals never overlap or run backwards
        ("intervals", frame(con, """
            WITH ordered AS (
                SELECT table_id, measure, period, dims_id, from_version, to_version,
                       lead(from_version) OVER (PARTITION BY table_id, measure, period, dims_id
                                                ORDER BY from_version) AS next_from
                FROM history.cbs_cells)
            SELECT table_id || ' ' || measure || ' ' || period || ' ' || CAST(dimensions AS VARCHAR) || ': '
                   || CASE WHEN to_version IS NOT NULL AND to_version <= from_version THEN 'interval ends before it starts'
                           WHEN to_version IS NULL AND next_from IS NOT NULL THEN 'two current values'
                           ELSE 'intervals overlap' END AS problem
            FROM ordered LEFT JOIN history.cbs_dimension_sets USING (table_id, dims_id)
            WHERE (to_version IS NOT NULL AND to_version <= from_version)
               OR (next_from IS NOT NULL AND (to_version IS NULL OR next_from < to_version))
            LIMIT 100"""), no_problems),
        # every version number a cell names is a version of its table
        ("versions_known", frame(con, """
            SELECT c.table_id || ': cells name version ' || c.v || ', which history.cbs_vintages lacks' AS problem
            FROM (SELECT DISTINCT table_id, from_version AS v FROM history.cbs_cells
                  UNION SELECT DISTINCT table_id, to_version FROM history.cbs_cells WHERE to_version IS NOT NULL) c
            LEFT JOIN history.cbs_vintages h ON h.table_id = c.table_id AND h.version = c.v
            WHERE h.version IS NULL"""), no_problems),
        # every combination of dimension codes a cell names is one of its table's
        ("dimension_sets_known", frame(con, """
            SELECT c.table_id || ': cells name dimension set ' || c.dims_id || ', which history.cbs_dimension_sets '
                   || 'lacks' AS problem
            FROM (SELECT DISTINCT table_id, dims_id FROM history.cbs_cells) c
            ANTI JOIN history.cbs_dimension_sets d USING (table_id, dims_id)
            LIMIT 100"""), no_problems),
        # the current intervals of a table are exactly the cells of its newest version
        ("current_matches_newest_version", frame(con, """
            WITH newest AS (SELECT table_id, arg_max(cells, valid_from) AS cells FROM history.cbs_vintages
                            GROUP BY table_id),
                 open AS (SELECT table_id, count(*) AS cells FROM history.cbs_cells WHERE to_version IS NULL
                          GROUP BY table_id)
            SELECT n.table_id || ': newest version has ' || n.cells || ' cells, the history '
                   || coalesce(o.cells, 0) || ' current ones' AS problem
            FROM newest n LEFT JOIN open o USING (table_id) WHERE coalesce(o.cells, 0) <> n.cells"""), no_problems),
        ("revisions", frame(con, """
            SELECT table_id || ' ' || measure || ' ' || period || ': '
                   || CASE WHEN revision_count < 1 THEN 'listed without a revision'
                           ELSE 'last revised before first published' END AS problem
            FROM marts.revisions WHERE revision_count < 1 OR last_revised <= first_published"""), no_problems),
    ]
