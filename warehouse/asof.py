"""The claim ledger as it could have been computed on a date, built in memory in this process.

`marts.claim_checks.computed_at_letter_date` needs the ledger on the letter's date in every run. This
builds a throw-away DuckDB database from what had been published by then (bbl.history.asof: the CBS
and DUO versions in force, the register figures dated on or before the day), rebuilds staging and
marts from the same SQL files the assets use, in BUILD_ORDER, and computes the ledger. `bbl run
--as-of DATE` does the same through Dagster (with the GX checks and a publication); a test keeps the
two equal, and another keeps BUILD_ORDER in step with the asset graph.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb
import polars as pl

from bbl.cbs.load import load_cbs_snapshot
from bbl.claims.ledger import compute_ledger, load_claims, read_inputs
from bbl.duo.load import load_duo_snapshot
from bbl.figures.load import load_register, read_register
from bbl.history.asof import snapshot_as_of
from bbl.history.figures import known_at
from bbl.indicators import vakkrachten_claimed
from bbl.registry import cbs_tables, duo_datasets
from bbl.settings import Settings
from bbl.snapshot import display_path, load_manifest
from warehouse.store import ensure_warehouse, read_sql, record_as_of

# staging and marts in an order that respects their dependencies (assets/staging.py, assets/marts.py)
BUILD_ORDER: list[tuple[str, Callable[[], dict[str, Any]] | None]] = [
    ("staging.cpi_yearly", None),
    ("staging.subsidy_amounts", None),
    ("staging.vacancies", None),
    ("staging.bbl_students", None),
    ("marts.subsidy_per_place", None),
    ("marts.subsidy_budget", None),
    ("marts.subsidy_cost_share", None),
    ("marts.bbl_students", None),
    ("marts.bbl_technical_share", None),
    ("marts.vacancies", None),
    ("marts.vacancy_rate", None),
    ("marts.vacancies_per_unemployed", None),
    ("marts.vakkrachten_share", vakkrachten_claimed),
]


def build_as_of(settings: Settings, day: date) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse holding what had been published by the end of ``day`` (Dutch time)."""
    home = settings.archive or settings.home
    s = dataclasses.replace(settings, mode="bundled", as_of=day.isoformat(), home=home / f"asof-{day.isoformat()}")
    con = duckdb.connect(":memory:")
    ensure_warehouse(con)
    record_as_of(con, s.as_of)
    for table in cbs_tables():
        folder = snapshot_as_of(s, "cbs", table.id, day)
        if folder is not None:
            load_cbs_snapshot(con, folder, load_manifest(folder), display_path(folder, s))
    for ds in duo_datasets():
        folder = snapshot_as_of(s, "duo", ds.dataset, day)
        if folder is not None:
            load_duo_snapshot(con, folder, load_manifest(folder), display_path(folder, s))
    manifest, register = read_register(s.data_dir / "figures", s.data_dir)
    load_register(con, manifest, known_at(register, day), "data/figures")
    for table, params in BUILD_ORDER:
        schema, name = table.split(".")
        con.execute(f"INSERT INTO {table} BY NAME {read_sql(f'{schema}/{name}.sql')}", params() if params else {})
    return con


def ledger_as_of(settings: Settings, day: date) -> pl.DataFrame:
    """The claim ledger (marts.claim_checks' computed columns) from what was published by ``day``."""
    con = build_as_of(settings, day)
    try:
        claims = load_claims()
        ledger, _ = compute_ledger(claims, read_inputs(con, claims))
    finally:
        con.close()
    return ledger
