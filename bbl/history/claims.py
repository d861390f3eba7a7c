"""The ledger over time: the claims at the letter's date, how far their figures moved since, and the
ledger's own history (history.claim_checks) with the cause of every move.

Evidence ids (marts.claim_checks.evidence) name the sources behind a claim: ``cbs:<table>:<measure>:
<period>`` cells, CBS or DUO snapshot ids, and register figure ids. From them each claim gets, in
Dutch: what could be computed on the letter's date (or what was not yet published then), how much
its CBS cells were revised since, and when and why its verdict last moved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import duckdb
import polars as pl

from bbl.claims.model import LETTER_REF
from bbl.claims.verdicts import VERDICTS_NL
from bbl.duck import transaction
from bbl.history.intervals import AMSTERDAM
from bbl.nl import date_nl, pct, value_nl

Source = tuple[str, str]  # ("cbs", "80472ned"), ("duo", dataset), ("figures", figure_id)


def evidence_sources(evidence: list[str]) -> list[Source]:
    out: list[Source] = []
    for ref in evidence:
        if ref == LETTER_REF:
            continue
        if ref.startswith("cbs:"):
            out.append(("cbs", ref.split(":")[1]))
        elif ref.startswith(("cbs/", "duo/")):
            source, name = ref.split("/")[:2]
            out.append((source, name))
        elif not ref.startswith("figures/"):
            out.append(("figures", ref))
    return list(dict.fromkeys(out))


def day_nl(moment: datetime) -> str:
    """A UTC time as the Dutch calendar day it fell on: 2026-07-01 22:00 UTC -> '02-07-2026'."""
    return date_nl(moment.replace(tzinfo=UTC).astimezone(AMSTERDAM))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _figures(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, date | None]]:
    return {fid: (pub, d) for fid, pub, d in con.execute(
        "SELECT figure_id, publisher, date_published FROM raw.published_figures").fetchall()}


def not_yet_published(sources: list[Source], day: date, cutoff: datetime, figures: dict[str, tuple[str, date | None]],
                      first_version: Callable[[str, str], datetime | None]) -> list[str]:
    """Why each source was not available on ``day``, in Dutch (none for a source that was)."""
    reasons: list[str] = []
    for source, name in sources:
        if source == "figures":
            publisher, published = figures.get(name, (name, None))
            if published is None:
                reasons.append(f"{publisher}: de bron noemt geen publicatiedatum")
            elif published > day:
                reasons.append(f"{publisher}: gepubliceerd op {date_nl(published)}")
            continue
        first = first_version(source, name)
        label = f"{source.upper()} {name}"
        if first is None:
            reasons.append(f"{label}: geen versie in het archief")
        elif first >= cutoff:
            reasons.append(f"{label}: oudste versie in het archief gepubliceerd op {day_nl(first)}")
    return list(dict.fromkeys(reasons))


def _cells_moved(con: duckdb.DuckDBPyConnection, evidence: list[str], cutoff: datetime) -> tuple[int, int, int, float]:
    """(cells now, cells published by the cutoff, of which revised since, largest relative revision %)."""
    cells = [ref.split(":")[1:4] for ref in evidence if ref.startswith("cbs:") and ref.count(":") >= 3]
    if not cells:
        return 0, 0, 0, 0.0
    con.register("_bbl_cells", pl.DataFrame(cells, schema=["table_id", "measure", "period"], orient="row"))
    try:
        row = con.execute("""
            WITH now AS (SELECT h.* FROM history.cbs_observations h JOIN _bbl_cells USING (table_id, measure, period)
                         WHERE h.valid_to IS NULL),
                 then_ AS (SELECT h.* FROM history.cbs_observations h JOIN _bbl_cells USING (table_id, measure, period)
                           WHERE h.valid_from < $1 AND (h.valid_to IS NULL OR h.valid_to > $1))
            SELECT count(*), count(t.value),
                   count(*) FILTER (WHERE t.value IS NOT NULL AND t.value IS DISTINCT FROM n.value),
                   coalesce(max(abs(n.value - t.value) / nullif(abs(t.value), 0)) * 100, 0)
            FROM now n LEFT JOIN then_ t USING (table_id, measure, period, dimensions)""", [cutoff]).fetchall()[0]
    finally:
        con.unregister("_bbl_cells")
    return int(row[0]), int(row[1]), int(row[2]), float(row[3])


def moved_since(con: duckdb.DuckDBPyConnection, evidence: list[str], day: date, cutoff: datetime,
                figures: dict[str, tuple[str, date | None]]) -> str:
    """How far the figures behind a claim moved since ``day``, in Dutch."""
    d = date_nl(day)
    parts = []
    cells, known, revised, largest = _cells_moved(con, evidence, cutoff)
    if cells:
        if known == 0:
            parts.append(f"CBS-cijfers: {cells}, geen daarvan had het archief op {d} al (de oudste versie is van later)")
        else:
            moved = (f", {_count(revised, 'is', 'zijn')} sindsdien herzien (grootste herziening {pct(largest)})"
                     if revised else ", sindsdien niet herzien")
            parts.append(f"CBS-cijfers: {cells}, waarvan {known} op {d} al gepubliceerd{moved}")
    fids = [s for s in evidence if s in figures]
    if fids:
        early = sum(1 for f in fids if figures[f][1] is not None and figures[f][1] <= day)
        parts.append(f"cijfers uit het register: {len(fids)}, waarvan {early} gepubliceerd op of vóór {d}"
                     + (f" en {len(fids) - early} later of zonder publicatiedatum" if early < len(fids) else ""))
    if not parts:
        return "Geen gepubliceerde cijfers achter deze claim (alleen de brief)."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def letter_date_columns(con: duckdb.DuckDBPyConnection, now: pl.DataFrame, then: pl.DataFrame, day: date,
                        cutoff: datetime, first_version: Callable[[str, str], datetime | None]) -> pl.DataFrame:
    """``now`` (the ledger) with computed_at_letter_date, verdict_at_letter_date, at_letter_date_nl and
    moved_since_letter_nl, from ``then`` (the ledger computed from what was published by ``day``)."""
    figures = _figures(con)
    by_id = {r["claim_id"]: r for r in then.iter_rows(named=True)}
    computed, verdicts, notes, moved = [], [], [], []
    d = date_nl(day)
    for c in now.iter_rows(named=True):
        t = by_id.get(c["claim_id"], {})
        value, verdict = t.get("computed_value"), t.get("verdict")
        computed.append(value)
        verdicts.append(verdict)
        if verdict == "not a factual claim":
            note = "Geen feitelijke bewering; niet getoetst."
        elif value is not None:
            note = (f"Op {d} te berekenen uit wat toen gepubliceerd was: {value_nl(value, c['unit'])} "
                    f"({VERDICTS_NL[verdict]}).")
            if c["computed_value"] is not None and abs(c["computed_value"] - value) > 1e-9:
                note += f" Nu: {value_nl(c['computed_value'], c['unit'])}."
        elif verdict == "not checkable with open data":
            note = f"Ook op {d} niet te toetsen met open data."
        elif c["verdict"] == "pending live data":
            note = f"Op {d} niet te berekenen, en nu ook niet: de claim wacht op live gegevens (zie de toelichting)."
        else:
            reasons = not_yet_published(evidence_sources(c["evidence"]), day, cutoff, figures, first_version)
            note = (f"Op {d} nog niet te berekenen: " + "; ".join(reasons) + "." if reasons else
                    f"Op {d} nog niet te berekenen: de benodigde cijfers waren toen niet gepubliceerd.")
        notes.append(note)
        moved.append(moved_since(con, c["evidence"], day, cutoff, figures))
    return now.with_columns(
        pl.Series("computed_at_letter_date", computed, dtype=pl.Float64),
        pl.Series("verdict_at_letter_date", verdicts, dtype=pl.Utf8),
        pl.Series("at_letter_date_nl", notes, dtype=pl.Utf8),
        pl.Series("moved_since_letter_nl", moved, dtype=pl.Utf8),
    )


# ----------------------------------------------------------------------------------------------
# the ledger's own history
# ----------------------------------------------------------------------------------------------

def claim_inputs(con: duckdb.DuckDBPyConnection, evidence: list[str]) -> list[str]:
    """The loaded snapshots a claim's evidence comes from (CBS and DUO versions, the register)."""
    sources = evidence_sources(evidence)
    snaps = con.execute("SELECT snapshot_id, source, table_id FROM meta.snapshots").fetchall()
    wanted = {(s, n) for s, n in sources if s != "figures"}
    out = [sid for sid, source, table in snaps if (source, table) in wanted]
    if any(s == "figures" for s, _ in sources):
        out += [sid for sid, source, _ in snaps if source == "figures"]
    return sorted(out)


