-- bbl-stats history store: every version of every source the warehouse has loaded, as intervals.
--
-- raw.* holds the vintage a run uses; history.* keeps all of them. A cell's row says from when
-- (valid_from, the source's own publication time) until when (valid_to, the publication of the
-- vintage that changed or dropped it; null while current) the source published that value. An
-- unchanged value is never stored again: a vintage that revises k cells adds k rows. CBS cells are
-- stored with version numbers (history.cbs_cells) and read with times (history.cbs_observations).
-- Times are UTC. This file has its own checksum: a change to schema.sql keeps the history; a change
-- here rebuilds it (CBS and DUO vintages are replayed from the snapshot store; the ledger's own
-- history and the register's are kept if their tables' columns did not change, else they restart).

CREATE SCHEMA IF NOT EXISTS history;

CREATE TABLE IF NOT EXISTS history.schema_info (history_sha256 VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL);
COMMENT ON TABLE history.schema_info IS 'Checksum of warehouse/history.sql the history tables were created from.';
COMMENT ON COLUMN history.schema_info.history_sha256 IS 'sha256 of warehouse/history.sql.';
COMMENT ON COLUMN history.schema_info.applied_at IS 'When the history tables were created (UTC).';

CREATE TABLE IF NOT EXISTS history.cbs_vintages (
    table_id         VARCHAR NOT NULL,
    snapshot_id      VARCHAR NOT NULL PRIMARY KEY,
    version          INTEGER NOT NULL,
    valid_from       TIMESTAMP NOT NULL,
    valid_from_basis VARCHAR NOT NULL,
    modified         VARCHAR,
    retrieved_at     VARCHAR NOT NULL,
    row_filter       VARCHAR,
    path             VARCHAR NOT NULL,
    cells            BIGINT NOT NULL,
    cells_added      BIGINT NOT NULL,
    cells_revised    BIGINT NOT NULL,
    cells_removed    BIGINT NOT NULL,
    cells_unchanged  BIGINT NOT NULL,
    applied_at       TIMESTAMP NOT NULL
);
COMMENT ON TABLE history.cbs_vintages IS 'One row per version (vintage) of a CBS table in the history, with what it changed against the version before it: cells added, revised (value or ValueAttribute changed), removed and unchanged. The per-vintage summary of revisions.';
COMMENT ON COLUMN history.cbs_vintages.version IS 'The version''s number within its table, 1 for the oldest the history holds, in CBS''s publication order.';
COMMENT ON COLUMN history.cbs_vintages.valid_from IS 'When CBS published this version (UTC): v4 Properties.ObservationsModified, else Modified; v3 TableInfos.Modified. When CBS did not move that date but the cells changed, the time the version was fetched.';
COMMENT ON COLUMN history.cbs_vintages.valid_from_basis IS 'Which of those valid_from is: ObservationsModified, Modified, or date_accessed (with why).';
COMMENT ON COLUMN history.cbs_vintages.modified IS 'Modified as CBS stated it (with its time zone).';
COMMENT ON COLUMN history.cbs_vintages.retrieved_at IS 'When the snapshot was fetched (ISO 8601).';
COMMENT ON COLUMN history.cbs_vintages.path IS 'The snapshot folder the version was read from (replayed from there if the history is rebuilt).';
COMMENT ON COLUMN history.cbs_vintages.cells IS 'Cells in this version.';
COMMENT ON COLUMN history.cbs_vintages.cells_added IS 'Cells not in the version before (a new period, a new code); all cells for the first version.';
COMMENT ON COLUMN history.cbs_vintages.cells_revised IS 'Cells whose value, ValueAttribute or string value differs from the version before.';
COMMENT ON COLUMN history.cbs_vintages.cells_removed IS 'Cells of the version before that this one no longer has (a removed code or period).';
COMMENT ON COLUMN history.cbs_vintages.table_id IS 'CBS table id (CBSs case).';
COMMENT ON COLUMN history.cbs_vintages.snapshot_id IS 'The snapshot holding the version (meta.snapshots).';
COMMENT ON COLUMN history.cbs_vintages.row_filter IS 'The $filter of the fetch if the snapshot is a slice of the table (a changed filter shows as added and removed cells).';
COMMENT ON COLUMN history.cbs_vintages.cells_unchanged IS 'Cells with the same value as in the version before (not stored again).';
COMMENT ON COLUMN history.cbs_vintages.applied_at IS 'When the version was added to the history (UTC).';

