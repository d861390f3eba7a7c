"""Build the report from the published database (read-only): report.html, report.md and charts/*.svg."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb

from bbl.duck import open_published
from bbl.nl import date_nl
from bbl.report.charts import chart_bbl, chart_empty, chart_subsidy, chart_technical, chart_vacancies
from bbl.report.render import render_html, render_markdown


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    markdown: Path
    charts: list[Path]
    drawn: int = 0  # charts drawn by matplotlib; the others came unchanged from the chart cache


def load_report_data(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    def rows(sql: str) -> list[dict[str, Any]]:
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    return {
        "claims": rows("SELECT * FROM marts.claim_checks ORDER BY topic, claim_id"),
        "readings": rows("SELECT * FROM marts.claim_readings ORDER BY claim_id, NOT headline, reading_id"),
        "sources": rows("SELECT f.citation_url AS url, min(f.publisher) AS publisher, min(f.source_kind) AS source_kind, "
                        "min(f.primary_publisher) AS primary_publisher, min(s.date_accessed) AS accessed "
                        "FROM raw.published_figures f LEFT JOIN meta.snapshots s USING (snapshot_id) "
                        "GROUP BY f.citation_url ORDER BY min(f.publisher), f.citation_url"),
        "subsidy": rows("SELECT s.*, f.publisher FROM marts.subsidy_per_place s "
                        "LEFT JOIN raw.published_figures f USING (figure_id) ORDER BY start_year"),
        "bbl": rows("SELECT * FROM marts.bbl_students WHERE preferred ORDER BY start_year"),
        "vacancies": rows("SELECT * FROM marts.vacancies WHERE frequency = 'year' AND scope IN ('A-U', 'C+F', 'B-F') "
                          "ORDER BY scope, period"),
        "technical": rows("SELECT * FROM marts.bbl_technical_share ORDER BY start_year, basis, definition DESC"),
        "publication": rows("SELECT run_id, published_at, mode, snapshots, as_of FROM meta.publications "
                            "ORDER BY published_at"),
        "snapshots": rows("SELECT snapshot_id, title, url, date_accessed, license FROM meta.snapshots ORDER BY 1"),
        "stale": rows("SELECT source, name, status, stale_since, last_error FROM meta.source_status "
                      "WHERE last_error IS NOT NULL ORDER BY source, name"),
        # a check of a source without data evaluates nothing: it waits on live data, it did not fail
        "quality": rows("SELECT count(*) FILTER (WHERE evaluated > 0 OR passed) AS checks, "
                        "count(*) FILTER (WHERE passed) AS passed, "
                        "count(*) FILTER (WHERE NOT passed AND evaluated = 0) AS pending FROM quality.check_results "
                        "WHERE run_id = (SELECT run_id FROM meta.publications ORDER BY published_at DESC LIMIT 1)"),
    }


def build_report(database: Path, out_dir: Path) -> ReportFiles:
    """Read the published database (read-only) and write report.html, report.md and charts/*.svg."""
    con = open_published(database)
    try:
        data = load_report_data(con)
    finally:
        con.close()
    from bbl.claims.ledger import load_claims

    order = {c.id: i for i, c in enumerate(load_claims())}  # the ledger's order: as the quotes stand in the letter
    data["claims"].sort(key=lambda c: order.get(c["claim_id"], len(order)))
    def names(rows: list[dict[str, Any]], col: str) -> str:
        return ", ".join(sorted({str(r[col]) for r in rows if r.get(col)}))

    as_of = data["publication"][-1]["as_of"] if data["publication"] else None
    data["as_of"] = as_of  # type: ignore[assignment]
    missing = (f"Geen gegevens: niets hiervan was op {date_nl(as_of)} gepubliceerd" if as_of
               else "Geen gegevens: wacht op live gegevens")

    out_dir.mkdir(parents=True, exist_ok=True)
    cache = ChartCache(out_dir / "charts" / ".cache")

    def chart(make: Any, rows: list[dict[str, Any]], title: str) -> str:
        if not rows:
            return cache.get(chart_empty, title, missing)
        return cache.get(make, rows)

    charts = {
        "subsidie": (chart(chart_subsidy, data["subsidy"], "Subsidie per bbl-plaats"),
                     f"Bronnen: {names(data['subsidy'], 'publisher')} (bedragen per studiejaar; het register noemt per "
                     "bedrag de pagina); maximum: Subsidieregeling praktijkleren, art. 15 (Staatscourant 2013, 31130); "
                     "reëel: CPI alle bestedingen, CBS 86141NED (2025=100), jaar van uitbetaling. Bron: CBS."),
        "bbl": (chart(chart_bbl, data["bbl"], "Bbl-studenten"),
                f"Bronnen: {names(data['bbl'], 'series')}. Per studiejaar de voorkeursreeks; de stippellijnen "
                "markeren waar een andere reeks begint (niet zonder meer vergelijkbaar)."),
        "vacatures": (chart(chart_vacancies, data["vacancies"], "Openstaande vacatures"),
                      "Bron: CBS, 80472ned Vacatures; SBI 2008 (openstaande vacatures, jaargemiddelde van de "
                      "kwartaalstanden). De stippellijn is het getal uit de brief (10.000 vacatures per jaar)."),
        "techniek": (chart(chart_technical, data["technical"], "Aandeel techniek"),
                     f"Bron: {names(data['technical'], 'source')}. TGO = Techniek en gebouwde omgeving, MTLM = "
                     "Mobiliteit, transport, logistiek en maritiem. De stippellijn is ‘een derde’ uit de brief."),
    }
    cache.prune()
    chart_dir = out_dir / "charts"
    chart_dir.mkdir(exist_ok=True)
    chart_files: dict[str, tuple[Path, str]] = {}
    for name, (svg, caption) in charts.items():
        path = chart_dir / f"{name}.svg"
        _atomic_write(path, svg)
        chart_files[name] = (path, caption)
    html_path, md_path = out_dir / "report.html", out_dir / "report.md"
    _atomic_write(html_path, render_html(data, charts))
    _atomic_write(md_path, render_markdown(data, chart_files))
    return ReportFiles(html_path, md_path, [p for p, _ in chart_files.values()], cache.drawn)


_CODE = [Path(__file__).with_name("charts.py"), Path(__file__).parents[1] / "nl.py"]


class ChartCache:
    """Rendered charts by what they are drawn from: the chart function, its arguments, the code that
    draws them (bbl/report/charts.py, bbl/nl.py) and matplotlib's version. A chart whose inputs did not
    change since the last report is read back instead of drawn again (matplotlib's SVGs are
    deterministic here: fixed hash salt, no date); only the entries of the latest report are kept."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.drawn = 0
        self._code = hashlib.sha256(b"".join(p.read_bytes() for p in _CODE) + version("matplotlib").encode())

    def get(self, make: Any, *args: Any) -> str:
        digest = self._code.copy()
        digest.update(json.dumps([make.__name__, *args], default=str, sort_keys=True).encode())
        key = digest.hexdigest()[:32]
        self.used.add(key)
        path = self.folder / f"{key}.svg"
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
        svg = make(*args)
        self.drawn += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, svg)
        return svg

    def prune(self) -> None:
        """Remove the entries this report did not use."""
        for path in self.folder.glob("*.svg"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
