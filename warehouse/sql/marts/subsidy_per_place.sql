-- marts.subsidy_per_place: the amount per full bbl place by studiejaar, nominal and real.
--
-- * one row for every studiejaar from the first to the last in the register; a year without a
--   published amount has figure_status 'not found' and no amount (never an interpolation);
-- * where a year has several point figures, a final published amount ('exact') wins over an
--   inferred one, which wins over a forecast (ties: the lowest figure_id, for a stable result);
-- * max_eur is the legal maximum per full place (regulation art. 15, from the register);
-- * amount_real_eur = amount x CPI(real_base_year) / CPI(cpi_year), with cpi_year the calendar year
--   in which the studiejaar ends (the amount is set and paid after the studiejaar), and
--   real_base_year the latest year whose yearly CPI is definitive (staging.cpi_yearly).
WITH bounds AS (
    SELECT min(CAST(substr(studiejaar, 1, 4) AS INTEGER)) AS first_start,
           max(CAST(substr(studiejaar, 1, 4) AS INTEGER)) AS last_start
    FROM staging.subsidy_amounts
),
years AS (
    SELECT unnest(range(first_start, last_start + 1)) AS start_year FROM bounds
),
ranked AS (
    SELECT
        s.*,
        CAST(substr(s.studiejaar, 1, 4) AS INTEGER) AS start_year,
        row_number() OVER (
            PARTITION BY s.studiejaar
            ORDER BY CASE s.qualifier WHEN 'exact' THEN 0 WHEN 'inferred' THEN 1 WHEN 'forecast' THEN 2 ELSE 3 END,
                     s.figure_id
        ) AS rn
    FROM staging.subsidy_amounts AS s
    WHERE s.point_value
),
cap AS (
    SELECT value AS max_eur
    FROM raw.published_figures
    WHERE figure_id = 'subsidy.max_per_place.regulation_art15'
),
base AS (
    SELECT y.year AS real_base_year, y.cpi_2025eq100 AS base_cpi
    FROM staging.cpi_yearly AS y
    WHERE y.status = 'Definitief'
    ORDER BY y.year DESC
    LIMIT 1
)
SELECT
    CAST(y.start_year AS VARCHAR) || '/' || CAST(y.start_year + 1 AS VARCHAR)        AS studiejaar,
    CAST(y.start_year AS INTEGER)                                                     AS start_year,
    r.amount_eur                                                                      AS amount_nominal_eur,
    cap.max_eur                                                                       AS max_eur,
    round(r.amount_eur / cap.max_eur * 100, 2)                                        AS pct_of_max,
    round(r.amount_eur * base.base_cpi / c.cpi_2025eq100, 2)                          AS amount_real_eur,
    base.real_base_year                                                               AS real_base_year,
    CAST(y.start_year + 1 AS INTEGER)                                                 AS cpi_year,
    CASE
        WHEN r.figure_id IS NULL THEN 'not found'
        WHEN r.qualifier = 'exact' THEN 'reported'
        ELSE r.qualifier
    END                                                                               AS figure_status,
    r.figure_id                                                                       AS figure_id,
    r.citation_url                                                                    AS citation_url
FROM years AS y
CROSS JOIN cap
CROSS JOIN base
LEFT JOIN ranked AS r ON r.start_year = y.start_year AND r.rn = 1
LEFT JOIN staging.cpi_yearly AS c ON c.year = y.start_year + 1
ORDER BY y.start_year
