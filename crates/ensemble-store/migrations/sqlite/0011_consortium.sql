-- The consortium itself: its name and when it was started (one row, written by `ensemble init`
-- or the demo).
CREATE TABLE consortium (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL
);
