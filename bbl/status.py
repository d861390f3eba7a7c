"""What the published database holds, as the CLI prints it: the claim ledger table, the snapshots and
the last publication. Reads the published file read-only and never writes."""

from __future__ import annotations

from pathlib import Path

import duckdb

from bbl.duck import WarehouseError, first_row, open_published
from bbl.registry import cbs_tables
from bbl.settings import Settings
from bbl.snapshot import offline_snapshot


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:,.2f}".rstrip("0").rstrip(".")


def text_table(header: tuple[str, ...], body: list[tuple[str, ...]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body, strict=False)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [line.format(*header), line.format(*("-" * w for w in widths)), *(line.format(*r) for r in body)]
    return "\n".join(x.rstrip() for x in lines)


def ledger_table(published: Path) -> str:
    con = open_published(published)
    try:
        rows = con.execute(
            "SELECT claim_id, claim_kind, claimed_value, computed_value, unit, verdict, coalesce(direction, '') "
            "FROM marts.claim_checks ORDER BY claim_id"
        ).fetchall()
    finally:
        con.close()
    return text_table(("claim", "kind", "claimed", "computed", "unit", "verdict", "direction"),
                      [(r[0], r[1], _num(r[2]), _num(r[3]), r[4], r[5], r[6]) for r in rows])


def published_fingerprint(db: Path) -> str | None:
    """The input fingerprint the published database was built from (bundled runs), or None."""
    if not db.is_file():
        return None
    try:
        con = open_published(db)
    except (duckdb.Error, WarehouseError):
        return None
    try:
        rows = con.execute("SELECT fingerprint FROM meta.publications").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None


def status_report(settings: Settings) -> str:
    """Per snapshot: source version, rows and date accessed; the last run; and which registered CBS
    tables the warehouse holds or an offline run would use."""
    db = settings.published_db
    con = open_published(db)
    try:
        pub = first_row(con.execute(
            "SELECT run_id, published_at, mode FROM meta.publications ORDER BY published_at DESC LIMIT 1"))
        snaps = con.execute(
            "SELECT snapshot_id, source, coalesce(table_id, ''), coalesce(version, ''), row_count, date_accessed "
            "FROM meta.snapshots ORDER BY snapshot_id"
        ).fetchall()
        status = {(src, name): (st, since, err) for src, name, st, since, err in con.execute(
            "SELECT source, name, status, stale_since, last_error FROM meta.source_status").fetchall()}
    finally:
        con.close()
    out = [f"published database: {db}"]
    if pub:
        out.append(f"last run: {pub[0]} at {pub[1]:%Y-%m-%d %H:%M:%S} UTC, mode {pub[2]}")
    out += ["", f"{'snapshot':<44} {'source version':<26} {'rows':>9}  accessed"]
    out += [f"{sid:<44} {version:<26} {rows:>9}  {accessed}" for sid, _s, _t, version, rows, accessed in snaps]
    loaded = {t for _, source, t, *_ in snaps if source == "cbs"}
    out += ["", f"{'registered CBS table':<22} {'in warehouse':<14} snapshot an offline run uses"]
    for table in cbs_tables():
        on_disk = offline_snapshot(settings, "cbs", table.id)
        state = status.get(("cbs", table.id), ("loaded" if table.id in loaded else "pending", None, None))[0]
        out.append(f"{table.id:<22} {state if state != 'loaded' else 'yes':<14} {on_disk or '-'}")
    stale = [(src, name, since, err) for (src, name), (st, since, err) in sorted(status.items()) if err]
    if stale:
        out += ["", "sources whose last fetch failed (the last good snapshot, if any, is used):"]
        out += [f"  {src} {name}: stale since {since:%Y-%m-%d %H:%M} UTC; last error: {err}" for src, name, since, err in stale]
    return "\n".join(out)
