-- marts.subsidy_cost_share: the subsidy per bbl place as a share of the employer's cost per bbl
-- student as employer organisations estimate it (VNO-NCW / MKB-Nederland 2018: about EUR 12,000 a
-- year). The estimate has no public calculation behind it: the share is indicative only.
WITH cost AS (
    SELECT value AS employer_cost_eur, figure_id FROM raw.published_figures
    WHERE figure_id = 'employer_cost.employer_cost_per_bbl_student'
)
SELECT s.studiejaar, s.amount_nominal_eur, s.figure_status, cost.employer_cost_eur,
       round(s.amount_nominal_eur / cost.employer_cost_eur * 100, 1) AS share_pct,
       cost.figure_id AS employer_cost_figure_id
FROM marts.subsidy_per_place s CROSS JOIN cost
WHERE s.amount_nominal_eur IS NOT NULL
ORDER BY s.studiejaar
