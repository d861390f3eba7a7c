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
                SELECT table_id, measure, period, dimensions, valid_from, valid_to,
                       lead(valid_from) OVER (PARTITION BY table_id, measure, period, dimensions
                                              ORDER BY valid_from) AS next_from
                FROM history.cbs_observations)
            SELECT table_id || ' ' || measure || ' ' || period || ' ' || CAST(dimensions AS VARCHAR) || ': '
                   || CASE WHEN valid_to IS NOT NULL AND valid_to <= valid_from THEN 'interval ends before it starts'
                           WHEN valid_to IS NULL AND next_from IS NOT NULL THEN 'two current values'
                           ELSE 'intervals overlap' END AS problem
            FROM ordered
            WHERE (valid_to IS NOT NULL AND valid_to <= valid_from)
               OR (next_from IS NOT NULL AND (valid_to IS NULL OR next_from < valid_to))
            LIMIT 100"""), no_problems),
        # the current intervals of a table are exactly the cells of its newest version
        ("current_matches_newest_version", frame(con, """
            WITH newest AS (SELECT table_id, arg_max(cells, valid_from) AS cells FROM history.cbs_vintages
                            GROUP BY table_id),
                 open AS (SELECT table_id, count(*) AS cells FROM history.cbs_observations WHERE valid_to IS NULL
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
