"""The claim ledger: one row per quote, values computed from the data, verdicts follow the rules,
requests and intentions listed but not judged, and explanations in Dutch."""

import polars as pl
import pytest
from conftest import LETTER

from bbl.claims.ledger import compute_ledger, load_claims, read_inputs
from bbl.claims.model import STUDENTS, SUBSIDY, ClaimError, normalize_text
from bbl.claims.verdicts import VERDICTS, direction, judge

ISSUE_CLAIMS = {
    "subsidy_2023_max_2300", "subsidy_past_max_2700", "subsidy_cut_400", "subsidy_cut_12pct", "employer_cost_12000",
    "seo_net_benefits_1_4bn", "technical_largest", "technical_share_one_third", "vakkrachten_10000",
    "subsidy_fluctuates", "hybrid_teachers_1000", "voorjaarsnota_2300", "subsidy_plea_2700", "seven_action_lines",
    "investments_doubled",
}


def test_every_quote_stands_verbatim_in_the_letter():
    letter = normalize_text(LETTER.read_text(encoding="utf-8"))
    for claim in load_claims():
        assert normalize_text(claim.quote) in letter, claim.id


NUMBER_WORDS = {7: "zeven", 33.3: "een derde"}


def test_claimed_values_are_the_numbers_in_the_quote():
    for claim in load_claims():
        if claim.claimed_value is None:
            continue
        n = claim.claimed_value
        written = {f"{n:,.0f}".replace(",", "."), f"{n:g}", f"{n / 1e9:g} miljard", NUMBER_WORDS.get(n, "-")}
        assert any(w in claim.quote for w in written), (claim.id, n)


@pytest.fixture(scope="module")
def inputs(built_home):
    import duckdb

    con = duckdb.connect(str(built_home / "bbl.duckdb"), read_only=True)
    try:
        return read_inputs(con)
    finally:
        con.close()


def _both(inputs):
    claims, readings = compute_ledger(load_claims(), inputs)
    return ({r["claim_id"]: r for r in claims.iter_rows(named=True)},
            {(r["claim_id"], r["reading_id"]): r for r in readings.iter_rows(named=True)})


def _ledger(inputs):
    return _both(inputs)[0]


def test_one_claim_per_quote_with_valid_verdicts(inputs):
    ledger = _ledger(inputs)
    assert set(ledger) == ISSUE_CLAIMS
    assert len({normalize_text(r["quote"]) for r in ledger.values()}) == len(ledger)
    assert all(r["verdict"] in VERDICTS for r in ledger.values())


def test_a_quote_twice_is_refused():
    text = ("- {id: a, topic: t, kind: fact, quote: q, unit: u, readings: [{id: r, name_nl: n, compute: subsidy_spread}]}\n"
            "- {id: b, topic: t, kind: fact, quote: q, unit: u, readings: [{id: r, name_nl: n, compute: subsidy_spread}]}")
    with pytest.raises(ClaimError, match="share a quote"):
        load_claims(text)


def test_requests_intentions_and_the_letters_plan_are_not_judged(inputs):
    ledger = _ledger(inputs)
    for cid in ("subsidy_plea_2700", "seven_action_lines", "hybrid_teachers_1000", "investments_doubled"):
        r = ledger[cid]
        assert r["verdict"] == "not a factual claim" and r["direction"] is None, cid
        assert "niet beoordeeld" in r["explanation_nl"], cid
    assert ledger["subsidy_plea_2700"]["claim_kind"] == "request"
    assert ledger["seven_action_lines"]["computed_value"] == 7  # counted in the letter, still not judged


def test_2023_amount(inputs):
    r = _ledger(inputs)["subsidy_2023_max_2300"]
    assert (r["claimed_value"], r["computed_value"], r["verdict"], r["direction"]) == (2300, 2300, "supported", "matches")
    assert "subsidy.amount_per_place.mbo_bbl.2022-2023.forecast_ocw" in r["evidence"]
    assert "OAZ verwachtte € 2.300 tot € 2.500" in r["explanation_nl"]  # OAZ's range is reported alongside
    assert "alleen op secundaire bronnen" in r["explanation_nl"]  # OCW's forecast is known via STL and OAZ only


def test_past_years_at_maximum_names_which_years_fit(inputs):
    r = _ledger(inputs)["subsidy_past_max_2700"]
    assert r["computed_value"] == pytest.approx(2216.70)  # 2018/2019, the lowest amount in the window
    assert (r["verdict"], r["direction"]) == ("partly supported", "overstated")
    text = r["explanation_nl"]
    assert "betaald in 2020/2021, 2021/2022; niet in 2018/2019; onbekend voor 2017/2018, 2019/2020" in text
    assert "2016/2017 € 2.587,14" in text and "NPO" in text  # the maximum of 2020/21 was temporary money
    aavas = [s for s in r["sources"] if "aavas.nl" in s["url"]]
    assert aavas and aavas[0]["source_kind"] == "secondary"  # 2018/19's amount is reported by AAVAS, not the Stcrt