CREATE TABLE IF NOT EXISTS history.cbs_dimension_sets (
    table_id   VARCHAR NOT NULL,
    dims_id    INTEGER NOT NULL,
    dimensions MAP(VARCHAR, VARCHAR) NOT NULL,
    PRIMARY KEY (table_id, dims_id)
);
COMMENT ON TABLE history.cbs_dimension_sets IS 'Each combination of the other dimension codes a CBS table''s cells have had, numbered per table: history.cbs_cells stores the number, which costs a third of storing the codes with every cell and makes a version''s diff a join on integers.';
COMMENT ON COLUMN history.cbs_dimension_sets.table_id IS 'CBS table id (CBS''s case).';
COMMENT ON COLUMN history.cbs_dimension_sets.dims_id IS 'The combination''s number within its table (history.cbs_cells.dims_id), in the order the versions first had them.';
COMMENT ON COLUMN history.cbs_dimension_sets.dimensions IS 'The other dimension codes, as raw.cbs_observations.dimensions, e.g. {Bestedingscategorieen: T001112}.';

CREATE TABLE IF NOT EXISTS history.cbs_cells (
    table_id        VARCHAR NOT NULL,
    measure         VARCHAR NOT NULL,
    period          VARCHAR NOT NULL,
    dims_id         INTEGER NOT NULL,
    value           DOUBLE,
    value_attribute VARCHAR NOT NULL,
    string_value    VARCHAR,
    from_version    INTEGER NOT NULL,
    to_version      INTEGER
);
COMMENT ON TABLE history.cbs_cells IS 'Storage of the CBS history: one row per cell and value, from the version that first had it to the version that changed or removed it (history.cbs_vintages.version). Read it through history.cbs_observations or history.cbs_as_of; the version numbers keep it about as small as one version of the table.';
COMMENT ON COLUMN history.cbs_cells.table_id IS 'CBS table id (CBS''s case).';
COMMENT ON COLUMN history.cbs_cells.measure IS 'Measure code, as raw.cbs_observations.measure.';
COMMENT ON COLUMN history.cbs_cells.period IS 'CBS period code, as raw.cbs_observations.period.';
COMMENT ON COLUMN history.cbs_cells.dims_id IS 'The other dimension codes of the cell: history.cbs_dimension_sets.dims_id of the table.';
COMMENT ON COLUMN history.cbs_cells.value IS 'The number as published in this interval, unscaled.';
COMMENT ON COLUMN history.cbs_cells.value_attribute IS 'CBS ValueAttribute in this interval (None, Missing, Confidential, ...).';
COMMENT ON COLUMN history.cbs_cells.string_value IS 'Text value of a non-numeric topic in this interval.';
COMMENT ON COLUMN history.cbs_cells.from_version IS 'history.cbs_vintages.version of the version that first had this value.';
COMMENT ON COLUMN history.cbs_cells.to_version IS 'The version that revised or removed it; null while current.';

CREATE OR REPLACE VIEW history.cbs_observations AS
    SELECT c.table_id, c.measure, c.period, d.dimensions, c.value, c.value_attribute, c.string_value,
           f.valid_from, t.valid_from AS valid_to, f.snapshot_id, t.snapshot_id AS ended_by
    FROM history.cbs_cells c
    JOIN history.cbs_dimension_sets d ON d.table_id = c.table_id AND d.dims_id = c.dims_id
    JOIN history.cbs_vintages f ON f.table_id = c.table_id AND f.version = c.from_version
    LEFT JOIN history.cbs_vintages t ON t.table_id = c.table_id AND t.version = c.to_version;
