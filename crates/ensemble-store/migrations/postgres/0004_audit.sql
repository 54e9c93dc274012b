-- The audit trail (postgres): append-only, each entry chained to the one before by SHA-256
-- (see src/audit.rs). Details are kept as the exact text that was hashed.

CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    channel TEXT NOT NULL,
    user_id BIGINT,
    member_id BIGINT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_member_id_idx ON audit_log (member_id);
