-- The credited people who consented to a member publishing their name with its shows (Law 25:
-- a person's publication needs their consent), with the day the member recorded it. Without a
-- row, a person credited is never published. Withdrawing a consent deletes its row.
CREATE TABLE publication_consents (
    member_id BIGINT NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    person_id BIGINT NOT NULL,
    given_on DATE NOT NULL,
    PRIMARY KEY (member_id, person_id)
);
