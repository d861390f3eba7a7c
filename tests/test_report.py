"""The report: Dutch, self-contained, escaped; and a real browser renders it without touching the network."""

import os
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT

from bbl.report.build import build_report
from bbl.report.render import VERDICTS_NL, nl_number, render_html

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def report_files(built_home, tmp_path_factory):
    return build_report(built_home / "bbl.duckdb", tmp_path_factory.mktemp("report"))


def test_dutch_number_format():
    assert nl_number(2216.7, 2) == "2.216,70"
    assert nl_number(14.8148, 1) == "14,8"
    assert nl_number(1_400_000_000) == "1.400.000.000"
    assert nl_number(None) == "–"


def test_report_is_self_contained_with_ledger_and_charts(report_files, published):
    text = report_files.html.read_text(encoding="utf-8")
    n_claims = published.execute("SELECT count(*) FROM marts.claim_checks").fetchall()[0][0]
    assert text.count("<tr><td><q>") == n_claims
    assert text.count("<figure id='chart-") == 4 and text.count("<svg") >= 4
    assert "src=\"http" not in text and "href=\"http" not in text and "<link" not in text and "<script" not in text
    assert "2.216,70" in text or "2.216,7" in text  # the 2018/2019 amount in the subsidy details
    assert "niet ondersteund" in text and 'lang="nl"' in text
    md = report_files.markdown.read_text(encoding="utf-8")
    assert md.count("\n| subsidy_") >= 6 and "![subsidie](charts/subsidie.svg)" in md
    assert all(p.is_file() and p.stat().st_size > 5000 for p in report_files.charts)


def test_text_from_data_is_escaped():
    claim = {"claim_id": "x<1>", "quote": "<script>alert(1)</script>", "claimed_value": 1.0, "computed_value": None,
             "unit": "%", "verdict": "supported", "reading_nl": "a & b", "explanation": "<img src=x onerror=y>",
             "evidence": ["<b>"], "rule": "r"}
    out = render_html({"claims": [claim], "publication": [], "quality": [], "snapshots": []}, {})
    assert "<script>alert" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<img src=x" not in out and "a &amp; b" in out


def test_every_verdict_has_a_dutch_label_and_colour():
    from bbl.claims.verdicts import VERDICTS

    assert set(VERDICTS_NL) == set(VERDICTS)


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
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(("file:", "data:"))
                       else route.continue_())
            page.goto(report_files.html.as_uri())
            rows = page.locator("#claims tbody tr")
            assert rows.count() >= 20
            assert page.locator("#claims .verdict").first.is_visible()
            for chart in ("subsidie", "bbl", "vacatures", "techniek"):
                svg = page.locator(f"#chart-{chart} svg")
                assert svg.count() == 1
                box = svg.bounding_box()
                assert box and box["width"] > 300 and box["height"] > 150, chart
                assert page.locator(f"#chart-{chart} svg path").count() > 20, chart  # drawn, not empty
            page.screenshot(path=str(shots / "report.png"), full_page=True)
        finally:
            browser.close()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
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
