//! Bulk loading for the demo-district generator (`haolin generate`): rows of literal values
//! collected into multi-row `INSERT`s, run a batch of statements per transaction, and identity
//! sequences moved past the explicitly inserted ids afterwards.
//!
//! [`BulkLoader`] is its own type, made only by [`BulkLoader::for_generator`]; request handlers
//! hold a [`Store`] and never see this raw-SQL entry point.

use super::{Backend, Store, StoreError};

/// The tables the generator fills, each with the columns it writes, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkTable {
    /// `places`.
    Places,
    /// `communities`.
    Communities,
    /// `party_orgs`.
    PartyOrgs,
    /// `users`.
    Users,
    /// `role_grants` (no id column).
    RoleGrants,
    /// `place_grants` (no id column).
    PlaceGrants,
    /// `unit_branches`.
    UnitBranches,
    /// `unit_branch_checkins`.
    UnitBranchCheckins,
    /// `checkins`.
    Checkins,
    /// `wishes`.
    Wishes,
    /// `wish_events`.
    WishEvents,
    /// `departments`.
    Departments,
    /// `department_staff` (no id column).
    DepartmentStaff,
    /// `work_orders`.
    WorkOrders,
    /// `work_order_departments` (no id column).
    WorkOrderDepartments,
    /// `work_order_events`.
    WorkOrderEvents,
    /// `teams`.
    Teams,
    /// `team_members` (no id column).
    TeamMembers,
    /// `activities`.
    Activities,
    /// `activity_signups`.
    ActivitySignups,
    /// `family_links`.
    FamilyLinks,
    /// `ledger_accounts`.
    LedgerAccounts,
    /// `ledger_transfers`.
    LedgerTransfers,
    /// `ledger_movements`.
    LedgerMovements,
    /// `property_companies`.
    PropertyCompanies,
    /// `property_estates`.
    PropertyEstates,
    /// `property_estate_places` (no id column).
    PropertyEstatePlaces,
    /// `property_ratings`.
    PropertyRatings,
}

impl BulkTable {
    /// Every table with an id column, whose sequence moves after a load.
    const WITH_IDS: [BulkTable; 22] = [
        Self::Users,
        Self::Places,
        Self::Communities,
        Self::UnitBranches,
        Self::UnitBranchCheckins,
        Self::Checkins,
        Self::Wishes,
        Self::WishEvents,
        Self::PartyOrgs,
        Self::Departments,
        Self::WorkOrders,
        Self::WorkOrderEvents,
        Self::Teams,
        Self::Activities,
        Self::ActivitySignups,
        Self::FamilyLinks,
        Self::LedgerAccounts,
        Self::LedgerTransfers,
        Self::LedgerMovements,
        Self::PropertyCompanies,
        Self::PropertyEstates,
        Self::PropertyRatings,
    ];

