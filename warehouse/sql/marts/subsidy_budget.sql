-- marts.subsidy_budget: the money behind the Subsidieregeling praktijkleren, as published.
-- Budgets per studiejaar and category (plafonds), the regulation's caps (art. 14, 2014-2018), and the
-- OCW budget line with its mutations (Rijksbegroting 2023, 1e suppletoire begroting).
SELECT
    period,
    labels['category']                    AS category,
    measure,
    value                                 AS amount_eur,
    qualifier,
    publisher,
    figure_id,
    citation_url
FROM raw.published_figures
WHERE topic = 'subsidy'
  AND measure IN ('budget_eur', 'budget_cap_eur', 'budget_line_eur', 'budget_mutation_eur')
ORDER BY period, category, measure, figure_id
