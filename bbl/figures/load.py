"""The figures register in the warehouse: verify its snapshot and its source files, validate every
row (a malformed row stops the load naming the figure id and the column), and load raw.published_figures."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from bbl.duck import insert_frame, transaction
from bbl.figures.vocabulary import QUALIFIERS, REGISTER_COLUMNS, SOURCE_KINDS
from bbl.history.figures import apply_register
from bbl.provenance import record_snapshot
from bbl.snapshot import SnapshotError, load_manifest, one_file, sha256_file, verify_snapshot

REQUIRED = ("figure_id", "topic", "publisher", "measure", "period", "value", "unit", "qualifier", "citation_url",
            "source_file", "source_excerpt", "source_kind", "primary_publisher")


class RegisterError(ValueError):
    """A row of the figures register is unusable."""


def read_register(folder: Path, data_dir: Path) -> tuple[dict[str, Any], pl.DataFrame]:
    """Verify the register snapshot and its source files (paths relative to ``data_dir``); return
    (manifest, validated frame with a float `value`)."""
    manifest = load_manifest(folder)
    verify_snapshot(folder, manifest)
    for src in manifest.get("sources", []):
        path = data_dir / src["path"]
        if not path.is_file() or sha256_file(path) != src["sha256"]:
            raise SnapshotError(
                f"snapshot {manifest['snapshot_id']}: source file data/{src['path']} is missing or changed since the "
                "register was built; run `python -m bbl.bundle`"
            )
    path = folder / one_file(manifest, "register")
    df = pl.read_csv(path, infer_schema=False).fill_null("")
    return manifest, validate_register(df)


def validate_register(df: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in REGISTER_COLUMNS if c not in df.columns]
    if missing:
        raise RegisterError(f"register lacks columns {missing}")
    problems: list[str] = []
    values: list[float] = []
    for row in df.iter_rows(named=True):
        fid = row["figure_id"] or "<no figure_id>"
        for col in REQUIRED:
            if not (row[col] or "").strip():
                problems.append(f"{fid}: empty {col}")
        try:
            value = float(row["value"])
            if not math.isfinite(value):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"{fid}: value {row['value']!r} is not a number")
            value = float("nan")
        values.append(value)
        if row["qualifier"] not in QUALIFIERS:
            problems.append(f"{fid}: qualifier {row['qualifier']!r} not in {QUALIFIERS}")
        if row["source_kind"] not in SOURCE_KINDS:
            problems.append(f"{fid}: source_kind {row['source_kind']!r} not in {SOURCE_KINDS}")
        if not (row["citation_url"] or "").startswith(("https://", "http://")):
            problems.append(f"{fid}: citation_url {row['citation_url']!r} is not a URL")
        try:
            labels = json.loads(row["labels"] or "{}")
            if not isinstance(labels, dict):
                raise ValueError
        except ValueError:
            problems.append(f"{fid}: labels {row['labels']!r} is not a JSON object")
    dupes = df.group_by("figure_id").len().filter(pl.col("len") > 1)["figure_id"].to_list()
    problems += [f"{d}: figure_id is not unique" for d in dupes]
    if problems:
        shown = "; ".join(problems[:10])
        raise RegisterError(f"{len(problems)} problem(s) in the figures register: {shown}")
    return df.with_columns(pl.Series("value", values, dtype=pl.Float64))


def load_register(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], df: pl.DataFrame, display: str) -> int:
    sid = manifest["snapshot_id"]
    with transaction(con):
        con.execute("DELETE FROM raw.published_figures")
        insert_frame(
            con, "raw.published_figures", df.with_columns(pl.lit(sid).alias("snapshot_id")),
            select="""* REPLACE (
                CAST(json_transform(labels, '"MAP(VARCHAR, VARCHAR)"') AS MAP(VARCHAR, VARCHAR)) AS labels,
                nullif(source_table_id, '') AS source_table_id,
                CAST(nullif(date_published, '') AS DATE) AS date_published,
                nullif(date_published_basis, '') AS date_published_basis)""",
        )
        con.execute("DELETE FROM meta.snapshots WHERE source = 'figures'")
        record_snapshot(con, manifest, display, df.height)
        apply_register(con, sid, datetime.now(UTC).replace(tzinfo=None))
    return df.height
