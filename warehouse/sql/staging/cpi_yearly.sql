-- staging.cpi_yearly: the yearly CPI (2025 = 100) and its year-on-year change, all spending.
-- Source: CBS 86141NED "Consumentenprijzen; CPI 2025=100, index en mutaties", rows with a
-- YYYYJJ00 period and Bestedingscategorieen T001112 ("000000 Alle bestedingen").
--   M000215 = CPI (2025=100), M000238 = Jaarmutatie CPI (%).
-- The status is CBS's status of the period code (Definitief / Voorlopig).
SELECT
    CAST(substr(o.period, 1, 4) AS INTEGER)                 AS year,
    max(CASE WHEN o.measure = 'M000215' THEN o.value END)    AS cpi_2025eq100,
    max(CASE WHEN o.measure = 'M000238' THEN o.value END)    AS yoy_pct,
    coalesce(any_value(c.status), 'unknown')                 AS status,
    o.table_id                                               AS table_id,
    any_value(o.snapshot_id)                                 AS snapshot_id
FROM raw.cbs_observations AS o
LEFT JOIN raw.cbs_codes AS c
       ON c.table_id = o.table_id AND c.dimension = 'Perioden' AND c.code = o.period
WHERE o.table_id = '86141NED'
  AND regexp_matches(o.period, '^\d{4}JJ00$')
  AND o.dimensions['Bestedingscategorieen'] = 'T001112'
  AND o.measure IN ('M000215', 'M000238')
GROUP BY o.table_id, o.period
HAVING max(CASE WHEN o.measure = 'M000215' THEN o.value END) IS NOT NULL
ORDER BY year
