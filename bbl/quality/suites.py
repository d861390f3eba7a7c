"""The data-quality suites: which suite guards which asset, running one, and recording its result.

`SUITES` is the one list the Dagster checks (assets/quality.py), `bbl fetch` and `make docs` are
built from. A suite says WHAT to check (the frames and expectations in each source's suite module);
`run_suite` validates it with GX (bbl/quality/gx.py) and appends a row to quality.check_results.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from bbl import keys
from bbl.cbs.suite import WARN_PREFIX, observations_frames, reconciliation_frame
from bbl.duo.source import duo_table
from bbl.duo.suite import duo_frames
from bbl.figures.suite import register_frames
from bbl.history.suite import revisions_frames
from bbl.quality import marts
from bbl.quality.frames import no_problems
from bbl.quality.gx import Failure, SuiteResult, validate
from bbl.quality.marts import claim_checks_frames, claim_readings_frames, subsidy_per_place_frames
from bbl.quality.staging import (
    bbl_students_frames,
    cpi_yearly_frames,
    subsidy_amounts_frames,
    vacancies_frames,
)
from bbl.registry import CbsTable, DuoDataset, cbs_tables, duo_datasets

# CBS period statuses that mean "will be revised": a mismatch there is a warning, not an error
PROVISIONAL = {"Voorlopig", "NaderVoorlopig", "Nader voorlopig", "Revised", "unknown"}


@dataclass(frozen=True)
class Suite:
    """A GX suite and the asset it guards."""

    asset: keys.Path
    description: str
    frames: Callable[[duckdb.DuckDBPyConnection], list]
    # for a source: why it has no data (None when it has), so that a pending source is not shown as passing
    pending: Callable[[duckdb.DuckDBPyConnection], str | None] | None = None
    tables: tuple[str, ...] = ()  # the warehouse tables it reads (default: the asset's own table)
    source: tuple[str, str] | None = None  # (source, name) of a registered source's raw asset, e.g. ("cbs", "80472ned")

    @property
    def reads(self) -> tuple[str, ...]:
        return self.tables or (".".join(self.asset),)

    @property
    def warns(self) -> bool:
        """Whether some of its rules only warn (a stale source; CBS tables: provisional periods)."""
        return self.source is not None

    @property
    def name(self) -> str:
        return "_".join(self.asset)

    @property
    def asset_name(self) -> str:
        return keys.user_string(self.asset)


def record_result(con: duckdb.DuckDBPyConnection, run_id: str, asset: str, check: str, result: SuiteResult,
                  severity: str, tables: tuple[str, ...] = ()) -> None:
    failed = [{"frame": f.frame, "expectation": f.expectation, "column": f.column,
               "unexpected_count": f.unexpected_count, "sample": f.sample, "observed": f.observed}
              for f in result.failures]
    con.execute(
        "INSERT INTO quality.check_results VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS JSON), ?, ?, ?)",
        [run_id, asset, check, result.success, severity, result.evaluated, result.unsuccessful,
         json.dumps(failed, default=str), result.message()[:4000], datetime.now(UTC).replace(tzinfo=None),
         list(tables)],
    )


def run_suite(con: duckdb.DuckDBPyConnection, suite: Suite, run_id: str) -> tuple[SuiteResult, SuiteResult | None]:
    """Validate a suite against the warehouse ``con`` points at and record the results: the blocking
    rules as `gx_suite` (ERROR), the rules that only warn (frames named `warn: ...`) as
    `gx_suite_warnings` (WARN). A source without data gives a pending `gx_suite` result (WARN)."""
    reason = suite.pending(con) if suite.pending else None
    if reason is None:
        reason = as_of_empty(con, suite.reads)
    if reason is not None:
        result = SuiteResult(suite.asset_name, pending=reason)
        record_result(con, run_id, suite.asset_name, "gx_suite", result, "WARN", suite.reads)
        warnings = SuiteResult(f"{suite.asset_name} (warnings)", pending=reason) if suite.warns else None
        if warnings:
            record_result(con, run_id, suite.asset_name, "gx_suite_warnings", warnings, "WARN", suite.reads)
        return result, warnings
    frames = suite.frames(con)
    result = validate(suite.asset_name, [f for f in frames if not f[0].startswith(WARN_PREFIX)])
    record_result(con, run_id, suite.asset_name, "gx_suite", result, "ERROR", suite.reads)
    warnings = None
    if suite.warns:
        warnings = validate(f"{suite.asset_name} (warnings)", [f for f in frames if f[0].startswith(WARN_PREFIX)])
        stale = stale_reason(con, *suite.source) if suite.source else None
        if stale:
            warnings.evaluated += 1
            warnings.unsuccessful += 1
            warnings.failures.append(Failure("source", "source_reachable", None, None, [], stale))
        record_result(con, run_id, suite.asset_name, "gx_suite_warnings", warnings, "WARN", suite.reads)
    return result, warnings


def as_of_empty(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> str | None:
    """In an as-of build, why a suite's tables are empty: nothing they need was published by then."""
    row = con.execute("SELECT as_of FROM meta.as_of").fetchall()
    if not row or any(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables):
        return None
    return f"pending live data: nothing it needs was published by {row[0][0]} (as-of build)"


