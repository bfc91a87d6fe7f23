-- Volunteer teams, activities and the time bank (docs/TIME-BANK.md). Times are UTC milliseconds;
-- amounts are integer minutes.

-- A volunteer team (红马甲, 蓝天使 …) at a district, street or community.
CREATE TABLE teams (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    place_id     BIGINT  NOT NULL REFERENCES places (id),
    created_by   BIGINT  NOT NULL REFERENCES users (id),
    created_at   BIGINT  NOT NULL,
    -- Approved members, leaders included; kept in the transaction of every change.
    member_count BIGINT  NOT NULL DEFAULT 0,
    UNIQUE (place_id, name)
);

-- Who asked to join a team, who is in it and who leads it.
CREATE TABLE team_members (
    team_id      BIGINT NOT NULL REFERENCES teams (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    role         TEXT   NOT NULL CHECK (role IN ('pending', 'member', 'leader')),
    note         TEXT,
    requested_at BIGINT NOT NULL,
    joined_at    BIGINT,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_by_user ON team_members (user_id, role);
CREATE INDEX team_members_by_role ON team_members (team_id, role, requested_at);

-- An activity a team's leader published. `seats_taken` and `waitlist` are kept in the
-- transaction of every sign-up change, which begins by locking this row.
CREATE TABLE activities (
    id           INTEGER PRIMARY KEY,
    team_id      BIGINT  NOT NULL REFERENCES teams (id),
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    place_id     BIGINT  NOT NULL REFERENCES places (id),
    community_id BIGINT  REFERENCES places (id),
    address      TEXT    NOT NULL,
    starts_at    BIGINT  NOT NULL,
    ends_at      BIGINT  NOT NULL CHECK (ends_at > starts_at),
    capacity     BIGINT  NOT NULL CHECK (capacity > 0),
    seats_taken  BIGINT  NOT NULL DEFAULT 0 CHECK (seats_taken BETWEEN 0 AND capacity),
    waitlist     BIGINT  NOT NULL DEFAULT 0 CHECK (waitlist >= 0),
    skills       TEXT    NOT NULL DEFAULT '[]',
    status       TEXT    NOT NULL CHECK (status IN ('published', 'cancelled', 'confirmed')),
    organiser_id BIGINT  NOT NULL REFERENCES users (id),
    created_at   BIGINT  NOT NULL
);
CREATE INDEX activities_by_place ON activities (place_id, starts_at);
CREATE INDEX activities_by_team ON activities (team_id, starts_at);
CREATE INDEX activities_by_start ON activities (starts_at);
CREATE INDEX activities_by_community ON activities (community_id, starts_at);

-- One person's sign-up; the id orders the waitlist. A person has at most one live (seated or
-- waitlisted) sign-up per activity.
CREATE TABLE activity_signups (
    id             INTEGER PRIMARY KEY,
    activity_id    BIGINT NOT NULL REFERENCES activities (id),
    user_id        BIGINT NOT NULL REFERENCES users (id),
    status         TEXT   NOT NULL CHECK (status IN ('seated', 'waitlisted', 'withdrawn')),
    signed_up_at   BIGINT NOT NULL,
    checked_in_at  BIGINT,
    checked_out_at BIGINT,
    minutes        BIGINT,
    confirmed_at   BIGINT,
    confirmed_by   BIGINT REFERENCES users (id)
);
CREATE UNIQUE INDEX activity_signups_one_live ON activity_signups (activity_id, user_id)
    WHERE status <> 'withdrawn';
CREATE INDEX activity_signups_by_activity ON activity_signups (activity_id, status, id);
CREATE INDEX activity_signups_by_user ON activity_signups (user_id, id);

-- The time bank: accounts of people (`person`), their escrow for paid wishes (`escrow`),
-- communities' pools (`pool`) and the district's issue account (`issue`, owner 0, the only one
-- whose balance goes below zero: minus everything ever issued). `balance` is the sum of the
-- account's movements, updated in the same transaction as each movement (GET
-- /admin/time-bank/check proves it); `earned` is a person's lifetime service credits.
CREATE TABLE ledger_accounts (
    id         INTEGER PRIMARY KEY,
    kind       TEXT   NOT NULL CHECK (kind IN ('person', 'escrow', 'pool', 'issue')),
    owner_id   BIGINT NOT NULL,
    balance    BIGINT NOT NULL DEFAULT 0,
    earned     BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (kind, owner_id),
    CHECK (kind = 'issue' OR balance >= 0)
);

