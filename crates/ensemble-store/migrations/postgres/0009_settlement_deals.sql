-- Settlements carry their deal (postgres): the deal type and the artist's share of the net box office.
-- Columns follow the model's order, so the table is made again with the two columns before the
-- provenance and the rows copied over.

ALTER TABLE settlements RENAME TO settlements_before_deals;
CREATE TABLE settlements (
    id BIGINT PRIMARY KEY,
    performance_id BIGINT NOT NULL REFERENCES performances(id) DEFERRABLE INITIALLY DEFERRED,
    capacity_offered INTEGER NOT NULL,
    paid INTEGER NOT NULL,
    complimentary INTEGER NOT NULL,
    free_admissions INTEGER NOT NULL,
    gross BIGINT NOT NULL,
    taxes BIGINT NOT NULL,
    fees BIGINT NOT NULL,
    net BIGINT NOT NULL,
    artist_fee BIGINT NOT NULL,
    currency TEXT NOT NULL,
    deal_type TEXT,
    artist_share_percent INTEGER,
    member_id BIGINT REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    batch_id BIGINT REFERENCES batches(id) DEFERRABLE INITIALLY DEFERRED,
    source_row BIGINT
);
INSERT INTO settlements (id, performance_id, capacity_offered, paid, complimentary, free_admissions,
    gross, taxes, fees, net, artist_fee, currency, deal_type, artist_share_percent, member_id, batch_id,
    source_row)
SELECT id, performance_id, capacity_offered, paid, complimentary, free_admissions, gross, taxes, fees,
    net, artist_fee, currency, NULL, NULL, member_id, batch_id, source_row
FROM settlements_before_deals;
DROP TABLE settlements_before_deals;
CREATE INDEX settlements_member_id_idx ON settlements (member_id);
CREATE INDEX settlements_batch_id_idx ON settlements (batch_id);
CREATE INDEX settlements_performance_id_idx ON settlements (performance_id);
