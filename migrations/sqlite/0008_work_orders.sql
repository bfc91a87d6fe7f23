-- Work orders (工单): grid incidents reported by residents (随手拍) or found on patrol, handled by
-- grids and, after the street's whistle (吹哨), by departments. docs/WORK-ORDERS.md describes the
-- states, the deadlines and the scorecard formulas. Same tables as migrations/postgres; times are UTC
-- milliseconds.

-- Departments (职能部门) at district or street level, and the accounts on their staff.
CREATE TABLE departments (
    id         INTEGER PRIMARY KEY,
    name       TEXT   NOT NULL,
    place_id   INTEGER NOT NULL REFERENCES places (id),
    created_at INTEGER NOT NULL,
    UNIQUE (place_id, name)
);

CREATE TABLE department_staff (
    user_id       INTEGER NOT NULL REFERENCES users (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, department_id)
);
CREATE INDEX department_staff_by_department ON department_staff (department_id);

CREATE TABLE work_orders (
    id                 INTEGER PRIMARY KEY,
    community_id       INTEGER NOT NULL REFERENCES places (id),
    street_id          INTEGER REFERENCES places (id),
    grid_id            INTEGER NOT NULL REFERENCES places (id),
    reporter_id        INTEGER NOT NULL REFERENCES users (id),
    filed_by           INTEGER NOT NULL REFERENCES users (id),
    source             TEXT   NOT NULL CHECK (source IN ('resident', 'patrol', 'on_spot')),
    title              TEXT   NOT NULL,
    description        TEXT   NOT NULL,
    category           TEXT   NOT NULL,
    priority           TEXT   NOT NULL CHECK (priority IN ('urgent', 'normal', 'complex')),
    lng                REAL,
    lat                REAL,
    status             TEXT   NOT NULL CHECK (status IN ('reported', 'accepted', 'declined', 'escalated', 'dispatched',
                                                          'signed', 'returned', 'resolved', 'reopened', 'closed')),
    version            INTEGER NOT NULL DEFAULT 1,
    -- Each dispatch or whistle starts a new round; its deadlines and signatures belong to it.
    round              INTEGER NOT NULL DEFAULT 0,
    -- Who dispatched the current round: the community (to a grid) or the street (a whistle).
    dispatch_level     TEXT   CHECK (dispatch_level IN ('community', 'street')),
    handler_grid_id    INTEGER REFERENCES places (id),
    lead_department_id INTEGER REFERENCES departments (id),
    dispatched_at      INTEGER,
    sign_due_at        INTEGER,
    resolve_due_at     INTEGER,
    return_until       INTEGER,
    signed_at          INTEGER,
    resolved_at        INTEGER,
    resolution_note    TEXT,
    extension_state    TEXT   CHECK (extension_state IN ('requested', 'granted', 'refused')),
    extension_days     INTEGER,
    extension_reason   TEXT,
    supervised_at      INTEGER,
    supervision_note   TEXT,
    -- Set once per round when a deadline passed with the handler (the system's 督办).
    overdue_at         INTEGER,
    -- Set once per round when the handler was reminded of the coming deadline.
    reminded_at        INTEGER,
    satisfaction       TEXT   CHECK (satisfaction IN ('satisfied', 'basic', 'unsatisfied')),
    visit_note         TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX work_orders_by_community ON work_orders (community_id, status, id);
CREATE INDEX work_orders_by_street ON work_orders (street_id, status, id);
CREATE INDEX work_orders_by_grid ON work_orders (grid_id, id);
CREATE INDEX work_orders_by_reporter ON work_orders (reporter_id, id);
CREATE INDEX work_orders_by_handler_grid ON work_orders (handler_grid_id, status);
CREATE INDEX work_orders_sign_due ON work_orders (sign_due_at) WHERE status = 'dispatched';
CREATE INDEX work_orders_resolve_due ON work_orders (resolve_due_at) WHERE status = 'signed';

-- The departments of each whistle round: one lead (牵头) and any co-handlers (协办), each of
-- which signs (报到) within its deadline.
CREATE TABLE work_order_departments (
    order_id      INTEGER NOT NULL REFERENCES work_orders (id),
    round         INTEGER NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    lead          INTEGER NOT NULL CHECK (lead IN (0, 1)),
    sign_due_at   INTEGER NOT NULL,
    signed_at     INTEGER,
    PRIMARY KEY (order_id, round, department_id)
);
CREATE INDEX work_order_departments_by_department ON work_order_departments (department_id, signed_at);

-- The event log: every action on an order, with what the scorecards count (the month in
-- Asia/Shanghai, the places, the department, whether on time, working minutes taken, the
-- call-back's answer). Never edited, never deleted.
CREATE TABLE work_order_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id      INTEGER NOT NULL REFERENCES work_orders (id),
    at            INTEGER NOT NULL,
    month         TEXT   NOT NULL,
    actor_id      INTEGER REFERENCES users (id),
    action        TEXT   NOT NULL,
    from_status   TEXT,
    to_status     TEXT   NOT NULL,
    note          TEXT,
    round         INTEGER NOT NULL,
    community_id  INTEGER NOT NULL,
    street_id     INTEGER,
    grid_id       INTEGER NOT NULL,
    department_id INTEGER,
    on_time       INTEGER,
    minutes       INTEGER,
    satisfaction  TEXT
);
CREATE INDEX work_order_events_by_order ON work_order_events (order_id, id);
CREATE INDEX work_order_events_by_street ON work_order_events (street_id, at);
CREATE INDEX work_order_events_by_community ON work_order_events (community_id, at);
CREATE INDEX work_order_events_by_grid ON work_order_events (grid_id, at);
CREATE INDEX work_order_events_by_department ON work_order_events (department_id, at);

CREATE TRIGGER work_order_events_no_update BEFORE UPDATE ON work_order_events
BEGIN
    SELECT RAISE(ABORT, 'work_order_events is append-only');
END;
CREATE TRIGGER work_order_events_no_delete BEFORE DELETE ON work_order_events
BEGIN
    SELECT RAISE(ABORT, 'work_order_events is append-only');
END;

-- Holiday calendars uploaded by admins (the holiday-cn layout), replacing the shipped year.
CREATE TABLE holiday_years (
    year        INTEGER PRIMARY KEY,
    body        TEXT   NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users (id),
    uploaded_at INTEGER NOT NULL
);

-- Notifications about a work order.
ALTER TABLE notifications ADD COLUMN work_order_id INTEGER REFERENCES work_orders (id);
