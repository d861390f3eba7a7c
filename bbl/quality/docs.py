"""Build Great Expectations Data Docs for the published warehouse: `make docs`.

    python -m bbl.quality.docs [--out gx]

Runs every suite of the code location against the published database (read-only) in a file-backed
GX context under ``gx/`` (git-ignored), with an UpdateDataDocsAction, and prints the index path.
It only reads the published copy, so it never blocks a pipeline run.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import duckdb

from bbl.duck import open_published
from bbl.settings import PROJECT_ROOT, Settings


def suites(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The frames of every suite the blocking checks run (bbl/quality/suites.py SUITES), by suite name."""
    from bbl.quality.suites import SUITES

    return {suite.name: suite.frames(con) for suite in SUITES}


def build(out_dir: Path, database: Path) -> Path:
    from bbl.quality.gx import as_pandas, gx_modules

    gx, gxe = gx_modules()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="file", project_root_dir=str(out_dir))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    con = open_published(database)
    try:
        all_suites = suites(con)
    finally:
        con.close()
    source = ctx.data_sources.add_or_update_pandas("bbl_published")
    for suite_name, frames in all_suites.items():
        for frame_name, df, build_expectations in frames:
            name = re.sub(r"[^A-Za-z0-9_]+", "_", f"{suite_name}__{frame_name}").strip("_")
            try:
                asset = source.get_asset(name)
            except LookupError:
                asset = source.add_dataframe_asset(name)
            try:
                batch_def = asset.get_batch_definition("all")
            except (KeyError, ValueError):
                batch_def = asset.add_batch_definition_whole_dataframe("all")
            suite = ctx.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=list(build_expectations(gxe))))
            vd = ctx.validation_definitions.add_or_update(gx.ValidationDefinition(name=name, data=batch_def, suite=suite))
            cp = ctx.checkpoints.add_or_update(gx.Checkpoint(
                name=name, validation_definitions=[vd], actions=[gx.checkpoint.UpdateDataDocsAction(name="docs")]))
            cp.run(batch_parameters={"dataframe": as_pandas(df)})
    index = out_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description="Build GX Data Docs for the published warehouse.")
    parser.add_argument("--out", default=str(PROJECT_ROOT), help="folder that gets a gx/ project (default: project)")
    args = parser.parse_args()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    database = Settings.from_env().published_db
    if not database.is_file():
        sys.exit(f"no published database at {database}: run `make run` first")
    print(build(Path(args.out), database))


if __name__ == "__main__":
    main()
