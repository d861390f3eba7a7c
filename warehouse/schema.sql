-- bbl-stats warehouse schema: the contract that the pipeline, the tests and the analysts rely on.
--
-- Layers (one direction): raw (as delivered by the source, with snapshot_id) -> staging (typed, tidy
-- relations per subject) -> marts (indicators and the claim ledger). meta holds provenance.
-- The pipeline writes a private working database and publishes a copy (bbl.duckdb) for analysts.
-- Tables are filled with DELETE + INSERT BY NAME inside one transaction, so their types and these
-- comments survive every run. Changing this file rebuilds the (private) working database.

CREATE SCHEMA IF NOT EXISTS meta;
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS quality;

-- ----------------------------------------------------------------------------------------------
-- meta
-- ----------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS meta.snapshots (
    snapshot_id   VARCHAR NOT NULL PRIMARY KEY,
    source        VARCHAR NOT NULL,
    table_id      VARCHAR,
    version       VARCHAR,
    title         VARCHAR,
    producer      VARCHAR,
    url           VARCHAR,
    date_accessed VARCHAR,
    date_published VARCHAR,
    license       VARCHAR,
    path          VARCHAR NOT NULL,
    row_count     BIGINT,
    manifest      JSON NOT NULL,
    loaded_at     TIMESTAMP NOT NULL,
    stale_since   TIMESTAMP,
    last_error    VARCHAR
);
COMMENT ON TABLE meta.snapshots IS 'One row per immutable source snapshot loaded into this warehouse: where it came from (producer, url, date accessed, version at the source, license) and its manifest. Every raw row names its snapshot_id.';
COMMENT ON COLUMN meta.snapshots.snapshot_id IS 'Snapshot id: <source>/<table or dataset>/<version>, e.g. cbs/86141NED/202607020000; also the folder under the snapshot store.';
COMMENT ON COLUMN meta.snapshots.source IS 'cbs, figures or duo.';
COMMENT ON COLUMN meta.snapshots.stale_since IS 'Live mode: when a fetch of this source first failed since this snapshot was loaded (the source could not be reached or sent a bad page); null while the source is reachable.';
COMMENT ON COLUMN meta.snapshots.last_error IS 'The last fetch error while stale (what failed, where), null otherwise.';

CREATE TABLE IF NOT EXISTS meta.source_status (
    source      VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    snapshot_id VARCHAR,
    stale_since TIMESTAMP,
    last_error  VARCHAR,
    checked_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (source, name)
);
COMMENT ON TABLE meta.source_status IS 'One row per registered source (CBS table, DUO dataset) as of the last run: loaded, stale (the last fetch failed; the last good snapshot is used) or pending (no snapshot: its indicators say pending live data).';
COMMENT ON COLUMN meta.source_status.source IS 'cbs or duo.';
COMMENT ON COLUMN meta.source_status.name IS 'CBS table id or DUO dataset name.';
COMMENT ON COLUMN meta.source_status.status IS 'loaded, stale or pending.';
COMMENT ON COLUMN meta.source_status.snapshot_id IS 'The snapshot in use, null when pending.';
COMMENT ON COLUMN meta.source_status.stale_since IS 'When fetches of this source started failing (stale, or pending after a failed fetch).';
COMMENT ON COLUMN meta.source_status.last_error IS 'The last fetch error, null when the last fetch worked.';
COMMENT ON COLUMN meta.source_status.checked_at IS 'When the run looked at the source.';
COMMENT ON COLUMN meta.snapshots.version IS 'Version at the source (CBS Properties.Version / Modified) or the content date of a curated file.';
COMMENT ON COLUMN meta.snapshots.path IS 'Folder of the snapshot, relative to the project (bundled) or to BBL_HOME (live).';
COMMENT ON COLUMN meta.snapshots.manifest IS 'The snapshot manifest as loaded: producer, title, url, dates, license, and sha256 and size per file.';

CREATE TABLE IF NOT EXISTS meta.snapshot_files (
    snapshot_id VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    size_bytes  BIGINT NOT NULL,
    PRIMARY KEY (snapshot_id, path)
);
COMMENT ON TABLE meta.snapshot_files IS 'The files of each snapshot with their sha256, verified when the snapshot was loaded.';
COMMENT ON COLUMN meta.snapshot_files.role IS 'What the file holds: properties, dimensions, measures, codes:<Dimension>, observations, register, source, ...';

CREATE TABLE IF NOT EXISTS meta.as_of (
    as_of      DATE NOT NULL,
    cutoff_utc TIMESTAMP NOT NULL
);
COMMENT ON TABLE meta.as_of IS 'Empty in the regular warehouse. In an as-of build (bbl run --as-of DATE, $BBL_HOME/asof-DATE/) one row: the date, and the moment (UTC) before which a version must have been published to be used: the end of that day in Dutch time.';
COMMENT ON COLUMN meta.as_of.as_of IS 'The date of the build.';
COMMENT ON COLUMN meta.as_of.cutoff_utc IS 'Versions published before this moment (UTC) are used: 00:00 of the next day, Europe/Amsterdam.';

CREATE TABLE IF NOT EXISTS meta.indicators (
    name       VARCHAR NOT NULL PRIMARY KEY,
    title      VARCHAR NOT NULL,
    unit       VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    sources    VARCHAR NOT NULL,
    caveats    VARCHAR NOT NULL
);
COMMENT ON TABLE meta.indicators IS 'Every indicator table or column the product publishes: its title, unit, definition, sources and caveats.';

CREATE TABLE IF NOT EXISTS meta.publications (
    run_id       VARCHAR NOT NULL,
    published_at TIMESTAMP NOT NULL,
    mode         VARCHAR NOT NULL,
    snapshots    VARCHAR[] NOT NULL,
    fingerprint  VARCHAR,
    as_of        DATE
);
COMMENT ON TABLE meta.publications IS 'Each publication of the analyst database: the Dagster run that produced it, when, in which mode (bundled, live or mixed), from which snapshots.';
COMMENT ON COLUMN meta.publications.mode IS 'as-of (bbl run --as-of: only what was published by meta.publications.as_of), live (fetched from CBS/DUO), bundled (every CBS and DUO snapshot is the one bundled in data/) or mixed (a bundled run that used snapshots fetched live earlier).';
COMMENT ON COLUMN meta.publications.as_of IS 'For an as-of build ($BBL_HOME/asof-DATE/bbl.duckdb, bbl run --as-of): the date; it holds only what was published on or before it. Null for the regular warehouse.';
COMMENT ON COLUMN meta.publications.fingerprint IS 'sha256 of the snapshot files and pipeline code the run read (bundled mode): bbl run skips a run whose fingerprint is already published.';

-- ----------------------------------------------------------------------------------------------
-- raw: CBS StatLine tables, any table id, in one long format
-- ----------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS raw.cbs_tables (
    table_id     VARCHAR NOT NULL,
    snapshot_id  VARCHAR NOT NULL,
    title        VARCHAR NOT NULL,
    modified     VARCHAR,
    version      VARCHAR,
    retrieved_at VARCHAR NOT NULL,
    source_url   VARCHAR NOT NULL,
    api          VARCHAR NOT NULL,
    row_filter   VARCHAR,
    row_count    BIGINT NOT NULL,
    license      VARCHAR NOT NULL,
    PRIMARY KEY (table_id)
);
COMMENT ON TABLE raw.cbs_tables IS 'One row per CBS table loaded: the snapshot in use, its title and the Modified/Version CBS reported (v4 Properties, v3 TableInfos).';
COMMENT ON COLUMN raw.cbs_tables.table_id IS 'CBS table id with CBS''s own case (80472ned, 86141NED); case matters to the API.';
COMMENT ON COLUMN raw.cbs_tables.modified IS 'Properties.Modified (v4) or TableInfos.Modified (v3) at the time of the fetch.';
COMMENT ON COLUMN raw.cbs_tables.version IS 'Properties.Version (v4); empty for v3.';
COMMENT ON COLUMN raw.cbs_tables.retrieved_at IS 'When the snapshot was fetched from CBS (ISO 8601).';
COMMENT ON COLUMN raw.cbs_tables.api IS 'v4 (datasets.cbs.nl OData v4) or v3 (opendata.cbs.nl ODataFeed).';
COMMENT ON COLUMN raw.cbs_tables.row_filter IS 'The $filter the snapshot was fetched with, if it is a slice of the table.';
COMMENT ON COLUMN raw.cbs_tables.row_count IS 'Number of observations in raw.cbs_observations for this table.';

