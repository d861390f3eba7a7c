"""Suites for the marts: the indicators and the claim ledger."""

from __future__ import annotations

import duckdb

from bbl.claims.verdicts import DIRECTIONS, JUDGED_KINDS, KINDS, VERDICTS
from bbl.figures.vocabulary import QUALIFIERS
from bbl.quality.frames import STUDIEJAAR_REGEX, frame, no_problems


def subsidy_per_place_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("subsidy_per_place", frame(con, """
            SELECT studiejaar, amount_nominal_eur, pct_of_max, amount_real_eur, figure_status, citation_url
            FROM marts.subsidy_per_place"""),
         lambda gxe: [
             gxe.ExpectTableRowCountToBeBetween(min_value=1),
             gxe.ExpectColumnValuesToBeUnique(column="studiejaar"),
             gxe.ExpectColumnValuesToMatchRegex(column="studiejaar", regex=STUDIEJAAR_REGEX),
             gxe.ExpectColumnValuesToBeBetween(column="amount_nominal_eur", min_value=0, max_value=2700),
             gxe.ExpectColumnValuesToBeBetween(column="pct_of_max", min_value=0, max_value=100),
             gxe.ExpectColumnValuesToBeInSet(column="figure_status",
                                             value_set=["reported", "inferred", "forecast", "not found"]),
         ]),
        ("amount_without_citation", frame(con, """
            SELECT studiejaar || ': amount without citation' AS problem FROM marts.subsidy_per_place
            WHERE amount_nominal_eur IS NOT NULL AND citation_url IS NULL"""), no_problems),
    ]


def claim_checks_frames(con: duckdb.DuckDBPyConnection) -> list:
    judged = ", ".join(f"'{k}'" for k in JUDGED_KINDS)
    return [
        ("claim_checks", frame(con, "SELECT claim_id, claim_kind, quote, unit, verdict, direction, explanation_nl, "
                                    "verdict_at_letter_date, at_letter_date_nl, moved_since_letter_nl, verdict_since "
                                    "FROM marts.claim_checks"),
         lambda gxe: [
             gxe.ExpectTableRowCountToBeBetween(min_value=1),
             gxe.ExpectColumnValuesToNotBeNull(column="claim_id"),
             gxe.ExpectColumnValuesToBeUnique(column="claim_id"),
             gxe.ExpectColumnValuesToBeUnique(column="quote"),
             gxe.ExpectColumnValuesToNotBeNull(column="explanation_nl"),
             gxe.ExpectColumnValuesToBeInSet(column="verdict", value_set=list(VERDICTS)),
             gxe.ExpectColumnValuesToBeInSet(column="claim_kind", value_set=list(KINDS)),
             gxe.ExpectColumnValuesToBeInSet(column="direction", value_set=list(DIRECTIONS)),  # nulls pass
             # the claim over time: the letter's date and the verdict's last move, on every claim
             gxe.ExpectColumnValuesToBeInSet(column="verdict_at_letter_date", value_set=list(VERDICTS)),
             gxe.ExpectColumnValuesToNotBeNull(column="verdict_at_letter_date"),
             gxe.ExpectColumnValuesToNotBeNull(column="at_letter_date_nl"),
             gxe.ExpectColumnValuesToNotBeNull(column="moved_since_letter_nl"),
             gxe.ExpectColumnValuesToNotBeNull(column="verdict_since"),
         ]),
        # nothing can be computed on the letter's date from data published after it
        ("letter_date_value_without_data", frame(con, """
            SELECT claim_id || ': a value on the letter''s date but verdict ' || verdict_at_letter_date AS problem
            FROM marts.claim_checks
            WHERE computed_at_letter_date IS NOT NULL AND verdict_at_letter_date = 'pending live data'"""),
         no_problems),
        # a request, an intention or the letter's own plan is listed, never judged; a fact or forecast always is
        ("kind_and_verdict", frame(con, f"""
            SELECT claim_id || ': ' || claim_kind || ' with verdict ' || verdict AS problem FROM marts.claim_checks
            WHERE (claim_kind IN ({judged})) = (verdict = 'not a factual claim')"""), no_problems),
        ("claim_without_source_url", frame(con, """
            SELECT claim_id || ': no source with a URL' AS problem FROM marts.claim_checks
            WHERE len(list_filter(sources, lambda s: s.url LIKE 'http%')) = 0"""), no_problems),
    ]


