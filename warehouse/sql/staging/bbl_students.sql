-- staging.bbl_students: bbl students on 1 October by studiejaar and series, and by sectorkamer.
-- Stock (students enrolled) comes from CBS 85353NED or DUO when loaded (live mode), and from the
-- published series in the register otherwise; inflow (new students) from MBO Raad figures.
-- Grain: studiejaar x basis x sectorkamer x series. sectorkamer 'Totaal' is the national total.
WITH cbs AS (  -- 85353NED: Leerweg 'Bbl totaal', every other dimension at its total, Regio Nederland
    SELECT CAST(substr(o.period, 1, 4) AS INTEGER) AS start_year,
           CASE WHEN sr.title ILIKE 'sectorkamer %' THEN trim(substr(sr.title, 13)) ELSE 'Totaal' END AS sectorkamer,
           o.value AS students
    FROM raw.cbs_observations o
    JOIN raw.cbs_codes lw ON lw.table_id = o.table_id AND lw.dimension = 'Leerweg' AND lw.code = o.dimensions['Leerweg']
    JOIN raw.cbs_codes sr ON sr.table_id = o.table_id AND sr.dimension = 'Studierichting'
                         AND sr.code = o.dimensions['Studierichting']
    JOIN raw.cbs_codes ge ON ge.table_id = o.table_id AND ge.dimension = 'Geslacht' AND ge.code = o.dimensions['Geslacht']
    JOIN raw.cbs_codes ni ON ni.table_id = o.table_id AND ni.dimension = 'Niveau' AND ni.code = o.dimensions['Niveau']
    JOIN raw.cbs_codes rg ON rg.table_id = o.table_id AND rg.dimension = 'Regio' AND rg.code = o.dimensions['Regio']
    WHERE o.table_id = '85353NED' AND o.value IS NOT NULL
      AND lw.title = 'Bbl totaal' AND ge.title ILIKE 'totaal%' AND ni.title ILIKE 'totaal%' AND rg.title ILIKE 'nederland%'
      AND (sr.title ILIKE 'totaal%' OR sr.title ILIKE 'sectorkamer %')
),
duo AS (  -- DUO sectorkamer01: sum over levels and provinces; masked cells count as unknown
    SELECT year AS start_year, sectorkamer, sum(students) AS students, bool_or(masked) AS any_masked
    FROM raw.duo_students_sectorkamer WHERE upper(leerweg) = 'BBL' GROUP BY ALL
),
duo_total AS (
    SELECT start_year, 'Totaal' AS sectorkamer, sum(students) AS students, bool_or(any_masked) AS any_masked
    FROM duo GROUP BY ALL
),
register AS (
    SELECT CAST(substr(period, 1, 4) AS INTEGER) AS start_year,
           CASE WHEN topic = 'bbl_inflow' THEN 'inflow' ELSE 'stock' END AS basis,
           CASE WHEN topic = 'bbl_inflow' THEN labels['sectorkamer'] ELSE 'Totaal' END AS sectorkamer,
           coalesce(labels['series'], labels['source'], publisher) AS series,
           value AS students, qualifier, figure_id AS source_ref, citation_url
    FROM raw.published_figures
    WHERE (topic = 'bbl_students' AND measure IN ('students_bbl', 'bbl_students')) OR topic = 'bbl_inflow'
)
SELECT CAST(start_year AS VARCHAR) || '/' || CAST(start_year + 1 AS VARCHAR) AS studiejaar, start_year,
       'stock' AS basis, sectorkamer, 'CBS 85353NED' AS series, students, 'exact' AS qualifier,
       'cbs:85353NED' AS source_ref, 'https://www.cbs.nl/nl-nl/cijfers/detail/85353NED' AS citation_url, 1 AS priority
FROM cbs
UNION ALL
SELECT CAST(start_year AS VARCHAR) || '/' || CAST(start_year + 1 AS VARCHAR), start_year, 'stock', sectorkamer,
       'DUO mbo-studenten-per-sectorkamer-en-leerweg', students,
       CASE WHEN any_masked THEN 'at least' ELSE 'exact' END, 'duo:mbo-studenten-per-sectorkamer-en-leerweg',
       'https://onderwijsdata.duo.nl/dataset/mbo-studenten-per-sectorkamer-en-leerweg', 2
FROM (SELECT * FROM duo UNION ALL SELECT * FROM duo_total)
UNION ALL
SELECT CAST(start_year AS VARCHAR) || '/' || CAST(start_year + 1 AS VARCHAR), start_year, basis, sectorkamer, series,
       students, qualifier, source_ref, citation_url, 3
FROM register
ORDER BY basis, sectorkamer, start_year, priority, series