CREATE TABLE IF NOT EXISTS raw.cbs_dimensions (
    table_id    VARCHAR NOT NULL,
    snapshot_id VARCHAR NOT NULL,
    dimension   VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    title       VARCHAR,
    PRIMARY KEY (table_id, dimension)
);
COMMENT ON TABLE raw.cbs_dimensions IS 'The dimensions of each CBS table (v4 Dimensions, v3 DataProperties of Type *Dimension).';
COMMENT ON COLUMN raw.cbs_dimensions.kind IS 'Dimension, TimeDimension or GeoDimension.';

CREATE TABLE IF NOT EXISTS raw.cbs_codes (
    table_id           VARCHAR NOT NULL,
    snapshot_id        VARCHAR NOT NULL,
    dimension          VARCHAR NOT NULL,
    code               VARCHAR NOT NULL,
    title              VARCHAR,
    description        VARCHAR,
    status             VARCHAR,
    dimension_group_id VARCHAR,
    sort_index         INTEGER,
    PRIMARY KEY (table_id, dimension, code)
);
COMMENT ON TABLE raw.cbs_codes IS 'Code lists of every dimension of each CBS table ({Dim}Codes in v4, the dimension entity sets in v3), codes trimmed.';
COMMENT ON COLUMN raw.cbs_codes.code IS 'Dimension code, trimmed (v3 pads keys with spaces).';
COMMENT ON COLUMN raw.cbs_codes.status IS 'For period codes: Definitief, Voorlopig, NaderVoorlopig, ... as CBS marks them; recent periods are revised later.';

CREATE TABLE IF NOT EXISTS raw.cbs_measures (
    table_id    VARCHAR NOT NULL,
    snapshot_id VARCHAR NOT NULL,
    measure     VARCHAR NOT NULL,
    title       VARCHAR,
    unit        VARCHAR,
    decimals    INTEGER,
    data_type   VARCHAR,
    description VARCHAR,
    PRIMARY KEY (table_id, measure)
);
COMMENT ON TABLE raw.cbs_measures IS 'Measures (topics) of each CBS table: v4 MeasureCodes, v3 DataProperties of Type Topic.';
COMMENT ON COLUMN raw.cbs_measures.measure IS 'Measure code: v4 identifier (M000215) or v3 topic key (OpenstaandeVacatures_1).';
COMMENT ON COLUMN raw.cbs_measures.unit IS 'Unit as CBS states it (e.g. "x 1 000", "%", "2025=100"); values are stored unscaled.';

-- One copy of each cell: a table's observations are the cells of the version raw.cbs_tables names,
-- read from the history store (warehouse/history.sql), which holds every version. Writing them twice
-- (here and in the history) doubled the cost of a load.
CREATE OR REPLACE VIEW raw.cbs_observations AS
    SELECT c.table_id, t.snapshot_id, c.measure, c.period, c.value, c.value_attribute, c.string_value, d.dimensions,
           c.dims_id
    FROM raw.cbs_tables t
    JOIN history.cbs_vintages v ON v.snapshot_id = t.snapshot_id
    JOIN history.cbs_cells c ON c.table_id = t.table_id
    JOIN history.cbs_dimension_sets d ON d.table_id = c.table_id AND d.dims_id = c.dims_id
    WHERE c.from_version <= v.version AND (c.to_version IS NULL OR c.to_version > v.version);
COMMENT ON VIEW raw.cbs_observations IS 'Every CBS cell of the version in use (raw.cbs_tables.snapshot_id), in long format: one row per table x measure x period x other dimension codes. A view over history.cbs_cells (and history.cbs_dimension_sets), which stores each cell once for all versions.';
COMMENT ON COLUMN raw.cbs_observations.table_id IS 'CBS table id (CBS''s case).';
COMMENT ON COLUMN raw.cbs_observations.snapshot_id IS 'The snapshot in use for the table (raw.cbs_tables.snapshot_id, meta.snapshots).';
COMMENT ON COLUMN raw.cbs_observations.measure IS 'Measure code; see raw.cbs_measures for title and unit.';
COMMENT ON COLUMN raw.cbs_observations.period IS 'CBS period code: YYYYJJ00 year, YYYYKWnn quarter, YYYYMMnn month, YYYYSJ00 school year starting in YYYY.';
COMMENT ON COLUMN raw.cbs_observations.value IS 'The number, unscaled (a unit of "x 1 000" is still in thousands); null unless value_attribute = ''None''.';
COMMENT ON COLUMN raw.cbs_observations.value_attribute IS 'CBS ValueAttribute: None for a normal value; Impossible, Missing, Confidential, ... otherwise (v3 nulls are loaded as Missing).';
COMMENT ON COLUMN raw.cbs_observations.string_value IS 'Text value of a non-numeric topic (v4 StringValue); null for numbers.';
COMMENT ON COLUMN raw.cbs_observations.dimensions IS 'The other dimension codes of the cell, trimmed, e.g. {Bestedingscategorieen: T001112}; query as dimensions[''Bestedingscategorieen''].';
COMMENT ON COLUMN raw.cbs_observations.dims_id IS 'The number of the cell''s dimension codes within its table (history.cbs_dimension_sets), one per combination: cheaper than the MAP to group or join on.';

-- ----------------------------------------------------------------------------------------------
-- raw: the register of published figures (data/figures/published_figures.csv)
-- ----------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS raw.published_figures (
    figure_id       VARCHAR NOT NULL PRIMARY KEY,
    snapshot_id     VARCHAR NOT NULL,
    topic           VARCHAR NOT NULL,
    publisher       VARCHAR NOT NULL,
    source_table_id VARCHAR,
    measure         VARCHAR NOT NULL,
    labels          MAP(VARCHAR, VARCHAR) NOT NULL,
    period          VARCHAR NOT NULL,
    value           DOUBLE NOT NULL,
    unit            VARCHAR NOT NULL,
    qualifier       VARCHAR NOT NULL,
    citation_url    VARCHAR NOT NULL,
    source_file     VARCHAR NOT NULL,
    source_excerpt  VARCHAR NOT NULL,
    source_kind     VARCHAR NOT NULL,
    primary_publisher VARCHAR NOT NULL,
    date_published  DATE,
    date_published_basis VARCHAR
);
COMMENT ON TABLE raw.published_figures IS 'Figures published by RVO/OCW, CBS (transcribed), SEO, MBO Raad, NJi and others, one uniform shape, each with its citation. Built from the source files in data/published and data/reference by the builders in bbl/figures/.';
COMMENT ON COLUMN raw.published_figures.figure_id IS 'Stable id, cited as evidence by marts.claim_checks.';
COMMENT ON COLUMN raw.published_figures.topic IS 'subsidy, vacancies, cpi, bbl_students, mbo_students, bbl_inflow, seo_2019, employer_cost.';
COMMENT ON COLUMN raw.published_figures.source_table_id IS 'CBS table id when the figure is a CBS figure, else empty.';
COMMENT ON COLUMN raw.published_figures.labels IS 'What the figure is about besides measure and period: category, SBI code and title, sectorkamer, status at the source, ...';
COMMENT ON COLUMN raw.published_figures.period IS 'Studiejaar as 2018/2019, a CBS period code (2022JJ00, 2023KW02), a calendar year, or a range (2013/2014-2015/2016).';
COMMENT ON COLUMN raw.published_figures.value IS 'The number as published, in unit (x 1 000 stays in thousands).';
COMMENT ON COLUMN raw.published_figures.qualifier IS 'exact, about, at least, almost, forecast, inferred (by the compiler from a general statement) or derived (computed by the extract''s publisher).';
COMMENT ON COLUMN raw.published_figures.citation_url IS 'Where the figure is published.';
COMMENT ON COLUMN raw.published_figures.source_file IS 'The file in this repository the figure was read from; its .source.txt says how it was obtained.';
COMMENT ON COLUMN raw.published_figures.source_excerpt IS 'The line of source_file that holds the figure, verbatim.';
COMMENT ON COLUMN raw.published_figures.source_kind IS 'primary: citation_url is the producing body''s own publication (CBS, Staatscourant, Rijksbegroting, RVO, OCW in cijfers, SEO); secondary: a news site, sector body or mirror reports it (bbl/figures/vocabulary.py).';
COMMENT ON COLUMN raw.published_figures.date_published IS 'When the source published the figure, from its own words: the last day the stated date allows (Sep 2019 -> 2019-09-30, 2019 -> 2019-12-31), or the day a page was checked or copied (an upper bound). Null when the source states no date; as-of builds then leave the figure out. data/figures/publication_dates.csv.';
COMMENT ON COLUMN raw.published_figures.date_published_basis IS 'The date as stated, its precision, and the verbatim words that state it with the file (or URL) they stand in.';
COMMENT ON COLUMN raw.published_figures.primary_publisher IS 'Who produces the figure (for a secondary source: whose figure it reports).';

