-- Open311 GeoReport v2 partner keys (docs/OPEN311.md). A key belongs to one partner (a city's
-- 12345 hotline, another platform), is scoped to a community or a street, and posts wishes as
-- the partner's own system account (`account_id`, created with the key, never able to log in).
-- Only the SHA-256 of the secret is stored (hex); the secret is shown once, when issued.
CREATE TABLE open311_keys (
    id            INTEGER PRIMARY KEY,
    partner       TEXT    NOT NULL,
    place_id      BIGINT  NOT NULL REFERENCES places (id),
    account_id    BIGINT  NOT NULL REFERENCES users (id),
    contact_phone TEXT    NOT NULL,
    secret_hash   TEXT    NOT NULL UNIQUE,
    created_by    BIGINT  NOT NULL REFERENCES users (id),
    created_at    BIGINT  NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX open311_keys_by_place ON open311_keys (place_id, id);

-- The public read lists wishes by time.
CREATE INDEX wishes_by_created ON wishes (created_at, id);