    /// The table's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Places => "places",
            Self::Communities => "communities",
            Self::PartyOrgs => "party_orgs",
            Self::Users => "users",
            Self::RoleGrants => "role_grants",
            Self::PlaceGrants => "place_grants",
            Self::UnitBranches => "unit_branches",
            Self::UnitBranchCheckins => "unit_branch_checkins",
            Self::Checkins => "checkins",
            Self::Wishes => "wishes",
            Self::WishEvents => "wish_events",
            Self::Departments => "departments",
            Self::DepartmentStaff => "department_staff",
            Self::WorkOrders => "work_orders",
            Self::WorkOrderDepartments => "work_order_departments",
            Self::WorkOrderEvents => "work_order_events",
            Self::Teams => "teams",
            Self::TeamMembers => "team_members",
            Self::Activities => "activities",
            Self::ActivitySignups => "activity_signups",
            Self::FamilyLinks => "family_links",
            Self::LedgerAccounts => "ledger_accounts",
            Self::LedgerTransfers => "ledger_transfers",
            Self::LedgerMovements => "ledger_movements",
            Self::PropertyCompanies => "property_companies",
            Self::PropertyEstates => "property_estates",
            Self::PropertyEstatePlaces => "property_estate_places",
            Self::PropertyRatings => "property_ratings",
        }
    }

    /// The `INSERT INTO table (columns)` head; rows give the values in this order.
    fn head(self) -> &'static str {
        match self {
            Self::Places => "INSERT INTO places (id, code, name, level, kind, parent_id, created_at)",
            Self::Communities => "INSERT INTO communities (id, name, code, street_code, created_at)",
            Self::PartyOrgs => "INSERT INTO party_orgs (id, name, level, place_id, leader_id, created_at)",
            Self::Users => "INSERT INTO users (id, phone, name, password_hash, created_at, home_place_id)",
            Self::RoleGrants => "INSERT INTO role_grants (user_id, role, community_id, created_at)",
            Self::PlaceGrants => "INSERT INTO place_grants (user_id, role, place_id, created_at)",
            Self::UnitBranches => "INSERT INTO unit_branches (id, name, created_at)",
            Self::UnitBranchCheckins => {
                "INSERT INTO unit_branch_checkins (id, unit_branch_id, community_id, letter_ref, status, decided_by, \
                 created_at, decided_at)"
            }
            Self::Checkins => {
                "INSERT INTO checkins (id, member_id, community_id, unit_branch_id, certificate_no, letter_ref, status, \
                 decided_by, created_at, decided_at)"
            }
            Self::Wishes => {
                "INSERT INTO wishes (id, community_id, grid_id, resident_id, posted_by, title, description, category, \
                 contact_phone, status, version, member_id, claim_expires_at, fulfilled_at, fulfilment_note, rating, \
                 comment, created_at, updated_at, credit_minutes, paid_minutes)"
            }
            Self::WishEvents => {
                "INSERT INTO wish_events (id, wish_id, community_id, at, actor_id, action, from_status, to_status, reason)"
            }
            Self::Departments => "INSERT INTO departments (id, name, place_id, created_at)",
            Self::DepartmentStaff => "INSERT INTO department_staff (user_id, department_id, created_at)",
            Self::WorkOrders => {
                "INSERT INTO work_orders (id, community_id, street_id, grid_id, reporter_id, filed_by, source, title, \
                 description, category, priority, status, version, round, dispatch_level, handler_grid_id, \
                 lead_department_id, dispatched_at, sign_due_at, resolve_due_at, return_until, signed_at, resolved_at, \
                 resolution_note, supervised_at, supervision_note, overdue_at, satisfaction, visit_note, created_at, \
                 updated_at)"
            }
            Self::WorkOrderDepartments => {
                "INSERT INTO work_order_departments (order_id, round, department_id, lead, sign_due_at, signed_at)"
            }
            Self::WorkOrderEvents => {
                "INSERT INTO work_order_events (id, order_id, at, month, actor_id, action, from_status, to_status, note, \
                 round, community_id, street_id, grid_id, department_id, on_time, minutes, satisfaction)"
            }
            Self::Teams => "INSERT INTO teams (id, name, description, place_id, created_by, created_at, member_count)",
            Self::TeamMembers => "INSERT INTO team_members (team_id, user_id, role, note, requested_at, joined_at)",
            Self::Activities => {
                "INSERT INTO activities (id, team_id, title, description, place_id, community_id, address, starts_at, \
                 ends_at, capacity, seats_taken, waitlist, skills, status, organiser_id, created_at)"
            }
            Self::ActivitySignups => {
                "INSERT INTO activity_signups (id, activity_id, user_id, status, signed_up_at, checked_in_at, \
                 checked_out_at, minutes, confirmed_at, confirmed_by)"
            }
            Self::FamilyLinks => {
                "INSERT INTO family_links (id, user_id, relative_id, relation, birth_date, created_at, accepted_at)"
            }
            Self::LedgerAccounts => "INSERT INTO ledger_accounts (id, kind, owner_id, balance, earned, created_at)",
            Self::LedgerTransfers => {
                "INSERT INTO ledger_transfers (id, kind, minutes, from_account, to_account, memo, wish_id, activity_id, \
                 reverses_id, actor_id, once_key, at)"
            }
            Self::LedgerMovements => {
                "INSERT INTO ledger_movements (id, transfer_id, account_id, minutes, balance_after, at)"
            }
            Self::PropertyCompanies => "INSERT INTO property_companies (id, name, created_at)",
            Self::PropertyEstates => {
                "INSERT INTO property_estates (id, name, company_id, community_id, street_id, created_at)"
            }
            Self::PropertyEstatePlaces => "INSERT INTO property_estate_places (place_id, estate_id)",
            Self::PropertyRatings => {
                "INSERT INTO property_ratings (id, estate_id, user_id, period, security, cleaning, greening, orderly, \
                 repair, comment, created_at, updated_at)"
            }
        }
    }
}