-- ----------------------------------------------------------------------------------------------
-- raw: DUO open education data (onderwijsdata.duo.nl), loaded in live mode
-- ----------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS raw.duo_students_sectorkamer (
    dataset       VARCHAR NOT NULL,
    snapshot_id   VARCHAR NOT NULL,
    resource      VARCHAR NOT NULL,
    sectorkamer   VARCHAR NOT NULL,
    hoofdgroep    VARCHAR,
    leerweg       VARCHAR NOT NULL,
    niveau        VARCHAR,
    woonprovincie VARCHAR,
    year          INTEGER NOT NULL,
    students      BIGINT,
    masked        BOOLEAN NOT NULL,
    raw_value     VARCHAR
);
COMMENT ON TABLE raw.duo_students_sectorkamer IS 'DUO mbo-studenten-per-sectorkamer-en-leerweg (sectorkamer01 file): students on 1 October per SBB sectorkamer, hoofdgroep, leerweg, level and province of residence; one row per year column (JAAR_yyyy).';
COMMENT ON COLUMN raw.duo_students_sectorkamer.leerweg IS 'BBL, BOLVT, BOLDT or EX as DUO writes it.';
COMMENT ON COLUMN raw.duo_students_sectorkamer.year IS 'Year of the 1 October count (JAAR_2022 = 1 October 2022, studiejaar 2022/2023).';
COMMENT ON COLUMN raw.duo_students_sectorkamer.students IS 'Number of students; null when DUO masked a small count (masked = true) or left the cell empty.';
COMMENT ON COLUMN raw.duo_students_sectorkamer.masked IS 'True where DUO published a masked small count such as <5.';
COMMENT ON COLUMN raw.duo_students_sectorkamer.raw_value IS 'The cell as DUO published it.';

CREATE TABLE IF NOT EXISTS raw.duo_students_instelling (
    dataset         VARCHAR NOT NULL,
    snapshot_id     VARCHAR NOT NULL,
    resource        VARCHAR NOT NULL,
    year            INTEGER,
    instellingscode VARCHAR NOT NULL,
    instellingsnaam VARCHAR,
    provincie       VARCHAR,
    gemeente        VARCHAR,
    leerweg         VARCHAR NOT NULL,
    students        BIGINT,
    masked          BOOLEAN NOT NULL,
    raw_value       VARCHAR
);
COMMENT ON TABLE raw.duo_students_instelling IS 'DUO mbo-studenten-per-instelling (file 01): students per institution and leerweg (columns BBL, BOLDT, BOLVT, EX), one row per leerweg.';
COMMENT ON COLUMN raw.duo_students_instelling.masked IS 'True where DUO published a masked small count such as <5.';

-- ----------------------------------------------------------------------------------------------
-- staging
-- ----------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS staging.cpi_yearly (
    year          INTEGER NOT NULL PRIMARY KEY,
    cpi_2025eq100 DOUBLE NOT NULL,
    yoy_pct       DOUBLE,
    status        VARCHAR NOT NULL,
    table_id      VARCHAR NOT NULL,
    snapshot_id   VARCHAR NOT NULL
);
COMMENT ON TABLE staging.cpi_yearly IS 'Yearly consumer price index, all spending (Bestedingscategorieen T001112), from the YYYYJJ00 rows of CBS 86141NED. SQL: warehouse/sql/staging/cpi_yearly.sql.';
COMMENT ON COLUMN staging.cpi_yearly.cpi_2025eq100 IS 'CPI, 2025 = 100 (measure M000215): the average of the twelve monthly indices.';
COMMENT ON COLUMN staging.cpi_yearly.yoy_pct IS 'Year-on-year change of the CPI in percent (measure M000238), as CBS publishes it; 10.0 means +10.0 %.';
COMMENT ON COLUMN staging.cpi_yearly.status IS 'Status of the period code at CBS: Definitief or Voorlopig.';

CREATE TABLE IF NOT EXISTS staging.subsidy_amounts (
    studiejaar   VARCHAR NOT NULL,
    figure_id    VARCHAR NOT NULL,
    amount_eur   DOUBLE NOT NULL,
    qualifier    VARCHAR NOT NULL,
    publisher    VARCHAR NOT NULL,
    point_value  BOOLEAN NOT NULL,
    citation_url VARCHAR NOT NULL,
    PRIMARY KEY (studiejaar, figure_id)
);
COMMENT ON TABLE staging.subsidy_amounts IS 'Subsidieregeling praktijkleren, mbo bbl: every published amount per full place, one row per studiejaar and figure (a figure for a range of studiejaren gives one row per year). SQL: warehouse/sql/staging/subsidy_amounts.sql.';
COMMENT ON COLUMN staging.subsidy_amounts.point_value IS 'False for the ends of a published range (e.g. OAZ forecast 2,300-2,500); such rows are context, not the value of the year.';

CREATE TABLE IF NOT EXISTS staging.vacancies (
    period              VARCHAR NOT NULL,
    sbi_code            VARCHAR NOT NULL,
    sbi_title           VARCHAR,
    measure             VARCHAR NOT NULL,
    value_x1000         DOUBLE NOT NULL,
    seasonally_adjusted BOOLEAN NOT NULL,
    table_id            VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    source_ref          VARCHAR NOT NULL,
    status              VARCHAR
);
COMMENT ON TABLE staging.vacancies IS 'Open, new and filled vacancies (x 1 000) by period and SBI code: CBS 80472ned from the API where loaded, else the register; seasonally adjusted figures (84545NED, 80474ned) from the register. SQL: warehouse/sql/staging/vacancies.sql.';
COMMENT ON COLUMN staging.vacancies.measure IS 'open (stand at the end of the period; the yearly value is the average of the quarter-end stands), new or filled (flows; yearly = sum of the quarters).';
COMMENT ON COLUMN staging.vacancies.source IS 'api (raw.cbs_observations) or register (raw.published_figures).';
COMMENT ON COLUMN staging.vacancies.source_ref IS 'cbs:<table>:<measure>:<period> or the register figure_id.';

CREATE TABLE IF NOT EXISTS staging.bbl_students (
    studiejaar   VARCHAR NOT NULL,
    start_year   INTEGER NOT NULL,
    basis        VARCHAR NOT NULL,
    sectorkamer  VARCHAR NOT NULL,
    series       VARCHAR NOT NULL,
    students     DOUBLE,
    qualifier    VARCHAR NOT NULL,
    source_ref   VARCHAR NOT NULL,
    citation_url VARCHAR NOT NULL,
    priority     INTEGER NOT NULL
);
COMMENT ON TABLE staging.bbl_students IS 'bbl students by studiejaar: stock on 1 October (CBS 85353NED or DUO when loaded, published series otherwise) and inflow (MBO Raad), national total (sectorkamer Totaal) and per SBB sectorkamer. SQL: warehouse/sql/staging/bbl_students.sql.';
COMMENT ON COLUMN staging.bbl_students.basis IS 'stock (students enrolled on 1 October) or inflow (new students in the studiejaar).';
COMMENT ON COLUMN staging.bbl_students.priority IS '1 CBS 85353NED, 2 DUO, 3 published figures: lower is preferred.';

