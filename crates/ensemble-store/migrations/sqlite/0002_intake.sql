-- Intake (sqlite): the natural key of every imported record, so that re-importing a file or an
-- overlapping export creates no duplicates, and the quarantine of rows that could not be imported.

-- natural_key is a keyed hash (never raw file content); record_id points into entity_table.
CREATE TABLE record_keys (
    member_id INTEGER NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    entity_table TEXT NOT NULL,
    natural_key TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    batch_id INTEGER NOT NULL REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (member_id, entity_table, natural_key)
) WITHOUT ROWID;

-- raw holds the row's mapped values with personal values already replaced by pseudonyms.
CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER NOT NULL REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER NOT NULL,
    target TEXT NOT NULL,
    profile TEXT NOT NULL,
    raw JSON NOT NULL,
    diagnostics JSON NOT NULL,
    status TEXT NOT NULL,
    record_id INTEGER,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX quarantine_member_id_idx ON quarantine (member_id, status);
CREATE INDEX quarantine_batch_id_idx ON quarantine (batch_id);