def claim_readings_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("claim_readings", frame(con, "SELECT claim_id, reading_id, verdict, direction, explanation_nl "
                                      "FROM marts.claim_readings"),
         lambda gxe: [
             gxe.ExpectTableRowCountToBeBetween(min_value=1),
             gxe.ExpectCompoundColumnsToBeUnique(column_list=["claim_id", "reading_id"]),
             gxe.ExpectColumnValuesToNotBeNull(column="explanation_nl"),
             gxe.ExpectColumnValuesToBeInSet(column="verdict", value_set=list(VERDICTS)),
             gxe.ExpectColumnValuesToBeInSet(column="direction", value_set=list(DIRECTIONS)),
         ]),
        # every claim has exactly one headline reading, and it agrees with the claim's verdict
        ("headline", frame(con, """
            SELECT c.claim_id || ': ' || count(r.reading_id) FILTER (WHERE r.headline) || ' headline readings'
                   AS problem
            FROM marts.claim_checks c LEFT JOIN marts.claim_readings r USING (claim_id)
            GROUP BY c.claim_id HAVING count(r.reading_id) FILTER (WHERE r.headline) <> 1
            UNION ALL
            SELECT c.claim_id || ': verdict ' || c.verdict || ' but headline reading ' || r.verdict
            FROM marts.claim_checks c JOIN marts.claim_readings r USING (claim_id)
            WHERE r.headline AND r.verdict <> c.verdict
            UNION ALL
            SELECT r.claim_id || ': reading of no claim' FROM marts.claim_readings r
            ANTI JOIN marts.claim_checks c USING (claim_id)"""), no_problems),
    ]


def subsidy_budget_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("subsidy_budget", frame(con, "SELECT * FROM marts.subsidy_budget"), lambda gxe: [
            gxe.ExpectTableRowCountToBeBetween(min_value=1),
            *[gxe.ExpectColumnValuesToNotBeNull(column=c) for c in ("period", "category", "measure", "figure_id")],
            gxe.ExpectColumnValuesToBeUnique(column="figure_id"),
            gxe.ExpectColumnValuesToBeInSet(column="qualifier", value_set=list(QUALIFIERS)),
            gxe.ExpectColumnValuesToMatchRegex(column="citation_url", regex=r"^https?://\S+$"),
        ]),
        # budgets and caps are amounts of money a regulation can spend: 0 to EUR 2 billion a year
        ("budgets", frame(con, "SELECT figure_id, amount_eur FROM marts.subsidy_budget "
                               "WHERE measure <> 'budget_mutation_eur'"),
         lambda gxe: [gxe.ExpectColumnValuesToBeBetween(column="amount_eur", min_value=0, max_value=2e9)]),
    ]


def subsidy_cost_share_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("subsidy_cost_share", frame(con, "SELECT * FROM marts.subsidy_cost_share"), lambda gxe: [
            gxe.ExpectColumnValuesToBeUnique(column="studiejaar"),
            gxe.ExpectColumnValuesToMatchRegex(column="studiejaar", regex=STUDIEJAAR_REGEX),
            gxe.ExpectColumnValuesToBeBetween(column="share_pct", min_value=0, max_value=100),
            gxe.ExpectColumnValuesToBeBetween(column="employer_cost_eur", min_value=1),
        ]),
        ("share_is_amount_over_cost", frame(con, """
            SELECT studiejaar || ': share ' || CAST(share_pct AS VARCHAR) || ' is not amount / cost x 100' AS problem
            FROM marts.subsidy_cost_share
            WHERE share_pct IS NOT NULL AND abs(share_pct - amount_nominal_eur / employer_cost_eur * 100) > 0.05 + 1e-9
            """), no_problems),
    ]


def bbl_students_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("bbl_students", frame(con, "SELECT * FROM marts.bbl_students"), lambda gxe: [
            gxe.ExpectTableRowCountToBeBetween(min_value=1),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["studiejaar", "series"]),
            gxe.ExpectColumnValuesToMatchRegex(column="studiejaar", regex=STUDIEJAAR_REGEX),
            gxe.ExpectColumnValuesToBeBetween(column="students", min_value=0, max_value=1_000_000),
            gxe.ExpectColumnValuesToNotBeNull(column="source_ref"),
        ]),
        ("one_preferred_series_per_year", frame(con, """
            SELECT studiejaar || ': ' || CAST(count(*) FILTER (WHERE preferred) AS VARCHAR) || ' preferred series'
                   AS problem
            FROM marts.bbl_students GROUP BY studiejaar HAVING count(*) FILTER (WHERE preferred) <> 1"""), no_problems),
    ]


def bbl_technical_share_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("bbl_technical_share", frame(con, """
            SELECT studiejaar, basis, definition, technical_students, total_students, share_pct, status
            FROM marts.bbl_technical_share"""), lambda gxe: [
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["studiejaar", "basis", "definition"]),
            gxe.ExpectColumnValuesToBeInSet(column="basis", value_set=["stock", "inflow"]),
            gxe.ExpectColumnValuesToBeInSet(column="definition", value_set=["narrow", "broad"]),
            gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["computed", "pending live data"]),
            gxe.ExpectColumnValuesToBeBetween(column="share_pct", min_value=0, max_value=100),
        ]),
        ("share_is_technical_over_total", frame(con, """
            SELECT studiejaar || ' ' || basis || ' ' || definition || ': ' || CASE
                     WHEN (status = 'computed') <> (share_pct IS NOT NULL) THEN 'status and share disagree'
                     ELSE 'share ' || CAST(share_pct AS VARCHAR) || ' is not technical / total x 100' END AS problem
            FROM marts.bbl_technical_share
            WHERE (status = 'computed') <> (share_pct IS NOT NULL)
               OR abs(share_pct - technical_students / total_students * 100) > 0.05 + 1e-9"""), no_problems),
    ]


