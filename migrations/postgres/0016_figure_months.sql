-- Figures by month (docs/FIGURES.md): the same sums as the day tables of 0012, added up per
-- month in the figures job's transaction for each day, so that a year is read as twelve months
-- (and the days of the range's partial months) instead of 365 days. A request reads a month from
-- here only when the whole month is inside its range and summed. Everything here can be deleted
-- and recomputed from the day tables.

-- Same tables as migrations/sqlite.
CREATE TABLE figure_months (
    place_id        BIGINT  NOT NULL,
    month           TEXT    NOT NULL,
    posted          BIGINT  NOT NULL,
    approved        BIGINT  NOT NULL,
    rejected        BIGINT  NOT NULL,
    claimed         BIGINT  NOT NULL,
    fulfilled       BIGINT  NOT NULL,
    confirmed       BIGINT  NOT NULL,
    auto_confirmed  BIGINT  NOT NULL,
    cancelled       BIGINT  NOT NULL,
    expired         BIGINT  NOT NULL,
    released        BIGINT  NOT NULL,
    revoked         BIGINT  NOT NULL,
    ratings         BIGINT  NOT NULL,
    rating_sum      BIGINT  NOT NULL,
    checkins        BIGINT  NOT NULL,
    service_minutes BIGINT  NOT NULL,
    PRIMARY KEY (place_id, month)
);
CREATE TABLE figure_month_durations (
    place_id        BIGINT  NOT NULL,
    month           TEXT    NOT NULL,
    metric          TEXT    NOT NULL CHECK (metric IN ('claim', 'confirm')),
    seconds         BIGINT  NOT NULL,
    n               BIGINT  NOT NULL,
    PRIMARY KEY (place_id, month, metric, seconds)
);
CREATE TABLE figure_member_months (
    community_id    BIGINT  NOT NULL,
    month           TEXT    NOT NULL,
    member_id       BIGINT  NOT NULL,
    grid_id         BIGINT  NOT NULL,
    claimed         BIGINT  NOT NULL,
    fulfilled       BIGINT  NOT NULL,
    confirmed       BIGINT  NOT NULL,
    released        BIGINT  NOT NULL,
    revoked         BIGINT  NOT NULL,
    expired         BIGINT  NOT NULL,
    ratings         BIGINT  NOT NULL,
    rating_sum      BIGINT  NOT NULL,
    service_minutes BIGINT  NOT NULL,
    PRIMARY KEY (community_id, month, member_id, grid_id)
);
CREATE INDEX figure_member_months_by_member ON figure_member_months (member_id, month);
CREATE INDEX figure_member_months_by_grid ON figure_member_months (grid_id, month);

-- The job adds a day's rows to their months by the day.
CREATE INDEX figure_days_by_day ON figure_days (day);
CREATE INDEX figure_day_durations_by_day ON figure_day_durations (day);
CREATE INDEX figure_member_days_by_day ON figure_member_days (day);

-- The days summed before this migration.
INSERT INTO figure_months (place_id, month, posted, approved, rejected, claimed, fulfilled, confirmed, auto_confirmed, cancelled, expired, released, revoked, ratings, rating_sum, checkins, service_minutes)
SELECT place_id, month, SUM(posted), SUM(approved), SUM(rejected), SUM(claimed), SUM(fulfilled), SUM(confirmed), SUM(auto_confirmed), SUM(cancelled), SUM(expired), SUM(released), SUM(revoked), SUM(ratings), SUM(rating_sum), SUM(checkins), SUM(service_minutes)
FROM figure_days GROUP BY place_id, month;
INSERT INTO figure_month_durations (place_id, month, metric, seconds, n)
SELECT place_id, month, metric, seconds, SUM(n) FROM figure_day_durations GROUP BY place_id, month, metric, seconds;
INSERT INTO figure_member_months (community_id, month, member_id, grid_id, claimed, fulfilled, confirmed, released, revoked, expired, ratings, rating_sum, service_minutes)
SELECT community_id, month, member_id, grid_id, SUM(claimed), SUM(fulfilled), SUM(confirmed), SUM(released), SUM(revoked), SUM(expired), SUM(ratings), SUM(rating_sum), SUM(service_minutes)
FROM figure_member_days GROUP BY community_id, month, member_id, grid_id;