def _cause(previous: list[str], current: list[str]) -> str:
    new = [s for s in current if s not in previous]
    if not new:
        return "gewijzigde berekening of claimdefinitie (dezelfde gegevens)"
    parts = [f"registerwijziging ({s})" if s.startswith("figures/") else
             f"nieuwe versie van {s.split('/')[0].upper()} {s.split('/')[1]} ({s})" for s in new]
    return "; ".join(parts)


def record_claim_history(con: duckdb.DuckDBPyConnection, ledger: pl.DataFrame, run_id: str | None,
                         now: datetime) -> pl.DataFrame:
    """Add to history.claim_checks, in one transaction, every claim whose verdict or computed value moved
    since its current row; returns the ledger with verdict_since and verdict_cause_nl (when and why it
    last moved)."""
    since, causes = [], []
    with transaction(con):
        for c in ledger.iter_rows(named=True):
            inputs = claim_inputs(con, c["evidence"])
            open_ = con.execute("SELECT verdict, computed_value, inputs, valid_from, cause FROM history.claim_checks "
                                "WHERE claim_id = ? AND valid_to IS NULL", [c["claim_id"]]).fetchall()
            open_ = open_[0] if open_ else None
            same = open_ is not None and open_[0] == c["verdict"] and (
                (open_[1] is None and c["computed_value"] is None)
                or (open_[1] is not None and c["computed_value"] is not None
                    and abs(open_[1] - c["computed_value"]) <= 1e-9))
            if same:
                since.append(open_[3])
                causes.append(open_[4])
                continue
            cause = "eerste berekening" if open_ is None else _cause(list(open_[2]), inputs)
            con.execute("UPDATE history.claim_checks SET valid_to = ? WHERE claim_id = ? AND valid_to IS NULL",
                        [now, c["claim_id"]])
            con.execute("INSERT INTO history.claim_checks VALUES (?, ?, ?, ?, NULL, ?, ?, ?)",
                        [c["claim_id"], c["verdict"], c["computed_value"], now, cause, inputs, run_id])
            since.append(now)
            causes.append(cause)
    return ledger.with_columns(pl.Series("verdict_since", since, dtype=pl.Datetime("us")),
                               pl.Series("verdict_cause_nl", causes, dtype=pl.Utf8))

