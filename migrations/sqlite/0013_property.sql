-- Property service ratings (红色物业, docs/PROPERTY.md): property companies (物业服务企业), the
-- estates (小区) they serve as sets of grids or ten-household units, the accounts on a company's
-- staff, and residents' ratings of an estate's service, one per resident, estate and period.
-- Same tables as migrations/postgres; times are UTC milliseconds.

CREATE TABLE property_companies (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE property_estates (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    company_id   INTEGER NOT NULL REFERENCES property_companies (id),
    -- The community every place of the estate lies in (dispatchers' scope) and its street.
    community_id INTEGER NOT NULL REFERENCES places (id),
    street_id    INTEGER REFERENCES places (id),
    created_at   INTEGER NOT NULL,
    UNIQUE (community_id, name)
);
CREATE INDEX property_estates_by_company ON property_estates (company_id, id);

-- A grid or unit belongs to at most one estate.
CREATE TABLE property_estate_places (
    place_id  INTEGER PRIMARY KEY REFERENCES places (id),
    estate_id INTEGER NOT NULL REFERENCES property_estates (id)
);
CREATE INDEX property_estate_places_by_estate ON property_estate_places (estate_id);

CREATE TABLE property_company_staff (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    company_id INTEGER NOT NULL REFERENCES property_companies (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, company_id)
);
CREATE INDEX property_company_staff_by_company ON property_company_staff (company_id);

-- One rating per resident, estate and period (the period's key: `2026-12`, `2026-Q4`).
CREATE TABLE property_ratings (
    id         INTEGER PRIMARY KEY,
    estate_id  INTEGER NOT NULL REFERENCES property_estates (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    period     TEXT    NOT NULL,
    security   INTEGER NOT NULL CHECK (security BETWEEN 1 AND 5),
    cleaning   INTEGER NOT NULL CHECK (cleaning BETWEEN 1 AND 5),
    greening   INTEGER NOT NULL CHECK (greening BETWEEN 1 AND 5),
    orderly    INTEGER NOT NULL CHECK (orderly BETWEEN 1 AND 5),
    repair     INTEGER NOT NULL CHECK (repair BETWEEN 1 AND 5),
    comment    TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT property_ratings_once UNIQUE (estate_id, user_id, period)
);
CREATE INDEX property_ratings_by_period ON property_ratings (period, estate_id);
