-- Photos on wishes and work orders (docs/PHOTOS.md).

-- The stored bytes, content-addressed: one row per distinct SHA-256 (pictures and thumbnails alike).
-- An uploader touches `last_used_at` before writing the object, so the sweeper, which deletes a
-- blob only when no photo names it and it was not touched for an hour, never races an upload.
CREATE TABLE photo_blobs (
    sha256       TEXT   PRIMARY KEY,
    bytes        BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
);

-- One upload. Unattached until a wish or work order takes it (then `subject_kind`, `subject_id`,
-- `stage`, `event_id` and `attached_at` are set once, and never change again); an upload left
-- unattached for a day is deleted by a job.
CREATE TABLE photos (
    id            BIGSERIAL PRIMARY KEY,
    sha256        TEXT   NOT NULL REFERENCES photo_blobs (sha256),
    thumb_sha256  TEXT   NOT NULL REFERENCES photo_blobs (sha256),
    content_type  TEXT   NOT NULL,
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    bytes         BIGINT NOT NULL,
    uploaded_by   BIGINT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    subject_kind  TEXT,
    subject_id    BIGINT,
    stage         TEXT   NOT NULL DEFAULT 'unattached',
    event_id      BIGINT,
    attached_at   BIGINT
);
CREATE INDEX photos_subject ON photos (subject_kind, subject_id, id);
CREATE INDEX photos_unattached ON photos (created_at) WHERE subject_kind IS NULL;
CREATE INDEX photos_uploader ON photos (uploaded_by, created_at);
CREATE INDEX photos_sha ON photos (sha256);
CREATE INDEX photos_thumb_sha ON photos (thumb_sha256);

-- An attachment is a fact of the subject's history: once set it never changes.
CREATE FUNCTION photos_attached_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.subject_kind IS NOT NULL THEN
        RAISE EXCEPTION 'an attached photo does not change';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER photos_attached_once BEFORE UPDATE OR DELETE ON photos
    FOR EACH ROW EXECUTE FUNCTION photos_attached_once();

-- The photos of each subject, as its API body lists them, kept in the same transaction as every
-- attachment (so lists and live streams need no second query).
ALTER TABLE wishes ADD COLUMN photos TEXT NOT NULL DEFAULT '[]';
ALTER TABLE work_orders ADD COLUMN photos TEXT NOT NULL DEFAULT '[]';
