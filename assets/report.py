"""`publish/report`: the claim ledger and its indicators as one self-contained HTML page (Dutch) and
a markdown twin, rebuilt from the published database after every run (`bbl report` rebuilds it).

Charts are rendered with matplotlib to SVG and inlined: the page loads nothing at view time. All
text that comes from data is HTML-escaped. Each chart names its sources under it.
"""

import html
import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from pipelines.resources import WAREHOUSE_POOL, BblResource

VERDICTS_NL = {
    "supported": ("ondersteund", "#1a7f37", "#dafbe1"),
    "partly supported": ("deels ondersteund", "#9a6700", "#fff8c5"),
    "not supported": ("niet ondersteund", "#cf222e", "#ffebe9"),
    "not checkable with open data": ("niet toetsbaar met open data", "#57606a", "#eaeef2"),
    "pending live data": ("wacht op live data", "#0969da", "#ddf4ff"),
}


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    markdown: Path
    charts: list[Path]


def nl_number(value: float | None, decimals: int = 0) -> str:
    """Dutch number formatting: 2.216,70 / 14,8."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


UNITS_NL = {
    "EUR per full place": "€ per volledige plaats", "EUR per student per year": "€ per student per jaar",
    "EUR per year": "€ per jaar", "bbl students": "bbl-studenten", "% of open vacancies": "% van de vacatures",
    "teachers": "docenten", "action lines": "actielijnen",
}


def _value(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    decimals = 0 if float(v).is_integer() else (1 if "%" in unit else 2)
    return nl_number(v, decimals)


# ----------------------------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------------------------

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
        "quality": rows("SELECT count(*) AS checks, count(*) FILTER (WHERE passed) AS passed FROM quality.check_results "
                        "WHERE run_id = (SELECT max(run_id) FROM meta.publications)"),
    }


# ----------------------------------------------------------------------------------------------
# charts (matplotlib -> SVG text)
# ----------------------------------------------------------------------------------------------

def _figure(width: float = 8.0, height: float = 3.6) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "bbl-stats", "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False})
    return plt.subplots(figsize=(width, height))


def _svg(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.tight_layout()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def chart_subsidy(subsidy: list[dict[str, Any]]) -> str:
    fig, ax = _figure()
    years = [r["studiejaar"] for r in subsidy]
    x = list(range(len(years)))
    real = [r["amount_real_eur"] for r in subsidy]
    colors = {"reported": "#0969da", "inferred": "#8cb4e8", "forecast": "#f0b429"}
    for i, r in enumerate(subsidy):
        if r["amount_nominal_eur"] is not None:
            ax.bar(i, r["amount_nominal_eur"], color=colors.get(r["figure_status"], "#999"), width=0.6,
                   hatch="//" if r["figure_status"] == "forecast" else None)
        else:
            ax.text(i, 150, "niet\ngevonden", ha="center", va="bottom", fontsize=7, color="#57606a")
    ax.plot([i for i, v in zip(x, real, strict=True) if v is not None], [v for v in real if v is not None],
            color="#cf222e", marker="o", label=f"reëel (euro’s van {subsidy[0]['real_base_year']})")
    cap = subsidy[0]["max_eur"]
    ax.axhline(cap, color="#1a7f37", linestyle="--", linewidth=1)
    ax.text(len(x) - 0.5, cap + 40, f"maximum € {nl_number(cap)}", ha="right", fontsize=8, color="#1a7f37")
    from matplotlib.patches import Patch

    handles = [Patch(color=colors["reported"], label="nominaal, gepubliceerd"),
               Patch(color=colors["inferred"], label="nominaal, afgeleid"),
               Patch(facecolor=colors["forecast"], hatch="//", label="nominaal, raming"),
               *ax.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, fontsize=7, loc="lower left", frameon=False)
    ax.set_xticks(x, years, rotation=45, ha="right")
    ax.set_ylabel("€ per volledige bbl-plaats")
    ax.set_ylim(0, cap * 1.45)
    ax.set_title("Subsidie praktijkleren per bbl-plaats, per studiejaar")
    return _svg(fig)


def chart_bbl(bbl: list[dict[str, Any]]) -> str:
    fig, ax = _figure()
    segment: list[dict[str, Any]] = []
    for r in [*bbl, None]:  # a line only between consecutive years: no line drawn across missing years
        if r is not None and (not segment or r["start_year"] == segment[-1]["start_year"] + 1):
            segment.append(r)
            continue
        ax.plot([p["start_year"] for p in segment], [p["students"] / 1000 for p in segment], marker="o",
                color="#0969da")
        segment = [r] if r is not None else []
    for r in bbl:
        if r["qualifier"] != "exact":
            ax.annotate("circa", (r["start_year"], r["students"] / 1000), textcoords="offset points", xytext=(0, 6),
                        fontsize=7, ha="center")
    ax.set_xticks([r["start_year"] for r in bbl], [r["studiejaar"] for r in bbl], rotation=45, ha="right")
    ax.set_ylabel("bbl-studenten (x 1.000)")
    ax.set_ylim(0, max(r["students"] for r in bbl) / 1000 * 1.2)
    ax.set_title("bbl-studenten op 1 oktober")
    return _svg(fig)


def chart_vacancies(vacancies: list[dict[str, Any]]) -> str:
    fig, ax = _figure()
    styles = {"A-U": ("alle sectoren (A-U)", "#57606a", "-"), "B-F": ("nijverheid en energie (B-F)", "#cf222e", "-"),
              "C+F": ("industrie + bouw (C+F)", "#0969da", "-")}
    for scope, (label, color, ls) in styles.items():
        pts = [(int(r["period"][:4]), r["open_x1000"]) for r in vacancies if r["scope"] == scope]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", markersize=3 if len(pts) > 1 else 6, color=color,
                    linestyle=ls, label=f"{label}" + ("" if len(pts) > 1 else f" ({pts[0][0]})"))
    ax.set_ylabel("openstaande vacatures (x 1.000, jaargemiddelde)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, frameon=False)
    ax.set_title("Openstaande vacatures, alle en technische sectoren")
    return _svg(fig)


def chart_technical(technical: list[dict[str, Any]]) -> str:
    fig, ax = _figure(6.5, 3.2)
    latest = technical[-2:] if technical else []
    labels, values, notes = [], [], []
    for r in latest:
        name = "smal (TGO)" if r["definition"] == "narrow" else "breed (TGO + MTLM)"
        labels.append(f"{name}\n{r['basis']} {r['studiejaar']}")
        values.append(r["share_pct"] or 0)
        notes.append("wacht op live data" if r["share_pct"] is None else f"{nl_number(r['share_pct'], 1)}%")
    bars = ax.bar(range(len(values)), values, color=["#0969da" if v else "#eaeef2" for v in values], width=0.5)
    for bar, note in zip(bars, notes, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, max(bar.get_height(), 1) + 1, note, ha="center", fontsize=8)
    ax.axhline(100 / 3, color="#cf222e", linestyle="--", linewidth=1)
    ax.text(len(values) - 0.5, 100 / 3 + 1, "‘een derde’ (brief)", ha="right", fontsize=8, color="#cf222e")
    ax.set_xticks(range(len(values)), labels)
    ax.set_ylim(0, 50)
    ax.set_ylabel("% van alle bbl-studenten")
    ax.set_title("Aandeel technische sectorkamers in de bbl")
    return _svg(fig)


# ----------------------------------------------------------------------------------------------
# rendering
# ----------------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;color:#1f2328;
line-height:1.45;padding:0 1rem} h1{font-size:1.6rem} h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;font-size:.86rem} th,td{border:1px solid #d0d7de;padding:.35rem .5rem;
vertical-align:top;text-align:left} th{background:#f6f8fa} td.num{text-align:right;white-space:nowrap}
.verdict{font-weight:600;border-radius:1em;padding:.1em .6em;white-space:nowrap;display:inline-block}
figure{margin:1.2rem 0} figcaption{font-size:.8rem;color:#57606a} details{font-size:.8rem;color:#57606a}
.legend span{margin-right:1rem} .small{font-size:.8rem;color:#57606a} q{font-style:italic}
"""


