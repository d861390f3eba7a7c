"""The claim ledger: quotes are verbatim, values are computed from the data, verdicts follow the rules."""

import polars as pl
import pytest
from conftest import LETTER

from bbl.claims.ledger import compute_ledger, load_claims, read_inputs
from bbl.claims.model import STUDENTS, SUBSIDY, ClaimError, normalize_text
from bbl.claims.verdicts import VERDICTS, judge

ISSUE_CLAIMS = {
    "subsidy_2023_max_2300",  # a
    "subsidy_past_max_2700",  # b
    "subsidy_cut_400",  # c
    "subsidy_cut_12pct_nominal", "subsidy_cut_12pct_in_euro", "subsidy_cut_12pct_real",  # d
    "employer_cost_12000",  # e
    "seo_net_benefits_1_4bn",  # f
    "technical_largest_narrow", "technical_largest_broad", "technical_share_narrow", "technical_share_broad",  # g
    "vakkrachten_10000_total", "vakkrachten_10000_technical_cf", "vakkrachten_10000_technical_bf",  # h
    "subsidy_fluctuates",  # i
    "hybrid_teachers_1000", "voorjaarsnota_2300", "subsidy_plea_2700", "seven_action_lines", "investments_doubled",
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


def _ledger(inputs):
    return {r["claim_id"]: r for r in compute_ledger(load_claims(), inputs).iter_rows(named=True)}


def test_issue_claims_are_in_the_ledger_with_valid_verdicts(inputs):
    ledger = _ledger(inputs)
    assert ISSUE_CLAIMS <= set(ledger)
    assert all(r["verdict"] in VERDICTS for r in ledger.values())


def test_2023_amount(inputs):
    r = _ledger(inputs)["subsidy_2023_max_2300"]
    assert (r["claimed_value"], r["computed_value"], r["verdict"]) == (2300, 2300, "supported")
    assert "subsidy.amount_per_place.mbo_bbl.2022-2023.forecast_ocw" in r["evidence"]
    assert "2,300-EUR 2,500" in r["explanation"]  # OAZ's range is reported alongside


def test_past_years_at_maximum_names_which_years_fit(inputs):
    r = _ledger(inputs)["subsidy_past_max_2700"]
    assert r["computed_value"] == pytest.approx(2216.70)  # 2018/2019, the lowest amount in the window
    assert r["verdict"] == "partly supported"
    assert "The maximum was paid in 2020/2021, 2021/2022; not in 2018/2019; unknown for 2017/2018, 2019/2020" \
        in r["explanation"]
    assert "2016/2017 EUR 2,587.14" in r["explanation"]


def test_cut_of_400(inputs):
    r = _ledger(inputs)["subsidy_cut_400"]
    assert (r["computed_value"], r["verdict"]) == (400, "supported")
    assert "EUR 200-EUR 400" in r["explanation"]


def test_cut_of_12_percent_three_ways(inputs):
    ledger = _ledger(inputs)
    nominal = ledger["subsidy_cut_12pct_nominal"]
    assert nominal["computed_value"] == pytest.approx(round(400 / 2700 * 100, 1))
    assert nominal["verdict"] == "not supported"
    assert "would leave EUR 2,376" in nominal["explanation"]
    euro = ledger["subsidy_cut_12pct_in_euro"]
    assert (euro["claimed_value"], euro["computed_value"], euro["verdict"]) == (324, 400, "not supported")
    real = ledger["subsidy_cut_12pct_real"]
    # 2,700 paid in 2022 vs 2,300 paid in 2023, deflated with CBS 86141NED (90.29 -> 93.76)
    assert real["computed_value"] == pytest.approx(round((1 - (2300 / 93.76) / (2700 / 90.29)) * 100, 1))
    assert real["verdict"] == "supported"
    assert "cbs:86141NED:M000215:2023JJ00" in real["evidence"]


def test_verdicts_follow_the_data_not_the_text(inputs):
    # Had OCW forecast 2,376 (a 12% cut), the nominal-12% claim would hold and the 400 claim would not.
    amounts = inputs[SUBSIDY].with_columns(
        pl.when(pl.col("studiejaar") == "2022/2023").then(2376.0).otherwise(pl.col("amount_nominal_eur"))
        .alias("amount_nominal_eur")
    )
    changed = inputs.with_table(SUBSIDY, amounts)
    ledger = _ledger(changed)
    assert ledger["subsidy_cut_12pct_nominal"]["verdict"] == "supported"
    assert ledger["subsidy_cut_400"]["verdict"] == "not supported"
    assert ledger["subsidy_cut_400"]["computed_value"] == 324


def test_missing_data_gives_pending_not_a_guess(inputs):
    no_forecast = inputs[SUBSIDY].with_columns(
        pl.when(pl.col("studiejaar") == "2022/2023").then(None).otherwise(pl.col("amount_nominal_eur"))
        .alias("amount_nominal_eur")
    )
    ledger = _ledger(inputs.with_table(SUBSIDY, no_forecast))
    r = ledger["subsidy_2023_max_2300"]
    assert r["computed_value"] is None and r["verdict"] == "pending live data"
    assert "no amount per place for 2022/2023" in r["explanation"]


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


def test_ledger_rejects_unknown_rules():
    text = ("- {id: x, topic: t, quote: q, claimed_value: 1, unit: u, compute: subsidy_amount, "
            "comparison: roughly}")
    with pytest.raises(ClaimError, match="comparison 'roughly'"):
        load_claims(text)


def test_every_claim_has_a_value_or_says_what_is_missing(inputs):
    for r in _ledger(inputs).values():
        if r["computed_value"] is None:
            assert r["verdict"] in ("not checkable with open data", "pending live data"), r["claim_id"]
            assert "Missing:" in r["explanation"] or "cannot be tested" in r["rule"], r["claim_id"]


def test_claims_e_to_i_on_the_bundled_data(inputs):
    ledger = _ledger(inputs)
    e = ledger["employer_cost_12000"]
    assert e["verdict"] == "not checkable with open data"
    assert "covers 19.2% of it at EUR 2,300" in e["explanation"] and "22.5% at the maximum" in e["explanation"]
    assert "EUR 3,249 per bbl student" in e["explanation"]  # SEO 422 mln / 129,900 (2019/2020)
    f = ledger["seo_net_benefits_1_4bn"]
    assert (f["computed_value"], f["verdict"]) == (1.4e9, "supported")
    assert ledger["technical_largest_narrow"]["verdict"] == "not supported"  # Zorg 19,000 > TGO 11,000 (inflow)
    assert "inflow, not the stock" in ledger["technical_largest_narrow"]["explanation"]
    share = ledger["technical_share_narrow"]
    assert share["computed_value"] == pytest.approx(round(11000 / 47000 * 100, 1)) and share["verdict"] == "not supported"
    assert ledger["technical_share_broad"]["verdict"] == "pending live data"
    h = {k: ledger[k]["computed_value"] for k in ("vakkrachten_10000_total", "vakkrachten_10000_technical_cf",
                                                   "vakkrachten_10000_technical_bf")}
    assert h == pytest.approx({"vakkrachten_10000_total": round(10000 / 423700 * 100, 1),
                               "vakkrachten_10000_technical_cf": round(10000 / 60000 * 100, 1),
                               "vakkrachten_10000_technical_bf": round(10000 / 64600 * 100, 1)})
    i = ledger["subsidy_fluctuates"]
    assert (i["computed_value"], i["verdict"]) == (pytest.approx(2700 - 2216.70), "supported")
    assert ledger["seven_action_lines"]["computed_value"] == 7
    assert ledger["hybrid_teachers_1000"]["verdict"] == "not checkable with open data"


def test_with_stock_per_sectorkamer_the_broad_definition_is_computed(inputs):
    """When 85353NED/DUO stock per sectorkamer is loaded (live), the broad reading gets a value."""
    stock = pl.DataFrame({
        "studiejaar": ["2022/2023"] * 4, "start_year": [2022] * 4, "basis": ["stock"] * 4,
        "sectorkamer": ["Totaal", "Techniek en gebouwde omgeving", "Mobiliteit, transport, logistiek en maritiem",
                        "Zorg, welzijn en sport"],
        "series": ["DUO"] * 4, "students": [130000.0, 30000.0, 15000.0, 40000.0], "qualifier": ["exact"] * 4,
        "source_ref": ["duo"] * 4, "citation_url": ["https://x"] * 4, "priority": [2] * 4,
    })
    ledger = _ledger(inputs.with_table(STUDENTS, pl.concat([inputs[STUDENTS], stock], how="vertical_relaxed")))
    broad = ledger["technical_largest_broad"]
    assert (broad["computed_value"], broad["verdict"]) == (45000, "supported")
    assert ledger["technical_largest_narrow"]["verdict"] == "not supported"
