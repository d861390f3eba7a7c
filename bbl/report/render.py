"""The report's text, in Dutch throughout: the claims with their verdicts, readings and sources as
links, the charts, and a sources section with licences and CBS's attribution; and its markdown twin.
All text that comes from data is HTML-escaped. Internal ids and rules stay in a "technisch" fold."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import Any

from bbl.claims.verdicts import DIRECTIONS_NL, KINDS_NL, VERDICTS_NL
from bbl.figures.vocabulary import url_host
from bbl.nl import date_nl, nl_number, value_nl

__all__ = ["VERDICT_COLOURS", "nl_number", "render_html", "render_markdown"]

# (text colour, background) per verdict: contrast at least 4.5:1 (WCAG AA)
VERDICT_COLOURS = {
    "supported": ("#116329", "#dafbe1"),
    "partly supported": ("#7d4e00", "#fff8c5"),
    "not supported": ("#a40e26", "#ffebe9"),
    "not checkable with open data": ("#424a53", "#eaeef2"),
    "pending live data": ("#0550ae", "#ddf4ff"),
    "not a factual claim": ("#424a53", "#ffffff"),
}
CBS_ATTRIBUTION = ("Bron: CBS. Cijfers van het Centraal Bureau voor de Statistiek worden hergebruikt onder de licentie "
                   "Creative Commons Naamsvermelding 4.0 (CC BY 4.0).")
CC_BY = "https://creativecommons.org/licenses/by/4.0/deed.nl"

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5rem auto;max-width:1200px;color:#1f2328;
line-height:1.5;padding:0 1rem} h1{font-size:1.6rem} h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de}
a{color:#0550ae} .stale{background:#fff8c5;border:1px solid #9a6700;padding:.3rem 1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem} th,td{border:1px solid #d0d7de;padding:.4rem .5rem;
vertical-align:top;text-align:left} th{background:#f6f8fa} td.num{text-align:right;white-space:nowrap}
.verdict{font-weight:600;border-radius:1em;padding:.1em .6em;display:inline-block;border:1px solid currentColor}
.kind{font-size:.8rem;color:#424a53} .dir{display:block;font-size:.8rem;margin-top:.3rem}
figure{margin:1.5rem 0} figure svg{width:100%;height:auto;display:block} figcaption{font-size:.85rem;color:#424a53}
details{margin-top:.4rem} summary{cursor:pointer;color:#0550ae} .small{font-size:.85rem;color:#424a53}
ul.readings,ul.sources{margin:.3rem 0;padding-left:1.2rem} q{font-style:italic} .tally span{margin-right:1rem}
code{font-size:.8rem} #claims th:nth-child(1){width:20%} #claims th:nth-child(2),#claims th:nth-child(3){width:9%}
#claims th:nth-child(4){width:12%} #claims th:nth-child(5){width:50%}
"""


def _badge(verdict: str) -> str:
    fg, bg = VERDICT_COLOURS.get(verdict, ("#1f2328", "#ffffff"))
    return f'<span class="verdict" style="color:{fg};background:{bg}">{html.escape(VERDICTS_NL.get(verdict, verdict))}</span>'


def _link(s: dict[str, Any]) -> str:
    e = html.escape
    accessed = f", geraadpleegd {date_nl(s['accessed'])}" if s.get("accessed") else ""
    secondary = " <span class='small'>(secundaire bron)</span>" if s.get("source_kind") == "secondary" else ""
    return (f"<li><a href=\"{e(s['url'])}\">{e(s['title'])}</a> — {e(s['publisher'])}{accessed}{secondary}</li>"
            if s["url"].startswith("http") else f"<li>{e(s['title'])} — {e(s['publisher'])}{accessed}</li>")


