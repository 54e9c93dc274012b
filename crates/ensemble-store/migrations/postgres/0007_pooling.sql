-- Pooled figures (postgres): the consortium's disclosure rules (one row, changed with
-- `ensemble disclosure set`) and the released pooled tables, each computed once and kept as
-- released (see src/pooling.rs).

CREATE TABLE disclosure_rules (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    min_people BIGINT NOT NULL,
    min_members BIGINT NOT NULL,
    round_to BIGINT NOT NULL
);
INSERT INTO disclosure_rules (id, min_people, min_members, round_to) VALUES (1, 10, 5, 1);

CREATE TABLE pooled_releases (
    id BIGINT PRIMARY KEY,
    figure TEXT NOT NULL,
    period TEXT NOT NULL,
    released_at TIMESTAMPTZ NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (figure, period)
);
