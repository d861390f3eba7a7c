"""`raw/published_figures`: the register of published figures (data/figures/published_figures.csv).

The register is built from the copied source files by assets/figures_register.py; this asset
checks its manifest (the register's and every source file's sha256), validates each row and
loads it. A malformed row stops the run with the figure id and the column named.
"""


import json
import math
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl

from assets.cbs import freshness
from assets.figures_register import QUALIFIERS, REGISTER_COLUMNS
from assets.metadata import table_metadata
from ingest.cbs_load import record_snapshot
from ingest.snapshot import SnapshotError, load_manifest, one_file, sha256_file, verify_snapshot
from pipelines.resources import WAREHOUSE_POOL, BblResource
from warehouse.store import insert_frame

REQUIRED = ("figure_id", "topic", "publisher", "measure", "period", "value", "unit", "qualifier", "citation_url",
            "source_file", "source_excerpt")


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
                "register was built; run `python -m ingest.bundle`"
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
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM raw.published_figures")
        insert_frame(
            con, "raw.published_figures", df.with_columns(pl.lit(sid).alias("snapshot_id")),
            select="""* REPLACE (
                CAST(json_transform(labels, '"MAP(VARCHAR, VARCHAR)"') AS MAP(VARCHAR, VARCHAR)) AS labels,
                nullif(source_table_id, '') AS source_table_id)""",
        )
        con.execute("DELETE FROM meta.snapshots WHERE source = 'figures'")
        record_snapshot(con, manifest, display, df.height)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return df.height


@dg.asset(
    key=["raw", "published_figures"],
    group_name="sources",
    kinds={"duckdb", "csv"},
    pool=WAREHOUSE_POOL,
    description=(
        "The register of published figures (RVO/OCW subsidy amounts and budgets, the regulation's cap, CBS "
        "figures transcribed from StatLine, bbl student counts, MBO Raad inflow, SEO 2019), one uniform shape, "
        "every row with its citation URL and a verbatim excerpt of its source file."
    ),
    tags={"source": "figures"},
    freshness_policy=freshness("yearly"),
)
def published_figures(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    settings = bbl.settings()
    folder = settings.data_dir / "figures"
    try:
        manifest, df = read_register(folder, settings.data_dir)
    except (SnapshotError, RegisterError) as exc:
        raise dg.Failure(f"raw/published_figures: {exc}") from exc
    with bbl.warehouse().connect() as con:
        n = load_register(con, manifest, df, "data/figures")
        meta = table_metadata(con, "raw.published_figures", order_by="figure_id")
    by_topic = df.group_by("topic").len().sort("topic")
    context.log.info(f"loaded {n} published figures from {manifest['snapshot_id']}")
    return dg.MaterializeResult(
        metadata={
            **meta,
            "figures_by_topic": dg.MetadataValue.json(dict(by_topic.iter_rows())),
            "snapshot/id": manifest["snapshot_id"],
            "snapshot/path": dg.MetadataValue.path(str(folder)),
            "snapshot/sha256": dg.MetadataValue.json({e["path"]: e["sha256"] for e in manifest["files"]}),
            "source_files": len(manifest.get("sources", [])),
        },
        data_version=dg.DataVersion(manifest["snapshot_id"]),
    )