def _claim_row(c: dict[str, Any], readings: list[dict[str, Any]]) -> str:
    e = html.escape
    direction = (f"<span class='dir'>{e(DIRECTIONS_NL[c['direction']])}</span>" if c.get("direction") else "")
    others = [r for r in readings if not r["headline"]]
    reading_list = ""
    if others:
        items = "".join(
            f"<li>{e(r['reading'])}: <b>{e(value_nl(r['computed_value'], r['unit']))}</b>"
            + (f" — {e(VERDICTS_NL[r['verdict']])}" if r["verdict"] != "not a factual claim" else "")
            + f"<br><span class='small'>{e(r['explanation_nl'])}</span></li>" for r in others)
        reading_list = f"<p><b>Andere lezingen</b></p><ul class='readings'>{items}</ul>"
    sources = "".join(_link(s) for s in c["sources"])
    over_time = _over_time(c)
    head = next((r for r in readings if r["headline"]), None)
    technisch = (f"<details><summary>technisch</summary><p class='small'>claim <code>{e(c['claim_id'])}</code>"
                 + (f", lezing <code>{e(head['reading_id'])}</code>" if head else "")
                 + f"; regel <code>{e(c['rule'])}</code>; bewijs: "
                 + ", ".join(f"<code>{e(x)}</code>" for x in c["evidence"]) + "</p></details>")
    return (
        "<tr>"
        f"<td><q>{e(c['quote'])}</q><br><span class='kind'>{e(KINDS_NL.get(c['claim_kind'], c['claim_kind']))}</span></td>"
        f"<td class='num'>{e(value_nl(c['claimed_value'], c['unit']))}</td>"
        f"<td class='num'>{e(value_nl(c['computed_value'], c['unit']))}</td>"
        f"<td>{_badge(c['verdict'])}{direction}</td>"
        f"<td>{e(c['reading_nl'])}<p>{e(c['explanation_nl'])}</p>{reading_list}{over_time}"
        f"<details><summary>bronnen ({len(c['sources'])})</summary><ul class='sources'>{sources}</ul></details>"
        f"{technisch}</td></tr>"
    )


def _over_time(c: dict[str, Any]) -> str:
    """The claim over time: on the letter's date, how far its figures moved since, when the verdict last moved."""
    e = html.escape
    lines = []
    if c.get("at_letter_date_nl"):
        lines.append(f"<b>Op de datum van de brief:</b> {e(c['at_letter_date_nl'])}")
    if c.get("moved_since_letter_nl"):
        lines.append(f"<b>Sinds de brief:</b> {e(c['moved_since_letter_nl'])}")
    if c.get("verdict_since"):
        lines.append(f"<b>Oordeel sinds {c['verdict_since']:%d-%m-%Y}:</b> {e(c.get('verdict_cause_nl') or '')}")
    return f"<p class='small over-time'>{'<br>'.join(lines)}</p>" if lines else ""


def _tally(claims: list[dict[str, Any]]) -> str:
    counts = Counter(c["verdict"] for c in claims)
    parts = " ".join(f"<span>{_badge(v)} {n}</span>" for v in VERDICTS_NL if (n := counts.get(v, 0)))
    return f"<p class='tally'>{len(claims)} claims uit de brief: {parts}</p>"


def _licence(s: dict[str, Any]) -> str:
    host = url_host(s["url"] or "")
    if host == "cbs.nl":
        return f"<a href=\"{CC_BY}\">CC BY 4.0</a>; Bron: CBS"
    if host == "zoek.officielebekendmakingen.nl":
        return "officiële bekendmaking (geen auteursrecht, art. 11 Auteurswet)"
    return "auteursrecht bij de uitgever; hier alleen als bron van een cijfer aangehaald"


