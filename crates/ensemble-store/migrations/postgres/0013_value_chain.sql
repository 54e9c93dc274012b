-- The data diagnostic's value chain: each member's activities along the chain, with the issues
-- it meets there, the data it produces or uses and the systems that hold them; and the exchanges
-- between members and partners (who sends what to whom, how).
CREATE TABLE chain_activities (
    member_id BIGINT NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    activity TEXT NOT NULL,
    issues TEXT NOT NULL,
    data TEXT NOT NULL,
    systems TEXT NOT NULL,
    updated_on DATE NOT NULL,
    PRIMARY KEY (member_id, activity)
);
CREATE TABLE chain_exchanges (
    id BIGINT PRIMARY KEY,
    from_member BIGINT NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    to_member BIGINT REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    partner TEXT,
    what TEXT NOT NULL,
    how TEXT NOT NULL,
    created_on DATE NOT NULL
);