COMMENT ON VIEW history.cbs_observations IS 'Every CBS cell as published over time: one row per cell and value, valid from the publication of the version that first had it until the version that changed or removed it. Query a date with history.cbs_as_of(table_id, ts).';
COMMENT ON COLUMN history.cbs_observations.table_id IS 'CBS table id (CBS''s case).';
COMMENT ON COLUMN history.cbs_observations.measure IS 'Measure code, as raw.cbs_observations.measure.';
COMMENT ON COLUMN history.cbs_observations.period IS 'CBS period code, as raw.cbs_observations.period.';
COMMENT ON COLUMN history.cbs_observations.dimensions IS 'The other dimension codes of the cell, as in raw.cbs_observations.';
COMMENT ON COLUMN history.cbs_observations.value IS 'The number as published in this interval, unscaled.';
COMMENT ON COLUMN history.cbs_observations.value_attribute IS 'CBS ValueAttribute in this interval (None, Missing, Confidential, ...).';
COMMENT ON COLUMN history.cbs_observations.string_value IS 'Text value of a non-numeric topic in this interval.';
COMMENT ON COLUMN history.cbs_observations.valid_from IS 'Publication time (UTC) of the version that first had this value (history.cbs_vintages.valid_from).';
COMMENT ON COLUMN history.cbs_observations.valid_to IS 'Publication time of the version that revised or removed the cell; null while it is current.';
COMMENT ON COLUMN history.cbs_observations.snapshot_id IS 'The snapshot (version) that first had this value.';
COMMENT ON COLUMN history.cbs_observations.ended_by IS 'The snapshot that revised or removed it; null while current.';

CREATE TABLE IF NOT EXISTS history.published_figures (
    figure_id      VARCHAR NOT NULL,
    topic          VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    labels         MAP(VARCHAR, VARCHAR) NOT NULL,
    period         VARCHAR NOT NULL,
    value          DOUBLE NOT NULL,
    unit           VARCHAR NOT NULL,
    qualifier      VARCHAR NOT NULL,
    date_published DATE,
    valid_from     TIMESTAMP,
    valid_to       TIMESTAMP,
    superseded_by  VARCHAR,
    snapshot_id    VARCHAR NOT NULL,
    recorded_from  TIMESTAMP NOT NULL,
    recorded_to    TIMESTAMP
);
COMMENT ON TABLE history.published_figures IS 'The register of published figures over time, on two clocks: valid_from/valid_to is when the source published the figure (date_published) until a final figure superseded it (a forecast); recorded_from/recorded_to is which register snapshots held it (a corrected transcription is a new row). Query a date with history.figures_as_of(ts).';
COMMENT ON COLUMN history.published_figures.valid_from IS '00:00 of date_published (the last day the source''s own words allow); null when the source states no date.';
COMMENT ON COLUMN history.published_figures.valid_to IS 'When the figure that supersedes it was published (a forecast replaced by the final figure); null otherwise.';
COMMENT ON COLUMN history.published_figures.superseded_by IS 'figure_id of the figure that superseded this one: the same topic, measure, period and category, not a forecast, published later.';
COMMENT ON COLUMN history.published_figures.snapshot_id IS 'The register snapshot that first held this row.';
COMMENT ON COLUMN history.published_figures.recorded_from IS 'When that register snapshot was loaded.';
COMMENT ON COLUMN history.published_figures.recorded_to IS 'When a later register snapshot changed or dropped the row; null while the register holds it.';
COMMENT ON COLUMN history.published_figures.figure_id IS 'raw.published_figures.figure_id.';
COMMENT ON COLUMN history.published_figures.topic IS 'As in raw.published_figures.';
COMMENT ON COLUMN history.published_figures.measure IS 'As in raw.published_figures.';
COMMENT ON COLUMN history.published_figures.labels IS 'As in raw.published_figures.';
COMMENT ON COLUMN history.published_figures.period IS 'As in raw.published_figures.';
COMMENT ON COLUMN history.published_figures.value IS 'The number as published, in unit.';
COMMENT ON COLUMN history.published_figures.unit IS 'As in raw.published_figures.';
COMMENT ON COLUMN history.published_figures.qualifier IS 'exact, about, at least, forecast, ... (raw.published_figures.qualifier).';
COMMENT ON COLUMN history.published_figures.date_published IS 'raw.published_figures.date_published: the last day the sources own words allow.';

