-- The data diagnostic's use-case canvases: a chosen solution written out (who uses it, what
-- decision it supports, the data it needs in the model's terms, the pooling it needs, its ethical
-- and legal points, its status and the Ensemble feature that serves it).
CREATE TABLE use_cases (
    solution_id INTEGER PRIMARY KEY REFERENCES diagnostic_solutions(id) DEFERRABLE INITIALLY DEFERRED,
    users TEXT NOT NULL,
    decision TEXT NOT NULL,
    data_needed TEXT NOT NULL,
    pooling TEXT NOT NULL,
    personal_data BOOLEAN NOT NULL,
    agreement BOOLEAN NOT NULL,
    outside_quebec BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    feature TEXT NOT NULL,
    updated_on DATE NOT NULL
);
