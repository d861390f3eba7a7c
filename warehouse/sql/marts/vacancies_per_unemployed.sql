-- marts.vacancies_per_unemployed: open vacancies per 100 unemployed, seasonally adjusted, per quarter.
-- Open vacancies: CBS 84545NED (register). Unemployed: CBS 85224NED "Werkloze beroepsbevolking"
-- (x 1 000), the national total (the largest value of the quarter across sex/age breakdowns).
-- Live mode only for the unemployed: offline the table is empty (pending live data).
WITH unemployed AS (
    SELECT o.period, max(o.value) AS unemployed_x1000
    FROM raw.cbs_observations o JOIN raw.cbs_measures m USING (table_id, measure)
    WHERE o.table_id = '85224NED' AND m.title ILIKE 'werkloze beroepsbevolking%' AND o.period LIKE '____KW__'
      AND o.value IS NOT NULL
    GROUP BY o.period
)
SELECT v.period, v.value_x1000 AS open_x1000, u.unemployed_x1000,
       round(v.value_x1000 / u.unemployed_x1000 * 100, 0) AS vacancies_per_100_unemployed, v.source_ref
FROM staging.vacancies v JOIN unemployed u USING (period)
WHERE v.seasonally_adjusted AND v.measure = 'open' AND v.sbi_code = 'T001081'
ORDER BY v.period
