"""`bbl`: run the pipeline and inspect the warehouse from the command line.

It calls the same Dagster definitions as the UI (`make dev`): `bbl run` (pipelines/run.py) executes
the job `bbl_all` in this process; `bbl fetch` takes one source through the one fetch path
(pipelines/fetch.py); `bbl status` and `bbl report` read the published database.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from pathlib import Path

from bbl.settings import env_help

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _cmd_run(args: argparse.Namespace) -> int:
    from pipelines.run import cmd_run

    return cmd_run(args)


class _ProgressPrinter:
    """Progress of a long fetch on stderr: one updating line on a terminal, a line every 5 s otherwise,
    and always the final state."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.pending: str | None = None

    def __call__(self, progress) -> None:  # noqa: ANN001 - bbl.cbs.client.Progress
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
    from bbl.settings import ConfigError, Settings

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return None
    if settings.mode != "live":
        print(f"{command}: BBL_MODE is {settings.mode}, which never touches the network; "
              "set BBL_MODE=live to fetch", file=sys.stderr)
        return None
    from pipelines.run import home_problem

    problem = home_problem(settings)
    if problem:
        print(f"{command}: {problem}", file=sys.stderr)
        return None
    return settings


def cmd_fetch_cbs(args: argparse.Namespace) -> int:
    settings = _live_settings("bbl fetch cbs")
    if settings is None:
        return EXIT_USAGE
    from bbl.cbs.ids import validate_table_id
    from pipelines.fetch import cbs_target, run_fetch

    try:
        table_id = validate_table_id(args.table_id)
    except ValueError as exc:
        print(f"bbl fetch cbs: {exc}", file=sys.stderr)
        return EXIT_USAGE
    printer = _ProgressPrinter()
    target = cbs_target(settings, table_id, args.api, args.filter, args.accept_schema_change, printer)
    return run_fetch(settings, target, on_done=printer.done)


def cmd_fetch_duo(args: argparse.Namespace) -> int:
    settings = _live_settings("bbl fetch duo")
    if settings is None:
        return EXIT_USAGE
    from bbl.duo.client import validate_dataset
    from pipelines.fetch import duo_target, run_fetch

    try:
        dataset = validate_dataset(args.dataset)
    except ValueError as exc:
        print(f"bbl fetch duo: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return run_fetch(settings, duo_target(settings, dataset, args.resource))


def cmd_report(args: argparse.Namespace) -> int:
    from bbl.settings import Settings

    settings = Settings.from_env()
    if not settings.published_db.is_file():
        print(f"bbl report: no published database at {settings.published_db}; run `bbl run` first", file=sys.stderr)
        return EXIT_FAILED
    from bbl.report.build import build_report

    files = build_report(settings.published_db, Path(args.out) if args.out else settings.home / "reports")
    print(f"report: {files.html}\nmarkdown: {files.markdown}\ncharts: {', '.join(p.name for p in files.charts)}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from bbl.settings import Settings
    from bbl.status import status_report

    settings = Settings.from_env()
    if not settings.published_db.is_file():
        print(f"bbl status: no published database at {settings.published_db}; run `bbl run` (or `make run`) first",
              file=sys.stderr)
        return EXIT_FAILED
    print(status_report(settings))
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
        epilog=env_help() + "\n\n" + textwrap.dedent(
            """\
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
    run.add_argument("--as-of", metavar="DATE",
                     help="build from what was published on or before DATE (YYYY-MM-DD, end of the day in Dutch "
                     "time), from the bundled data and the snapshot store, into $BBL_HOME/asof-DATE/ (its own "
                     "bbl.duckdb and reports/); never fetches, e.g. --as-of 2023-05-25 for the letter's date")
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="Dagster console log level (default INFO)")
    run.set_defaults(func=_cmd_run)
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
