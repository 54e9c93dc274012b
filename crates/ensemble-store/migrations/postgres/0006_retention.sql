-- Retention rules (postgres): how many months each kind of personal data is kept for each purpose,
-- counted from the last interaction (see src/retention.rs). Defaults, changed with
-- `ensemble retention set`.

CREATE TABLE retention_rules (
    dataset TEXT NOT NULL,
    purpose TEXT NOT NULL,
    months BIGINT NOT NULL,
    PRIMARY KEY (dataset, purpose)
);
INSERT INTO retention_rules (dataset, purpose, months) VALUES
    ('buyer-links', 'marketing', 36),
    ('buyer-links', 'pooled-statistics', 60),
    ('buyer-links', 'research', 60),
    ('withdrawn-consents', 'marketing', 12),
    ('withdrawn-consents', 'pooled-statistics', 12),
    ('settled-quarantine', 'reporting', 24);
