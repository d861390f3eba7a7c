"""The report's text: Dutch number formats, verdict labels and colours, and the HTML page and its
markdown twin. All text that comes from data is HTML-escaped."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

VERDICTS_NL = {
    "supported": ("ondersteund", "#1a7f37", "#dafbe1"),
    "partly supported": ("deels ondersteund", "#9a6700", "#fff8c5"),
    "not supported": ("niet ondersteund", "#cf222e", "#ffebe9"),
    "not checkable with open data": ("niet toetsbaar met open data", "#57606a", "#eaeef2"),
    "pending live data": ("wacht op live data", "#0969da", "#ddf4ff"),
}


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


CSS = """
.stale{background:#fff8c5;border:1px solid #d4a72c;padding:.3rem 1rem;margin:1rem 0} body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;color:#1f2328;
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
    stale = "".join(
        f"<li><b>{e(s['source'].upper())} {e(s['name'])}</b>: "
        + (f"verouderd sinds {s['stale_since']:%d-%m-%Y %H:%M} UTC; de laatste goede versie wordt gebruikt."
           if s["status"] == "stale" else "niet beschikbaar; de indicatoren die deze bron nodig hebben wachten op live data.")
        + f" Laatste fout: {e(s['last_error'])}</li>" for s in data.get("stale", []))
    stale_block = (f"<div class='stale' role='alert'><p><b>Niet alle bronnen waren bereikbaar.</b></p><ul>{stale}</ul></div>"
                   if stale else "")
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Claimtoets brief Industriecoalitie (mei 2023)</title><style>{CSS}</style></head>
<body>
<h1>Claimtoets: brief van de Industriecoalitie over bbl en praktijkleren (mei 2023)</h1>
<p>Elke kwantitatieve bewering uit de brief aan de Tweede Kamer (commissiedebat Actieplan Groene en Digitale
Banen, 25 mei 2023), getoetst aan open data van CBS, DUO en gepubliceerde cijfers van OCW/RVO, SEO en de MBO Raad.
Elk getal komt uit een bron die hieronder en in de database (<code>bbl.duckdb</code>) staat.</p>
<p class="small">{meta} Datakwaliteit: {q['passed']} van {q['checks']} controles geslaagd.</p>
{stale_block}
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

    lines = ["# Claimtoets: brief van de Industriecoalitie over bbl en praktijkleren (mei 2023)", ""]
    for s in data.get("stale", []):
        since = f"verouderd sinds {s['stale_since']:%d-%m-%Y %H:%M} UTC" if s["status"] == "stale" else "niet beschikbaar"
        lines.append(f"> **Let op:** {s['source'].upper()} {s['name']}: {since}; laatste fout: {cell(s['last_error'])}")
    if data.get("stale"):
        lines.append("")
    lines += ["| claim | citaat | beweerd | berekend | eenheid | oordeel | lezing |", "|---|---|---|---|---|---|---|"]
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
