-- The audit trail (sqlite): append-only, each entry chained to the one before by SHA-256
-- (see src/audit.rs). Details are kept as the exact text that was hashed.

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    channel TEXT NOT NULL,
    user_id INTEGER,
    member_id INTEGER,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_member_id_idx ON audit_log (member_id);
