-- Every pooled read is audited, so the trail grows fast: a member's latest entries of one action
-- (its recent imports, on its home page) are found without reading the others.
CREATE INDEX audit_log_member_action_idx ON audit_log (member_id, action, id);