def vacancies_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("vacancies", frame(con, "SELECT period, frequency, scope, open_x1000, source FROM marts.vacancies"),
         lambda gxe: [
             gxe.ExpectTableRowCountToBeBetween(min_value=1),
             gxe.ExpectCompoundColumnsToBeUnique(column_list=["period", "scope"]),
             gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}(?:JJ00|KW0[1-4])$"),
             gxe.ExpectColumnValuesToBeInSet(column="frequency", value_set=["year", "quarter"]),
             gxe.ExpectColumnValuesToBeBetween(column="open_x1000", min_value=0, max_value=5000),
         ]),
        # a part of the economy never has more open vacancies than all of it
        ("parts_within_total", frame(con, """
            SELECT p.scope || ' ' || p.period || ': ' || CAST(p.open_x1000 AS VARCHAR) || ' > A-U '
                   || CAST(t.open_x1000 AS VARCHAR) AS problem
            FROM marts.vacancies p JOIN marts.vacancies t ON t.period = p.period AND t.scope = 'A-U'
            WHERE p.scope <> 'A-U' AND p.open_x1000 > t.open_x1000 + 0.05"""), no_problems),
    ]


def vacancy_rate_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("vacancy_rate", frame(con, "SELECT period, sbi_code, rate_per_1000_jobs FROM marts.vacancy_rate"),
         lambda gxe: [
             gxe.ExpectCompoundColumnsToBeUnique(column_list=["period", "sbi_code"]),
             gxe.ExpectColumnValuesToNotBeNull(column="sbi_code"),
             # a rate per 1,000 jobs at the end of a quarter: CBS's definition, so a quarter code
             gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}KW0[1-4]$"),
             gxe.ExpectColumnValuesToBeBetween(column="rate_per_1000_jobs", min_value=0, max_value=300),
         ]),
    ]


def vacancies_per_unemployed_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("vacancies_per_unemployed", frame(con, "SELECT * FROM marts.vacancies_per_unemployed"), lambda gxe: [
            gxe.ExpectColumnValuesToBeUnique(column="period"),
            gxe.ExpectColumnValuesToBeBetween(column="open_x1000", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="unemployed_x1000", min_value=1),
            gxe.ExpectColumnValuesToBeBetween(column="vacancies_per_100_unemployed", min_value=0, max_value=1000),
        ]),
        ("ratio_is_open_over_unemployed", frame(con, """
            SELECT period || ': ' || CAST(vacancies_per_100_unemployed AS VARCHAR) || ' is not open / unemployed x 100'
                   AS problem
            FROM marts.vacancies_per_unemployed
            WHERE abs(vacancies_per_100_unemployed - open_x1000 / unemployed_x1000 * 100) > 0.5 + 1e-9"""),
         no_problems),
    ]


def vakkrachten_share_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("vakkrachten_share", frame(con, "SELECT period, scope, open_vacancies, vacancies_claimed, share_pct "
                                         "FROM marts.vakkrachten_share"), lambda gxe: [
            gxe.ExpectTableRowCountToBeBetween(min_value=1),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["period", "scope"]),
            gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}JJ00$"),
            gxe.ExpectColumnValuesToBeBetween(column="open_vacancies", min_value=1),
            gxe.ExpectColumnValuesToBeBetween(column="share_pct", min_value=0, max_value=100),
        ]),
        ("share_is_claimed_over_open", frame(con, """
            SELECT scope || ' ' || period || ': share ' || CAST(share_pct AS VARCHAR) || ' is not claimed / open x 100'
                   AS problem
            FROM marts.vakkrachten_share
            WHERE abs(share_pct - vacancies_claimed / open_vacancies * 100) > 0.05 + 1e-9"""), no_problems),
    ]


def indicators_frames(con: duckdb.DuckDBPyConnection) -> list:
    return [
        ("indicators", frame(con, "SELECT * FROM meta.indicators"), lambda gxe: [
            gxe.ExpectTableRowCountToBeBetween(min_value=1),
            gxe.ExpectColumnValuesToBeUnique(column="name"),
            *[gxe.ExpectColumnValueLengthsToBeBetween(column=c, min_value=1)
              for c in ("name", "title", "unit", "definition", "sources")],
        ]),
        ("every_mart_documented", frame(con, """
            SELECT 'marts.' || table_name || ' has no row in meta.indicators' AS problem
            FROM duckdb_tables() WHERE schema_name = 'marts' AND database_name = current_database()
              AND NOT EXISTS (SELECT 1 FROM meta.indicators i WHERE i.name = 'marts.' || table_name
                                                                  OR i.name LIKE 'marts.' || table_name || '.%')"""),
         no_problems),
    ]