CREATE TABLE IF NOT EXISTS history.duo_vintages (
    dataset       VARCHAR NOT NULL,
    snapshot_id   VARCHAR NOT NULL PRIMARY KEY,
    valid_from    TIMESTAMP NOT NULL,
    modified      VARCHAR,
    path          VARCHAR NOT NULL,
    cells         BIGINT NOT NULL,
    cells_added   BIGINT NOT NULL,
    cells_revised BIGINT NOT NULL,
    cells_removed BIGINT NOT NULL,
    applied_at    TIMESTAMP NOT NULL
);
COMMENT ON TABLE history.duo_vintages IS 'One row per version of a DUO dataset in the history (valid_from: the dataset''s metadata_modified), with the cells it added, revised and removed.';
COMMENT ON COLUMN history.duo_vintages.dataset IS 'DUO dataset name.';
COMMENT ON COLUMN history.duo_vintages.snapshot_id IS 'The snapshot holding the version.';
COMMENT ON COLUMN history.duo_vintages.valid_from IS 'When DUO published the version: the datasets metadata_modified (UTC).';
COMMENT ON COLUMN history.duo_vintages.modified IS 'metadata_modified as DUO stated it.';
COMMENT ON COLUMN history.duo_vintages.path IS 'The snapshot folder.';
COMMENT ON COLUMN history.duo_vintages.cells IS 'Rows (counts) in the version.';
COMMENT ON COLUMN history.duo_vintages.cells_added IS 'Rows not in the version before.';
COMMENT ON COLUMN history.duo_vintages.cells_revised IS 'Rows whose count or masking changed.';
COMMENT ON COLUMN history.duo_vintages.cells_removed IS 'Rows of the version before that this one lacks.';
COMMENT ON COLUMN history.duo_vintages.applied_at IS 'When the version was added to the history (UTC).';

CREATE TABLE IF NOT EXISTS history.duo_students (
    dataset     VARCHAR NOT NULL,
    resource    VARCHAR NOT NULL,
    cell        MAP(VARCHAR, VARCHAR) NOT NULL,
    students    BIGINT,
    masked      BOOLEAN NOT NULL,
    raw_value   VARCHAR,
    valid_from  TIMESTAMP NOT NULL,
    valid_to    TIMESTAMP,
    snapshot_id VARCHAR NOT NULL,
    ended_by    VARCHAR
);
COMMENT ON TABLE history.duo_students IS 'Every DUO count as published over time (both raw.duo_students_* layouts): cell holds the row''s keys (table, sectorkamer, leerweg, year, ...). Query a date with history.duo_as_of(dataset, ts).';
COMMENT ON COLUMN history.duo_students.dataset IS 'DUO dataset name.';
COMMENT ON COLUMN history.duo_students.resource IS 'The file of the dataset the row is from.';
COMMENT ON COLUMN history.duo_students.cell IS 'The rows keys: layout (sectorkamer or instelling) and its columns, e.g. {layout: sectorkamer, sectorkamer: ..., leerweg: BBL, year: 2022}.';
COMMENT ON COLUMN history.duo_students.students IS 'The count; null when masked or empty.';
COMMENT ON COLUMN history.duo_students.masked IS 'True where DUO published a masked small count such as <5.';
COMMENT ON COLUMN history.duo_students.raw_value IS 'The cell as DUO published it.';
COMMENT ON COLUMN history.duo_students.valid_from IS 'metadata_modified of the version that first had this count (UTC).';
COMMENT ON COLUMN history.duo_students.valid_to IS 'metadata_modified of the version that changed or dropped it; null while current.';
COMMENT ON COLUMN history.duo_students.snapshot_id IS 'The snapshot that first had this count.';
COMMENT ON COLUMN history.duo_students.ended_by IS 'The snapshot that changed or dropped it.';

