"""`publish/report`: the claim ledger and its indicators as one self-contained HTML page (Dutch) and
a markdown twin, rebuilt from the published database after every run (`bbl report` rebuilds it).
Rendering: bbl/report/."""

import time

import dagster as dg

from assets import keys
from assets.resources import WAREHOUSE_POOL, BblResource
from bbl.report.build import build_report


@dg.asset(
    key=keys.REPORT,
    deps=[keys.ANALYST_DATABASE],
    group_name="publish",
    kinds={"html", "matplotlib"},
    pool=WAREHOUSE_POOL,
    description="The claim ledger and its charts as one self-contained HTML page in Dutch (inline SVG, nothing "
    "loaded at view time) and a markdown twin, built from the published database: $BBL_HOME/reports/.",
)
def report(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    settings = bbl.settings()
    started = time.monotonic()
    files = build_report(settings.published_db, settings.home / "reports")
    reused = len(files.charts) - files.drawn
    context.log.info(f"report: {files.html} ({time.monotonic() - started:.1f} s; charts: {files.drawn} drawn, "
                     f"{reused} unchanged since the last report)")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(files.html)),
        "markdown": dg.MetadataValue.path(str(files.markdown)),
        "charts": dg.MetadataValue.int(len(files.charts)),
        "charts_drawn": dg.MetadataValue.int(files.drawn),
        "size_bytes": dg.MetadataValue.int(files.html.stat().st_size),
    })
