"""`bbl`: run the pipeline and inspect the warehouse from the command line.

It calls the same Dagster definitions as the UI (`make dev`): `bbl run` executes the job
`bbl_all` in this process against the project's Dagster instance, so the run also shows up in
the UI's run history.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _instance():  # noqa: ANN202 - DagsterInstance, imported lazily to keep `bbl --help` fast
    import dagster as dg

    from pipelines.instance import ensure_instance

    os.environ["DAGSTER_HOME"] = str(ensure_instance())
    return dg.DagsterInstance.get()


def _ledger_table(published: Path) -> str:
    import duckdb

    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute(
            "SELECT claim_id, claimed_value, computed_value, unit, verdict FROM marts.claim_checks ORDER BY claim_id"
        ).fetchall()
    finally:
        con.close()

    def num(v: float | None) -> str:
        return "-" if v is None else f"{v:,.2f}".rstrip("0").rstrip(".")

    header = ("claim", "claimed", "computed", "unit", "verdict")
    body = [(r[0], num(r[1]), num(r[2]), r[3], r[4]) for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body, strict=False)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*header), line.format(*("-" * w for w in widths))]
    out += [line.format(*r) for r in body]
    return "\n".join(out)


def _root_message(error) -> str:  # noqa: ANN001 - dagster SerializableErrorInfo
    """The innermost cause of a step failure: what went wrong, not Dagster's wrapper."""
    if error is None:
        return "unknown error"
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def published_fingerprint(db: Path) -> str | None:
    import duckdb

    if not db.is_file():
        return None
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.execute("SELECT fingerprint FROM meta.publications").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None


def cmd_run(args: argparse.Namespace) -> int:
    if args.live:
        os.environ["BBL_MODE"] = "live"
    from filelock import FileLock, Timeout

    from pipelines.settings import ConfigError, Settings

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"bbl run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    settings.home.mkdir(parents=True, exist_ok=True)
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
    if settings.mode == "bundled" and not args.force:
        from pipelines.fingerprint import input_fingerprint

        current = input_fingerprint(settings)
        if current == published_fingerprint(settings.published_db):
            print(f"bbl run: nothing changed since the last publication (fingerprint {current[:12]}); "
                  "use --force to run anyway\n")
            print(_ledger_table(settings.published_db))
            print(f"\npublished: {settings.published_db}")
            return EXIT_OK
    instance = _instance()
    from pipelines.definitions import defs
    from pipelines.recovery import cli_run_tags, release_orphaned_runs

    for run_id in release_orphaned_runs(instance):
        print(f"bbl run: released run {run_id}, which ended without finishing (its process is gone)",
              file=sys.stderr)
    job = defs.resolve_job_def("bbl_all")
    print(f"bbl run: mode={settings.mode} BBL_HOME={settings.home}", file=sys.stderr)
    started = time.monotonic()
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags=cli_run_tags(),
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
            if not evaluation.passed:
                print(f"  failed check: {evaluation.asset_key.to_user_string()} {evaluation.check_name} "
                      f"({evaluation.severity.value})\n    {evaluation.description}", file=sys.stderr)
        print(f"  the published database was not changed: {settings.published_db}", file=sys.stderr)
        return EXIT_FAILED
    print(f"\nbbl run: succeeded in {elapsed:.1f} s (run {result.run_id})\n")
    print(_ledger_table(settings.published_db))
    print("\nwritten:")
    print(f"  analyst database  {settings.published_db}")
    print(f"  report            {settings.home / 'reports' / 'report.html'}")
    print(f"  working database  {settings.work_db}")
    print(f"  run history       {os.environ['DAGSTER_HOME']}")
    return EXIT_OK


