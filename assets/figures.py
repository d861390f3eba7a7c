"""`raw/published_figures`: the register of published figures (data/figures/published_figures.csv),
built from the copied source files by bbl/figures/ and loaded by bbl/figures/load.py."""

import dagster as dg

from assets.keys import FIGURES
from assets.metadata import freshness, provenance_metadata, table_metadata
from assets.quality import checked_asset
from assets.resources import WAREHOUSE_POOL, BblResource
from bbl.figures.load import RegisterError, load_register, read_register
from bbl.history.figures import known_at
from bbl.provenance import provenance
from bbl.snapshot import SnapshotError


@checked_asset(
    key=FIGURES,
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
    if settings.as_of_date is not None:
        total = df.height
        df = known_at(df, settings.as_of_date)
        context.log.info(f"as of {settings.as_of}: {df.height} of {total} figures had been published by then "
                         "(the others were published later, or their source states no date)")
    with bbl.warehouse().connect() as con:
        n = load_register(con, manifest, df, "data/figures")
        meta = table_metadata(con, "raw.published_figures", order_by="figure_id")
    by_topic = df.group_by("topic").len().sort("topic")
    context.log.info(f"loaded {n} published figures from {manifest['snapshot_id']}")
    return dg.MaterializeResult(
        metadata={
            **meta,
            "figures_by_topic": dg.MetadataValue.json(dict(by_topic.iter_rows())),
            "status": "loaded",
            **provenance_metadata(provenance(manifest, folder, "bundled")),
        },
        data_version=dg.DataVersion(manifest["snapshot_id"]),
    )
