-- marts.bbl_students: bbl students on 1 October, national total, one row per studiejaar and series.
-- `preferred` marks one series per studiejaar: CBS 85353NED, else DUO, else OCW in cijfers
-- (bekostigbare hoofdinschrijvingen), else NJi, else the compiled series (which includes 2009/2010).
SELECT studiejaar, start_year, series, students, qualifier, source_ref, citation_url,
       row_number() OVER (
           PARTITION BY studiejaar
           ORDER BY priority,
                    CASE WHEN series LIKE 'OCW%' THEN 0 WHEN series LIKE 'NJi%' THEN 1 ELSE 2 END, series
       ) = 1 AS preferred
FROM staging.bbl_students
WHERE basis = 'stock' AND sectorkamer = 'Totaal'
ORDER BY start_year, series
