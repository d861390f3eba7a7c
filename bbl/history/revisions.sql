-- marts.revisions for one table ($1): every CBS cell that a later version revised, with its first
-- and latest published value. Rebuilt with each new version of the table (bbl/history/cbs.py).
INSERT INTO marts.revisions BY NAME
SELECT table_id, measure, period, dimensions,
       arg_min(value, valid_from)            AS first_value,
       arg_max(value, valid_from)            AS latest_value,
       arg_min(value_attribute, valid_from)  AS first_value_attribute,
       arg_max(value_attribute, valid_from)  AS latest_value_attribute,
       count(*) - 1                          AS revision_count,
       min(valid_from)                       AS first_published,
       max(valid_from)                       AS last_revised,
       bool_or(valid_to IS NULL)             AS current
FROM history.cbs_observations
WHERE table_id = $1
GROUP BY table_id, measure, period, dimensions
HAVING count(*) > 1
