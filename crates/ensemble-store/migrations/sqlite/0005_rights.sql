-- Requests of people exercising their rights (sqlite), and the confidentiality-incident register.
-- A request keeps only the person's keyed pseudonym, never the identifier they gave.

CREATE TABLE rights_requests (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    person_key TEXT NOT NULL,
    received_on DATE NOT NULL,
    due_on DATE NOT NULL,
    status TEXT NOT NULL,
    handled_by INTEGER,
    closed_at TIMESTAMP,
    outcome TEXT NOT NULL
);

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    member_id INTEGER REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    occurred_on DATE,
    discovered_on DATE NOT NULL,
    description TEXT NOT NULL,
    information_concerned TEXT NOT NULL,
    people_affected INTEGER,
    serious_injury_risk BOOLEAN NOT NULL,
    risk_assessment TEXT NOT NULL,
    measures_taken TEXT NOT NULL,
    commission_notified_on DATE,
    people_notified_on DATE,
    recorded_by INTEGER,
    recorded_at TIMESTAMP NOT NULL
);