def test_cut_of_400(inputs):
    r = _ledger(inputs)["subsidy_cut_400"]
    assert (r["computed_value"], r["verdict"], r["direction"]) == (400, "supported", "matches")
    assert "€ 200 tot € 400" in r["explanation_nl"]


def test_the_12_percent_claim_is_understated_and_its_readings(inputs):
    ledger, readings = _both(inputs)
    r = ledger["subsidy_cut_12pct"]
    assert r["computed_value"] == pytest.approx(round(400 / 2700 * 100, 1))
    assert (r["claimed_value"], r["verdict"], r["direction"]) == (12, "supported", "understated")
    assert "€ 2.376" in r["explanation_nl"] and "14,8%" in r["explanation_nl"]
    # 12% is what one gets from the average of 2013/14-2021/22 (the seven years with a known amount)
    known = [2700, 2700, 2700, 2587.14, 2216.70, 2700, 2700]
    avg = readings[("subsidy_cut_12pct", "nominal_from_average")]
    assert avg["computed_value"] == pytest.approx(round((1 - 2300 / (sum(known) / len(known))) * 100, 1))
    assert (avg["verdict"], avg["direction"]) == ("supported", "matches")
    assert "€ 2.614,83" in avg["explanation_nl"]
    real = readings[("subsidy_cut_12pct", "real_cpi")]
    # 2,700 paid in 2022 vs 2,300 paid in 2023, deflated with CBS 86141NED (90.29 -> 93.76)
    assert real["computed_value"] == pytest.approx(round((1 - (2300 / 93.76) / (2700 / 90.29)) * 100, 1))
    assert "CPI alle bestedingen" in real["reading"] and "2025=100" in real["explanation_nl"]
    assert "cbs:86141NED:M000215:2023JJ00" in real["evidence"]
    assert sum(1 for k in readings if k[0] == "subsidy_cut_12pct" and readings[k]["headline"]) == 1


def test_verdicts_follow_the_data_not_the_text(inputs):
    # Had OCW forecast 2,376 (a 12% cut), the 12% claim would match and the 400 claim would not hold.
    amounts = inputs[SUBSIDY].with_columns(
        pl.when(pl.col("studiejaar") == "2022/2023").then(2376.0).otherwise(pl.col("amount_nominal_eur"))
        .alias("amount_nominal_eur")
    )
    ledger = _ledger(inputs.with_table(SUBSIDY, amounts))
    assert (ledger["subsidy_cut_12pct"]["verdict"], ledger["subsidy_cut_12pct"]["direction"]) == ("supported", "matches")
    assert ledger["subsidy_cut_400"]["verdict"] == "not supported"
    assert ledger["subsidy_cut_400"]["computed_value"] == 324
    assert ledger["subsidy_cut_400"]["direction"] == "overstated"


def test_missing_data_gives_pending_not_a_guess(inputs):
    no_forecast = inputs[SUBSIDY].with_columns(
        pl.when(pl.col("studiejaar") == "2022/2023").then(None).otherwise(pl.col("amount_nominal_eur"))
        .alias("amount_nominal_eur")
    )
    r = _ledger(inputs.with_table(SUBSIDY, no_forecast))["subsidy_2023_max_2300"]
    assert r["computed_value"] is None and r["verdict"] == "pending live data" and r["direction"] is None
    assert "geen bedrag per plaats voor 2022/2023" in r["explanation_nl"]


@pytest.mark.parametrize(
    ("comparison", "claimed", "computed", "tol", "upper", "verdict"),
    [
        ("approx", 12, 14.8, 0.5, None, "not supported"),
        ("approx", 12, 12.4, 0.5, None, "supported"),
        ("at_least", 400, 400, 0, None, "supported"),
        ("at_least", 400, 399, 0, None, "not supported"),
        ("at_most", 2300, 2300, 0, None, "supported"),
        ("at_most", 2300, 2500, 0, None, "not supported"),
        ("range_at_least", 2700, 2700, 0, 2700, "supported"),
        ("range_at_least", 2700, 2216.7, 0, 2700, "partly supported"),
        ("range_at_least", 2700, 2216.7, 0, 2587.14, "not supported"),
    ],
)
def test_judge(comparison, claimed, computed, tol, upper, verdict):
    assert judge(comparison, claimed, computed, tol, upper)[0] == verdict


@pytest.mark.parametrize(("verdict", "claimed", "computed", "tol", "expected"), [
    ("supported", 12, 14.8, 0.5, "understated"), ("not supported", 33.3, 23.4, 3.3, "overstated"),
    ("supported", 400, 400.004, 0.005, "matches"), ("pending live data", 12, None, 0.5, None),
    ("not a factual claim", 2700, 2700, 0, None), ("supported", None, 483.3, 0, None),
])
def test_direction(verdict, claimed, computed, tol, expected):
    assert direction(verdict, claimed, computed, tol) == expected