def _last_error(con: duckdb.DuckDBPyConnection, source: str, name: str) -> tuple[object, str] | None:
    rows = con.execute("SELECT stale_since, last_error FROM meta.source_status WHERE source = ? AND name = ? "
                       "AND last_error IS NOT NULL", [source, name]).fetchall()
    return rows[0] if rows else None


def stale_reason(con: duckdb.DuckDBPyConnection, source: str, name: str) -> str | None:
    """Why a source's data is stale (its last fetch failed), or None."""
    err = _last_error(con, source, name)
    return None if err is None else f"stale since {err[0]:%Y-%m-%d %H:%M} UTC, last error: {err[1]}"


def _pending(source: str, name: str, held_sql: str, hint: str) -> Callable[[duckdb.DuckDBPyConnection], str | None]:
    def pending(con: duckdb.DuckDBPyConnection) -> str | None:
        if con.execute(held_sql, [name]).fetchall()[0][0]:
            return None
        err = _last_error(con, source, name)
        return (f"no snapshot of {source.upper()} {name} is loaded: "
                + (f"the fetch failed ({err[1]})" if err else f"bundled mode without one; {hint}"))
    return pending


def _cbs_pending(table_id: str) -> Callable[[duckdb.DuckDBPyConnection], str | None]:
    return _pending("cbs", table_id, "SELECT count(*) FROM raw.cbs_tables WHERE table_id = ?",
                    f"run with BBL_MODE=live or `bbl fetch cbs {table_id}`")


def _duo_pending(dataset: str) -> Callable[[duckdb.DuckDBPyConnection], str | None]:
    return _pending("duo", dataset, "SELECT count(*) FROM meta.snapshots WHERE source = 'duo' AND table_id = ?",
                    f"run with BBL_MODE=live or `bbl fetch duo {dataset}`")


def reconcile(con: duckdb.DuckDBPyConnection, table_id: str, run_id: str) -> tuple[SuiteResult, str, int]:
    """Figures transcribed from StatLine against the API values of the same cells; (result, severity,
    figures compared). WARN where CBS marks the period provisional, ERROR otherwise."""
    asset = keys.user_string(keys.cbs(table_id))
    df = reconciliation_frame(con, table_id)
    result = validate(f"{asset} reconciliation", [("reconciliation", df, no_problems)])
    definitive = [status for status, problem in zip(df.column("status"), df.column("problem"), strict=True)
                  if problem is not None and status not in PROVISIONAL]
    severity = "ERROR" if definitive else "WARN"
    record_result(con, run_id, asset, "reconciliation", result, severity,
                  ("raw.published_figures", "raw.cbs_observations", "raw.cbs_measures", "raw.cbs_codes"))
    return result, severity, len(df)


def _empty_pending(table: str, needs: str) -> Callable[[duckdb.DuckDBPyConnection], str | None]:
    def pending(con: duckdb.DuckDBPyConnection) -> str | None:
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        return None if rows else f"{table} is empty: it needs {needs} (live mode)"
    return pending


def cbs_suite(table: CbsTable) -> Suite:
    """The suite of a CBS table (a table fetched with `bbl fetch` but not registered gets the generic rules)."""
    return Suite(
        keys.cbs(table.id),
        f"GX suite for {table.id} in raw.cbs_*: contract columns and types, keys not null and unique, CBS period "
        "codes, measures known to MeasureCodes, value present exactly when ValueAttribute is None, no gaps in "
        "yearly/quarterly/monthly series" + (f", and the table's own rules: {', '.join(table.checks)}"
                                              if table.checks else "") + ".",
        lambda con, t=table: observations_frames(con, t.id, t.checks),
        _cbs_pending(table.id),
        ("raw.cbs_tables", "raw.cbs_dimensions", "raw.cbs_codes", "raw.cbs_measures", "raw.cbs_observations"),
        ("cbs", table.id),
    )


def duo_suite(ds: DuoDataset) -> Suite:
    return Suite(
        keys.duo(ds.dataset),
        f"GX suite for DUO {ds.dataset}: keys present, counts >= 0, masked cells without a count, plausible years.",
        lambda con, d=ds: duo_frames(con, d.dataset),
        _duo_pending(ds.dataset),
        (duo_table(ds.dataset),),
        ("duo", ds.dataset),
    )


