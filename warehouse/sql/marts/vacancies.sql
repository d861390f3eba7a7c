-- marts.vacancies: open vacancies (x 1 000, not seasonally adjusted) by period and scope:
--   'A-U' all sectors (T001081), 'B-F' industry and energy (300003), 'C+F' manufacturing plus
--   construction (307500 + 350000, where both are published), and every other SBI code as published.
-- Source: CBS 80472ned from the API where loaded, else the register (see staging.vacancies).
WITH open AS (
    SELECT period, sbi_code, sbi_title, value_x1000, source, source_ref
    FROM staging.vacancies WHERE measure = 'open' AND NOT seasonally_adjusted
),
cf AS (
    SELECT period, 'C+F' AS scope, 'C Industrie + F Bouwnijverheid' AS scope_title, sum(value_x1000) AS open_x1000,
           list(source_ref ORDER BY sbi_code) AS source_refs, min(source) AS source
    FROM open WHERE sbi_code IN ('307500', '350000') GROUP BY period HAVING count(*) = 2
)
SELECT period, CASE WHEN substr(period, 5, 2) = 'JJ' THEN 'year' ELSE 'quarter' END AS frequency,
       scope, scope_title, open_x1000, source_refs, source
FROM (
    SELECT period, CASE sbi_code WHEN 'T001081' THEN 'A-U' WHEN '300003' THEN 'B-F' ELSE sbi_code END AS scope,
           sbi_title AS scope_title, value_x1000 AS open_x1000, [source_ref] AS source_refs, source
    FROM open
    UNION ALL SELECT * FROM cf
)
ORDER BY scope, period
