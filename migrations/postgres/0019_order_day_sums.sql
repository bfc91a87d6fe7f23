-- The work-order scorecard per day (docs/WORK-ORDERS.md): what each street's, community's and
-- grid's events add to the scorecard, summed per day (Asia/Shanghai), so a year's scorecard
-- reads a row a day instead of every event. Written in the transaction of each event by
-- `store/work_orders.rs` with the scorecard's own counting rules (`SCORE_VALUES`), which also
-- fill it from the existing log when the server starts and finds it empty while the log is not.
-- A department's scorecard still counts its events from the log.

CREATE TABLE work_order_day_sums (
    unit                   TEXT    NOT NULL CHECK (unit IN ('street', 'community', 'grid')),
    unit_id                BIGINT NOT NULL,
    day                    BIGINT NOT NULL,
    month                  TEXT    NOT NULL,
    reported               BIGINT NOT NULL,
    dispatched             BIGINT NOT NULL,
    signed                 BIGINT NOT NULL,
    signed_on_time         BIGINT NOT NULL,
    sign_minutes           BIGINT NOT NULL,
    resolved               BIGINT NOT NULL,
    resolved_on_time       BIGINT NOT NULL,
    resolve_minutes        BIGINT NOT NULL,
    resolve_timed          BIGINT NOT NULL,
    visited                BIGINT NOT NULL,
    satisfied              BIGINT NOT NULL,
    basic                  BIGINT NOT NULL,
    whistles               BIGINT NOT NULL,
    whistle_assignments    BIGINT NOT NULL,
    whistle_signed_on_time BIGINT NOT NULL,
    supervised             BIGINT NOT NULL,
    PRIMARY KEY (unit, unit_id, day)
);
