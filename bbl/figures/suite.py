"""Suite for raw.published_figures: citation and qualifier on every row, numbers, unique ids, plausible amounts."""

from __future__ import annotations

import duckdb

from bbl.figures.vocabulary import QUALIFIERS, TOPICS
from bbl.quality.frames import frame

MAX_PER_PLACE = 2700  # Subsidieregeling praktijkleren art. 15


def register_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("figures", frame(con, """
            SELECT figure_id, topic, publisher, measure, period, value, unit, qualifier, citation_url, source_file
            FROM raw.published_figures"""),
         lambda gxe: [
             gxe.ExpectTableRowCountToBeBetween(min_value=1),
             gxe.ExpectColumnValuesToNotBeNull(column="figure_id"),
             gxe.ExpectColumnValuesToBeUnique(column="figure_id"),
             gxe.ExpectColumnValuesToNotBeNull(column="value"),
             gxe.ExpectColumnValuesToBeInSet(column="qualifier", value_set=list(QUALIFIERS)),
             gxe.ExpectColumnValuesToNotBeNull(column="citation_url"),
             gxe.ExpectColumnValuesToMatchRegex(column="citation_url", regex=r"^https?://\S+$"),
             gxe.ExpectColumnValuesToBeInSet(column="topic", value_set=list(TOPICS)),
             gxe.ExpectColumnValuesToNotBeNull(column="period"),
             gxe.ExpectColumnValuesToNotBeNull(column="source_file"),
         ]),
        # amounts per full place: 0 to the legal maximum; the documented sector extras come on top
        ("amounts_per_place", frame(con, """
            SELECT figure_id, value FROM raw.published_figures
            WHERE measure IN ('amount_per_full_place_eur', 'max_per_full_place_eur')"""),
         lambda gxe: [gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=MAX_PER_PLACE)]),
        ("extras_per_place", frame(con, """
            SELECT figure_id, value FROM raw.published_figures WHERE measure = 'extra_per_full_place_eur'"""),
         lambda gxe: [gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=MAX_PER_PLACE)]),
        ("counts", frame(con, """
            SELECT figure_id, value FROM raw.published_figures
            WHERE unit IN ('count', 'x 1 000', 'students (1 October)', 'new bbl students')"""),
         lambda gxe: [gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0)]),
    ]
