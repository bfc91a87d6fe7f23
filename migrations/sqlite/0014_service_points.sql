-- Service points (红帆驿站, docs/SERVICE-POINTS.md): places where residents get help. A point
-- belongs to a community (optionally a grid of it); `hours` is the weekly schedule as JSON
-- (`{"weekly": [["08:30-12:00", …] × 7], "follows_calendar": bool}`), `services` a JSON array of
-- short labels. Retired points stay (the audit log points at them) but are no longer listed.
CREATE TABLE service_points (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES places (id),
    grid_id       INTEGER REFERENCES places (id),
    name          TEXT    NOT NULL,
    address       TEXT    NOT NULL,
    lng           REAL    NOT NULL,
    lat           REAL    NOT NULL,
    hours         TEXT    NOT NULL,
    services      TEXT    NOT NULL,
    contact_name  TEXT    NOT NULL,
    contact_phone TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    retired_at    INTEGER
);
CREATE INDEX service_points_by_community ON service_points (community_id, id);
