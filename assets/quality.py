"""The GX suites of bbl/quality/suites.py as blocking asset checks, evaluated in the step of the asset
they guard (`check_specs` on the asset, `MaterializeResult(check_results=...)`), as the Dagster
reference projects emit theirs.

A suite runs right after its asset has written its table, on a short warehouse connection of its own;
it appends a row to quality.check_results and yields an AssetCheckResult. An ERROR result fails the
step (Dagster: a failed blocking check), so no downstream asset runs and bbl.duckdb is not published;
its previous copy stays. A source without data gives a WARN result, "pending live data": not shown as
passing, and not blocking. Checks that need another asset's data (the reconciliation of transcribed
figures) are steps of their own in checks/.

One step per asset instead of one for the asset and one for its checks: each Dagster step costs about
0.15 s of events, pool claims and storage writes, and the bundled run has 23 suites.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import dagster as dg

from assets import keys
from assets.resources import BblResource
from bbl.quality.gx import SuiteResult
from bbl.quality.suites import SUITES, Suite, run_suite

SUITE_OF: dict[dg.AssetKey, Suite] = {keys.key(s.asset): s for s in SUITES}


def to_check_result(result: SuiteResult, severity: str = "ERROR", extra: dict[str, Any] | None = None,
                    check_name: str | None = None, asset_key: dg.AssetKey | None = None) -> dg.AssetCheckResult:
    """Adapter: a GX suite result as a Dagster asset check result."""
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=check_name,
        passed=result.success,
        severity=dg.AssetCheckSeverity(severity),
        description=result.message()[:4000],
        metadata={
            "evaluated": dg.MetadataValue.int(result.evaluated),
            "unsuccessful": dg.MetadataValue.int(result.unsuccessful),
            "rows": dg.MetadataValue.json(result.rows),
            "failed_expectations": dg.MetadataValue.json([
                {"frame": f.frame, "expectation": f.expectation, "column": f.column,
                 "unexpected_count": f.unexpected_count, "sample": f.sample[:10], "observed": f.observed}
                for f in result.failures
            ]),
            "summary": dg.MetadataValue.md(result.markdown()),
            "status": "pending live data" if result.pending else "checked",
            **(extra or {}),
        },
    )


def suite_check_specs(*asset_keys: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    """`gx_suite` (blocking) for each asset that has a suite, and for sources also `gx_suite_warnings`,
    the rules that only warn (a stale source, provisional periods, cells whose Decimals the metadata does
    not state)."""
    specs = []
    for key in asset_keys:
        suite = SUITE_OF.get(key)
        if suite is None:
            continue
        specs.append(dg.AssetCheckSpec("gx_suite", asset=key, blocking=True, description=suite.description))
        if suite.warns:
            specs.append(dg.AssetCheckSpec(
                "gx_suite_warnings", asset=key, blocking=False,
                description=f"The rules of {suite.asset_name} that only warn: the source could not be reached (the "
                "last good snapshot is used, stale since ...), problems in provisional periods (CBS status other "
                "than Definitief) and where the metadata does not state a cell's Decimals."))
    return specs


def _log(context: dg.AssetExecutionContext, results: list[tuple[SuiteResult, str]]) -> None:
    """One log message for a step's suites (each message is an event the run stores), at the most severe
    level of them; a suite pending for the reason a suite before it gave is not repeated."""
    levels = [0 if r.success else 1 if r.pending or failing == "WARN" else 2 for r, failing in results]
    lines = [r.message()[:2000] for i, (r, _) in enumerate(results)
             if r.pending is None or r.pending not in {p.pending for p, _ in results[:i]}]
    (context.log.info, context.log.warning, context.log.error)[max(levels)]("\n".join(lines))


def suite_check_results(context: dg.AssetExecutionContext, bbl: BblResource,
                        key: dg.AssetKey) -> list[dg.AssetCheckResult]:
    """Run the suite that guards ``key`` (none: no results) and return its check results."""
    suite = SUITE_OF.get(key)
    if suite is None:
        return []
    with bbl.warehouse().connect() as con:
        result, warnings = run_suite(con, suite, context.run.run_id)
    checks = [to_check_result(result, "WARN" if result.pending else "ERROR", check_name="gx_suite", asset_key=key)]
    logged = [(result, "ERROR")]
    if warnings is not None:
        logged.append((warnings, "WARN"))
        checks.append(to_check_result(warnings, "WARN", check_name="gx_suite_warnings", asset_key=key))
    _log(context, logged)
    return checks


def checked_asset(*, key: dg.AssetKey, **asset_args: Any) -> Callable[[Callable[..., dg.MaterializeResult]],
                                                                        dg.AssetsDefinition]:
    """``@dg.asset(key=key, ...)`` whose step also runs the asset's suite after the compute function
    returned its MaterializeResult (the function takes ``context`` and ``bbl``)."""

    def decorate(fn: Callable[..., dg.MaterializeResult]) -> dg.AssetsDefinition:
        @functools.wraps(fn)
        def compute(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
            result = fn(context, bbl)
            return result._replace(check_results=[*(result.check_results or []),
                                                  *suite_check_results(context, bbl, key)])

        return dg.asset(key=key, check_specs=suite_check_specs(key), **asset_args)(compute)

    return decorate