def test_ledger_rejects_unknown_rules():
    text = ("- {id: x, topic: t, kind: fact, quote: q, claimed_value: 1, unit: u, "
            "readings: [{id: r, name_nl: n, compute: subsidy_amount, comparison: roughly}]}")
    with pytest.raises(ClaimError, match="comparison 'roughly'"):
        load_claims(text)
    with pytest.raises(ClaimError, match="kind 'plea'"):
        load_claims("- {id: x, topic: t, kind: plea, quote: q, unit: u, "
                    "readings: [{id: r, name_nl: n, compute: subsidy_amount}]}")


def test_every_claim_has_a_value_or_says_what_is_missing(inputs):
    for r in _ledger(inputs).values():
        if r["computed_value"] is None:
            assert r["verdict"] in ("not checkable with open data", "pending live data", "not a factual claim"), \
                r["claim_id"]
            assert "Ontbreekt:" in r["explanation_nl"] or r["verdict"] == "not a factual claim", r["claim_id"]


def test_every_claim_names_a_source_url_and_the_letter_last(inputs):
    for r in _ledger(inputs).values():
        urls = [s["url"] for s in r["sources"]]
        assert urls and urls[-1].startswith("https://www.bouwendnederland.nl/"), r["claim_id"]
        assert all(u.startswith("https://") for u in urls), (r["claim_id"], urls)


def test_explanations_are_dutch(inputs):
    ledger, readings = _both(inputs)
    texts = [r["explanation_nl"] for r in ledger.values()] + [r["explanation_nl"] for r in readings.values()]
    titles = [src["title"] for r in ledger.values() for src in r["sources"]]
    assert not [t for t in titles if "_" in t or t.count("(via") > 1], titles  # no measure ids, no "via ... via"
    for text in texts:
        assert "EUR " not in text and "Missing" not in text and "computed" not in text, text
    assert any("€ 2.216,70" in t for t in texts)


def test_claims_on_the_bundled_data(inputs):
    ledger, readings = _both(inputs)
    e = ledger["employer_cost_12000"]
    assert e["verdict"] == "not checkable with open data"
    assert "dekt 19,2% van € 12.000 bij € 2.300" in e["explanation_nl"] and "22,5% bij het maximum" in e["explanation_nl"]
    assert "€ 3.249 per bbl-student" in e["explanation_nl"]  # SEO 422 mln / 129,900 (2019/2020)
    f = ledger["seo_net_benefits_1_4bn"]
    assert (f["computed_value"], f["verdict"]) == (1.4e9, "supported")
    # the letter's "technische sectoren" is the broad definition: pending offline; the narrow one is inflow
    assert ledger["technical_largest"]["verdict"] == "pending live data"
    narrow = readings[("technical_largest", "narrow")]
    assert narrow["verdict"] == "not supported"  # Zorg ruim 19,000 > TGO ruim 11,000 (inflow)
    assert narrow["unit"] == "bbl inflow" and "niet het aantal bbl-studenten" in narrow["explanation_nl"]
    share = readings[("technical_share_one_third", "narrow")]
    assert share["computed_value"] == pytest.approx(round(11000 / 47000 * 100, 1))
    assert (share["verdict"], share["unit"]) == ("not supported", "% of bbl inflow")
    assert "ondergrens" in share["explanation_nl"]
    assert ledger["technical_share_one_third"]["verdict"] == "pending live data"
    h = {k[1]: r["computed_value"] for k, r in readings.items() if k[0] == "vakkrachten_10000"}
    assert h == pytest.approx({"all_sectors": round(10000 / 423700 * 100, 1),
                               "industry_construction": round(10000 / 60000 * 100, 1),
                               "nijverheid_energie": round(10000 / 64600 * 100, 1)})
    assert ledger["vakkrachten_10000"]["verdict"] == "not checkable with open data"
    i = ledger["subsidy_fluctuates"]
    assert (i["computed_value"], i["verdict"]) == (pytest.approx(2700 - 2216.70), "supported")


def test_with_stock_per_sectorkamer_the_broad_definition_is_computed(inputs):
    """When 85353NED/DUO stock per sectorkamer is loaded (live), the broad reading gets a value."""
    stock = pl.DataFrame({
        "studiejaar": ["2022/2023"] * 4, "start_year": [2022] * 4, "basis": ["stock"] * 4,
        "sectorkamer": ["Totaal", "Techniek en gebouwde omgeving", "Mobiliteit, transport, logistiek en maritiem",
                        "Zorg, welzijn en sport"],
        "series": ["DUO"] * 4, "students": [130000.0, 30000.0, 15000.0, 40000.0], "qualifier": ["exact"] * 4,
        "source_ref": ["duo"] * 4, "citation_url": ["https://x"] * 4, "priority": [2] * 4,
    })
    ledger, readings = _both(inputs.with_table(STUDENTS, pl.concat([inputs[STUDENTS], stock], how="vertical_relaxed")))
    broad = ledger["technical_largest"]
    assert (broad["computed_value"], broad["verdict"], broad["unit"]) == (45000, "supported", "bbl students")
    assert readings[("technical_largest", "narrow")]["verdict"] == "not supported"
