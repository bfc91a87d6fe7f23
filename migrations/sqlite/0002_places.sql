-- The place hierarchy: district → street → community → grid → ten-household unit (十联户).
-- Codes are unique and derived from the parent's (see docs/PLACES.md). Retired places stay, so
-- history keeps pointing at them; their codes are never reused.

CREATE TABLE places (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    level      TEXT    NOT NULL CHECK (level IN ('district', 'street', 'community', 'grid', 'unit')),
    kind       TEXT    CHECK (kind IN ('comprehensive', 'dedicated')),
    parent_id  INTEGER REFERENCES places (id),
    -- A grid's boundary as a GeoJSON Polygon; a unit's households/buildings as a JSON array.
    boundary   TEXT,
    households TEXT,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);
CREATE INDEX places_by_parent ON places (parent_id, level, id);
CREATE INDEX places_by_level ON places (level, id);

-- Every existing community becomes a place of level community with the same id, so community_id
-- stays valid; new communities are created as places first and take the place's id.
INSERT INTO places (id, code, name, level, parent_id, created_at)
SELECT id, code, name, 'community', NULL, created_at FROM communities;

-- The grid of the resident a wish is for (optional; a grid of the wish's community).
ALTER TABLE wishes ADD COLUMN grid_id INTEGER REFERENCES places (id);
CREATE INDEX wishes_by_grid ON wishes (grid_id, status);

-- Roles held at a place below or above a community: grid leaders and grid workers of a grid,
-- household heads of a unit, street officers of a street. (Community roles — dispatcher,
-- member — stay in role_grants with the community's id.)
CREATE TABLE place_grants (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL CHECK (role IN ('grid_worker', 'grid_leader', 'household_head', 'street_officer')),
    place_id   INTEGER NOT NULL REFERENCES places (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, role, place_id)
);
CREATE INDEX place_grants_by_place ON place_grants (place_id, role);

-- Dual check-in (双报到): work-unit party branches, and in-service party members checking in to a
-- community with a service certificate and an introduction letter (一证一信). An approved check-in
-- is what makes an account a member of the community (a role_grants row).
CREATE TABLE unit_branches (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE checkins (
    id             INTEGER PRIMARY KEY,
    member_id      INTEGER NOT NULL REFERENCES users (id),
    community_id   INTEGER NOT NULL REFERENCES communities (id),
    unit_branch_id INTEGER REFERENCES unit_branches (id),
    certificate_no TEXT NOT NULL,
    letter_ref     TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    reason         TEXT,
    decided_by     INTEGER REFERENCES users (id),
    created_at     INTEGER NOT NULL,
    decided_at     INTEGER,
    withdrawn_at   INTEGER
);
-- One live (pending or approved) check-in per member and community.
CREATE UNIQUE INDEX checkins_live ON checkins (member_id, community_id) WHERE status IN ('pending', 'approved');
CREATE INDEX checkins_by_community ON checkins (community_id, status, id);

-- A work-unit branch's own check-in to a community (单位报到), decided like a member's.
CREATE TABLE unit_branch_checkins (
    id             INTEGER PRIMARY KEY,
    unit_branch_id INTEGER NOT NULL REFERENCES unit_branches (id),
    community_id   INTEGER NOT NULL REFERENCES communities (id),
    letter_ref     TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    reason         TEXT,
    decided_by     INTEGER REFERENCES users (id),
    created_at     INTEGER NOT NULL,
    decided_at     INTEGER
);
CREATE UNIQUE INDEX unit_branch_checkins_live ON unit_branch_checkins (unit_branch_id, community_id)
    WHERE status IN ('pending', 'approved');
CREATE INDEX unit_branch_checkins_by_community ON unit_branch_checkins (community_id, status);
