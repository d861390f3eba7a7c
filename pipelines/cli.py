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


def cmd_run(args: argparse.Namespace) -> int:
    if args.live:
        os.environ["BBL_MODE"] = "live"
    from pipelines.settings import ConfigError, Settings

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"bbl run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    instance = _instance()
    from pipelines.definitions import defs

    job = defs.resolve_job_def("bbl_all")
    print(f"bbl run: mode={settings.mode} BBL_HOME={settings.home}", file=sys.stderr)
    started = time.monotonic()
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
    )
    elapsed = time.monotonic() - started
    if not result.success:
        print(f"\nbbl run: FAILED after {elapsed:.1f} s (run {result.run_id})", file=sys.stderr)
        for event in result.all_events:
            if event.is_step_failure:
                message = _root_message(event.step_failure_data.error)
                print(f"  failing step: {event.step_key}\n    {message}", file=sys.stderr)
        print(f"  the published database was not changed: {settings.published_db}", file=sys.stderr)
        return EXIT_FAILED
    print(f"\nbbl run: succeeded in {elapsed:.1f} s (run {result.run_id})\n")
    print(_ledger_table(settings.published_db))
    print("\nwritten:")
    print(f"  analyst database  {settings.published_db}")
    print(f"  working database  {settings.work_db}")
    print(f"  run history       {os.environ['DAGSTER_HOME']}")
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
    print(f"{'snapshot':<44} {'source version':<26} {'rows':>8}  accessed")
    for sid, _source, _table, version, rows, accessed in snaps:
        print(f"{sid:<44} {version:<26} {rows:>8}  {accessed}")
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
            """
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="run the whole pipeline and publish the analyst database",
                         description="Materialize every asset (job bbl_all) in this process, publish "
                         "$BBL_HOME/bbl.duckdb, and print the claim ledger. Exit 1 if any step fails.")
    run.add_argument("--live", action="store_true", help="fetch from CBS/DUO (sets BBL_MODE=live)")
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="Dagster console log level (default INFO)")
    run.set_defaults(func=cmd_run)
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
