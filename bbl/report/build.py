"""Build the report from the published database (read-only): report.html, report.md and charts/*.svg."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from bbl.duck import open_published
from bbl.report.charts import chart_bbl, chart_subsidy, chart_technical, chart_vacancies
from bbl.report.render import render_html, render_markdown


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    markdown: Path
    charts: list[Path]


def load_report_data(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    def rows(sql: str) -> list[dict[str, Any]]:
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    return {
        "claims": rows("SELECT * FROM marts.claim_checks ORDER BY topic, claim_id"),
        "subsidy": rows("SELECT * FROM marts.subsidy_per_place ORDER BY start_year"),
        "bbl": rows("SELECT * FROM marts.bbl_students WHERE preferred ORDER BY start_year"),
        "vacancies": rows("SELECT * FROM marts.vacancies WHERE frequency = 'year' AND scope IN ('A-U', 'C+F', 'B-F') "
                          "ORDER BY scope, period"),
        "technical": rows("SELECT * FROM marts.bbl_technical_share ORDER BY start_year, basis, definition DESC"),
        "publication": rows("SELECT run_id, published_at, mode, snapshots FROM meta.publications"),
        "snapshots": rows("SELECT snapshot_id, title, url, date_accessed, license FROM meta.snapshots ORDER BY 1"),
        "stale": rows("SELECT source, name, status, stale_since, last_error FROM meta.source_status "
                      "WHERE last_error IS NOT NULL ORDER BY source, name"),
        "quality": rows("SELECT count(*) AS checks, count(*) FILTER (WHERE passed) AS passed FROM quality.check_results "
                        "WHERE run_id = (SELECT max(run_id) FROM meta.publications)"),
    }


def build_report(database: Path, out_dir: Path) -> ReportFiles:
    """Read the published database (read-only) and write report.html, report.md and charts/*.svg."""
    con = open_published(database)
    try:
        data = load_report_data(con)
    finally:
        con.close()
    from bbl.claims.ledger import load_claims

    order = {c.id: i for i, c in enumerate(load_claims())}  # the ledger's order: the letter's claims a to i first
    data["claims"].sort(key=lambda c: order.get(c["claim_id"], len(order)))
    charts = {
        "subsidie": (chart_subsidy(data["subsidy"]),
                     "Bron: register van gepubliceerde cijfers (Staatscourant, OAZ, VGN, STL, mbo-today; zie "
                     "marts.subsidy_per_place.citation_url); reëel met CPI alle bestedingen, CBS 86141NED. "
                     "Maximum: Subsidieregeling praktijkleren art. 15."),
        "bbl": (chart_bbl(data["bbl"]),
                "Bron: " + ", ".join(sorted({r["series"] for r in data["bbl"]})) + " (marts.bbl_students, "
                "voorkeursreeks per jaar)."),
        "vacatures": (chart_vacancies(data["vacancies"]),
                      "Bron: CBS 80472ned Vacatures; SBI 2008 (openstaande vacatures, jaargemiddelde), via "
                      + ", ".join(sorted({r["source"] for r in data["vacancies"]})) + "."),
        "techniek": (chart_technical(data["technical"]),
                     "Bron: " + ", ".join(sorted({r["source"] for r in data["technical"]})) + " (marts.bbl_technical_share); "
                     "TGO = Techniek en gebouwde omgeving, MTLM = Mobiliteit, transport, logistiek en maritiem."),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
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
    return ReportFiles(html_path, md_path, [p for p, _ in chart_files.values()])


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
