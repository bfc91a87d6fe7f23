-- When a session's refresh token was last exchanged (shown in the list of one's sessions).
ALTER TABLE sessions ADD COLUMN last_refreshed_at INTEGER;

-- One-time password reset codes a dispatcher or an admin issues for an account: stored only as a
-- SHA-256 hash, expiring, used once. Issuing a new one uses up the account's older ones.
CREATE TABLE password_reset_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    code_hash  BLOB    NOT NULL,
    issued_by  INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX password_reset_codes_by_user ON password_reset_codes (user_id, id);