CREATE TABLE IF NOT EXISTS history.claim_checks (
    claim_id       VARCHAR NOT NULL,
    verdict        VARCHAR NOT NULL,
    computed_value DOUBLE,
    valid_from     TIMESTAMP NOT NULL,
    valid_to       TIMESTAMP,
    cause          VARCHAR NOT NULL,
    inputs         VARCHAR[] NOT NULL,
    run_id         VARCHAR
);
COMMENT ON TABLE history.claim_checks IS 'The claim ledger over time: a new row whenever a claim''s verdict or computed value moves, with the cause (which table''s new vintage or which register change, or a change of the pipeline''s code when no input moved).';
COMMENT ON COLUMN history.claim_checks.valid_from IS 'When the run that first computed this verdict and value ran (UTC).';
COMMENT ON COLUMN history.claim_checks.valid_to IS 'When a later run moved it; null while current.';
COMMENT ON COLUMN history.claim_checks.cause IS 'Why it moved, in Dutch: the snapshots that differ from the previous row''s inputs, "eerste berekening", or a change of code or claim definitions.';
COMMENT ON COLUMN history.claim_checks.inputs IS 'The snapshots (meta.snapshots) the ledger read for this row.';
COMMENT ON COLUMN history.claim_checks.claim_id IS 'marts.claim_checks.claim_id.';
COMMENT ON COLUMN history.claim_checks.verdict IS 'The verdict in this interval.';
COMMENT ON COLUMN history.claim_checks.computed_value IS 'The headline computed value in this interval.';
COMMENT ON COLUMN history.claim_checks.run_id IS 'The run that computed it.';

-- as-of queries ---------------------------------------------------------------------------------

CREATE OR REPLACE MACRO history.cbs_as_of(tid, ts) AS TABLE
    WITH v AS (SELECT max(version) AS version FROM history.cbs_vintages
               WHERE table_id = tid AND valid_from <= CAST(ts AS TIMESTAMP))
    SELECT c.table_id, c.measure, c.period, d.dimensions, c.value, c.value_attribute, c.string_value,
           f.valid_from, f.snapshot_id
    FROM history.cbs_cells c CROSS JOIN v
    JOIN history.cbs_dimension_sets d ON d.table_id = c.table_id AND d.dims_id = c.dims_id
    JOIN history.cbs_vintages f ON f.table_id = c.table_id AND f.version = c.from_version
    WHERE c.table_id = tid AND c.from_version <= v.version AND (c.to_version IS NULL OR c.to_version > v.version);

CREATE OR REPLACE MACRO history.figures_as_of(ts) AS TABLE
    SELECT figure_id, topic, measure, labels, period, value, unit, qualifier, date_published, snapshot_id
    FROM history.published_figures
    WHERE recorded_to IS NULL AND valid_from <= CAST(ts AS TIMESTAMP)
      AND (valid_to IS NULL OR valid_to > CAST(ts AS TIMESTAMP));

CREATE OR REPLACE MACRO history.duo_as_of(ds, ts) AS TABLE
    SELECT dataset, resource, cell, students, masked, raw_value, valid_from, snapshot_id
    FROM history.duo_students
    WHERE dataset = ds AND valid_from <= CAST(ts AS TIMESTAMP)
      AND (valid_to IS NULL OR valid_to > CAST(ts AS TIMESTAMP));

CREATE OR REPLACE MACRO history.claims_as_of(ts) AS TABLE
    SELECT claim_id, verdict, computed_value, valid_from, cause
    FROM history.claim_checks
    WHERE valid_from <= CAST(ts AS TIMESTAMP) AND (valid_to IS NULL OR valid_to > CAST(ts AS TIMESTAMP));
