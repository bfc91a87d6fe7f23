-- Notices (通知公告, docs/NOTICES.md): staff post a notice to a street, a community or a grid; it
-- reaches the residents whose home lies in that place and the members checked in to a community
-- in or under it, until its end date. Times are UTC milliseconds.
CREATE TABLE notices (
    id           INTEGER PRIMARY KEY,
    place_id     INTEGER NOT NULL REFERENCES places (id),
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    pinned       INTEGER NOT NULL DEFAULT 0,
    ends_at      INTEGER NOT NULL,
    posted_by    INTEGER NOT NULL REFERENCES users (id),
    photos       TEXT    NOT NULL DEFAULT '[]',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    withdrawn_at INTEGER
);
CREATE INDEX notices_by_place ON notices (place_id, ends_at);
CREATE INDEX notices_by_poster ON notices (posted_by, id);

-- Who read which notice (once; reading again changes nothing).
CREATE TABLE notice_reads (
    notice_id INTEGER NOT NULL REFERENCES notices (id),
    user_id   INTEGER NOT NULL REFERENCES users (id),
    read_at   INTEGER NOT NULL,
    PRIMARY KEY (notice_id, user_id)
);

-- The in-app notification of a notice names it.
ALTER TABLE notifications ADD COLUMN notice_id INTEGER REFERENCES notices (id);
CREATE INDEX notifications_by_notice ON notifications (notice_id, user_id) WHERE notice_id IS NOT NULL;