/// A text value as a SQL literal.
pub fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// An optional integer as a SQL literal.
pub fn int(v: Option<i64>) -> String {
    v.map_or_else(|| "NULL".to_owned(), |v| v.to_string())
}

/// The generator's access to the database.
#[derive(Debug, Clone)]
pub struct BulkLoader {
    store: Store,
}

/// How many rows go into one `INSERT`.
const ROWS_PER_INSERT: usize = 500;
/// How many `INSERT`s go into one transaction.
const INSERTS_PER_TX: usize = 20;

impl BulkLoader {
    /// The loader for `haolin generate`, over the same database as `store`.
    pub fn for_generator(store: &Store) -> Self {
        Self { store: store.clone() }
    }

    /// The highest id in `table`, 0 when empty.
    pub async fn max_id(&self, table: BulkTable) -> Result<i64, StoreError> {
        let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {}", table.name());
        Ok(sqlx::query_scalar(&sql).fetch_one(&self.store.pool).await?)
    }

    /// A collector of rows for `table`.
    pub fn table(&self, table: BulkTable) -> TableLoader<'_> {
        TableLoader { loader: self, head: table.head(), rows: Vec::new(), statements: Vec::new(), written: 0 }
    }

    /// Runs the statements in one transaction.
    async fn run_batch(&self, statements: &[String]) -> Result<(), StoreError> {
        let mut tx = self.store.pool.begin().await?;
        for statement in statements {
            sqlx::query(statement).persistent(false).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Moves each table's id sequence past its highest id (PostgreSQL; SQLite needs nothing).
    pub async fn reset_sequences(&self) -> Result<(), StoreError> {
        if self.store.backend == Backend::Postgres {
            for table in BulkTable::WITH_IDS.map(BulkTable::name) {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                );
                sqlx::query(&sql).execute(&self.store.pool).await?;
            }
        }
        Ok(())
    }
}

/// Collects rows of one table into multi-row `INSERT`s, a batch of statements per transaction.
#[derive(Debug)]
pub struct TableLoader<'a> {
    loader: &'a BulkLoader,
    head: &'static str,
    rows: Vec<String>,
    statements: Vec<String>,
    written: usize,
}

impl TableLoader<'_> {
    /// Adds a row, `(v1, v2, …)` with its values as SQL literals ([`text`], [`int`]) in the
    /// table's column order. Rows are written by [`TableLoader::flush`], so a caller controls the
    /// order tables reach the database in, parents first.
    pub async fn row(&mut self, row: String) -> Result<(), StoreError> {
        self.rows.push(row);
        if self.rows.len() >= ROWS_PER_INSERT {
            self.cut();
        }
        Ok(())
    }

    /// Writes everything collected so far.
    pub async fn flush(&mut self) -> Result<(), StoreError> {
        self.cut();
        for chunk in self.statements.chunks(INSERTS_PER_TX) {
            self.loader.run_batch(chunk).await?;
        }
        self.statements.clear();
        Ok(())
    }

    fn cut(&mut self) {
        if !self.rows.is_empty() {
            self.written += self.rows.len();
            self.statements.push(format!("{} VALUES {}", self.head, self.rows.join(", ")));
            self.rows.clear();
        }
    }

    /// Writes the rest; says how many rows were written in all.
    pub async fn finish(mut self) -> Result<usize, StoreError> {
        self.flush().await?;
        Ok(self.written)
    }
}
