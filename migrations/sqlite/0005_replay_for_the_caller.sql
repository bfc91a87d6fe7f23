-- An idempotent replay is rendered for the caller who sends it, like any other read: the record
-- keeps the wish it created instead of a response body rendered once for the resident.
ALTER TABLE idempotency_keys ADD COLUMN wish_id INTEGER REFERENCES wishes (id);
UPDATE idempotency_keys SET wish_id = CAST(json_extract(body, '$.id') AS INTEGER);
ALTER TABLE idempotency_keys DROP COLUMN body;