-- ----------------------------------------------------------------------------------------------
-- marts
-- ----------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS marts.subsidy_per_place (
    studiejaar         VARCHAR NOT NULL PRIMARY KEY,
    start_year         INTEGER NOT NULL,
    amount_nominal_eur DOUBLE,
    max_eur            DOUBLE NOT NULL,
    pct_of_max         DOUBLE,
    amount_real_eur    DOUBLE,
    real_base_year     INTEGER NOT NULL,
    cpi_year           INTEGER NOT NULL,
    figure_status      VARCHAR NOT NULL,
    figure_id          VARCHAR,
    citation_url       VARCHAR
);
COMMENT ON TABLE marts.subsidy_per_place IS 'Subsidieregeling praktijkleren, mbo bbl: the amount per full bbl place (praktijkleerplaats) per studiejaar, nominal and in euros of real_base_year, against the legal maximum. One row for every studiejaar from the first to the last in the register; years without a published amount say so. SQL: warehouse/sql/marts/subsidy_per_place.sql.';
COMMENT ON COLUMN marts.subsidy_per_place.studiejaar IS 'Studiejaar (1 August - 31 July) as 2018/2019. The amount for a studiejaar is set and paid after it ends (applications by 15 September).';
COMMENT ON COLUMN marts.subsidy_per_place.amount_nominal_eur IS 'Amount per full place in euros of the day; null when no amount was found.';
COMMENT ON COLUMN marts.subsidy_per_place.max_eur IS 'Legal maximum per full place (regulation art. 15).';
COMMENT ON COLUMN marts.subsidy_per_place.pct_of_max IS 'amount_nominal_eur as percent of max_eur (100 = the maximum was paid).';
COMMENT ON COLUMN marts.subsidy_per_place.amount_real_eur IS 'amount_nominal_eur in euros of real_base_year: amount x CPI(real_base_year) / CPI(cpi_year), CBS 86141NED.';
COMMENT ON COLUMN marts.subsidy_per_place.real_base_year IS 'Price level of amount_real_eur: the latest year with a definitive yearly CPI.';
COMMENT ON COLUMN marts.subsidy_per_place.cpi_year IS 'Calendar year whose CPI deflates the amount: the year in which the studiejaar ends and the amount is paid.';
COMMENT ON COLUMN marts.subsidy_per_place.figure_status IS 'reported (published final amount), inferred (compiled from a general statement), forecast (expected amount before the fact) or not found.';
COMMENT ON COLUMN marts.subsidy_per_place.figure_id IS 'The raw.published_figures row the amount comes from.';

CREATE TABLE IF NOT EXISTS marts.subsidy_budget (
    period       VARCHAR NOT NULL,
    category     VARCHAR,
    measure      VARCHAR NOT NULL,
    amount_eur   DOUBLE NOT NULL,
    qualifier    VARCHAR NOT NULL,
    publisher    VARCHAR NOT NULL,
    figure_id    VARCHAR NOT NULL PRIMARY KEY,
    citation_url VARCHAR NOT NULL
);
COMMENT ON TABLE marts.subsidy_budget IS 'Budgets of the Subsidieregeling praktijkleren as published: per studiejaar and category, the regulation''s caps, and the OCW budget line with its mutations. SQL: warehouse/sql/marts/subsidy_budget.sql.';
COMMENT ON COLUMN marts.subsidy_budget.measure IS 'budget_eur (plafond for a studiejaar), budget_cap_eur (regulation art. 14), budget_line_eur (Rijksbegroting line) or budget_mutation_eur.';

CREATE TABLE IF NOT EXISTS marts.subsidy_cost_share (
    studiejaar              VARCHAR NOT NULL PRIMARY KEY,
    amount_nominal_eur      DOUBLE NOT NULL,
    figure_status           VARCHAR NOT NULL,
    employer_cost_eur       DOUBLE NOT NULL,
    share_pct               DOUBLE NOT NULL,
    employer_cost_figure_id VARCHAR NOT NULL
);
COMMENT ON TABLE marts.subsidy_cost_share IS 'The subsidy per bbl place as percent of the employer cost per bbl student that employer organisations estimate (about EUR 12,000 a year; no public calculation). Indicative. SQL: warehouse/sql/marts/subsidy_cost_share.sql.';

CREATE TABLE IF NOT EXISTS marts.bbl_students (
    studiejaar   VARCHAR NOT NULL,
    start_year   INTEGER NOT NULL,
    series       VARCHAR NOT NULL,
    students     DOUBLE,
    qualifier    VARCHAR NOT NULL,
    source_ref   VARCHAR NOT NULL,
    citation_url VARCHAR NOT NULL,
    preferred    BOOLEAN NOT NULL
);
COMMENT ON TABLE marts.bbl_students IS 'bbl students on 1 October, national total, per studiejaar and published series; preferred marks one series per year (CBS, DUO, OCW in cijfers, NJi, compiled). SQL: warehouse/sql/marts/bbl_students.sql.';

CREATE TABLE IF NOT EXISTS marts.bbl_technical_share (
    studiejaar         VARCHAR NOT NULL,
    start_year         INTEGER NOT NULL,
    basis              VARCHAR NOT NULL,
    definition         VARCHAR NOT NULL,
    technical_students DOUBLE,
    total_students     DOUBLE,
    share_pct          DOUBLE,
    status             VARCHAR NOT NULL,
    sectorkamers       VARCHAR[] NOT NULL,
    qualifiers         VARCHAR[] NOT NULL,
    source             VARCHAR NOT NULL
);
COMMENT ON TABLE marts.bbl_technical_share IS 'Share of bbl students in the technical sectorkamers: narrow (Techniek en gebouwde omgeving) and broad (plus Mobiliteit, transport, logistiek en maritiem), on the stock when 85353NED or DUO is loaded, else on the MBO Raad inflow. SQL: warehouse/sql/marts/bbl_technical_share.sql.';
COMMENT ON COLUMN marts.bbl_technical_share.basis IS 'stock (students on 1 October) or inflow (new students): the bundled data only has inflow per sectorkamer.';
COMMENT ON COLUMN marts.bbl_technical_share.status IS 'computed, or pending live data when a sectorkamer of the definition is not published for the year.';
COMMENT ON COLUMN marts.bbl_technical_share.qualifiers IS 'Qualifiers of the figures used (exact, about, at least): a share of "at least" over "about" figures is indicative.';

CREATE TABLE IF NOT EXISTS marts.vacancies (
    period      VARCHAR NOT NULL,
    frequency   VARCHAR NOT NULL,
    scope       VARCHAR NOT NULL,
    scope_title VARCHAR,
    open_x1000  DOUBLE NOT NULL,
    source_refs VARCHAR[] NOT NULL,
    source      VARCHAR NOT NULL
);
COMMENT ON TABLE marts.vacancies IS 'Open vacancies (x 1 000, not seasonally adjusted) by period and scope: A-U (all), B-F, C+F (technical sectors) and each SBI code published. SQL: warehouse/sql/marts/vacancies.sql.';
COMMENT ON COLUMN marts.vacancies.open_x1000 IS 'Open vacancies in thousands: the stand at the end of a quarter; for a year the average of the quarter-end stands (CBS JJ00).';

CREATE TABLE IF NOT EXISTS marts.vacancy_rate (
    period             VARCHAR NOT NULL,
    sbi_code           VARCHAR,
    sbi_title          VARCHAR,
    rate_per_1000_jobs DOUBLE NOT NULL,
    status             VARCHAR NOT NULL,
    source_ref         VARCHAR NOT NULL
);
COMMENT ON TABLE marts.vacancy_rate IS 'Vacancy rate: vacancies per 1,000 employee jobs at the end of the quarter, by SBI code (CBS 80567ned; loaded in live mode). SQL: warehouse/sql/marts/vacancy_rate.sql.';

CREATE TABLE IF NOT EXISTS marts.vacancies_per_unemployed (
    period                       VARCHAR NOT NULL,
    open_x1000                   DOUBLE NOT NULL,
    unemployed_x1000             DOUBLE NOT NULL,
    vacancies_per_100_unemployed DOUBLE NOT NULL,
    source_ref                   VARCHAR NOT NULL
);
COMMENT ON TABLE marts.vacancies_per_unemployed IS 'Open vacancies per 100 unemployed, seasonally adjusted, per quarter (84545NED open vacancies, 85224NED unemployed; the latter in live mode). SQL: warehouse/sql/marts/vacancies_per_unemployed.sql.';

