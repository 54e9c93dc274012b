-- A declared data asset says who looks after it, its format and how good its member thinks it
-- is, and belongs to several categories instead of one family. The table is rebuilt so its
-- columns keep the model's order; an asset's family becomes its one category, its format "other"
-- and its quality "unknown" until its member says.
CREATE TABLE data_assets_declared (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    categories JSON NOT NULL,
    system TEXT,
    owner TEXT,
    format TEXT NOT NULL,
    quality TEXT NOT NULL,
    contains_personal_data BOOLEAN NOT NULL,
    record_count INTEGER,
    update_frequency TEXT NOT NULL,
    sent_to JSON NOT NULL,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id INTEGER REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row INTEGER
);
INSERT INTO data_assets_declared
    (id, name, categories, system, owner, format, quality, contains_personal_data, record_count,
     update_frequency, sent_to, member_id, batch_id, source_row)
SELECT id, name, json_array(category), system, NULL, 'other', 'unknown', contains_personal_data,
       record_count, update_frequency, sent_to, member_id, batch_id, source_row
FROM data_assets;
DROP TABLE data_assets;
ALTER TABLE data_assets_declared RENAME TO data_assets;
CREATE INDEX data_assets_member_id_idx ON data_assets (member_id);
CREATE INDEX data_assets_batch_id_idx ON data_assets (batch_id);
