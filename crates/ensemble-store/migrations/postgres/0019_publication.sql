-- What each member publishes as open data: a show it presents, from its announcement date
-- (nothing of it is published before that day). A show removed with its import leaves its row
-- behind, ignored: the import can still be rolled back.
CREATE TABLE published_shows (
    member_id BIGINT NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    show_id BIGINT NOT NULL,
    announced_on DATE NOT NULL,
    PRIMARY KEY (member_id, show_id)
);