CREATE TABLE IF NOT EXISTS marts.vakkrachten_share (
    period            VARCHAR NOT NULL,
    year              INTEGER NOT NULL,
    scope             VARCHAR NOT NULL,
    scope_title       VARCHAR,
    open_vacancies    DOUBLE NOT NULL,
    vacancies_claimed DOUBLE NOT NULL,
    share_pct         DOUBLE NOT NULL,
    source_refs       VARCHAR[] NOT NULL
);
COMMENT ON TABLE marts.vakkrachten_share IS 'The letter''s "zo''n 10.000 vacatures per jaar" (vakkrachtenregeling) as percent of the yearly average of open vacancies, all sectors (A-U) and technical (C+F, B-F). SQL: warehouse/sql/marts/vakkrachten_share.sql.';

CREATE TABLE IF NOT EXISTS marts.revisions (
    table_id               VARCHAR NOT NULL,
    measure                VARCHAR NOT NULL,
    period                 VARCHAR NOT NULL,
    dimensions             MAP(VARCHAR, VARCHAR) NOT NULL,
    first_value            DOUBLE,
    latest_value           DOUBLE,
    first_value_attribute  VARCHAR NOT NULL,
    latest_value_attribute VARCHAR NOT NULL,
    revision_count         INTEGER NOT NULL,
    first_published        TIMESTAMP NOT NULL,
    last_revised           TIMESTAMP NOT NULL,
    current                BOOLEAN NOT NULL
);
COMMENT ON TABLE marts.revisions IS 'Every CBS cell that a later version of its table revised: the value first published, the latest one, how often it changed and when. From history.cbs_observations, rebuilt with each new version (bbl/history/revisions.sql); the per-version counts are in history.cbs_vintages.';
COMMENT ON COLUMN marts.revisions.table_id IS 'CBS table id.';
COMMENT ON COLUMN marts.revisions.measure IS 'Measure code.';
COMMENT ON COLUMN marts.revisions.period IS 'CBS period code.';
COMMENT ON COLUMN marts.revisions.dimensions IS 'The other dimension codes of the cell.';
COMMENT ON COLUMN marts.revisions.first_value IS 'The value in the first version the history holds (unscaled, as raw.cbs_observations.value).';
COMMENT ON COLUMN marts.revisions.latest_value IS 'The value in the latest version that had the cell.';
COMMENT ON COLUMN marts.revisions.first_value_attribute IS 'ValueAttribute of the first value (None, Missing, ...): a secret cell made public is a revision too.';
COMMENT ON COLUMN marts.revisions.latest_value_attribute IS 'ValueAttribute of the latest value.';
COMMENT ON COLUMN marts.revisions.revision_count IS 'How many later versions changed the cell (1 = revised once).';
COMMENT ON COLUMN marts.revisions.first_published IS 'When CBS first published the cell (UTC), as far as the history goes back.';
COMMENT ON COLUMN marts.revisions.last_revised IS 'When CBS last changed it (UTC).';
COMMENT ON COLUMN marts.revisions.current IS 'False when the latest version of the table no longer has the cell (a removed code or period).';

CREATE TABLE IF NOT EXISTS marts.claim_checks (
    claim_id       VARCHAR NOT NULL PRIMARY KEY,
    topic          VARCHAR NOT NULL,
    claim_kind     VARCHAR NOT NULL,
    quote          VARCHAR NOT NULL,
    claimed_value  DOUBLE,
    computed_value DOUBLE,
    unit           VARCHAR NOT NULL,
    verdict        VARCHAR NOT NULL,
    direction      VARCHAR,
    explanation_nl VARCHAR NOT NULL,
    reading_nl     VARCHAR NOT NULL,
    sources        STRUCT(publisher VARCHAR, title VARCHAR, url VARCHAR, accessed VARCHAR, source_kind VARCHAR, ref VARCHAR)[] NOT NULL,
    evidence       VARCHAR[] NOT NULL,
    rule           VARCHAR NOT NULL,
    computed_at_letter_date DOUBLE,
    verdict_at_letter_date  VARCHAR,
    at_letter_date_nl       VARCHAR,
    moved_since_letter_nl   VARCHAR,
    verdict_since           TIMESTAMP,
    verdict_cause_nl        VARCHAR
);
COMMENT ON TABLE marts.claim_checks IS 'The claim ledger: one row per distinct quote of the Industriecoalitie letter (May 2023), its kind, the value the data gives under the headline reading, and one verdict. Other readings (bases, deflators, definitions) are in marts.claim_readings. Claims: bbl/claims/*.yaml, computed in bbl/claims/.';
COMMENT ON COLUMN marts.claim_checks.claim_kind IS 'fact, forecast, request, intention or about the letter (its own plan). Only facts and forecasts are judged; the others get the verdict not a factual claim.';
COMMENT ON COLUMN marts.claim_checks.quote IS 'The claim, verbatim from the letter (Dutch).';
COMMENT ON COLUMN marts.claim_checks.claimed_value IS 'The number the letter states, in unit; percentages as percent numbers (12, not 0.12); null when the quote states none in this unit.';
COMMENT ON COLUMN marts.claim_checks.computed_value IS 'The number the headline reading computes from the data, in unit; null when the data needed is missing.';
COMMENT ON COLUMN marts.claim_checks.verdict IS 'supported, partly supported, not supported, not checkable with open data, pending live data, or not a factual claim (requests, intentions, the letter''s own plan).';
COMMENT ON COLUMN marts.claim_checks.direction IS 'Which way the letter errs under the headline reading: understated (the data gives more), overstated (less), matches (within the tolerance); null when nothing was judged or no number was compared.';
COMMENT ON COLUMN marts.claim_checks.explanation_nl IS 'Why, in Dutch plain words and Dutch number formats: the numbers compared, where they come from, the other readings, and whether the verdict rests on secondary sources only.';
COMMENT ON COLUMN marts.claim_checks.reading_nl IS 'How the quote is read, in Dutch (shown in the report).';
COMMENT ON COLUMN marts.claim_checks.sources IS 'The sources behind the claim, one per page: publisher, title, url, accessed (date the copy was taken, ISO), source_kind (primary or secondary) and ref (figure_id or snapshot_id). The letter itself is the last.';
COMMENT ON COLUMN marts.claim_checks.evidence IS 'Ids of the evidence of all readings: raw.published_figures.figure_id, cbs:<table_id>:<measure>:<period> for CBS cells, or a snapshot id.';
COMMENT ON COLUMN marts.claim_checks.computed_at_letter_date IS 'The headline value as it could have been computed on the letter''s date (25 May 2023), from what had been published by the end of that day: the CBS and DUO versions then in force (history), the register figures dated on or before it. Null when that data had not been published by then (at_letter_date_nl says which).';
COMMENT ON COLUMN marts.claim_checks.verdict_at_letter_date IS 'The verdict from the data of the letter''s date (same vocabulary as verdict).';
COMMENT ON COLUMN marts.claim_checks.at_letter_date_nl IS 'In Dutch: the value and verdict on the letter''s date, or which sources had not yet been published then (a CBS table whose oldest version in the archive is later, a register figure published later or without a date).';
COMMENT ON COLUMN marts.claim_checks.moved_since_letter_nl IS 'In Dutch: how many of the claim''s CBS cells had been published on the letter''s date and how many were revised since (largest revision), and how many register figures date from before it.';
COMMENT ON COLUMN marts.claim_checks.verdict_since IS 'When the verdict or computed value last moved (the run that first computed it, UTC); history.claim_checks has every move.';
COMMENT ON COLUMN marts.claim_checks.verdict_cause_nl IS 'Why it last moved, in Dutch: the new CBS/DUO version or register change, a change of code or claim definitions, or the first computation.';
COMMENT ON COLUMN marts.claim_checks.rule IS 'How the headline verdict was decided (comparison and tolerance), for the technical reader.';

