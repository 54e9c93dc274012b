-- The shared referential: one stable identity per organisation or place across members and
-- sources (`referential_entities`), the records that mention it (`referential_mentions`), the
-- pairs of the latest run that a person should review or that rules held apart
-- (`referential_pairs`, with the weight of each field), and people's decisions on pairs
-- (`referential_decisions`), which every later run keeps.
CREATE TABLE referential_entities (
    id INTEGER PRIMARY KEY,
    entity_table TEXT NOT NULL,
    name TEXT NOT NULL,
    created_on DATE NOT NULL
);
CREATE TABLE referential_mentions (
    entity_table TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES referential_entities(id) DEFERRABLE INITIALLY DEFERRED,
    probability REAL NOT NULL,
    PRIMARY KEY (entity_table, record_id)
);
CREATE INDEX referential_mentions_entity_idx ON referential_mentions (entity_id);
CREATE TABLE referential_pairs (
    entity_table TEXT NOT NULL,
    left_record INTEGER NOT NULL,
    right_record INTEGER NOT NULL,
    probability REAL NOT NULL,
    decision TEXT NOT NULL,
    evidence JSON NOT NULL,
    PRIMARY KEY (entity_table, left_record, right_record)
);
CREATE TABLE referential_decisions (
    id INTEGER PRIMARY KEY,
    entity_table TEXT NOT NULL,
    left_record INTEGER NOT NULL,
    right_record INTEGER NOT NULL,
    same BOOLEAN NOT NULL,
    decided_on DATE NOT NULL
);
CREATE UNIQUE INDEX referential_decisions_pair_idx ON referential_decisions (entity_table, left_record, right_record);
