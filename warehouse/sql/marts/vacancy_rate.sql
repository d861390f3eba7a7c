-- marts.vacancy_rate: vacancies per 1,000 employee jobs at the end of the quarter, by SBI code.
-- Source: CBS 80567ned (live mode only: no bundled snapshot; empty offline = pending live data).
SELECT o.period, o.dimensions['SBI2008'] AS sbi_code, c.title AS sbi_title, o.value AS rate_per_1000_jobs,
       coalesce(p.status, 'unknown') AS status, 'cbs:80567ned:' || o.measure || ':' || o.period AS source_ref
FROM raw.cbs_observations o
JOIN raw.cbs_measures m USING (table_id, measure)
LEFT JOIN raw.cbs_codes c ON c.table_id = o.table_id AND c.dimension = 'SBI2008' AND c.code = o.dimensions['SBI2008']
LEFT JOIN raw.cbs_codes p ON p.table_id = o.table_id AND p.dimension = 'Perioden' AND p.code = o.period
WHERE o.table_id = '80567ned' AND m.title ILIKE 'vacaturegraad%' AND o.value IS NOT NULL
ORDER BY sbi_code, period
