"""Load a CBS snapshot folder into the ``raw.cbs_*`` tables.

Small pure functions parse the metadata responses (Properties, Dimensions, {Dim}Codes,
MeasureCodes); the observation pages are read by DuckDB straight from disk, so memory stays flat
however large the table. One transaction replaces everything the warehouse holds for the table:
a failure leaves the previous load in place. The cells go to the history store only
(history.cbs_cells); raw.cbs_observations is a view of the version in use.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from bbl.cbs.ids import validate_table_id
from bbl.cbs.parse import (
    dimension_sets_sql,
    parse_v3_codes,
    parse_v3_dataproperties,
    parse_v4_codes,
    parse_v4_dimensions,
    parse_v4_measures,
    split_value_arrays,
    v3_observations_sql,
    v4_observations_sql,
)
from bbl.cbs.stage import Staged
from bbl.duck import insert_rows, transaction
from bbl.history.cbs import (
    KEYS,
    VALUES,
    VintageResult,
    apply_cbs_vintage,
    dimension_ids,
    forget_table,
    publication_time,
    register_dimension_sets,
    version_cells,
)
from bbl.provenance import record_snapshot
from bbl.snapshot import SnapshotError, files_with_role, load_manifest, one_file, verify_snapshot

log = logging.getLogger(__name__)
CELL_COLUMNS = ", ".join([*KEYS, *VALUES])

# raw.cbs_observations is a view over the history (warehouse/schema.sql): it follows raw.cbs_tables
RAW_CBS_TABLES = ("raw.cbs_tables", "raw.cbs_dimensions", "raw.cbs_codes", "raw.cbs_measures")


@dataclass(frozen=True)
class LoadStats:
    table_id: str
    snapshot_id: str
    observations: int
    codes: int
    measures: int
    dimensions: int
    seconds: float
    history: VintageResult | None = None  # the version in the history: what it changed


def _read_json(folder: Path, rel: str, sid: str) -> dict[str, Any]:
    try:
        doc = json.loads((folder / rel).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"snapshot {sid}: {rel} is not readable JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise SnapshotError(f"snapshot {sid}: {rel} is not a JSON object")
    return doc


# ----------------------------------------------------------------------------------------------
# the load
# ----------------------------------------------------------------------------------------------

def _parse(folder: Path, manifest: dict[str, Any], scratch: Path, staged: Staged | None = None) -> tuple[
        list[dict[str, str]], list[dict[str, Any]], list[dict[str, Any]], str, str]:
    """(dimensions, codes, measures, the SQL that reads the observation pages as history cells, the SQL of
    their distinct dimension MAPs) of a snapshot; the pages are read from ``staged`` if the fetch already
    parsed them."""
    sid, api = manifest["snapshot_id"], manifest.get("api")
    if api not in ("v4", "v3"):
        raise SnapshotError(f"snapshot {sid}: api {api!r} is not supported by this loader")
    codes: list[dict[str, Any]] = []
    if api == "v4":
        dims = parse_v4_dimensions(_read_json(folder, one_file(manifest, "dimensions"), sid))
        measures = parse_v4_measures(_read_json(folder, one_file(manifest, "measures"), sid))
        parse_codes = parse_v4_codes
    else:
        dims, measures = parse_v3_dataproperties(_read_json(folder, one_file(manifest, "dimensions"), sid))
        parse_codes = parse_v3_codes
    for d in dims:
        for rel in files_with_role(manifest, f"codes:{d['dimension']}"):
            codes.extend(parse_codes(_read_json(folder, rel, sid), d["dimension"]))
    pages = [folder / rel for rel in files_with_role(manifest, "observations")]
    if not pages:
        raise SnapshotError(f"snapshot {sid}: no observation pages")
    ids = dimension_ids(validate_table_id(manifest["table_id"]))
    files: list[Path] = []
    array_form, source = False, None
    if staged is not None and staged.unusable is None and staged.matches(manifest):
        source = staged.source_sql()
    else:
        arrays = split_value_arrays(pages, scratch)
        files, array_form = (arrays, True) if arrays is not None else (pages, False)
    cells_sql = (v4_observations_sql(files, dims, array_form, source, ids) if api == "v4"
                 else v3_observations_sql(files, dims, measures, array_form, source, ids))
    sets_sql = dimension_sets_sql(files, dims, measures, api, array_form, source)
    return dims, codes, measures, f"SELECT {CELL_COLUMNS} FROM ({cells_sql})", sets_sql


def load_cbs_snapshot(
    con: duckdb.DuckDBPyConnection, folder: Path, manifest: dict[str, Any], display_path: str, verify: bool = True,
    staged: Staged | None = None,
) -> LoadStats:
    """Verify the snapshot, then replace the table's rows in the ``raw.cbs_*`` tables and add the version
    to the history, in one transaction. The cells are written once, to history.cbs_cells (a version that
    changes nothing adds nothing); raw.cbs_observations is a view of the version raw.cbs_tables names.
    ``staged``: the observation pages as the fetch in this process parsed them (bbl/cbs/stage.py), read
    instead of parsing the pages again."""
    started = time.monotonic()
    table_id = validate_table_id(manifest["table_id"])
    if verify:
        verify_snapshot(folder, manifest)
    scratch = Path(tempfile.mkdtemp(prefix="bbl-load-"))
    try:
        dims, codes, measures, cells_sql, sets_sql = _parse(folder, manifest, scratch, staged)
        return _load(con, manifest, folder, table_id, dims, codes, measures, (cells_sql, sets_sql), display_path,
                     started)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def replay_history(con: duckdb.DuckDBPyConnection, table_id: str, folders: list[Path]) -> list[VintageResult]:
    """Rebuild a table's history from snapshot folders, in CBS's publication order (inside the caller's
    transaction). Folders that are gone are skipped with a warning: their versions leave the history."""
    known = [Path(p) for p in forget_table(con, table_id)]
    vintages = []
    for folder in {f.resolve(): f for f in [*known, *folders]}.values():
        if not (folder / "manifest.json").is_file():
            log.warning("history of %s: snapshot folder %s is gone; its version leaves the history", table_id, folder)
            continue
        manifest = load_manifest(folder)
        vintages.append((publication_time(folder, manifest).valid_from, manifest["date_accessed"], folder, manifest))
    results = []
    for _, _, folder, manifest in sorted(vintages, key=lambda v: (v[0], v[1])):
        scratch = Path(tempfile.mkdtemp(prefix="bbl-replay-"))
        try:
            _, _, _, cells_sql, sets_sql = _parse(folder, manifest, scratch)
            register_dimension_sets(con, table_id, sets_sql)
            results.append(apply_cbs_vintage(con, folder, manifest, str(folder), cells_sql, [], allow_replay=False))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


def _load(
    con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], folder: Path, table_id: str,
    dims: list[dict[str, str]], codes: list[dict[str, Any]], measures: list[dict[str, Any]], sql: tuple[str, str],
    display_path: str, started: float,
) -> LoadStats:
    sid, api = manifest["snapshot_id"], manifest["api"]
    key = {"table_id": table_id, "snapshot_id": sid}
    phases: dict[str, float] = {}
    mark = time.monotonic()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        phases[name] = now - mark
        mark = now

    with transaction(con):
        for table in RAW_CBS_TABLES:
            con.execute(f"DELETE FROM {table} WHERE table_id = ?", [table_id])
        for name, rows in (("raw.cbs_dimensions", dims), ("raw.cbs_codes", codes), ("raw.cbs_measures", measures)):
            insert_rows(con, name, rows, **key)
        # the cells are written once, to the history; raw.cbs_observations is a view of the version in use
        cells_sql, sets_sql = sql
        try:
            register_dimension_sets(con, table_id, sets_sql)
            vintage = apply_cbs_vintage(con, folder, manifest, str(folder.resolve()), cells_sql, [])
        except duckdb.Error as exc:
            raise SnapshotError(f"snapshot {sid}: observation pages could not be read: {exc}") from exc
        if vintage.replay_needed:
            log.info("%s: %s was published before the newest version in the history: replaying the table's "
                     "history in publication order", table_id, sid)
            vintage = next(v for v in replay_history(con, table_id, [folder]) if v.snapshot_id == sid)
        phase("history")
        n_obs = version_cells(con, table_id, sid) if vintage.diff is None else vintage.diff.cells
        expected = manifest.get("row_count")
        if expected is not None and api == "v3":
            expected *= len(measures)  # a v3 row holds one value per topic
        if expected is not None and n_obs != expected:
            raise SnapshotError(f"snapshot {sid}: {n_obs} observations loaded, the manifest announces {expected}")
        con.execute(
            "INSERT INTO raw.cbs_tables BY NAME SELECT ? AS table_id, ? AS snapshot_id, ? AS title, ? AS modified, "
            "? AS version, ? AS retrieved_at, ? AS source_url, ? AS api, ? AS row_filter, ? AS row_count, ? AS license",
            [table_id, sid, manifest["title"], manifest.get("modified"), manifest.get("version"),
             manifest["date_accessed"], manifest["url"], manifest["api"], manifest.get("row_filter"), n_obs,
             manifest["license"]["name"]],
        )
        record_snapshot(con, manifest, display_path, n_obs)
        phase("tables")
    phase("commit")
    log.info("%s: loaded %s in %s", table_id, sid, ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    return LoadStats(table_id, sid, int(n_obs), len(codes), len(measures), len(dims), time.monotonic() - started,
                     vintage)