class _ProgressPrinter:
    """Progress of a long fetch on stderr: one updating line on a terminal, a line every 5 s otherwise,
    and always the final state."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.pending: str | None = None

    def __call__(self, progress) -> None:  # noqa: ANN001 - ingest.cbs_client.Progress
        now = time.monotonic()
        line = progress.line()
        if self.tty:
            print("\r" + line, end="", file=sys.stderr, flush=True)
        elif now - self.last >= 5 or progress.pages == 1:
            print(line, file=sys.stderr, flush=True)
            self.last, line = now, None
        self.pending = line

    def done(self) -> None:
        if self.tty:
            print(file=sys.stderr)
        elif self.pending:
            print(self.pending, file=sys.stderr, flush=True)
        self.pending = None


def _live_settings(command: str):  # noqa: ANN202 - Settings
    from pipelines.settings import ConfigError, Settings

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return None
    if settings.mode != "live":
        print(f"{command}: BBL_MODE is {settings.mode}, which never touches the network; "
              "set BBL_MODE=live to fetch", file=sys.stderr)
        return None
    return settings


def _publish(settings, what: str) -> None:  # noqa: ANN001
    import uuid

    from warehouse.store import Warehouse

    path = Warehouse(settings.home).publish(f"bbl-fetch-{uuid.uuid4().hex[:8]}", settings.mode)
    print(f"published {path} (raw tables updated; run `bbl run` to rebuild the indicators from {what})")


def _check_cbs_table(settings, table_id: str, registered) -> bool:  # noqa: ANN001
    """The table's GX suite, as in a run: a failure keeps the previous publication."""
    import uuid

    from assets.registry import CbsTable
    from checks.asset_checks import cbs_suite, run_suite
    from warehouse.store import Warehouse

    suite = cbs_suite(registered or CbsTable(id=table_id, purpose="fetched with bbl fetch"))
    result = run_suite(Warehouse(settings.home), suite, f"bbl-fetch-{uuid.uuid4().hex[:8]}")
    if not result.success:
        print(f"bbl fetch cbs: data-quality check failed, not published: {result.message()}", file=sys.stderr)
        print(f"  {settings.published_db} is unchanged", file=sys.stderr)
    return result.success


