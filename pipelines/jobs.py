"""Jobs of the code location."""

from __future__ import annotations

import dagster as dg

# The whole pipeline: every source, staging, marts, the claim ledger and publication.
all_assets_job = dg.define_asset_job(
    name="bbl_all",
    selection=dg.AssetSelection.all(),
    description="Materialize every asset (all sources, staging, marts, claims) and publish the analyst database.",
)

jobs = [all_assets_job]
