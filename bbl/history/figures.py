"""The register of published figures over time, on two clocks.

* Publication: a figure is valid from its ``date_published`` (00:00 of that day; the date is the last
  day the source's own words allow, bbl/figures/dates.py) until a final figure supersedes it: a figure
  that is not a forecast, of the same topic, measure, period and category, published later.
* Record: which register snapshots held the row. A corrected transcription is a new row; the old one
  gets ``recorded_to``. An unchanged row is not stored again.

``known_at`` is the one rule for "what had been published by a date", used by as-of builds and
mirrored by the ``history.figures_as_of`` macro.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import duckdb
import polars as pl

from bbl.history.intervals import Diff, apply_version

KEYS = ["figure_id"]
VALUES = ["topic", "measure", "labels", "period", "value", "unit", "qualifier", "date_published", "valid_from",
          "valid_to", "superseded_by"]


def _category(labels: str) -> str:
    try:
        return str(json.loads(labels or "{}").get("category", ""))
    except ValueError:
        return ""


def with_supersession(df: pl.DataFrame) -> pl.DataFrame:
    """The register with ``superseded_by`` (figure_id) and the date it was superseded, for forecasts."""
    rows = df.select("figure_id", "topic", "measure", "period", "labels", "qualifier", "date_published").to_dicts()
    finals: dict[tuple[str, str, str, str], list[tuple[str, str]]] = {}
    for r in rows:
        if r["qualifier"] != "forecast" and r["date_published"]:
            key = (r["topic"], r["measure"], r["period"], _category(r["labels"]))
            finals.setdefault(key, []).append((str(r["date_published"]), r["figure_id"]))
    by, until = [], []
    for r in rows:
        hit = None
        if r["qualifier"] == "forecast":
            key = (r["topic"], r["measure"], r["period"], _category(r["labels"]))
            later = sorted(f for f in finals.get(key, []) if not r["date_published"] or f[0] > str(r["date_published"]))
            hit = later[0] if later else None
        by.append(hit[1] if hit else None)
        until.append(hit[0] if hit else None)
    return df.with_columns(pl.Series("superseded_by", by, dtype=pl.Utf8),
                           pl.Series("superseded_on", until, dtype=pl.Utf8))


def known_at(df: pl.DataFrame, day: date) -> pl.DataFrame:
    """The figures published on or before ``day`` and not superseded by then (figures without a
    publication date are left out: nothing says they were known)."""
    iso = day.isoformat()
    marked = with_supersession(df)
    published = pl.col("date_published").cast(pl.Utf8)
    return marked.filter(
        published.is_not_null() & (published != "") & (published <= iso)
        & (pl.col("superseded_on").is_null() | (pl.col("superseded_on") > iso))
    ).drop("superseded_by", "superseded_on")


def apply_register(con: duckdb.DuckDBPyConnection, snapshot_id: str, recorded_at: datetime) -> Diff:
    """Add the register now in raw.published_figures to history.published_figures (caller's transaction)."""
    register = con.sql("SELECT figure_id, topic, measure, period, CAST(labels AS JSON)::VARCHAR AS labels, "
                       "qualifier, CAST(date_published AS VARCHAR) AS date_published FROM raw.published_figures").pl()
    marked = with_supersession(register).select("figure_id", "superseded_by", "superseded_on")
    con.register("_bbl_supersession", marked)
    try:
        return apply_version(
            con, "history.published_figures", {}, KEYS, VALUES,
            "SELECT f.figure_id, topic, measure, labels, period, value, unit, qualifier, date_published, "
            "CAST(date_published AS TIMESTAMP) AS valid_from, CAST(s.superseded_on AS TIMESTAMP) AS valid_to, "
            "s.superseded_by FROM raw.published_figures f JOIN _bbl_supersession s USING (figure_id)",
            [], recorded_at, snapshot_id, clock=("recorded_from", "recorded_to", None),
        )
    finally:
        con.unregister("_bbl_supersession")
