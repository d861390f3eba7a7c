"""The register of published figures: built from its source files, uniform, cited, traceable."""

import csv
import json

import polars as pl
import pytest
from conftest import DATA, PROJECT

from bbl.figures.build import build_register
from bbl.figures.load import RegisterError, read_register, validate_register
from bbl.figures.vocabulary import QUALIFIERS, REGISTER_COLUMNS

REGISTER = DATA / "figures" / "published_figures.csv"


@pytest.fixture(scope="module")
def rows():
    with REGISTER.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_committed_register_is_what_the_builder_makes(rows):
    # The register is never edited by hand: it must equal a fresh build from the source files.
    assert rows == build_register(PROJECT), "run `python -m bbl.bundle` to rebuild data/figures"


def test_uniform_schema(rows):
    assert list(rows[0].keys()) == REGISTER_COLUMNS


def test_every_row_is_cited_and_qualified(rows):
    for r in rows:
        assert r["citation_url"].startswith(("https://", "http://")), r["figure_id"]
        assert r["qualifier"] in QUALIFIERS, r["figure_id"]
        assert r["publisher"] and r["measure"] and r["period"] and r["unit"], r["figure_id"]
        assert isinstance(json.loads(r["labels"]), dict)
    assert len({r["figure_id"] for r in rows}) == len(rows)


def _spellings(value: float) -> set[str]:
    """The ways a source may write a number: 2216.70, 2,216.70, 188,9 (mln), 240,092k, 92.000 ..."""
    out = set()
    for scale in (1, 1_000, 1_000_000):
        v = value / scale
        for fmt in ("{:.0f}", "{:.1f}", "{:.2f}", "{:,.0f}", "{:,.1f}", "{:,.2f}", "{:,.3f}"):
            s = fmt.format(v)
            out |= {s, s.replace(",", "."), s.replace(".", ",")}
    return out


def test_every_value_stands_in_its_source_file(rows):
    for r in rows:
        text = (PROJECT / r["source_file"]).read_text(encoding="utf-8")
        assert r["source_excerpt"] in text, f"{r['figure_id']}: excerpt not found in {r['source_file']}"
        value = float(r["value"])
        assert any(s in r["source_excerpt"] for s in _spellings(value)), (
            f"{r['figure_id']}: value {r['value']} is not written in its excerpt {r['source_excerpt'][:120]!r}"
        )


def test_third_party_derivations_are_left_out(rows):
    measures = {r["measure"] for r in rows}
    assert not any("riction" in m for m in measures)  # friction period of the 80472ned extract
    assert not any("to_2024" in m or "factor" in m for m in measures)  # CPI "change to 2024" columns
    # values the compiled subsidy table marks "(derived)" are not in the register
    assert not [r for r in rows if r["figure_id"].startswith("subsidy.") and r["value"] in ("876.15", "95.8")]


def test_known_figures(rows):
    by_id = {r["figure_id"]: r for r in rows}
    assert by_id["subsidy.amount_per_place.mbo_bbl.2018-2019"]["value"] == "2216.7"
    assert by_id["subsidy.max_per_place.regulation_art15"]["value"] == "2700"
    assert by_id["subsidy.amount_per_place.mbo_bbl.2022-2023.forecast_ocw"]["qualifier"] == "forecast"
    assert by_id["seo2019.net_social_balance"]["qualifier"] == "almost"
    assert by_id["cbs.80472ned.OpenstaandeVacatures_1.T001081.2022JJ00.api_extract"]["value"] == "444.4"
    # 1997 has no open-vacancy value at CBS: no figure, never a guess
    assert "cbs.80472ned.OpenstaandeVacatures_1.T001081.1997JJ00.api_extract" not in by_id


def test_register_manifest_verifies_register_and_sources():
    manifest, df = read_register(DATA / "figures", DATA)
    assert df.height > 300 and df["value"].dtype == pl.Float64
    assert len(manifest["sources"]) >= 10


def test_a_changed_source_file_is_detected(data_copy):
    src = data_copy / "published" / "seo_2019_bbl_costs_benefits.csv"
    src.write_text(src.read_text(encoding="utf-8").replace("962000000", "962000001"), encoding="utf-8")
    from bbl.snapshot import SnapshotError

    with pytest.raises(SnapshotError, match="seo_2019_bbl_costs_benefits.csv is missing or changed"):
        read_register(data_copy / "figures", data_copy)


def _frame(**override):
    row = {c: "x" for c in REGISTER_COLUMNS}
    row.update(figure_id="f1", value="1.5", qualifier="exact", citation_url="https://example.org", labels="{}")
    row.update(override)
    return pl.DataFrame([row])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"value": "12,5"}, "f1: value '12,5' is not a number"),
        ({"qualifier": "roughly"}, "f1: qualifier 'roughly'"),
        ({"citation_url": ""}, "f1: empty citation_url"),
        ({"labels": "[1]"}, "f1: labels '\\[1\\]' is not a JSON object"),
    ],
)
def test_bad_rows_are_refused_naming_figure_and_column(override, message):
    with pytest.raises(RegisterError, match=message):
        validate_register(_frame(**override))


def test_duplicate_figure_ids_are_refused():
    with pytest.raises(RegisterError, match="f1: figure_id is not unique"):
        validate_register(pl.concat([_frame(), _frame()]))
