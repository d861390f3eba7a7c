"""`bbl fetch`: one path for every source, CBS and DUO alike:

    acquire (download into an immutable snapshot, or find it unchanged) -> load into the working
    warehouse -> run the source's quality suite -> publish $BBL_HOME/bbl.duckdb

A failed step leaves the previous snapshot and the published database as they were, and says which
step failed. The suite's results and the publication carry the same run id.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from bbl.http import FetchError
from bbl.provenance import record_source_status
from bbl.quality.suites import Suite, run_suite
from bbl.settings import Settings
from bbl.snapshot import Acquired, SnapshotError
from warehouse.store import Warehouse, WarehouseError

EXIT_OK, EXIT_FAILED = 0, 1


@dataclass(frozen=True)
class FetchTarget:
    """What one source brings to the fetch path."""

    command: str  # "bbl fetch cbs"
    source: str  # cbs | duo
    name: str  # table id or dataset
    acquire: Callable[[], Acquired]
    load: Callable[[duckdb.DuckDBPyConnection, Acquired], str | None]  # what was loaded; None: already held
    suite: Suite
    describe: Callable[[Acquired], str]  # what the acquisition did


def run_fetch(settings: Settings, target: FetchTarget, on_done: Callable[[], Any] = lambda: None) -> int:
    run_id = f"bbl-fetch-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    from bbl.quality.worker import validation_worker

    with validation_worker():  # GX imports in a worker process on the other core while we download and load
        return _fetch(settings, target, on_done, run_id, started)


def _fetch(settings: Settings, target: FetchTarget, on_done: Callable[[], Any], run_id: str, started: float) -> int:
    step = "fetch"
    try:
        acquired = target.acquire()
        on_done()
        print(target.describe(acquired))
        wh = Warehouse(settings.home, memory_limit=settings.duckdb_memory_limit)
        step = "load"
        with wh.connect() as con:
            loaded = target.load(con, acquired)
            record_source_status(con, target.source, target.name, acquired)  # reachable again: no longer stale
        if loaded is None:
            print(f"{target.name}: the warehouse already holds {acquired.snapshot_id}")
            if settings.published_db.exists():
                return EXIT_OK
        else:
            print(loaded)
        step = "quality suite"
        with wh.connect() as con:
            result, warnings = run_suite(con, target.suite, run_id)
        if not result.success:
            print(f"{target.command}: data-quality check failed, not published: {result.message()}", file=sys.stderr)
            print(f"  {settings.published_db} is unchanged; the failed data stays in the working database "
                  f"{settings.work_db} only", file=sys.stderr)
            return EXIT_FAILED
        print(f"{target.name}: {result.message()}")
        if warnings is not None and not warnings.success:
            print(f"{target.command}: warning (provisional periods, not blocking): {warnings.message()}", file=sys.stderr)
        step = "publish"
        path = wh.publish(run_id, settings.mode)
        print(f"published {path} (raw tables updated; run `bbl run` to rebuild the indicators from {target.name})")
    except (FetchError, SnapshotError, WarehouseError, ValueError) as exc:
        on_done()
        print(f"{target.command}: {target.name} failed at the {step} step after {time.monotonic() - started:.1f} s: "
              f"{exc}", file=sys.stderr)
        print(f"  the previous snapshot and {settings.published_db} are unchanged", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cbs_target(settings: Settings, table_id: str, api: str | None, row_filter: str | None,
               accept_schema_change: bool, on_progress: Callable[[Any], None]) -> FetchTarget:
    from bbl.cbs.source import acquire_cbs_snapshot, load_if_new
    from bbl.quality.suites import cbs_suite
    from bbl.registry import CbsTable, cbs_tables

    registered = {t.id: t for t in cbs_tables()}.get(table_id)
    table = registered or CbsTable(id=table_id, purpose="fetched with bbl fetch")

    def describe(acquired: Acquired) -> str:
        fetch = acquired.fetch
        if not fetch.changed:
            return (f"{table_id}: unchanged at the source (version {fetch.manifest.get('version')}); "
                    f"nothing downloaded, latest snapshot {fetch.snapshot_id}")
        return (f"{table_id}: fetched {fetch.rows:,} rows in {fetch.pages} pages ({fetch.bytes / 1e6:.1f} MB, "
                f"{fetch.retries} retries, api {fetch.api}) in {fetch.seconds:.1f} s -> {fetch.folder}")

    def load(con: duckdb.DuckDBPyConnection, acquired: Acquired) -> str | None:
        stats = load_if_new(con, acquired, settings)
        if stats is None:
            return None
        history = f"\n{table_id}: {stats.history.line()}" if stats.history else ""
        return (f"{table_id}: loaded {stats.observations:,} observations into raw.cbs_observations "
                f"({stats.seconds:.1f} s){history}")

    return FetchTarget(
        "bbl fetch cbs", "cbs", table_id,
        lambda: acquire_cbs_snapshot(settings, table_id, api=api or table.api,
                                     row_filter=row_filter if row_filter is not None else table.filter,
                                     accept_schema_change=accept_schema_change, on_progress=on_progress),
        load, cbs_suite(table), describe)


def duo_target(settings: Settings, dataset: str, resource: str | None) -> FetchTarget:
    from bbl.duo.source import acquire_duo_snapshot, load_duo_if_new
    from bbl.quality.suites import duo_suite
    from bbl.registry import DuoDataset, duo_datasets

    registered = {d.dataset: d for d in duo_datasets()}.get(dataset)
    ds = registered or DuoDataset(dataset, "fetched with bbl fetch", resource or ".csv")

    def describe(acquired: Acquired) -> str:
        fetch = acquired.fetch
        return f"{dataset}: {'fetched ' + str(fetch.files) + ' file(s)' if fetch.changed else 'unchanged'} -> {fetch.folder}"

    def load(con: duckdb.DuckDBPyConnection, acquired: Acquired) -> str | None:
        n = load_duo_if_new(con, acquired, settings)
        return None if n is None else f"{dataset}: loaded {n:,} rows into raw.duo_students_*"

    return FetchTarget("bbl fetch duo", "duo", dataset, lambda: acquire_duo_snapshot(settings, dataset, resource or ds.resource),
                       load, duo_suite(ds), describe)
