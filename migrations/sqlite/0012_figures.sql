-- Figures for leaders (docs/FIGURES.md). What happened each day (Asia/Shanghai), per place at
-- every level (grid, community, street, district), summed from the event log by the figures job
-- once the day is over; days after the watermark (today, or a backlog) are counted from the log
-- when asked. Everything here can be deleted and recomputed from the log.

CREATE TABLE figure_days (
    place_id        INTEGER NOT NULL,
    -- Days since 1970-01-01 in Asia/Shanghai, and that day's month (YYYY-MM).
    day             INTEGER NOT NULL,
    month           TEXT    NOT NULL,
    posted          INTEGER NOT NULL,
    approved        INTEGER NOT NULL,
    rejected        INTEGER NOT NULL,
    claimed         INTEGER NOT NULL,
    fulfilled       INTEGER NOT NULL,
    confirmed       INTEGER NOT NULL,
    auto_confirmed  INTEGER NOT NULL,
    cancelled       INTEGER NOT NULL,
    expired         INTEGER NOT NULL,
    released        INTEGER NOT NULL,
    revoked         INTEGER NOT NULL,
    ratings         INTEGER NOT NULL,
    rating_sum      INTEGER NOT NULL,
    checkins        INTEGER NOT NULL,
    service_minutes INTEGER NOT NULL,
    PRIMARY KEY (place_id, day)
);

-- How long wishes took, as a histogram: `seconds` is the bucket's lower bound (docs/FIGURES.md).
CREATE TABLE figure_day_durations (
    place_id INTEGER NOT NULL,
    day      INTEGER NOT NULL,
    month    TEXT    NOT NULL,
    metric   TEXT    NOT NULL CHECK (metric IN ('claim', 'confirm')),
    seconds  INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (place_id, day, metric, seconds)
);

-- What each member did each day, by the community and grid (0: none) of the wishes.
CREATE TABLE figure_member_days (
    community_id    INTEGER NOT NULL,
    day             INTEGER NOT NULL,
    member_id       INTEGER NOT NULL,
    grid_id         INTEGER NOT NULL,
    month           TEXT    NOT NULL,
    claimed         INTEGER NOT NULL,
    fulfilled       INTEGER NOT NULL,
    confirmed       INTEGER NOT NULL,
    released        INTEGER NOT NULL,
    revoked         INTEGER NOT NULL,
    expired         INTEGER NOT NULL,
    ratings         INTEGER NOT NULL,
    rating_sum      INTEGER NOT NULL,
    service_minutes INTEGER NOT NULL,
    PRIMARY KEY (community_id, day, member_id, grid_id)
);
CREATE INDEX figure_member_days_by_member ON figure_member_days (member_id, day);
CREATE INDEX figure_member_days_by_grid ON figure_member_days (grid_id, day);

-- The last day summed into the tables above (0: none yet).
CREATE TABLE figure_watermark (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    day INTEGER NOT NULL
);
INSERT INTO figure_watermark (id, day) VALUES (1, 0);

-- The job and the live count read one day of the log at a time.
CREATE INDEX wish_events_by_at ON wish_events (at);
CREATE INDEX checkins_by_created ON checkins (created_at);
CREATE INDEX ledger_transfers_by_at ON ledger_transfers (at);