SUITES: list[Suite] = [
    *[cbs_suite(t) for t in cbs_tables()],
    *[duo_suite(d) for d in duo_datasets()],
    Suite(keys.FIGURES,
          "GX suite for the figures register: unique ids, a numeric value, a qualifier and a citation URL on "
          "every row, amounts per place between 0 and the EUR 2,700 maximum (extras too), counts >= 0.",
          register_frames),
    Suite(keys.table("staging.cpi_yearly"),
          "GX suite for staging.cpi_yearly: columns and types, unique years without gaps, CPI 20-300, "
          "yearly change -20..50 %, known statuses.", cpi_yearly_frames),
    Suite(keys.table("staging.subsidy_amounts"),
          "GX suite for staging.subsidy_amounts: studiejaar codes, unique (studiejaar, figure), amounts "
          "0-2,700.", subsidy_amounts_frames),
    Suite(keys.table("staging.vacancies"),
          "GX suite for staging.vacancies: year/quarter periods, unique cells, known measures, 0-5,000 "
          "thousand vacancies.", vacancies_frames),
    Suite(keys.table("staging.bbl_students"),
          "GX suite for staging.bbl_students: studiejaar codes, unique cells, counts 0-1,000,000, national "
          "bbl stock 2015-2025 between 90,000 and 175,000.", bbl_students_frames),
    Suite(keys.table("marts.subsidy_per_place"),
          "GX suite for marts.subsidy_per_place: one row per studiejaar, amounts 0-2,700, % of max 0-100, "
          "known statuses, every amount cited.", subsidy_per_place_frames),
    Suite(keys.table("marts.subsidy_budget"),
          "GX suite for marts.subsidy_budget: every figure once, with a qualifier and a citation; budgets and caps "
          "EUR 0-2 billion.", marts.subsidy_budget_frames),
    Suite(keys.table("marts.subsidy_cost_share"),
          "GX suite for marts.subsidy_cost_share: one row per studiejaar, share 0-100 %, and the share is the "
          "amount per place over the employer's cost.", marts.subsidy_cost_share_frames),
    Suite(keys.table("marts.bbl_students"),
          "GX suite for marts.bbl_students: unique (studiejaar, series), counts 0-1,000,000, a source on every "
          "row, exactly one preferred series per studiejaar.", marts.bbl_students_frames),
    Suite(keys.table("marts.bbl_technical_share"),
          "GX suite for marts.bbl_technical_share: unique (studiejaar, basis, definition), known vocabularies, "
          "share 0-100 %, and the share is technical over total students where computed.",
          marts.bbl_technical_share_frames),
    Suite(keys.table("marts.vacancies"),
          "GX suite for marts.vacancies: unique (period, scope), year/quarter periods, 0-5,000 thousand, and no "
          "part of the economy above the A-U total.", marts.vacancies_frames),
    Suite(keys.table("marts.vacancy_rate"),
          "GX suite for marts.vacancy_rate: unique (period, SBI), quarter periods (CBS: vacancies per 1,000 jobs "
          "at the end of the quarter), 0-300.", marts.vacancy_rate_frames,
          _empty_pending("marts.vacancy_rate", "CBS 80567ned")),
    Suite(keys.table("marts.vacancies_per_unemployed"),
          "GX suite for marts.vacancies_per_unemployed: one row per period, and the ratio is open vacancies over "
          "unemployed persons x 100.", marts.vacancies_per_unemployed_frames,
          _empty_pending("marts.vacancies_per_unemployed", "CBS 85224NED")),
    Suite(keys.table("marts.vakkrachten_share"),
          "GX suite for marts.vakkrachten_share: unique (period, scope), yearly periods, share 0-100 %, and the "
          "share is the letter's number over open vacancies.", marts.vakkrachten_share_frames),
    Suite(keys.INDICATORS,
          "GX suite for meta.indicators: unique names, title, unit, definition and sources on every row, and every "
          "mart documented.", marts.indicators_frames),
    Suite(keys.CLAIM_CHECKS,
          "GX suite for the claim ledger: one row per quote, Dutch explanation present, verdict, kind and direction "
          "from their vocabularies, requests and intentions not judged, a source URL on every claim, the claim on "
          "the letter's date and since when its verdict stands.",
          claim_checks_frames),
    Suite(keys.table("marts.revisions"),
          "GX suite for marts.revisions and the CBS history: a cell's intervals never overlap and at most one is "
          "current, the current cells are exactly the newest version's, every listed cell was revised after it "
          "was first published.", revisions_frames),
    Suite(keys.CLAIM_READINGS,
          "GX suite for the claim readings: unique (claim, reading), verdicts from the vocabulary, exactly one "
          "headline per claim and it agrees with the claim's verdict.", claim_readings_frames),
]


def suite_for(asset: keys.Path) -> Suite | None:
    return next((s for s in SUITES if s.asset == asset), None)