def _sources_section(data: dict[str, Any]) -> str:
    e = html.escape
    rows = []
    for s in data.get("sources", []):
        kind = "primair" if s["source_kind"] == "primary" else f"secundair (cijfer van {e(s['primary_publisher'])})"
        accessed = date_nl(s["accessed"])
        rows.append(f"<tr><td><a href=\"{e(s['url'])}\">{e(s['url'])}</a></td><td>{e(s['publisher'])}</td>"
                    f"<td>{kind}</td><td>{accessed}</td><td>{_licence(s)}</td></tr>")
    snaps = "".join(
        f"<li>{e(s['title'])} — <a href=\"{e(s['url'])}\">{e(s['url'])}</a>, geraadpleegd {date_nl(s['date_accessed'])}, "
        f"licentie {e(s['license'] or 'onbekend')} <span class='small'>(<code>{e(s['snapshot_id'])}</code>)</span></li>"
        for s in data["snapshots"] if (s["url"] or "").startswith("http"))
    return (f"<h2 id='bronnen'>Bronnen</h2><p>{e(CBS_ATTRIBUTION)} <a href=\"{CC_BY}\">Licentietekst</a>.</p>"
            f"<h3>Gegevens van de API's</h3><ul>{snaps or '<li>geen (gebundelde momentopname)</li>'}</ul>"
            "<h3>Gepubliceerde cijfers (register)</h3><p class='small'>Primair: de publicatie van de instantie die het "
            "cijfer maakt. Secundair: een bericht van een ander over dat cijfer. Geraadpleegd: de datum waarop het "
            "register uit de bewaarde kopieën van de pagina's is opgebouwd.</p>"
            "<table><thead><tr><th>Pagina</th><th>Uitgever</th><th>Soort bron</th><th>Geraadpleegd</th>"
            f"<th>Licentie</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def as_of_title(as_of: Any) -> str:
    return f" — stand op {date_nl(as_of)}" if as_of else ""


def as_of_text(as_of: Any) -> str:
    return (f"Deze versie gebruikt alleen wat op of vóór {date_nl(as_of)} (einde van de dag, Nederlandse tijd) "
            "gepubliceerd was: van CBS en DUO de versie die toen gold, uit het register de cijfers met een "
            "publicatiedatum tot en met die dag. Cijfers waarvan de bron geen datum noemt, en bronnen waarvan het "
            "archief geen versie van vóór die datum heeft, ontbreken; de claims die ze nodig hebben wachten op "
            "gegevens.")


def render_html(data: dict[str, Any], charts: dict[str, tuple[str, str]]) -> str:
    e = html.escape
    pub = data["publication"][0] if data["publication"] else None
    q = data["quality"][0] if data["quality"] else {"checks": 0, "passed": 0, "pending": 0}
    pending = (f"; {q['pending']} wachten op live data (van die bronnen zijn geen gegevens geladen)"
               if q.get("pending") else "")
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for r in data.get("readings", []):
        by_claim.setdefault(r["claim_id"], []).append(r)
    rows = "".join(_claim_row(c, by_claim.get(c["claim_id"], [])) for c in data["claims"])
    figures = "\n".join(
        f"<figure id='chart-{e(name)}' class='chart'>{svg}<figcaption>{e(caption)}</figcaption></figure>"
        for name, (svg, caption) in charts.items())
    meta = (f"Gepubliceerd op {pub['published_at']:%d-%m-%Y om %H:%M} UTC (modus: {e(pub['mode'])})." if pub else "")
    stale = "".join(
        f"<li><b>{e(s['source'].upper())} {e(s['name'])}</b>: "
        + (f"verouderd sinds {s['stale_since']:%d-%m-%Y %H:%M} UTC; de laatste goede versie wordt gebruikt."
           if s["status"] == "stale" else "niet beschikbaar; de claims die deze bron nodig hebben wachten op live data.")
        + f" Laatste fout: {e(s['last_error'])}</li>" for s in data.get("stale", []))
    as_of = data.get("as_of")
    as_of_block = (f"<div class='stale' role='note'><p><b>Stand op {e(date_nl(as_of))}.</b> {e(as_of_text(as_of))}</p></div>"
                   if as_of else "")
    stale_block = as_of_block + (f"<div class='stale' role='alert'><p><b>Niet alle bronnen waren bereikbaar.</b></p><ul>{stale}</ul></div>"
                   if stale else "")
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Claimtoets brief Industriecoalitie (mei 2023)</title><style>{CSS}</style></head>
<body><main>
<h1>Claimtoets: brief van de Industriecoalitie over bbl en praktijkleren (mei 2023){e(as_of_title(as_of))}</h1>
<p>Elke bewering met een getal uit de brief aan de Tweede Kamer (commissiedebat Actieplan Groene en Digitale Banen,
25 mei 2023), getoetst aan open data van het CBS en DUO en aan gepubliceerde cijfers van OCW/RVO, SEO en de MBO Raad.
Verzoeken en voornemens staan erbij, maar krijgen geen oordeel. Bij elke claim staan de bronnen; alle bronnen staan
onder <a href="#bronnen">Bronnen</a>.</p>
<p class="small">{meta} Datakwaliteit: {q['passed']} van de {q['checks']} uitgevoerde controles geslaagd{pending}.</p>
{stale_block}
<h2>Claims en oordeel</h2>
{_tally(data['claims'])}
<table id="claims"><caption class="small">Per claim: het citaat, het getal in de brief, het getal uit de gegevens,
het oordeel en de toelichting met bronnen.</caption><thead><tr><th scope="col">Claim (citaat)</th>
<th scope="col">In de brief</th><th scope="col">Uit de gegevens</th><th scope="col">Oordeel</th>
<th scope="col">Lezing, toelichting en bronnen</th></tr></thead><tbody>
{rows}
</tbody></table>
<h2>Grafieken</h2>
{figures}
{_sources_section(data)}
<p class="small">Gemaakt met bbl-stats; de gegevens staan in de database <code>bbl.duckdb</code>
(tabellen <code>marts.claim_checks</code> en <code>marts.claim_readings</code>).</p>
</main></body></html>
"""


def render_markdown(data: dict[str, Any], chart_files: dict[str, tuple[Path, str]]) -> str:
    def cell(text: Any) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    as_of = data.get("as_of")
    lines = [f"# Claimtoets: brief van de Industriecoalitie over bbl en praktijkleren (mei 2023){as_of_title(as_of)}", ""]
    if as_of:
        lines += [f"> **Stand op {date_nl(as_of)}.** {as_of_text(as_of)}", ""]
    for s in data.get("stale", []):
        since = f"verouderd sinds {s['stale_since']:%d-%m-%Y %H:%M} UTC" if s["status"] == "stale" else "niet beschikbaar"
        lines.append(f"> **Let op:** {s['source'].upper()} {s['name']}: {since}; laatste fout: {cell(s['last_error'])}")
    counts = Counter(c["verdict"] for c in data["claims"])
    lines += ["", f"{len(data['claims'])} claims: " + ", ".join(
        f"{VERDICTS_NL[v]} {n}" for v in VERDICTS_NL if (n := counts.get(v, 0))), ""]
    lines += ["| citaat | soort | in de brief | uit de gegevens | oordeel |", "|---|---|---|---|---|"]
    for c in data["claims"]:
        verdict = VERDICTS_NL.get(c["verdict"], c["verdict"])
        if c.get("direction"):
            verdict += f" ({DIRECTIONS_NL[c['direction']]})"
        lines.append(f"| {cell(c['quote'])} | {KINDS_NL.get(c['claim_kind'], c['claim_kind'])} | "
                     f"{value_nl(c['claimed_value'], c['unit'])} | {value_nl(c['computed_value'], c['unit'])} | {verdict} |")
    lines += ["", "## Grafieken", ""]
    for name, (path, caption) in chart_files.items():
        lines += [f"![{name}](charts/{path.name})", "", f"*{caption}*", ""]
    lines += ["## Toelichting per claim", ""]
    for c in data["claims"]:
        lines += [f"**{cell(c['quote'])}** — {c['explanation_nl']}", ""]
        if c.get("at_letter_date_nl"):
            lines += [f"*Op de datum van de brief:* {c['at_letter_date_nl']} *Sinds de brief:* "
                      f"{c.get('moved_since_letter_nl') or ''}"
                      + (f" *Oordeel sinds {c['verdict_since']:%d-%m-%Y}:* {c.get('verdict_cause_nl') or ''}"
                         if c.get("verdict_since") else ""), ""]
        lines += [f"- [{s['title']}]({s['url']}) — {s['publisher']}"
                  + (f", geraadpleegd {date_nl(s['accessed'])}" if s.get("accessed") else "")
                  + (" (secundaire bron)" if s.get("source_kind") == "secondary" else "") for s in c["sources"]]
        lines.append("")
    lines += ["## Bronnen", "", CBS_ATTRIBUTION, ""]
    return "\n".join(lines)