CREATE TABLE IF NOT EXISTS marts.claim_readings (
    claim_id       VARCHAR NOT NULL,
    reading_id     VARCHAR NOT NULL,
    reading        VARCHAR NOT NULL,
    headline       BOOLEAN NOT NULL,
    claimed_value  DOUBLE,
    computed_value DOUBLE,
    unit           VARCHAR NOT NULL,
    verdict        VARCHAR NOT NULL,
    direction      VARCHAR,
    explanation_nl VARCHAR NOT NULL,
    evidence       VARCHAR[] NOT NULL,
    rule           VARCHAR NOT NULL,
    PRIMARY KEY (claim_id, reading_id)
);
COMMENT ON TABLE marts.claim_readings IS 'Every reading of every claim of marts.claim_checks: the headline (which gives the claim its verdict) and the alternatives (another base, a deflator, a definition), each computed and judged on its own.';
COMMENT ON COLUMN marts.claim_readings.claim_id IS 'The claim (marts.claim_checks.claim_id).';
COMMENT ON COLUMN marts.claim_readings.reading_id IS 'Stable id of the reading within the claim (bbl/claims/*.yaml).';
COMMENT ON COLUMN marts.claim_readings.reading IS 'What the reading computes, in Dutch (the base, deflator or definition named).';
COMMENT ON COLUMN marts.claim_readings.headline IS 'True for the one reading that gives the claim its verdict.';
COMMENT ON COLUMN marts.claim_readings.claimed_value IS 'The letter''s number in this reading''s unit; null when the reading has none to compare.';
COMMENT ON COLUMN marts.claim_readings.computed_value IS 'The number this reading computes, in unit; null when the data needed is missing.';
COMMENT ON COLUMN marts.claim_readings.unit IS 'Unit of the values; says inflow or stock of students where it matters (bbl inflow, % of bbl inflow).';
COMMENT ON COLUMN marts.claim_readings.verdict IS 'The verdict this reading alone would give (same vocabulary as marts.claim_checks.verdict).';
COMMENT ON COLUMN marts.claim_readings.direction IS 'understated, overstated, matches, or null (as in marts.claim_checks).';
COMMENT ON COLUMN marts.claim_readings.explanation_nl IS 'Why, in Dutch: the numbers, the base or deflator, lower bounds and inflow named as such.';
COMMENT ON COLUMN marts.claim_readings.evidence IS 'Ids of the evidence of this reading (as in marts.claim_checks.evidence).';
COMMENT ON COLUMN marts.claim_readings.rule IS 'How this reading''s verdict was decided (comparison and tolerance).';

-- ----------------------------------------------------------------------------------------------
-- quality
-- ----------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS quality.check_results (
    run_id              VARCHAR NOT NULL,
    asset               VARCHAR NOT NULL,
    check_name          VARCHAR NOT NULL,
    passed              BOOLEAN NOT NULL,
    severity            VARCHAR NOT NULL,
    evaluated           INTEGER NOT NULL,
    unsuccessful        INTEGER NOT NULL,
    failed_expectations JSON NOT NULL,
    description         VARCHAR NOT NULL,
    checked_at          TIMESTAMP NOT NULL,
    tables              VARCHAR[] NOT NULL
);
COMMENT ON TABLE quality.check_results IS 'Every data-quality check run (Great Expectations suites as Dagster asset checks, bbl/quality/suites.py), appended per run. A run whose blocking check failed is not published, so the analyst copy holds the results of the run that produced it and of earlier runs.';
COMMENT ON COLUMN quality.check_results.asset IS 'Dagster asset key checked, e.g. raw/cbs/86141NED; it mirrors the table.';
COMMENT ON COLUMN quality.check_results.tables IS 'The warehouse tables the check read: every raw, staging and mart table appears in some check.';
COMMENT ON COLUMN quality.check_results.severity IS 'ERROR (blocks downstream assets and publication) or WARN.';
COMMENT ON COLUMN quality.check_results.evaluated IS 'Number of expectations evaluated.';
COMMENT ON COLUMN quality.check_results.unsuccessful IS 'Number of expectations that failed.';
COMMENT ON COLUMN quality.check_results.failed_expectations IS 'Per failed expectation: frame, expectation type, column, unexpected count and a sample of the offending values.';

