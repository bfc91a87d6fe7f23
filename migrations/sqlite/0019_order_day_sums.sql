-- The work-order scorecard per day (docs/WORK-ORDERS.md): what each street's, community's and
-- grid's events add to the scorecard, summed per day (Asia/Shanghai), so a year's scorecard
-- reads a row a day instead of every event. Written in the transaction of each event by
-- `store/work_orders.rs` with the scorecard's own counting rules (`SCORE_VALUES`), which also
-- fill it from the existing log when the server starts and finds it empty while the log is not.
-- A department's scorecard still counts its events from the log.

CREATE TABLE work_order_day_sums (
    unit                   TEXT    NOT NULL CHECK (unit IN ('street', 'community', 'grid')),
    unit_id                INTEGER NOT NULL,
    day                    INTEGER NOT NULL,
    month                  TEXT    NOT NULL,
    reported               INTEGER NOT NULL,
    dispatched             INTEGER NOT NULL,
    signed                 INTEGER NOT NULL,
    signed_on_time         INTEGER NOT NULL,
    sign_minutes           INTEGER NOT NULL,
    resolved               INTEGER NOT NULL,
    resolved_on_time       INTEGER NOT NULL,
    resolve_minutes        INTEGER NOT NULL,
    resolve_timed          INTEGER NOT NULL,
    visited                INTEGER NOT NULL,
    satisfied              INTEGER NOT NULL,
    basic                  INTEGER NOT NULL,
    whistles               INTEGER NOT NULL,
    whistle_assignments    INTEGER NOT NULL,
    whistle_signed_on_time INTEGER NOT NULL,
    supervised             INTEGER NOT NULL,
    PRIMARY KEY (unit, unit_id, day)
);