-- A transfer moves `minutes` from one account to another, as two movements that sum to zero,
-- written in one transaction with the change that caused it. `once_key` makes a credit happen
-- exactly once (`wish:{id}`, `activity:{id}:{user}`, `reversal:{id}` …).
CREATE TABLE ledger_transfers (
    id           INTEGER PRIMARY KEY,
    kind         TEXT   NOT NULL CHECK (kind IN ('mint', 'wish_credit', 'activity_credit', 'escrow_hold',
                                                 'escrow_pay', 'escrow_return', 'gift', 'reversal')),
    minutes      BIGINT NOT NULL CHECK (minutes > 0),
    from_account BIGINT NOT NULL REFERENCES ledger_accounts (id),
    to_account   BIGINT NOT NULL REFERENCES ledger_accounts (id),
    memo         TEXT   NOT NULL,
    wish_id      BIGINT REFERENCES wishes (id),
    activity_id  BIGINT REFERENCES activities (id),
    reverses_id  BIGINT REFERENCES ledger_transfers (id),
    actor_id     BIGINT REFERENCES users (id),
    once_key     TEXT   UNIQUE,
    at           BIGINT NOT NULL
);
CREATE INDEX ledger_transfers_by_wish ON ledger_transfers (wish_id) WHERE wish_id IS NOT NULL;
CREATE INDEX ledger_transfers_gifts ON ledger_transfers (from_account, kind, at);
CREATE INDEX ledger_transfers_by_receiver ON ledger_transfers (to_account, kind);
CREATE INDEX ledger_transfers_reversals ON ledger_transfers (reverses_id) WHERE reverses_id IS NOT NULL;

CREATE TABLE ledger_movements (
    id            INTEGER PRIMARY KEY,
    transfer_id   BIGINT NOT NULL REFERENCES ledger_transfers (id),
    account_id    BIGINT NOT NULL REFERENCES ledger_accounts (id),
    minutes       BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    at            BIGINT NOT NULL
);
CREATE INDEX ledger_movements_by_account ON ledger_movements (account_id, id);
CREATE INDEX ledger_movements_by_transfer ON ledger_movements (transfer_id);

-- Nothing in the ledger is ever updated or deleted: a correction is a reversing transfer.
CREATE TRIGGER ledger_transfers_append_only BEFORE UPDATE ON ledger_transfers
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_transfers_kept BEFORE DELETE ON ledger_transfers
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_movements_append_only BEFORE UPDATE ON ledger_movements
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_movements_kept BEFORE DELETE ON ledger_movements
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

-- Family links hours may be given along: named by `user_id`, accepted by `relative_id`.
CREATE TABLE family_links (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    relative_id BIGINT NOT NULL REFERENCES users (id),
    relation    TEXT   NOT NULL CHECK (relation IN ('spouse', 'parent')),
    birth_date  TEXT,
    created_at  BIGINT NOT NULL,
    accepted_at BIGINT,
    UNIQUE (user_id, relative_id)
);
CREATE INDEX family_links_by_relative ON family_links (relative_id);

-- Service certificates as issued; the number shown is the id with its signature.
CREATE TABLE service_certificates (
    id            INTEGER PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    total_minutes BIGINT NOT NULL,
    services      BIGINT NOT NULL,
    issued_at     BIGINT NOT NULL
);
CREATE INDEX service_certificates_by_user ON service_certificates (user_id, id);

-- What a wish's member earns on confirmation, fixed when it is posted; a paid wish's price is held
-- in the resident's escrow while it is live.
ALTER TABLE wishes ADD COLUMN credit_minutes BIGINT NOT NULL DEFAULT 60;
ALTER TABLE wishes ADD COLUMN paid_minutes BIGINT;