-- Column comments not given beside their table above: every column has one (a test checks).
COMMENT ON TABLE meta.schema_info IS 'The schema the working database was built with; a changed warehouse/schema.sql rebuilds the working database.';
COMMENT ON COLUMN marts.bbl_students.studiejaar IS 'Studiejaar (school year), e.g. 2022/2023; students are counted on 1 October of its first year.';
COMMENT ON COLUMN marts.bbl_students.start_year IS 'First calendar year of the studiejaar (2022 for 2022/2023).';
COMMENT ON COLUMN marts.bbl_students.series IS 'The published series the count comes from (CBS 85353NED, DUO, OCW in cijfers, NJi, the compiled series).';
COMMENT ON COLUMN marts.bbl_students.students IS 'bbl students (the stock enrolled on 1 October), national total.';
COMMENT ON COLUMN marts.bbl_students.qualifier IS 'What the source''s wording says about the number: exact, about, at least, ... (see raw.published_figures.qualifier).';
COMMENT ON COLUMN marts.bbl_students.source_ref IS 'The figure behind the count: a raw.published_figures.figure_id, or cbs:/duo: for a table loaded from the API.';
COMMENT ON COLUMN marts.bbl_students.citation_url IS 'Where the source publishes the number.';
COMMENT ON COLUMN marts.bbl_students.preferred IS 'True for the one series used per studiejaar (CBS 85353NED, else DUO, else OCW in cijfers, else NJi, else the compiled series).';
COMMENT ON COLUMN marts.bbl_technical_share.studiejaar IS 'Studiejaar the share is computed for, e.g. 2022/2023.';
COMMENT ON COLUMN marts.bbl_technical_share.start_year IS 'First calendar year of the studiejaar.';
COMMENT ON COLUMN marts.bbl_technical_share.definition IS 'narrow: sectorkamer Techniek en gebouwde omgeving (TGO); broad: TGO plus Mobiliteit, transport, logistiek en maritiem (MTLM).';
COMMENT ON COLUMN marts.bbl_technical_share.technical_students IS 'bbl students in the technical sectorkamers of the definition (stock, or inflow when basis = inflow); null when a sectorkamer of the definition has no figure.';
COMMENT ON COLUMN marts.bbl_technical_share.total_students IS 'bbl students in all sectorkamers, on the same basis and studiejaar.';
COMMENT ON COLUMN marts.bbl_technical_share.share_pct IS 'technical_students / total_students x 100, rounded to 0.1; null while pending live data.';
COMMENT ON COLUMN marts.bbl_technical_share.sectorkamers IS 'The technical sectorkamers that have a figure for this studiejaar and basis.';
COMMENT ON COLUMN marts.bbl_technical_share.source IS 'Where the per-sectorkamer figures come from (CBS 85353NED, DUO or MBO Raad).';
COMMENT ON COLUMN marts.claim_checks.claim_id IS 'Stable id of the claim (bbl/claims/*.yaml).';
COMMENT ON COLUMN marts.claim_checks.topic IS 'What the claim is about: subsidy, employer_cost, seo_2019, bbl_students, vacancies, other.';
COMMENT ON COLUMN marts.claim_checks.unit IS 'Unit of claimed_value and computed_value (percentages as percent numbers); says inflow or stock of students where it matters.';
COMMENT ON COLUMN marts.subsidy_budget.period IS 'Studiejaar, calendar year or range the figure covers, as published.';
COMMENT ON COLUMN marts.subsidy_budget.category IS 'Which part of the regulation: mbo bbl, hbo, vmbo, promovendi, or all categories.';
COMMENT ON COLUMN marts.subsidy_budget.amount_eur IS 'The amount in euros, as published (budget, cap, budget line or mutation).';
COMMENT ON COLUMN marts.subsidy_budget.qualifier IS 'What the source''s wording says about the number (exact, at least, ...).';
COMMENT ON COLUMN marts.subsidy_budget.publisher IS 'Who published the figure (Staatscourant, RVO, OCW begroting, or a secondary source such as Finestri).';
COMMENT ON COLUMN marts.subsidy_budget.figure_id IS 'The figure in raw.published_figures.';
COMMENT ON COLUMN marts.subsidy_budget.citation_url IS 'Where the figure is published.';
COMMENT ON COLUMN marts.subsidy_cost_share.studiejaar IS 'Studiejaar of the amount per place.';
COMMENT ON COLUMN marts.subsidy_cost_share.amount_nominal_eur IS 'Subsidy per full bbl place that studiejaar (marts.subsidy_per_place).';
COMMENT ON COLUMN marts.subsidy_cost_share.figure_status IS 'Status of the amount: reported, inferred, forecast or not found.';
COMMENT ON COLUMN marts.subsidy_cost_share.employer_cost_eur IS 'The employer organisations'' estimate of the yearly cost of a bbl student (VNO-NCW / MKB-Nederland 2018, about EUR 12,000).';
COMMENT ON COLUMN marts.subsidy_cost_share.share_pct IS 'amount_nominal_eur / employer_cost_eur x 100: indicative only, the estimate has no public calculation.';
COMMENT ON COLUMN marts.subsidy_cost_share.employer_cost_figure_id IS 'The figure in raw.published_figures the cost estimate comes from.';
COMMENT ON COLUMN marts.subsidy_per_place.start_year IS 'First calendar year of the studiejaar.';
COMMENT ON COLUMN marts.subsidy_per_place.citation_url IS 'Where the amount is published; null for a year without a published amount.';
COMMENT ON COLUMN marts.vacancies.period IS 'CBS period code: YYYYJJ00 (yearly average) or YYYYKWnn (end of quarter).';
COMMENT ON COLUMN marts.vacancies.frequency IS 'year or quarter.';
COMMENT ON COLUMN marts.vacancies.scope IS 'A-U (all sectors), B-F, C+F (manufacturing plus construction) or an SBI code.';
COMMENT ON COLUMN marts.vacancies.scope_title IS 'The scope''s name as CBS writes it.';
COMMENT ON COLUMN marts.vacancies.source_refs IS 'The cells behind the value: raw.published_figures ids or cbs:80472ned:<measure>:<period> for API rows.';
COMMENT ON COLUMN marts.vacancies.source IS 'api (80472ned loaded from CBS) or register (figures transcribed from StatLine).';
COMMENT ON COLUMN marts.vacancies_per_unemployed.period IS 'Quarter (YYYYKWnn).';
COMMENT ON COLUMN marts.vacancies_per_unemployed.open_x1000 IS 'Open vacancies, seasonally adjusted, x 1 000 (84545NED, register).';
COMMENT ON COLUMN marts.vacancies_per_unemployed.unemployed_x1000 IS 'Unemployed persons, seasonally adjusted, x 1 000 (85224NED, national total).';
COMMENT ON COLUMN marts.vacancies_per_unemployed.vacancies_per_100_unemployed IS 'open_x1000 / unemployed_x1000 x 100, rounded to a whole number.';
COMMENT ON COLUMN marts.vacancies_per_unemployed.source_ref IS 'The open-vacancies figure behind the row.';
COMMENT ON COLUMN marts.vacancy_rate.period IS 'Quarter (YYYYKWnn): the rate at the end of the quarter.';
COMMENT ON COLUMN marts.vacancy_rate.sbi_code IS 'SBI 2008 code as CBS writes it (T001081 = A-U all sectors).';
COMMENT ON COLUMN marts.vacancy_rate.sbi_title IS 'The SBI code''s title as CBS writes it.';
COMMENT ON COLUMN marts.vacancy_rate.rate_per_1000_jobs IS 'Vacancies per 1,000 employee jobs at the end of the quarter (CBS 80567ned).';
COMMENT ON COLUMN marts.vacancy_rate.status IS 'CBS status of the period (Definitief, Voorlopig).';
COMMENT ON COLUMN marts.vacancy_rate.source_ref IS 'The cell behind the value: cbs:80567ned:<measure>:<period>.';
COMMENT ON COLUMN marts.vakkrachten_share.period IS 'Yearly period code (YYYYJJ00).';
COMMENT ON COLUMN marts.vakkrachten_share.year IS 'Calendar year.';
COMMENT ON COLUMN marts.vakkrachten_share.scope IS 'A-U (all sectors), C+F or B-F (technical sectors).';
COMMENT ON COLUMN marts.vakkrachten_share.scope_title IS 'The scope''s name as CBS writes it.';
COMMENT ON COLUMN marts.vakkrachten_share.open_vacancies IS 'Open vacancies, yearly average, in units (not thousands).';
COMMENT ON COLUMN marts.vakkrachten_share.vacancies_claimed IS 'The letter''s estimate of vacancies a vakkrachtenregeling would fill each year (10,000).';
COMMENT ON COLUMN marts.vakkrachten_share.share_pct IS 'vacancies_claimed / open_vacancies x 100, rounded to 0.1: scale only, not a test of the estimate.';
COMMENT ON COLUMN marts.vakkrachten_share.source_refs IS 'The cells behind open_vacancies.';
COMMENT ON COLUMN meta.indicators.name IS 'The indicator: a mart table, or table.column.';
COMMENT ON COLUMN meta.indicators.title IS 'Its title, in Dutch.';
COMMENT ON COLUMN meta.indicators.unit IS 'Unit of the indicator''s values.';
COMMENT ON COLUMN meta.indicators.definition IS 'How it is computed.';
COMMENT ON COLUMN meta.indicators.sources IS 'The tables and publications it is computed from.';
COMMENT ON COLUMN meta.indicators.caveats IS 'What a reader must know before using it.';
COMMENT ON COLUMN meta.publications.run_id IS 'The Dagster run (or bbl-fetch-<id>) that produced this publication; quality.check_results rows of the same run_id are its checks.';
COMMENT ON COLUMN meta.publications.published_at IS 'When it was published (UTC).';
COMMENT ON COLUMN meta.publications.snapshots IS 'The snapshot ids the publication holds (meta.snapshots).';
COMMENT ON COLUMN meta.schema_info.schema_sha256 IS 'sha256 of warehouse/schema.sql the working database was built with (a change rebuilds it).';
COMMENT ON COLUMN meta.schema_info.applied_at IS 'When that schema was applied (UTC).';
COMMENT ON COLUMN meta.snapshot_files.snapshot_id IS 'The snapshot (meta.snapshots).';
COMMENT ON COLUMN meta.snapshot_files.path IS 'The file, relative to the snapshot folder (or to data/ for the register''s source files).';
COMMENT ON COLUMN meta.snapshot_files.sha256 IS 'Its sha256, verified when the snapshot was loaded.';
COMMENT ON COLUMN meta.snapshot_files.size_bytes IS 'Its size in bytes.';
COMMENT ON COLUMN meta.snapshots.table_id IS 'CBS table id (CBS''s case) or DUO dataset name; null for the register.';
COMMENT ON COLUMN meta.snapshots.title IS 'The source''s title.';
COMMENT ON COLUMN meta.snapshots.producer IS 'Who produced the data (CBS, DUO, or the register of published figures).';
COMMENT ON COLUMN meta.snapshots.url IS 'Where the data was fetched from.';
COMMENT ON COLUMN meta.snapshots.date_accessed IS 'When the data was fetched (UTC).';
COMMENT ON COLUMN meta.snapshots.date_published IS 'When the source says it published this version (CBS Modified, DUO metadata_modified).';
COMMENT ON COLUMN meta.snapshots.license IS 'The licence of the data (CBS: CC BY 4.0).';
COMMENT ON COLUMN meta.snapshots.row_count IS 'Rows loaded from the snapshot.';
COMMENT ON COLUMN meta.snapshots.loaded_at IS 'When this warehouse loaded it (UTC).';
COMMENT ON COLUMN quality.check_results.run_id IS 'The run the check belongs to (a Dagster run id, or bbl-fetch-<id>).';
COMMENT ON COLUMN quality.check_results.check_name IS 'gx_suite (blocking), gx_suite_warnings (rules that only warn), reconciliation.';
COMMENT ON COLUMN quality.check_results.passed IS 'Whether every expectation held; false with severity WARN for a source pending live data.';
COMMENT ON COLUMN quality.check_results.description IS 'What was found, in words: the failed expectations with their columns and sample values.';
COMMENT ON COLUMN quality.check_results.checked_at IS 'When the check ran (UTC).';
COMMENT ON COLUMN raw.cbs_codes.table_id IS 'CBS table id, with CBS''s case.';
COMMENT ON COLUMN raw.cbs_codes.snapshot_id IS 'The snapshot the codes come from.';
COMMENT ON COLUMN raw.cbs_codes.dimension IS 'The dimension the code belongs to (Perioden, Bedrijfskenmerken, ...).';
COMMENT ON COLUMN raw.cbs_codes.title IS 'The code''s title as CBS writes it (CBS truncates long titles).';
COMMENT ON COLUMN raw.cbs_codes.description IS 'CBS''s description of the code (for periods e.g. ''Snelle raming'').';
COMMENT ON COLUMN raw.cbs_codes.dimension_group_id IS 'The code''s group in the dimension''s hierarchy (v4 DimensionGroupId, v3 CategoryGroupID).';
COMMENT ON COLUMN raw.cbs_codes.sort_index IS 'CBS''s order of the codes.';
COMMENT ON COLUMN raw.cbs_dimensions.table_id IS 'CBS table id, with CBS''s case.';
COMMENT ON COLUMN raw.cbs_dimensions.snapshot_id IS 'The snapshot the dimensions come from.';
COMMENT ON COLUMN raw.cbs_dimensions.dimension IS 'Dimension identifier (Perioden, Bestedingscategorieen, ...).';
COMMENT ON COLUMN raw.cbs_dimensions.title IS 'The dimension''s title as CBS writes it.';
COMMENT ON COLUMN raw.cbs_measures.table_id IS 'CBS table id, with CBS''s case.';
COMMENT ON COLUMN raw.cbs_measures.snapshot_id IS 'The snapshot the measures come from.';
COMMENT ON COLUMN raw.cbs_measures.title IS 'The measure''s title as CBS writes it (e.g. CPI, Openstaande vacatures).';
COMMENT ON COLUMN raw.cbs_measures.decimals IS 'Decimals CBS publishes the measure with: each value is exact to half a unit of the last decimal (the quality rules'' tolerances).';
COMMENT ON COLUMN raw.cbs_measures.data_type IS 'CBS''s data type (Double, Long, String).';
COMMENT ON COLUMN raw.cbs_measures.description IS 'CBS''s definition of the measure (e.g. how a yearly figure is formed).';
COMMENT ON COLUMN raw.cbs_tables.snapshot_id IS 'The snapshot of the table in use.';
COMMENT ON COLUMN raw.cbs_tables.title IS 'The table''s title as CBS writes it.';
COMMENT ON COLUMN raw.cbs_tables.source_url IS 'The API address it was fetched from.';
COMMENT ON COLUMN raw.cbs_tables.license IS 'The licence of the data (CC BY 4.0).';
COMMENT ON COLUMN raw.duo_students_instelling.dataset IS 'DUO dataset name (mbo-studenten-per-instelling).';
COMMENT ON COLUMN raw.duo_students_instelling.snapshot_id IS 'The snapshot the row comes from.';
COMMENT ON COLUMN raw.duo_students_instelling.resource IS 'The CSV file of the dataset the row comes from.';
COMMENT ON COLUMN raw.duo_students_instelling.year IS 'Year of the count (1 October).';
COMMENT ON COLUMN raw.duo_students_instelling.instellingscode IS 'DUO''s code of the institution.';
COMMENT ON COLUMN raw.duo_students_instelling.instellingsnaam IS 'The institution''s name.';
COMMENT ON COLUMN raw.duo_students_instelling.provincie IS 'Province of the institution.';
COMMENT ON COLUMN raw.duo_students_instelling.gemeente IS 'Municipality of the institution.';
COMMENT ON COLUMN raw.duo_students_instelling.leerweg IS 'BBL, BOLDT, BOLVT or EX, as DUO writes it.';
COMMENT ON COLUMN raw.duo_students_instelling.students IS 'Students; null where DUO masks a small count (masked = true).';
COMMENT ON COLUMN raw.duo_students_instelling.raw_value IS 'The cell as DUO published it (e.g. ''<5'').';
COMMENT ON COLUMN raw.duo_students_sectorkamer.dataset IS 'DUO dataset name (mbo-studenten-per-sectorkamer-en-leerweg).';
COMMENT ON COLUMN raw.duo_students_sectorkamer.snapshot_id IS 'The snapshot the row comes from.';
COMMENT ON COLUMN raw.duo_students_sectorkamer.resource IS 'The CSV file of the dataset the row comes from.';
COMMENT ON COLUMN raw.duo_students_sectorkamer.sectorkamer IS 'SBB sectorkamer, as DUO writes it.';
COMMENT ON COLUMN raw.duo_students_sectorkamer.hoofdgroep IS 'Hoofdgroep (group of programmes) within the sectorkamer.';
COMMENT ON COLUMN raw.duo_students_sectorkamer.niveau IS 'mbo level (1-4).';
COMMENT ON COLUMN raw.duo_students_sectorkamer.woonprovincie IS 'Province where the students live.';
COMMENT ON COLUMN raw.published_figures.snapshot_id IS 'The register snapshot (meta.snapshots).';
COMMENT ON COLUMN raw.published_figures.publisher IS 'Who published the figure (the citation_url''s publisher).';
COMMENT ON COLUMN raw.published_figures.measure IS 'What the figure measures, e.g. amount_per_full_place_eur, budget_eur, or the CBS measure key.';
COMMENT ON COLUMN raw.published_figures.unit IS 'The figure''s unit as published (EUR, x 1 000, %, students (1 October), ...).';
COMMENT ON COLUMN staging.bbl_students.studiejaar IS 'Studiejaar, e.g. 2022/2023.';
COMMENT ON COLUMN staging.bbl_students.start_year IS 'First calendar year of the studiejaar.';
COMMENT ON COLUMN staging.bbl_students.sectorkamer IS 'SBB sectorkamer, or Totaal for the national total.';
COMMENT ON COLUMN staging.bbl_students.series IS 'The published series (CBS 85353NED, DUO, OCW in cijfers, NJi, MBO Raad, ...).';
COMMENT ON COLUMN staging.bbl_students.students IS 'bbl students: the stock on 1 October (basis = stock) or new students (basis = inflow).';
COMMENT ON COLUMN staging.bbl_students.qualifier IS 'What the source''s wording says about the number (exact, about, at least).';
COMMENT ON COLUMN staging.bbl_students.source_ref IS 'The figure behind the row (raw.published_figures.figure_id, or cbs:/duo:).';
COMMENT ON COLUMN staging.bbl_students.citation_url IS 'Where the number is published.';
COMMENT ON COLUMN staging.cpi_yearly.year IS 'Calendar year.';
COMMENT ON COLUMN staging.cpi_yearly.table_id IS 'The CBS table (86141NED).';
COMMENT ON COLUMN staging.cpi_yearly.snapshot_id IS 'The snapshot the values come from.';
COMMENT ON COLUMN staging.subsidy_amounts.studiejaar IS 'Studiejaar the amount applies to (published ranges expanded per year).';
COMMENT ON COLUMN staging.subsidy_amounts.figure_id IS 'The figure in raw.published_figures.';
COMMENT ON COLUMN staging.subsidy_amounts.amount_eur IS 'Amount per full bbl place in euros, as published.';
COMMENT ON COLUMN staging.subsidy_amounts.qualifier IS 'exact, forecast, inferred, ... (raw.published_figures.qualifier).';
COMMENT ON COLUMN staging.subsidy_amounts.publisher IS 'Who published the amount.';
COMMENT ON COLUMN staging.subsidy_amounts.citation_url IS 'Where the amount is published.';
COMMENT ON COLUMN staging.vacancies.period IS 'CBS period code: YYYYJJ00 (year) or YYYYKWnn (quarter).';
COMMENT ON COLUMN staging.vacancies.sbi_code IS 'SBI 2008 code as CBS writes it (T001081 = A-U); 84545NED''s national figures are A-U.';
COMMENT ON COLUMN staging.vacancies.sbi_title IS 'The SBI code''s title.';
COMMENT ON COLUMN staging.vacancies.value_x1000 IS 'Vacancies, x 1 000, as published.';
COMMENT ON COLUMN staging.vacancies.seasonally_adjusted IS 'True for seasonally adjusted figures (84545NED, 80474ned).';
COMMENT ON COLUMN staging.vacancies.table_id IS 'The CBS table the figure belongs to (80472ned, 84545NED, 80474ned).';
COMMENT ON COLUMN staging.vacancies.status IS 'CBS status of the period, or the register''s note (''as published'').';
