"""Adapter: a GX suite result (bbl/quality/gx.py) as a Dagster asset check result."""

from __future__ import annotations

from typing import Any

import dagster as dg

from bbl.quality.gx import SuiteResult


def to_check_result(result: SuiteResult, severity: str = "ERROR", extra: dict[str, Any] | None = None,
                    check_name: str | None = None) -> dg.AssetCheckResult:
    """Adapter: a GX suite result as a Dagster asset check result."""
    return dg.AssetCheckResult(
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
