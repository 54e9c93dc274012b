-- Ensemble initial schema (sqlite). Column order follows the model's field order;
-- identifiers are assigned by the application, JSON columns hold lists and nested records.

-- SQLite keeps the declared types below (BOOLEAN, DATE, TIMESTAMP, JSON); the store reads them
-- to convert values. Timestamps are RFC 3339 text with their UTC offset.

CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    file_name TEXT,
    file_sha256 TEXT,
    created_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX batches_member_id_idx ON batches (member_id);
CREATE INDEX batches_batch_id_idx ON batches (batch_id);

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    roles JSON NOT NULL,
    municipality TEXT,
    postal_code TEXT,
    region_code TEXT,
    website TEXT,
    identifiers JSON NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX organizations_member_id_idx ON organizations (member_id);
CREATE INDEX organizations_batch_id_idx ON organizations (batch_id);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    organization_id INTEGER NOT NULL REFERENCES organizations(id) DEFERRABLE INITIALLY DEFERRED,
    joined_on DATE NOT NULL,
    privacy_officer_title TEXT,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX members_member_id_idx ON members (member_id);
CREATE INDEX members_batch_id_idx ON members (batch_id);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    home_municipality TEXT,
    identifiers JSON NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX persons_member_id_idx ON persons (member_id);
CREATE INDEX persons_batch_id_idx ON persons (batch_id);

CREATE TABLE performing_groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    disciplines JSON NOT NULL,
    home_municipality TEXT,
    identifiers JSON NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX performing_groups_member_id_idx ON performing_groups (member_id);
CREATE INDEX performing_groups_batch_id_idx ON performing_groups (batch_id);

CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    street_address TEXT,
    municipality TEXT,
    postal_code TEXT,
    fsa TEXT,
    region_code TEXT,
    province TEXT,
    country TEXT NOT NULL,
    latitude REAL,
    longitude REAL,
    operator_id INTEGER REFERENCES organizations(id) DEFERRABLE INITIALLY DEFERRED,
    identifiers JSON NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX places_member_id_idx ON places (member_id);
CREATE INDEX places_batch_id_idx ON places (batch_id);

