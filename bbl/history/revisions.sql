-- marts.revisions for one table ($1): every CBS cell that a later version revised, with its first
-- and latest published value. Rebuilt with each new version of the table (bbl/history/cbs.py).
INSERT INTO marts.revisions BY NAME
WITH cells AS (
    SELECT table_id, measure, period, dims_id,
           arg_min(value, from_version)           AS first_value,
           arg_max(value, from_version)           AS latest_value,
           arg_min(value_attribute, from_version) AS first_value_attribute,
           arg_max(value_attribute, from_version) AS latest_value_attribute,
           count(*) - 1                           AS revision_count,
           min(from_version)                      AS first_version,
           max(from_version)                      AS last_version,
           bool_or(to_version IS NULL)            AS current
    FROM history.cbs_cells
    WHERE table_id = $1
    GROUP BY table_id, measure, period, dims_id
    HAVING count(*) > 1)
SELECT c.* EXCLUDE (dims_id, first_version, last_version), d.dimensions, f.valid_from AS first_published,
       l.valid_from AS last_revised
FROM cells c
JOIN history.cbs_dimension_sets d ON d.table_id = c.table_id AND d.dims_id = c.dims_id
JOIN history.cbs_vintages f ON f.table_id = c.table_id AND f.version = c.first_version
JOIN history.cbs_vintages l ON l.table_id = c.table_id AND l.version = c.last_version
