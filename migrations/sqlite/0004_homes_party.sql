-- A resident's registered home: a grid, or a ten-household unit (which names its grid). Wishes
-- a resident posts without naming a grid take the home's grid when it is in their community.
ALTER TABLE users ADD COLUMN home_place_id INTEGER REFERENCES places (id);
CREATE INDEX users_by_home ON users (home_place_id) WHERE home_place_id IS NOT NULL;

-- The wishes grid workers and household heads filed for residents, for them to follow up.
CREATE INDEX wishes_by_filer ON wishes (posted_by, id) WHERE posted_by <> resident_id;

-- Party organisations of the four-level architecture (see docs/PLACES.md): a street working
-- committee at a street → a community branch at a community → a grid branch or party group at a
-- grid → a party member central household at a ten-household unit. Each sits at one place; its
-- parent is the organisation in service at the place above (so moving a place moves its
-- organisation too). Retired organisations stay for history.
CREATE TABLE party_orgs (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    level      TEXT    NOT NULL CHECK (level IN
                   ('street_committee', 'community_branch', 'grid_branch', 'party_group', 'central_household')),
    place_id   INTEGER NOT NULL REFERENCES places (id),
    leader_id  INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);
-- One organisation in service per place.
CREATE UNIQUE INDEX party_orgs_live_place ON party_orgs (place_id) WHERE retired_at IS NULL;
