-- At most one settlement per performance and keeper (the member whose copy it is). Copies made
-- twice for one keeper before this rule (a second entry of the same performance) are merged into
-- the first one kept, which is the presenter's own entry; the natural keys of intake that pointed
-- to a removed copy go with it.
DELETE FROM record_keys
WHERE entity_table = 'settlements'
  AND record_id IN (
    SELECT id FROM settlements
    WHERE member_id IS NOT NULL
      AND id NOT IN (SELECT MIN(id) FROM settlements WHERE member_id IS NOT NULL GROUP BY performance_id, member_id)
  );
DELETE FROM settlements
WHERE member_id IS NOT NULL
  AND id NOT IN (SELECT MIN(id) FROM settlements WHERE member_id IS NOT NULL GROUP BY performance_id, member_id);
CREATE UNIQUE INDEX settlements_one_per_keeper_idx ON settlements (performance_id, member_id);
