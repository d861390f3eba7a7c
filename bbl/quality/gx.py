"""Great Expectations, run the way this stack allows: pandas batches, an ephemeral context, lazy import.

GX's SQL datasource fails on DuckDB and dagster-ge needs GX < 1.0, so suites validate pandas frames
read from DuckDB, in an ephemeral context (nothing written to disk), with progress bars and
analytics off. GX is imported on first use only, so loading the Dagster definitions stays fast.

`validate` runs a suite (a list of (frame name, frame, expectations); a frame is a query's `Columns`
or a pandas frame) and returns a
`SuiteResult` whose message names each failed expectation, its column, and a sample of the offending
values; assets/quality.py turns it into a Dagster `AssetCheckResult`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

_LOCK = threading.Lock()
_CONTEXT: Any = None


def gx_modules() -> tuple[Any, Any]:
    """(great_expectations, great_expectations.expectations), imported on first use."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx, gxe


def warm() -> None:
    """Import GX and build its context now (in this thread)."""
    with _LOCK:
        _context()


def _context() -> Any:
    global _CONTEXT
    if _CONTEXT is None:
        gx, _ = gx_modules()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        ctx = gx.get_context(mode="ephemeral")
        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
        _CONTEXT = ctx
    return _CONTEXT


@dataclass(frozen=True)
class Failure:
    frame: str
    expectation: str
    column: str | None
    unexpected_count: int | None
    sample: list[Any]
    observed: Any = None

    def sentence(self) -> str:
        where = f"{self.frame}.{self.column}" if self.column else self.frame
        if self.sample:
            shown = ", ".join(repr(v) for v in self.sample[:5])
            count = f"{self.unexpected_count} value(s)" if self.unexpected_count is not None else "values"
            return f"{where}: {self.expectation} failed for {count}, e.g. {shown}"
        if self.observed is not None:
            return f"{where}: {self.expectation} failed (observed {self.observed!r})"
        return f"{where}: {self.expectation} failed"


@dataclass
class SuiteResult:
    suite: str
    evaluated: int = 0
    unsuccessful: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    pending: str | None = None  # the source has no data yet: nothing was validated (a warning, not a pass)

    @property
    def success(self) -> bool:
        return self.unsuccessful == 0 and self.pending is None

    def message(self) -> str:
        if self.pending is not None:
            return f"{self.suite}: pending live data: {self.pending}"
        if self.success and self.evaluated == 0:
            return f"{self.suite}: no rules apply"
        if self.success:
            return f"{self.suite}: {self.evaluated} expectations passed"
        return f"{self.suite}: {self.unsuccessful} of {self.evaluated} expectations failed: " + "; ".join(
            f.sentence() for f in self.failures
        )

    def markdown(self) -> str:
        lines = [f"**{self.suite}**: {self.evaluated - self.unsuccessful}/{self.evaluated} expectations passed",
                 "", "| frame | rows |", "|---|---|", *[f"| {k} | {v} |" for k, v in self.rows.items()]]
        if self.failures:
            lines += ["", "| frame | column | expectation | unexpected | sample |", "|---|---|---|---|---|"]
            for f in self.failures:
                sample = ", ".join(repr(v) for v in f.sample[:5]).replace("|", "\\|")
                lines.append(f"| {f.frame} | {f.column or ''} | {f.expectation} | {f.unexpected_count or ''} | {sample} |")
        return "\n".join(lines)


Frame = tuple[str, Any, Callable[[Any], Sequence[Any]]]  # (name, Columns or pandas frame, gxe -> expectations)


def as_pandas(frame: Any) -> Any:
    """The pandas frame GX validates: a suite's `Columns` (bbl/quality/columns.py) built as one, a
    pandas frame as it is."""
    to_pandas = getattr(frame, "to_pandas", None)
    return to_pandas() if to_pandas is not None else frame


def _jsonable(v: Any) -> Any:
    if isinstance(v, float) and v != v:  # NaN
        return None
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)


_WORKER: Any = None  # a bbl.quality.worker.ValidationWorker, while one is in use


def use_worker(worker: Any) -> None:
    """Send validations to ``worker`` (a ValidationWorker), or validate in this process again (None)."""
    global _WORKER
    _WORKER = worker


def worker_in_use() -> bool:
    return _WORKER is not None


def validate(suite: str, frames: Sequence[Frame]) -> SuiteResult:
    """Validate each frame with its expectations; one SuiteResult for the whole suite (in the
    validation worker process when one is in use, else here)."""
    if _WORKER is not None:
        return _WORKER.validate(suite, frames)
    return validate_here(suite, frames)


def validate_here(suite: str, frames: Sequence[Frame]) -> SuiteResult:
    """Validate in this process."""
    gx, gxe = gx_modules()
    out = SuiteResult(suite)
    with _LOCK:
        ctx = _context()
        for name, given, build in frames:
            df = as_pandas(given)
            out.rows[name] = len(df)
            key = f"{suite}.{name}"
            try:
                source = ctx.data_sources.get(key)
            except (KeyError, ValueError):
                source = ctx.data_sources.add_pandas(key)
            try:
                asset = source.get_asset("frame")
            except (LookupError, ValueError):
                asset = source.add_dataframe_asset("frame")
            try:
                batch_def = asset.get_batch_definition("all")
            except (KeyError, ValueError):
                batch_def = asset.add_batch_definition_whole_dataframe("all")
            batch = batch_def.get_batch(batch_parameters={"dataframe": df})
            expectations = list(build(gxe))
            if not expectations:
                continue
            # pass/fail first (about 40% cheaper in GX); only a frame with a failure is validated again with
            # the counts and samples its message needs
            validation = batch.validate(gx.ExpectationSuite(name=key, expectations=expectations),
                                        result_format="BOOLEAN_ONLY")
            if not validation.success:
                validation = batch.validate(gx.ExpectationSuite(name=key, expectations=list(build(gxe))),
                                            result_format="SUMMARY")
            for result in validation.results:
                out.evaluated += 1
                if result.success:
                    continue
                out.unsuccessful += 1
                cfg = result.expectation_config
                kwargs = cfg.kwargs or {}
                column = kwargs.get("column") or (", ".join(kwargs["column_list"]) if kwargs.get("column_list") else None)
                res = result.result or {}
                error = (result.exception_info or {}).get("exception_message") if isinstance(
                    result.exception_info, dict) else None
                out.failures.append(Failure(
                    frame=name, expectation=cfg.type, column=column,
                    unexpected_count=res.get("unexpected_count"),
                    sample=[_jsonable(v) for v in (res.get("partial_unexpected_list") or [])][:10],
                    observed=_jsonable(res.get("observed_value")) if res.get("observed_value") is not None else error,
                ))
    return out
