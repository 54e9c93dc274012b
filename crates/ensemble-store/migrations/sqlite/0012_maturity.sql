-- The data diagnostic's maturity self-assessment: a member's level on each dimension of the
-- maturity model (data/diagnostic/maturity.toml), one assessment per member and day.
CREATE TABLE maturity_answers (
    member_id INTEGER NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    assessed_on DATE NOT NULL,
    dimension TEXT NOT NULL,
    level INTEGER NOT NULL,
    assessed_by INTEGER,
    PRIMARY KEY (member_id, assessed_on, dimension)
);
