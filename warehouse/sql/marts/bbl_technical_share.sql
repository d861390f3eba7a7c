-- marts.bbl_technical_share: the share of bbl students in the technical sectors, two definitions:
--   narrow: SBB sectorkamer Techniek en gebouwde omgeving (TGO);
--   broad:  TGO + Mobiliteit, transport, logistiek en maritiem (MTLM).
-- On the stock of students (85353NED or DUO, live) where loaded, else on the MBO Raad inflow
-- figures in the register (basis = 'inflow'). A definition whose sectorkamers are not all
-- published for a year gets status 'pending live data' and no share.
WITH with_parts AS (  -- series that publish figures per sectorkamer, per studiejaar and basis
    SELECT studiejaar, basis, series, min(priority) AS priority
    FROM staging.bbl_students WHERE sectorkamer <> 'Totaal' GROUP BY ALL
),
chosen AS (
    SELECT * FROM with_parts
    QUALIFY row_number() OVER (PARTITION BY studiejaar, basis ORDER BY priority, series) = 1
),
rows AS (
    SELECT s.studiejaar, s.start_year, s.basis, s.series, lower(s.sectorkamer) AS sk, s.sectorkamer, s.students,
           s.qualifier
    FROM staging.bbl_students s JOIN chosen c USING (studiejaar, basis, series)
),
totals AS (SELECT studiejaar, start_year, basis, series, students AS total_students, qualifier AS total_qualifier
           FROM rows WHERE sk = 'totaal'),
defs AS (
    SELECT * FROM (VALUES
        ('narrow', ['techniek en gebouwde omgev']),
        ('broad', ['techniek en gebouwde omgev', 'mobiliteit, transport, logi'])
    ) d(definition, prefixes)
),
matched AS (
    SELECT t.studiejaar, t.start_year, t.basis, t.series, d.definition, d.prefixes, t.total_students, t.total_qualifier,
           list(r.sectorkamer ORDER BY r.sectorkamer) FILTER (WHERE r.sectorkamer IS NOT NULL) AS sectorkamers,
           sum(r.students) AS technical_students,
           count(DISTINCT p.prefix) FILTER (WHERE r.sk IS NOT NULL) AS n_found,
           list(DISTINCT r.qualifier) FILTER (WHERE r.qualifier IS NOT NULL) AS qualifiers
    FROM totals t CROSS JOIN defs d
    CROSS JOIN (SELECT unnest(d.prefixes) AS prefix) p
    LEFT JOIN rows r ON r.studiejaar = t.studiejaar AND r.basis = t.basis AND starts_with(r.sk, p.prefix)
    GROUP BY ALL
)
SELECT studiejaar, start_year, basis, definition,
       CASE WHEN n_found = len(prefixes) THEN technical_students END                   AS technical_students,
       total_students,
       CASE WHEN n_found = len(prefixes) THEN round(technical_students / total_students * 100, 1) END AS share_pct,
       CASE WHEN n_found = len(prefixes) THEN 'computed' ELSE 'pending live data' END   AS status,
       coalesce(sectorkamers, [])                                                       AS sectorkamers,
       list_distinct(list_concat(coalesce(qualifiers, []), [total_qualifier]))          AS qualifiers,
       series                                                                           AS source
FROM matched
ORDER BY start_year, basis, definition DESC
