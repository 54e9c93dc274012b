-- A decision on a pair of records also keeps what each record is (its source, name and town,
-- folded): a record removed with its import and brought back by a new import of the same source
-- gets a new number, and the decision still applies to it.
ALTER TABLE referential_decisions ADD COLUMN left_key TEXT NOT NULL DEFAULT '';
ALTER TABLE referential_decisions ADD COLUMN right_key TEXT NOT NULL DEFAULT '';
