-- staging.subsidy_amounts: every published amount per full bbl place (mbo bbl) of the
-- Subsidieregeling praktijkleren, one row per studiejaar and figure.
-- A figure published for a range of studiejaren ("2013/2014-2015/2016") gives one row per year.
-- The ends of a published range (labels range_end = low/high, e.g. OAZ's forecast 2,300-2,500)
-- are kept as context (point_value = false); they are not the value of the year.
WITH amounts AS (
    SELECT *
    FROM raw.published_figures
    WHERE topic = 'subsidy'
      AND measure = 'amount_per_full_place_eur'
      AND labels['category'] = 'mbo bbl'
),
years AS (
    SELECT
        a.*,
        CAST(substr(a.period, 1, 4) AS INTEGER) AS first_start,
        CAST(CASE WHEN length(a.period) >= 19 THEN substr(a.period, 11, 4) ELSE substr(a.period, 1, 4) END AS INTEGER)
            AS last_start
    FROM amounts AS a
)
SELECT
    CAST(y.start_year AS VARCHAR) || '/' || CAST(y.start_year + 1 AS VARCHAR) AS studiejaar,
    figure_id,
    value                                    AS amount_eur,
    qualifier,
    publisher,
    labels['range_end'] IS NULL              AS point_value,
    citation_url
FROM years, LATERAL (SELECT unnest(range(years.first_start, years.last_start + 1)) AS start_year) AS y
ORDER BY studiejaar, figure_id
