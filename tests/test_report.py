"""The report: Dutch, self-contained, escaped; and a real browser renders it without touching the network."""

import os
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT

from bbl.claims.verdicts import VERDICTS_NL
from bbl.report.build import build_report
from bbl.report.render import VERDICT_COLOURS, nl_number, render_html

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def report_files(built_home, tmp_path_factory):
    return build_report(built_home / "bbl.duckdb", tmp_path_factory.mktemp("report"))


def test_cbs_periods_in_words():
    from bbl.nl import period_nl

    assert [period_nl(p) for p in ("2023JJ00", "2023KW02", "2023MM05", "2022/2023")] == \
        ["2023", "2e kwartaal 2023", "mei 2023", "2022/2023"]


def test_dutch_number_format():
    assert nl_number(2216.7, 2) == "2.216,70"
    assert nl_number(14.8148, 1) == "14,8"
    assert nl_number(1_400_000_000) == "1.400.000.000"
    assert nl_number(None) == "–"


def test_report_is_self_contained_dutch_with_a_row_per_claim(report_files, published):
    text = report_files.html.read_text(encoding="utf-8")
    n_claims = published.execute("SELECT count(*) FROM marts.claim_checks").fetchall()[0][0]
    assert text.count("<tr><td><q>") == n_claims
    assert f"{n_claims} claims uit de brief" in text  # the tally counts claims, not rows
    assert text.count("<figure id='chart-") == 4 and text.count("<svg") >= 4
    # nothing is loaded from elsewhere (links to the sources are fine: they are only followed when clicked)
    assert "src=\"http" not in text and "<link" not in text and "<script" not in text
    assert "€ 2.216,70" in text and 'lang="nl"' in text and "deels ondersteund" in text
    import re

    prose = re.sub(r"<details><summary>technisch</summary>.*?</details>", "", text, flags=re.S)
    assert "EUR " not in prose and "computed" not in prose and "Reading:" not in prose  # rules only in "technisch"
    assert "subsidy_cut_12pct" not in prose  # no internal ids in the prose
    assert "Bron: CBS" in text and "CC BY 4.0" in text
    checks, passed, pending = published.execute(
        "SELECT count(*) FILTER (WHERE evaluated > 0 OR passed), count(*) FILTER (WHERE passed), "
        "count(*) FILTER (WHERE NOT passed AND evaluated = 0) FROM quality.check_results").fetchall()[0]
    assert pending > 0  # offline, the CBS/DUO tables that are not bundled have nothing to check
    assert f"{passed} van de {checks} uitgevoerde controles geslaagd; {pending} wachten op live data" in text
    md = report_files.markdown.read_text(encoding="utf-8")
    assert "![subsidie](charts/subsidie.svg)" in md and "€ 2.216,70" in md
    assert all(p.is_file() and p.stat().st_size > 5000 for p in report_files.charts)


def test_every_claim_lists_its_sources_as_links_with_the_date(report_files, published):
    import re

    text = report_files.html.read_text(encoding="utf-8")
    body = text[text.index("<tbody>"):text.index("</tbody>")]
    rows = body.split("<tr><td><q>")[1:]
    assert len(rows) == published.execute("SELECT count(*) FROM marts.claim_checks").fetchall()[0][0]
    for row in rows:
        sources = row[row.index("<ul class='sources'>"):]
        links = re.findall(r'<a href="([^"]+)"', sources[:sources.index("</ul>")])
        assert links and all(h.startswith("https://") for h in links), row[:80]
    past = next(r for r in rows if "maximale 2.700" in r[:200])
    assert "geraadpleegd 27-11-2026" in past  # the date the register was built from the stored copies
    assert "secundaire bron" in past  # AAVAS reports the 2018/19 amount
    assert "CPI alle bestedingen" in next(r for r in rows if "korting van 12%" in r[:200])  # the deflator is named


def test_text_from_data_is_escaped():
    claim = {"claim_id": "x<1>", "quote": "<script>alert(1)</script>", "claimed_value": 1.0, "computed_value": None,
             "unit": "%", "verdict": "supported", "direction": None, "claim_kind": "fact", "reading_nl": "a & b",
             "explanation_nl": "<img src=x onerror=y>", "evidence": ["<b>"], "rule": "r",
             "sources": [{"publisher": "<i>", "title": "t", "url": "https://x/?a=<b>", "accessed": None,
                          "source_kind": "primary", "ref": "r"}]}
    out = render_html({"claims": [claim], "readings": [], "publication": [], "quality": [], "snapshots": []}, {})
    assert "<script>alert" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<img src=x" not in out and "a &amp; b" in out and "<i>" not in out


