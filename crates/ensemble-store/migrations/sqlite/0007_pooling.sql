-- Pooled figures (sqlite): the consortium's disclosure rules (one row, changed with
-- `ensemble disclosure set`) and the released pooled tables, each computed once and kept as
-- released (see src/pooling.rs).

CREATE TABLE disclosure_rules (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    min_people INTEGER NOT NULL,
    min_members INTEGER NOT NULL,
    round_to INTEGER NOT NULL
);
INSERT INTO disclosure_rules (id, min_people, min_members, round_to) VALUES (1, 10, 5, 1);

CREATE TABLE pooled_releases (
    id INTEGER PRIMARY KEY,
    figure TEXT NOT NULL,
    period TEXT NOT NULL,
    released_at TIMESTAMP NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (figure, period)
);
