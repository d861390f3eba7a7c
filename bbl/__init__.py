"""bbl-stats' library: everything the pipeline does, without Dagster.

Layers (checked by import-linter in `make lint`): bbl ← warehouse ← assets ← checks ← pipelines.
Nothing here imports dagster or any layer above it.

* settings, http, snapshot, provenance, keys, duck, registry (sources.yaml), fingerprint, bundle
* cbs/ (ids, client, parse, load, source, catalog, suite), duo/ (client, load, suite),
  figures/ (the register: vocabulary, one builder per source file, build, load, suite)
* quality/ (the GX runner and the staging and mart suites), claims/ (the ledger), report/
"""