def _verdict_badge(verdict: str) -> str:
    label, fg, bg = VERDICTS_NL.get(verdict, (verdict, "#1f2328", "#ffffff"))
    return f'<span class="verdict" style="color:{fg};background:{bg}">{html.escape(label)}</span>'


def render_html(data: dict[str, Any], charts: dict[str, tuple[str, str]]) -> str:
    e = html.escape
    pub = data["publication"][0] if data["publication"] else None
    q = data["quality"][0] if data["quality"] else {"checks": 0, "passed": 0}
    counts: dict[str, int] = {}
    for c in data["claims"]:
        counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
    rows = []
    for c in data["claims"]:
        evidence = ", ".join(e(x) for x in c["evidence"][:6]) + (" …" if len(c["evidence"]) > 6 else "")
        rows.append(
            "<tr>"
            f"<td><q>{e(c['quote'])}</q><br><span class='small'>{e(c['claim_id'])}</span></td>"
            f"<td class='num'>{e(_value(c['claimed_value'], c['unit']))}</td>"
            f"<td class='num'>{e(_value(c['computed_value'], c['unit']))}</td>"
            f"<td>{e(UNITS_NL.get(c['unit'], c['unit']))}</td>"
            f"<td>{_verdict_badge(c['verdict'])}</td>"
            f"<td>{e(c['reading_nl'])}<details><summary>details en bronnen</summary>{e(c['explanation'])}"
            f"<br><b>Bronnen:</b> {evidence}<br><b>Regel:</b> {e(c['rule'])}</details></td>"
            "</tr>"
        )
    legend = " ".join(f"<span>{_verdict_badge(v)} {counts.get(v, 0)}</span>" for v in VERDICTS_NL)
    figures = "\n".join(
        f"<figure id='chart-{e(name)}' class='chart'>{svg}<figcaption>{e(caption)}</figcaption></figure>"
        for name, (svg, caption) in charts.items()
    )
    snaps = "".join(
        f"<li>{e(s['title'])} — <code>{e(s['snapshot_id'])}</code>, geraadpleegd {e(str(s['date_accessed'])[:10])}, "
        f"licentie {e(s['license'])}</li>" for s in data["snapshots"]
    )
    meta = (f"Gepubliceerd {pub['published_at']:%d-%m-%Y %H:%M} UTC, modus {e(pub['mode'])}, run {e(pub['run_id'])}."
            if pub else "")
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Claimtoets brief Industriecoalitie (mei 2023)</title><style>{CSS}</style></head>
<body>
<h1>Claimtoets: brief van de Industriecoalitie over bbl en praktijkleren (mei 2023)</h1>
<p>Elke kwantitatieve bewering uit de brief aan de Tweede Kamer (commissiedebat Actieplan Groene en Digitale
Banen, 25 mei 2023), getoetst aan open data van CBS, DUO en gepubliceerde cijfers van OCW/RVO, SEO en de MBO Raad.
Elk getal komt uit een bron die hieronder en in de database (<code>bbl.duckdb</code>) staat.</p>
<p class="small">{meta} Datakwaliteit: {q['passed']} van {q['checks']} controles geslaagd.</p>
<h2>Claims en oordeel</h2>
<p class="legend">{legend}</p>
<table id="claims"><thead><tr><th>Claim (citaat)</th><th>Beweerd</th><th>Berekend</th><th>Eenheid</th>
<th>Oordeel</th><th>Lezing en toelichting</th></tr></thead><tbody>
{''.join(rows)}
</tbody></table>
<h2>Grafieken</h2>
{figures}
<h2>Bronnen</h2>
<ul>{snaps}</ul>
<p class="small">Gemaakt door bbl-stats. Toelichtingen in de details zijn in het Engels, zoals in de database.</p>
</body></html>
"""


def render_markdown(data: dict[str, Any], chart_files: dict[str, tuple[Path, str]]) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["# Claimtoets: brief van de Industriecoalitie over bbl en praktijkleren (mei 2023)", "",
             "| claim | citaat | beweerd | berekend | eenheid | oordeel | lezing |", "|---|---|---|---|---|---|---|"]
    for c in data["claims"]:
        lines.append(f"| {cell(c['claim_id'])} | {cell(c['quote'])} | {_value(c['claimed_value'], c['unit'])} | "
                     f"{_value(c['computed_value'], c['unit'])} | {cell(UNITS_NL.get(c['unit'], c['unit']))} | "
                     f"{VERDICTS_NL.get(c['verdict'], (c['verdict'],))[0]} | {cell(c['reading_nl'])} |")
    lines += ["", "## Grafieken", ""]
    for name, (path, caption) in chart_files.items():
        lines += [f"![{name}](charts/{path.name})", "", f"*{caption}*", ""]
    lines += ["## Toelichting per claim", ""]
    for c in data["claims"]:
        lines += [f"**{c['claim_id']}** — {c['explanation']}", "", f"Bronnen: {', '.join(c['evidence'])}", ""]
    return "\n".join(lines)


def build_report(database: Path, out_dir: Path) -> ReportFiles:
    """Read the published database (read-only) and write report.html, report.md and charts/*.svg."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        data = load_report_data(con)
    finally:
        con.close()
    from assets.claims import load_claims

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


@dg.asset(
    key=["publish", "report"],
    deps=[dg.AssetKey(["publish", "analyst_database"])],
    group_name="publish",
    kinds={"html", "matplotlib"},
    pool=WAREHOUSE_POOL,
    description="The claim ledger and its charts as one self-contained HTML page in Dutch (inline SVG, nothing "
    "loaded at view time) and a markdown twin, built from the published database: $BBL_HOME/reports/.",
)
def report(context: dg.AssetExecutionContext, bbl: BblResource) -> dg.MaterializeResult:
    settings = bbl.settings()
    started = time.monotonic()
    files = build_report(settings.published_db, settings.home / "reports")
    context.log.info(f"report: {files.html} ({time.monotonic() - started:.1f} s)")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(files.html)),
        "markdown": dg.MetadataValue.path(str(files.markdown)),
        "charts": dg.MetadataValue.int(len(files.charts)),
        "size_bytes": dg.MetadataValue.int(files.html.stat().st_size),
    })