CREATE TABLE halls (
    id INTEGER PRIMARY KEY,
    place_id INTEGER NOT NULL REFERENCES places(id) DEFERRABLE INITIALLY DEFERRED,
    name TEXT NOT NULL,
    configurations JSON NOT NULL,
    specs JSON NOT NULL,
    identifiers JSON NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX halls_member_id_idx ON halls (member_id);
CREATE INDEX halls_batch_id_idx ON halls (batch_id);
CREATE INDEX halls_place_id_idx ON halls (place_id);

CREATE TABLE works (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    year INTEGER,
    contributions JSON NOT NULL,
    identifiers JSON NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX works_member_id_idx ON works (member_id);
CREATE INDEX works_batch_id_idx ON works (batch_id);

CREATE TABLE shows (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL,
    title_fr TEXT NOT NULL,
    title_en TEXT,
    work_id INTEGER REFERENCES works(id) DEFERRABLE INITIALLY DEFERRED,
    disciplines JSON NOT NULL,
    genres JSON NOT NULL,
    audiences JSON NOT NULL,
    languages JSON NOT NULL,
    duration_minutes INTEGER,
    warnings JSON NOT NULL,
    producer_ids JSON NOT NULL,
    performer_group_id INTEGER REFERENCES performing_groups(id) DEFERRABLE INITIALLY DEFERRED,
    agency_id INTEGER REFERENCES organizations(id) DEFERRABLE INITIALLY DEFERRED,
    contributions JSON NOT NULL,
    rider JSON NOT NULL,
    identifiers JSON NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX shows_member_id_idx ON shows (member_id);
CREATE INDEX shows_batch_id_idx ON shows (batch_id);

CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    presenter_id INTEGER REFERENCES organizations(id) DEFERRABLE INITIALLY DEFERRED,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX series_member_id_idx ON series (member_id);
CREATE INDEX series_batch_id_idx ON series (batch_id);

CREATE TABLE performances (
    id INTEGER PRIMARY KEY,
    show_id INTEGER NOT NULL REFERENCES shows(id) DEFERRABLE INITIALLY DEFERRED,
    hall_id INTEGER NOT NULL REFERENCES halls(id) DEFERRABLE INITIALLY DEFERRED,
    presenter_id INTEGER NOT NULL REFERENCES organizations(id) DEFERRABLE INITIALLY DEFERRED,
    series_id INTEGER REFERENCES series(id) DEFERRABLE INITIALLY DEFERRED,
    starts_at TIMESTAMP NOT NULL,
    time_zone TEXT NOT NULL,
    status TEXT NOT NULL,
    school BOOLEAN NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX performances_member_id_idx ON performances (member_id);
CREATE INDEX performances_batch_id_idx ON performances (batch_id);
CREATE INDEX performances_show_id_idx ON performances (show_id);
CREATE INDEX performances_hall_id_idx ON performances (hall_id);
CREATE INDEX performances_presenter_id_idx ON performances (presenter_id);
CREATE INDEX performances_starts_at_idx ON performances (starts_at);

CREATE TABLE offers (
    id INTEGER PRIMARY KEY,
    performance_id INTEGER NOT NULL REFERENCES performances(id) DEFERRABLE INITIALLY DEFERRED,
    price_type TEXT NOT NULL,
    price INTEGER,
    currency TEXT NOT NULL,
    is_free BOOLEAN NOT NULL,
    sold_out BOOLEAN NOT NULL,
    url TEXT,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX offers_member_id_idx ON offers (member_id);
CREATE INDEX offers_batch_id_idx ON offers (batch_id);
CREATE INDEX offers_performance_id_idx ON offers (performance_id);

CREATE TABLE tours (
    id INTEGER PRIMARY KEY,
    show_id INTEGER NOT NULL REFERENCES shows(id) DEFERRABLE INITIALLY DEFERRED,
    name TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    home_municipality TEXT,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX tours_member_id_idx ON tours (member_id);
CREATE INDEX tours_batch_id_idx ON tours (batch_id);
CREATE INDEX tours_show_id_idx ON tours (show_id);

CREATE TABLE engagements (
    id INTEGER PRIMARY KEY,
    show_id INTEGER NOT NULL REFERENCES shows(id) DEFERRABLE INITIALLY DEFERRED,
    presenter_id INTEGER NOT NULL REFERENCES organizations(id) DEFERRABLE INITIALLY DEFERRED,
    hall_id INTEGER REFERENCES halls(id) DEFERRABLE INITIALLY DEFERRED,
    tour_id INTEGER REFERENCES tours(id) DEFERRABLE INITIALLY DEFERRED,
    performance_date DATE NOT NULL,
    status TEXT NOT NULL,
    hold_level INTEGER,
    deal_type TEXT NOT NULL,
    fee INTEGER,
    currency TEXT NOT NULL,
    radius_km INTEGER,
    radius_days INTEGER,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX engagements_member_id_idx ON engagements (member_id);
CREATE INDEX engagements_batch_id_idx ON engagements (batch_id);
CREATE INDEX engagements_show_id_idx ON engagements (show_id);
CREATE INDEX engagements_presenter_id_idx ON engagements (presenter_id);

CREATE TABLE availabilities (
    id INTEGER PRIMARY KEY,
    show_id INTEGER REFERENCES shows(id) DEFERRABLE INITIALLY DEFERRED,
    organization_id INTEGER REFERENCES organizations(id) DEFERRABLE INITIALLY DEFERRED,
    kind TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    note TEXT,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX availabilities_member_id_idx ON availabilities (member_id);
CREATE INDEX availabilities_batch_id_idx ON availabilities (batch_id);
CREATE INDEX availabilities_show_id_idx ON availabilities (show_id);
CREATE INDEX availabilities_organization_id_idx ON availabilities (organization_id);

CREATE TABLE settlements (
    id INTEGER PRIMARY KEY,
    performance_id INTEGER NOT NULL REFERENCES performances(id) DEFERRABLE INITIALLY DEFERRED,
    capacity_offered INTEGER NOT NULL,
    paid INTEGER NOT NULL,
    complimentary INTEGER NOT NULL,
    free_admissions INTEGER NOT NULL,
    gross INTEGER NOT NULL,
    taxes INTEGER NOT NULL,
    fees INTEGER NOT NULL,
    net INTEGER NOT NULL,
    artist_fee INTEGER NOT NULL,
    currency TEXT NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX settlements_member_id_idx ON settlements (member_id);
CREATE INDEX settlements_batch_id_idx ON settlements (batch_id);
CREATE INDEX settlements_performance_id_idx ON settlements (performance_id);

CREATE TABLE ticket_sales (
    id INTEGER PRIMARY KEY,
    performance_id INTEGER NOT NULL REFERENCES performances(id) DEFERRABLE INITIALLY DEFERRED,
    sold_at TIMESTAMP NOT NULL,
    price INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    channel TEXT NOT NULL,
    price_type TEXT NOT NULL,
    buyer_key TEXT,
    fsa TEXT,
    age_band TEXT,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX ticket_sales_member_id_idx ON ticket_sales (member_id);
CREATE INDEX ticket_sales_batch_id_idx ON ticket_sales (batch_id);
CREATE INDEX ticket_sales_performance_id_idx ON ticket_sales (performance_id);

CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    funder_id INTEGER NOT NULL REFERENCES organizations(id) DEFERRABLE INITIALLY DEFERRED,
    programme TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    report_due_dates JSON NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX grants_member_id_idx ON grants (member_id);
CREATE INDEX grants_batch_id_idx ON grants (batch_id);

CREATE TABLE data_assets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    system TEXT,
    contains_personal_data BOOLEAN NOT NULL,
    record_count INTEGER,
    update_frequency TEXT NOT NULL,
    sent_to JSON NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX data_assets_member_id_idx ON data_assets (member_id);
CREATE INDEX data_assets_batch_id_idx ON data_assets (batch_id);

CREATE TABLE sharing_agreements (
    id INTEGER PRIMARY KEY,
    provider_id INTEGER NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    recipient_member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    dataset TEXT NOT NULL,
    level TEXT NOT NULL,
    purpose TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE,
    leaves_quebec BOOLEAN NOT NULL,
    privacy_impact_assessment_on_file BOOLEAN NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX sharing_agreements_member_id_idx ON sharing_agreements (member_id);
CREATE INDEX sharing_agreements_batch_id_idx ON sharing_agreements (batch_id);
CREATE INDEX sharing_agreements_provider_id_idx ON sharing_agreements (provider_id);
CREATE INDEX sharing_agreements_recipient_member_id_idx ON sharing_agreements (recipient_member_id);

CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    person_key TEXT NOT NULL,
    purpose TEXT NOT NULL,
    granted BOOLEAN NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
CREATE INDEX consents_member_id_idx ON consents (member_id);
CREATE INDEX consents_batch_id_idx ON consents (batch_id);
CREATE INDEX consents_person_key_idx ON consents (person_key);