def test_every_verdict_has_a_dutch_label_and_colour():
    from bbl.claims.verdicts import VERDICTS

    assert set(VERDICTS_NL) == set(VERDICTS) == set(VERDICT_COLOURS)


@pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"), reason="Debian chromium not installed")
def test_browser_renders_the_report_offline(report_files, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = PROJECT / "screenshots"
    shots.mkdir(exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
            page.on("request", lambda r: requests.append(r.url))
            page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(("file:", "data:"))
                       else route.continue_())
            page.goto(report_files.html.as_uri())
            rows = page.locator("#claims tbody tr")
            assert rows.count() == 15  # one per claim; the page works without JavaScript
            assert page.locator("#claims .verdict").first.is_visible()
            for chart in ("subsidie", "bbl", "vacatures", "techniek"):
                svg = page.locator(f"#chart-{chart} svg")
                assert svg.count() == 1
                box = svg.bounding_box()
                assert box and box["width"] > 1000 and box["height"] > 250, chart  # full width of the page
                assert page.locator(f"#chart-{chart} svg path").count() > 20, chart  # drawn, not empty
            page.screenshot(path=str(shots / "report.png"), full_page=True)
            page.close()
            violations = _axe_violations(browser, report_files.html.as_uri())
        finally:
            browser.close()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == [], violations
    assert (shots / "report.png").stat().st_size > 50_000


def test_bbl_report_command(built_home, tmp_path):
    import subprocess
    import sys

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(built_home / "bbl.duckdb", home / "bbl.duckdb")
    out = subprocess.run([sys.executable, "-m", "pipelines.cli", "report"], cwd=PROJECT, capture_output=True, text=True,
                         env={**os.environ, "BBL_HOME": str(home)}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (home / "reports" / "report.html").is_file() and "report.html" in out.stdout


def _axe_violations(browser, url: str) -> list[dict]:
    """axe-core (bundled with axe-playwright-python, injected locally: nothing is downloaded) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        page.goto(url)
        results = Axe().run(page)
        return [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"]}
                for v in results.response["violations"]]
    finally:
        page.close()


def test_every_claim_shows_the_letters_date_and_when_its_verdict_last_moved(report_files, published):
    text = report_files.html.read_text(encoding="utf-8")
    body = text[text.index("<tbody>"):text.index("</tbody>")]
    rows = body.split("<tr><td><q>")[1:]
    assert all("Op de datum van de brief:" in r and "Sinds de brief:" in r and "Oordeel sinds " in r for r in rows)
    cut = next(r for r in rows if "korting van 12%" in r[:200])
    assert "CBS 86141NED: oudste versie in het archief gepubliceerd op 02-07-2026" in cut  # the CPI came later
    seo = next(r for r in rows if "1,4 miljard" in r[:300])
    assert "Op 25-05-2023 te berekenen uit wat toen gepubliceerd was: € 1,4 miljard (ondersteund)." in seo
    assert "eerste berekening" in body
    md = report_files.markdown.read_text(encoding="utf-8")
    assert md.count("*Op de datum van de brief:*") == len(rows)


def test_a_chart_is_drawn_again_only_when_what_it_shows_changed(built_home, tmp_path):
    out = tmp_path / "report"
    first = build_report(built_home / "bbl.duckdb", out)
    html = first.html.read_text(encoding="utf-8")
    assert first.drawn == len(first.charts) == 4  # an empty cache: every chart drawn
    second = build_report(built_home / "bbl.duckdb", out)
    assert second.drawn == 0  # the same published data: every chart from the cache
    assert second.html.read_text(encoding="utf-8") == html  # and the same report, byte for byte
    # a lost drawing is drawn again, that chart only
    cached = sorted((out / "charts" / ".cache").glob("*.svg"))
    assert len(cached) == 4
    cached[0].unlink()
    assert build_report(built_home / "bbl.duckdb", out).drawn == 1


def test_chart_cache_keys_on_the_arguments_and_keeps_only_the_latest_report(tmp_path):
    from bbl.report.build import ChartCache

    calls = []

    def make(rows):
        calls.append(rows)
        return f"<svg>{len(rows)}</svg>"

    cache = ChartCache(tmp_path)
    assert cache.get(make, [{"a": 1}]) == "<svg>1</svg>"
    assert cache.get(make, [{"a": 1}]) == "<svg>1</svg>" and len(calls) == 1  # same rows: not drawn again
    cache.get(make, [{"a": 2}])
    assert len(calls) == 2  # a changed value: drawn
    later = ChartCache(tmp_path)  # the next report uses one of the two
    later.get(make, [{"a": 2}])
    later.prune()
    assert len(calls) == 2 and len(list(tmp_path.glob("*.svg"))) == 1
