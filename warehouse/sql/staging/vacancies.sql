-- staging.vacancies: open, new and filled vacancies (x 1 000) by period and SBI code, one row per cell.
-- Sources, in order of preference for the same period, SBI code, measure and adjustment:
--   1. CBS 80472ned loaded from the API (raw.cbs_observations), measures recognised by their title;
--   2. the register's extract of 80472ned (api_extract), then figures transcribed from StatLine
--      (statline; only rows whose SBI title maps to a key);
--   3. seasonally adjusted figures: 84545NED (total) and 80474ned (by section), register only.
WITH api AS (
    SELECT o.period,
           o.dimensions['Bedrijfskenmerken']                                  AS sbi_code,
           c.title                                                            AS sbi_title,
           CASE WHEN m.title ILIKE 'openstaande vacatures%' THEN 'open'
                WHEN m.title ILIKE 'ontstane vacatures%' THEN 'new'
                WHEN m.title ILIKE 'vervulde vacatures%' THEN 'filled' END    AS measure,
           o.value                                                            AS value_x1000,
           false                                                              AS seasonally_adjusted,
           '80472ned'                                                         AS table_id,
           'api'                                                              AS source,
           'cbs:80472ned:' || o.measure || ':' || o.period                    AS source_ref,
           coalesce(p.status, 'unknown')                                      AS status,
           1                                                                  AS priority
    FROM raw.cbs_observations o
    JOIN raw.cbs_measures m USING (table_id, measure)
    LEFT JOIN raw.cbs_codes c ON c.table_id = o.table_id AND c.dimension = 'Bedrijfskenmerken'
                             AND c.code = o.dimensions['Bedrijfskenmerken']
    LEFT JOIN raw.cbs_codes p ON p.table_id = o.table_id AND p.dimension = 'Perioden' AND p.code = o.period
    WHERE o.table_id = '80472ned' AND o.value IS NOT NULL
),
register AS (
    SELECT f.period,
           coalesce(f.labels['Bedrijfskenmerken'], f.labels['SBI2008'])       AS sbi_code,
           f.labels['title']                                                  AS sbi_title,
           CASE WHEN f.measure IN ('OpenstaandeVacatures_1', 'VacaturesSeizoengecorrigeerd',
                                   'VacaturesSeizoengecorrigeerdOpenstaand') THEN 'open'
                WHEN f.measure IN ('OntstaneVacatures_2', 'VacaturesSeizoengecorrigeerdOntstaan') THEN 'new'
                WHEN f.measure IN ('VervuldeVacatures_3', 'VacaturesSeizoengecorrigeerdVervuld') THEN 'filled' END
                                                                              AS measure,
           f.value                                                            AS value_x1000,
           f.source_table_id IN ('80474ned', '84545NED')                      AS seasonally_adjusted,
           f.source_table_id                                                  AS table_id,
           'register'                                                         AS source,
           f.figure_id                                                        AS source_ref,
           coalesce(f.labels['status'], 'as published')                       AS status,
           CASE WHEN f.figure_id LIKE '%.api_extract' THEN 2 ELSE 3 END        AS priority
    FROM raw.published_figures f
    WHERE f.topic = 'vacancies'
      AND (f.labels['Bedrijfskenmerken'] IS NOT NULL OR f.labels['SBI2008'] IS NOT NULL
           OR f.source_table_id = '84545NED')
),
labelled AS (  -- 84545NED has no SBI dimension: its figures are the national total (A-U)
    SELECT * REPLACE (CASE WHEN table_id = '84545NED' THEN 'T001081' ELSE sbi_code END AS sbi_code,
                      CASE WHEN table_id = '84545NED' THEN 'A-U Alle economische activiteiten' ELSE sbi_title END
                          AS sbi_title)
    FROM (SELECT * FROM api UNION ALL SELECT * FROM register)
),
cells AS (  -- filter after labelling: a WHERE beside the REPLACE would see 84545NED's empty sbi_code
    SELECT * FROM labelled WHERE measure IS NOT NULL AND sbi_code IS NOT NULL
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY period, sbi_code, measure, seasonally_adjusted
                                 ORDER BY priority, source_ref) AS rn
    FROM cells
)
SELECT period, sbi_code, sbi_title, measure, value_x1000, seasonally_adjusted, table_id, source, source_ref, status
FROM ranked WHERE rn = 1
ORDER BY seasonally_adjusted, sbi_code, measure, period
