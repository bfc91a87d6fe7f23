-- WeChat identities, in-app notifications, subscribe-message credits, the message outbox and
-- the content-review flag on wishes.
-- Times are UTC milliseconds since the Unix epoch.

-- One WeChat identity (openid of our mini-program) per account, one account per identity.
-- session_key is never stored.
CREATE TABLE wechat_identities (
    openid     TEXT    PRIMARY KEY,
    unionid    TEXT,
    user_id    INTEGER NOT NULL UNIQUE REFERENCES users (id),
    created_at INTEGER NOT NULL
);

-- In-app notifications, written in the same transaction as the wish change they report.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    wish_id    INTEGER REFERENCES wishes (id),
    kind       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_by_user ON notifications (user_id, id);

-- One reminder per claim deadline ("your claim expires in an hour").
CREATE TABLE claim_reminders (
    wish_id          INTEGER NOT NULL REFERENCES wishes (id),
    claim_expires_at INTEGER NOT NULL,
    PRIMARY KEY (wish_id, claim_expires_at)
);

-- One-time subscribe-message credits the user granted, per template.
CREATE TABLE subscription_credits (
    user_id     INTEGER NOT NULL REFERENCES users (id),
    template_id TEXT    NOT NULL,
    credits     INTEGER NOT NULL CHECK (credits >= 0),
    PRIMARY KEY (user_id, template_id)
);

-- Subscribe messages to send, written with the change they report and drained by a job.
-- A row is taken by a conditional UPDATE (pending, or sending with an expired lease), so one
-- instance sends it; next_attempt_at is the retry time, or the lease end while sending.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    notification_id INTEGER REFERENCES notifications (id),
    template_id     TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Content the safety check sent for review: stored, and flagged for the dispatchers.
ALTER TABLE wishes ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
