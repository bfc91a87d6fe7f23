-- Accounts, sessions, communities, wishes and their append-only event log.
-- Times are UTC milliseconds since the Unix epoch.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    phone         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE communities (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    code        TEXT    NOT NULL UNIQUE,
    street_code TEXT,
    created_at  INTEGER NOT NULL
);

-- A role held by an account; community_id is NULL for unscoped roles (admin, resident, …).
CREATE TABLE role_grants (
    user_id      INTEGER NOT NULL REFERENCES users (id),
    role         TEXT    NOT NULL CHECK (role IN ('resident', 'member', 'dispatcher', 'grid_worker',
                                                  'street_officer', 'department_officer', 'admin')),
    community_id INTEGER REFERENCES communities (id),
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants (user_id, role, IFNULL(community_id, 0));
CREATE INDEX role_grants_by_scope ON role_grants (community_id, role);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Refresh tokens are stored as SHA-256 hashes; each is used once.
CREATE TABLE refresh_tokens (
    token_hash BLOB    PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

CREATE TABLE wishes (
    id               INTEGER PRIMARY KEY,
    community_id     INTEGER NOT NULL REFERENCES communities (id),
    resident_id      INTEGER NOT NULL REFERENCES users (id),
    posted_by        INTEGER NOT NULL REFERENCES users (id),
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL,
    category         TEXT    NOT NULL,
    contact_phone    TEXT    NOT NULL,
    expected_by      TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('pending_review', 'rejected', 'open', 'assigned',
                                                        'claimed', 'fulfilled', 'confirmed', 'cancelled')),
    version          INTEGER NOT NULL DEFAULT 1,
    -- The member holding the wish: the assignee while assigned, the claimant afterwards.
    member_id        INTEGER REFERENCES users (id),
    claim_expires_at INTEGER,
    fulfilled_at     INTEGER,
    fulfilment_note  TEXT,
    rating           INTEGER CHECK (rating BETWEEN 1 AND 5),
    comment          TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX wishes_by_community_status ON wishes (community_id, status, id);
CREATE INDEX wishes_by_resident ON wishes (resident_id, id);
CREATE INDEX wishes_by_member ON wishes (member_id, status);
CREATE INDEX wishes_claims_due ON wishes (claim_expires_at) WHERE status = 'claimed';
CREATE INDEX wishes_fulfilments_due ON wishes (fulfilled_at) WHERE status = 'fulfilled';

CREATE TABLE wish_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    wish_id      INTEGER NOT NULL REFERENCES wishes (id),
    community_id INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    actor_id     INTEGER REFERENCES users (id),
    action       TEXT    NOT NULL,
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    reason       TEXT
);
CREATE INDEX wish_events_by_wish ON wish_events (wish_id, id);

-- The event log is history: never edited, never deleted.
CREATE TRIGGER wish_events_no_update BEFORE UPDATE ON wish_events
BEGIN
    SELECT RAISE(ABORT, 'wish_events is append-only');
END;
CREATE TRIGGER wish_events_no_delete BEFORE DELETE ON wish_events
BEGIN
    SELECT RAISE(ABORT, 'wish_events is append-only');
END;

CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL REFERENCES users (id),
    key          TEXT    NOT NULL,
    request_hash BLOB    NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
