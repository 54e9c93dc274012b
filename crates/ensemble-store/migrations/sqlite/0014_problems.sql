-- The data diagnostic's workshop: problems the members meet (common when two members or more
-- meet one), candidate solutions to them, and each member's score of a solution's value and
-- feasibility (1 to 5), which the priority matrix draws.
CREATE TABLE diagnostic_problems (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    members TEXT NOT NULL,
    created_on DATE NOT NULL
);
CREATE TABLE diagnostic_solutions (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES diagnostic_problems(id) DEFERRABLE INITIALLY DEFERRED,
    title TEXT NOT NULL,
    created_on DATE NOT NULL
);
CREATE TABLE solution_scores (
    solution_id INTEGER NOT NULL REFERENCES diagnostic_solutions(id) DEFERRABLE INITIALLY DEFERRED,
    member_id INTEGER NOT NULL REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    value INTEGER NOT NULL,
    feasibility INTEGER NOT NULL,
    scored_on DATE NOT NULL,
    PRIMARY KEY (solution_id, member_id)
);