def cmd_fetch_cbs(args: argparse.Namespace) -> int:
    settings = _live_settings("bbl fetch cbs")
    if settings is None:
        return EXIT_USAGE
    from assets.registry import cbs_tables
    from ingest.cbs_load import validate_table_id
    from ingest.cbs_source import acquire_cbs_snapshot, load_if_new
    from ingest.http import FetchError
    from ingest.snapshot import SnapshotError
    from warehouse.store import Warehouse, WarehouseError

    try:
        table_id = validate_table_id(args.table_id)
    except ValueError as exc:
        print(f"bbl fetch cbs: {exc}", file=sys.stderr)
        return EXIT_USAGE
    registered = {t.id: t for t in cbs_tables()}.get(table_id)
    api = args.api or (registered.api if registered else "auto")
    row_filter = args.filter if args.filter is not None else (registered.filter if registered else None)
    printer = _ProgressPrinter()
    started = time.monotonic()
    try:
        acquired = acquire_cbs_snapshot(settings, table_id, api=api, row_filter=row_filter,
                                        accept_schema_change=args.accept_schema_change, on_progress=printer)
        printer.done()
        fetch = acquired.fetch
        if fetch is not None and not fetch.changed:
            print(f"{table_id}: unchanged at the source (version {fetch.manifest.get('version')}); "
                  f"nothing downloaded, latest snapshot {fetch.snapshot_id}")
        elif fetch is not None:
            print(f"{table_id}: fetched {fetch.rows:,} rows in {fetch.pages} pages ({fetch.bytes / 1e6:.1f} MB, "
                  f"{fetch.retries} retries, api {fetch.api}) in {fetch.seconds:.1f} s -> {fetch.folder}")
        wh = Warehouse(settings.home)
        with wh.connect() as con:
            stats = load_if_new(con, acquired, settings)
        if stats is None:
            print(f"{table_id}: the warehouse already holds {acquired.snapshot_id}")
            if not settings.published_db.exists():
                _publish(settings, table_id)
        else:
            print(f"{table_id}: loaded {stats.observations:,} observations into raw.cbs_observations "
                  f"({stats.seconds:.1f} s)")
            if not _check_cbs_table(settings, table_id, registered):
                return EXIT_FAILED
            _publish(settings, table_id)
    except (FetchError, SnapshotError, WarehouseError, ValueError) as exc:
        printer.done()
        print(f"bbl fetch cbs: {table_id} failed after {time.monotonic() - started:.1f} s: {exc}", file=sys.stderr)
        print(f"  the previous snapshot and {settings.published_db} are unchanged", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_fetch_duo(args: argparse.Namespace) -> int:
    settings = _live_settings("bbl fetch duo")
    if settings is None:
        return EXIT_USAGE
    from assets.registry import duo_datasets
    from ingest.cbs_source import display_path
    from ingest.duo import fetch_dataset, load_duo_snapshot, validate_dataset
    from ingest.http import FetchError
    from ingest.snapshot import SnapshotError
    from warehouse.store import Warehouse, WarehouseError

    try:
        dataset = validate_dataset(args.dataset)
    except ValueError as exc:
        print(f"bbl fetch duo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    registered = {d.dataset: d for d in duo_datasets()}.get(dataset)
    resource = args.resource or (registered.resource if registered else ".csv")
    try:
        result = fetch_dataset(settings.duo_url, dataset, resource, settings.snapshot_root,
                               settings.http_timeout_s, settings.http_max_attempts)
        print(f"{dataset}: {'fetched ' + str(result.files) + ' file(s)' if result.changed else 'unchanged'} "
              f"-> {result.folder}")
        wh = Warehouse(settings.home)
        with wh.connect() as con:
            n = load_duo_snapshot(con, result.folder, result.manifest, display_path(result.folder, settings))
        print(f"{dataset}: loaded {n:,} rows into raw.duo_students_*")
        _publish(settings, dataset)
    except (FetchError, SnapshotError, WarehouseError, ValueError) as exc:
        print(f"bbl fetch duo: {dataset} failed: {exc}", file=sys.stderr)
        print(f"  the previous snapshot and {settings.published_db} are unchanged", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pipelines.settings import Settings

    settings = Settings.from_env()
    if not settings.published_db.is_file():
        print(f"bbl report: no published database at {settings.published_db}; run `bbl run` first", file=sys.stderr)
        return EXIT_FAILED
    from assets.report import build_report

    files = build_report(settings.published_db, Path(args.out) if args.out else settings.home / "reports")
    print(f"report: {files.html}\nmarkdown: {files.markdown}\ncharts: {', '.join(p.name for p in files.charts)}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.settings import Settings
    from warehouse.store import first_row

    settings = Settings.from_env()
    db = settings.published_db
    if not db.is_file():
        print(f"bbl status: no published database at {db}; run `bbl run` (or `make run`) first", file=sys.stderr)
        return EXIT_FAILED
    con = duckdb.connect(str(db), read_only=True)
    try:
        pub = first_row(con.execute(
            "SELECT run_id, published_at, mode FROM meta.publications ORDER BY published_at DESC LIMIT 1"
        ))
        snaps = con.execute(
            "SELECT snapshot_id, source, coalesce(table_id, ''), coalesce(version, ''), row_count, date_accessed "
            "FROM meta.snapshots ORDER BY snapshot_id"
        ).fetchall()
    finally:
        con.close()
    print(f"published database: {db}")
    if pub:
        print(f"last run: {pub[0]} at {pub[1]:%Y-%m-%d %H:%M:%S} UTC, mode {pub[2]}")
    print()
    print(f"{'snapshot':<44} {'source version':<26} {'rows':>9}  accessed")
    for sid, _source, _table, version, rows, accessed in snaps:
        print(f"{sid:<44} {version:<26} {rows:>9}  {accessed}")
    from assets.registry import cbs_tables
    from ingest.cbs_source import offline_snapshot

    loaded = {t for _, source, t, *_ in snaps if source == "cbs"}
    print(f"\n{'registered CBS table':<22} {'in warehouse':<14} snapshot an offline run uses")
    for table in cbs_tables():
        on_disk = offline_snapshot(settings, "cbs", table.id)
        print(f"{table.id:<22} {'yes' if table.id in loaded else 'pending':<14} {on_disk or '-'}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bbl",
        description=textwrap.dedent(
            """\
            bbl-stats: Dutch open data on bbl, the Subsidieregeling praktijkleren and vacancies, in a
            DuckDB warehouse, checking the claims of the Industriecoalitie letter (May 2023).
            """
        ),
        epilog=textwrap.dedent(
            """\
            environment:
              BBL_MODE        bundled (default: the real snapshot in data/, no network) or live
              BBL_HOME        folder for the working and published databases (default: warehouse/)
              BBL_CBS_V4_URL  CBS OData v4 base (default https://datasets.cbs.nl/odata/v1/CBS)
              BBL_CBS_V3_URL  CBS OData v3 host (default https://opendata.cbs.nl)
              BBL_DUO_URL     DUO CKAN host (default https://onderwijsdata.duo.nl)
              DAGSTER_HOME    Dagster instance (default: .dagster_home/ in the project)

            examples:
              bbl run                 materialize everything from the bundled snapshot and publish
              bbl status              what the published database holds and where it came from
              bbl report              rebuild the HTML report from the published database
              BBL_MODE=live bbl fetch cbs 80472ned   fetch one CBS table, load it and publish
            """
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="run the whole pipeline and publish the analyst database",
                         description="Materialize every asset (job bbl_all) in this process, publish "
                         "$BBL_HOME/bbl.duckdb, and print the claim ledger. Exit 1 if any step fails.")
    run.add_argument("--live", action="store_true", help="fetch from CBS/DUO (sets BBL_MODE=live)")
    run.add_argument("--force", action="store_true",
                     help="run even when nothing changed since the last publication (bundled mode)")
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="Dagster console log level (default INFO)")
    run.set_defaults(func=cmd_run)
    fetch = sub.add_parser("fetch", help="fetch a CBS table or DUO dataset (BBL_MODE=live), load and publish",
                           description="Fetch into the snapshot store ($BBL_HOME/snapshots), load into the working "
                           "warehouse, and publish $BBL_HOME/bbl.duckdb. Nothing is downloaded when the source is "
                           "unchanged. Exit 1 on failure, leaving the previous snapshot and publication in place.")
    fetch_sub = fetch.add_subparsers(dest="source", metavar="SOURCE", required=True)
    fc = fetch_sub.add_parser("cbs", help="a CBS StatLine table by id (OData v4, v3 fallback)")
    fc.add_argument("table_id", help="CBS table id with CBS's case, e.g. 80472ned or 85353NED")
    fc.add_argument("--api", choices=["auto", "v4", "v3"], help="default: the registry's, else auto")
    fc.add_argument("--filter", help="OData $filter for a slice (default: the registry's)")
    fc.add_argument("--accept-schema-change", action="store_true",
                    help="accept added/removed measures or dimensions since the last snapshot")
    fc.set_defaults(func=cmd_fetch_cbs)
    fd = fetch_sub.add_parser("duo", help="a DUO open-data dataset (CKAN package name)")
    fd.add_argument("dataset", help="e.g. mbo-studenten-per-sectorkamer-en-leerweg")
    fd.add_argument("--resource", help="text a resource's name or URL must contain (default: the registry's)")
    fd.set_defaults(func=cmd_fetch_duo)
    rep = sub.add_parser("report", help="rebuild the HTML report (and its markdown twin) from the published database",
                         description="Writes report.html (self-contained, inline SVG charts), report.md and "
                         "charts/*.svg from $BBL_HOME/bbl.duckdb into $BBL_HOME/reports/ (or --out).")
    rep.add_argument("--out", help="output folder (default: $BBL_HOME/reports)")
    rep.set_defaults(func=cmd_report)
    status = sub.add_parser("status", help="show the published database's snapshots and last run",
                            description="Per snapshot: source version, rows and date accessed; and the last run.")
    status.set_defaults(func=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
