"""`bbl run`: execute the job `bbl_all` in this process against the project's Dagster instance (so the
run shows up in the UI's run history), under a run lock; a bundled run whose inputs have not changed
since the last publication does nothing."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bbl.settings import Settings
from pipelines.fetch import EXIT_FAILED, EXIT_OK

EXIT_USAGE = 2


def _instance():  # noqa: ANN202 - DagsterInstance, imported lazily to keep `bbl --help` fast
    import dagster as dg

    from pipelines.instance import ensure_instance

    os.environ["DAGSTER_HOME"] = str(ensure_instance())
    return dg.DagsterInstance.get()


def _root_message(error) -> str:  # noqa: ANN001 - dagster SerializableErrorInfo
    """The innermost cause of a step failure: what went wrong, not Dagster's wrapper."""
    if error is None:
        return "unknown error"
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def file_state(path: Path) -> tuple[int, int, int] | None:
    """What identifies a file's content on disk (inode, mtime, size): a replaced file differs."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def home_problem(settings: Settings) -> str | None:
    """One line on why BBL_HOME cannot be used (missing and not creatable, not a folder, read-only), or None."""
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
        probe = settings.home / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return f"BBL_HOME {settings.home} cannot be written ({exc.strerror or exc}); set BBL_HOME to a folder you can write"
    return None


def cmd_run(args: argparse.Namespace) -> int:
    if args.live:
        os.environ["BBL_MODE"] = "live"
    if getattr(args, "as_of", None) and args.live:
        print("bbl run: --as-of builds from the snapshots already kept and never fetches; drop --live",
              file=sys.stderr)
        return EXIT_USAGE
    from filelock import FileLock, Timeout

    from bbl.settings import ConfigError

    try:
        # --as-of sets this run's settings only: the process environment stays as it was
        as_of = {"BBL_AS_OF": args.as_of} if getattr(args, "as_of", None) else {}
        settings = Settings.from_env({**os.environ, **as_of})
    except ConfigError as exc:
        print(f"bbl run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    problem = home_problem(settings)
    if problem:
        print(f"bbl run: {problem}", file=sys.stderr)
        return EXIT_USAGE
    lock = FileLock(str(settings.home / ".run.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"bbl run: another run holds {settings.home / '.run.lock'}; waiting for it to finish", file=sys.stderr)
        lock.acquire()
    try:
        return _run(args, settings)
    finally:
        lock.release()


def _run(args: argparse.Namespace, settings) -> int:  # noqa: ANN001 - Settings
    if settings.mode == "bundled" and not args.force and not settings.as_of:
        from bbl.fingerprint import input_fingerprint
        from bbl.status import ledger_table, published_fingerprint

        current = input_fingerprint(settings)
        if current == published_fingerprint(settings.published_db):
            print(f"bbl run: nothing changed since the last publication (fingerprint {current[:12]}); "
                  "use --force to run anyway")
            report = settings.home / "reports" / "report.html"
            if not report.is_file() or report.stat().st_mtime_ns < settings.published_db.stat().st_mtime_ns:
                from bbl.report.build import build_report

                files = build_report(settings.published_db, settings.home / "reports")
                print(f"bbl run: the report was older than the publication (a run published, then its report "
                      f"step failed): rebuilt {files.html}")
            print()
            print(ledger_table(settings.published_db))
            print(f"\npublished: {settings.published_db}")
            return EXIT_OK
    from bbl.quality.worker import validation_worker

    # GX imports in a worker process on the other core while Dagster imports and the sources load here;
    # the checks send their frames to it
    with validation_worker():
        return _execute(args, settings)


def _execute(args: argparse.Namespace, settings) -> int:  # noqa: ANN001 - Settings
    instance = _instance()
    from pipelines.definitions import build_defs
    from pipelines.recovery import cli_run_tags, release_orphaned_runs

    defs = build_defs(settings)
    for run_id in release_orphaned_runs(instance):
        print(f"bbl run: released run {run_id}, which ended without finishing (its process is gone)",
              file=sys.stderr)
    job = defs.resolve_job_def("bbl_all")
    if settings.as_of:
        print(f"bbl run: as of {settings.as_of}: only what was published on or before that date (Dutch time), "
              f"from {settings.data_dir} and {settings.snapshot_root}; writing {settings.home}", file=sys.stderr)
    else:
        print(f"bbl run: mode={settings.mode} BBL_HOME={settings.home}", file=sys.stderr)
    from bbl.report.charts import preload

    preload()  # the report step's matplotlib, imported while the run waits on storage and GX
    started = time.monotonic()
    before = file_state(settings.published_db)
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={**cli_run_tags(), **({"bbl/as_of": settings.as_of} if settings.as_of else {})},
        run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
    )
    elapsed = time.monotonic() - started
    if not result.success:
        print(f"\nbbl run: FAILED after {elapsed:.1f} s (run {result.run_id})", file=sys.stderr)
        for event in result.all_events:
            if event.is_step_failure:
                message = _root_message(event.step_failure_data.error)
                print(f"  failing step: {event.step_key}\n    {message}", file=sys.stderr)
        for evaluation in result.get_asset_check_evaluations():
            if not evaluation.passed and evaluation.severity.value == "ERROR":
                print(f"  failed check: {evaluation.asset_key.to_user_string()} {evaluation.check_name} "
                      f"({evaluation.severity.value})\n    {evaluation.description}", file=sys.stderr)
        if file_state(settings.published_db) == before:
            print(f"  not published: the published database was not changed: {settings.published_db}", file=sys.stderr)
        else:
            print(f"  published {settings.published_db} (this run's data passed its checks), but a later step "
                  f"failed: the report in {settings.home / 'reports'} is older than the data; run `bbl report` "
                  "once the cause is fixed", file=sys.stderr)
        return EXIT_FAILED
    from bbl.status import ledger_table

    print(f"\nbbl run: succeeded in {elapsed:.1f} s (run {result.run_id})\n")
    warned = [e for e in result.get_asset_check_evaluations() if not e.passed]
    pending = sorted({e.asset_key.to_user_string() for e in warned if "pending live data" in (e.description or "")})
    if pending and settings.as_of:
        print(f"nothing published by {settings.as_of} (pending): {', '.join(pending)}")
    elif pending:
        print(f"pending live data (no snapshot in this mode): {', '.join(pending)}")
    for e in warned:
        if "pending live data" not in (e.description or ""):
            print(f"warning: {e.asset_key.to_user_string()} {e.check_name}: {(e.description or '')[:300]}")
    if warned:
        print()
    print(ledger_table(settings.published_db))
    print("\nwritten:")
    print(f"  analyst database  {settings.published_db}")
    print(f"  report            {settings.home / 'reports' / 'report.html'}")
    print(f"  working database  {settings.work_db}")
    print(f"  run history       {os.environ['DAGSTER_HOME']}")
    return EXIT_OK
