//! Storage: the one place that speaks SQL.
//!
//! [`Store`] is one plain-Rust implementation over `sqlx::Any`: SQLite (the embedded default) and
//! PostgreSQL run the same SQL text of every query (`$n` parameters, times as UTC milliseconds in
//! BIGINT columns, ids as `i64`), so the backends cannot drift apart, and one test suite runs on
//! both. Its methods live in one file per domain: `accounts.rs` (accounts, grants, sessions, the
//! caller, password reset codes), `audit.rs` (the append-only audit log), `communities.rs`, `wishes.rs`, `places.rs`, `checkins.rs`, `party.rs`, `volunteers.rs` (teams, activities, sign-ups), `time_bank.rs` (the ledger), `wechat.rs` (identities, notifications, the
//! outbox). The few places where the backends differ match on its [`Backend`]. The bulk loader of
//! `haolin generate` is a separate type ([`bulk::BulkLoader`]) that request handlers never hold.

mod accounts;
pub mod audit;
pub use accounts::{NewResetCode, SessionRecord};
pub mod bulk;
pub mod checkins;
mod communities;
mod exports;
pub mod figures;
pub mod notices;
pub mod open311;
pub mod party;
pub mod photos;
pub mod places;
pub mod property;
pub mod service_points;
mod sql_builder;
pub mod time_bank;
pub mod volunteers;
pub mod wechat;
mod wishes;
pub mod work_orders;

/// The SQL texts the benchmarks run directly, so they measure exactly what the server runs.
pub use accounts::{CALLER_SELECT, CALLER_WISH_SELECT};
pub use wishes::{WISH_COLUMNS, WISH_PAGE_HEAD, WISH_PAGE_TAIL, WISH_SELECT, member_lock_begin, transition_sql};

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use haolin_shared::api::Role;
use haolin_shared::domain::{WishAction, WishStatus};
use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, Connection, Executor};

/// A shared handle to the configured store.
pub type DynStore = Arc<Store>;

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value is taken; names the field (`phone`, `code`).
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    /// The database cannot be reached right now.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// Anything else.
    #[error("database error: {0}")]
    Other(#[source] sqlx::Error),
    /// Photos sent with a change could not be attached; nothing was written.
    #[error("photos refused: {0:?}")]
    Photos(photos::AttachFailure),
    /// The ledger refused a transfer the change needed; nothing was written.
    #[error("ledger refused: {0:?}")]
    Ledger(time_bank::Refusal),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                Self::Unavailable(err)
            }
            // PostgreSQL shutting down, starting up, or the connection lost (SQLSTATE 57P0x, 08xxx).
            sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("57P0") || c.starts_with("08")) => {
                Self::Unavailable(err)
            }
            _ => Self::Other(err),
        }
    }
}

/// A role held by an account, in one community or everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The community it is held in; `None` for unscoped roles.
    pub community_id: Option<i64>,
}

/// An account.
#[derive(Debug, Clone)]
pub struct UserRecord {
    /// The id.
    pub id: i64,
    /// The login phone number.
    pub phone: String,
    /// The display name.
    pub name: String,
    /// The argon2 PHC string.
    pub password_hash: String,
    /// Roles held.
    pub grants: Vec<Grant>,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The login phone number (validated).
    pub phone: String,
    /// The display name (validated).
    pub name: String,
    /// The argon2 PHC string.
    pub password_hash: String,
    /// Roles to grant.
    pub grants: Vec<Grant>,
}

impl NewUser {
    /// The account as stored under `id`.
    fn stored_as(self, id: i64) -> UserRecord {
        UserRecord { id, phone: self.phone, name: self.name, password_hash: self.password_hash, grants: self.grants }
    }
}

/// What happened to a refresh token presented for rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// Rotated: the old token is used up and the new one stored.
    Rotated {
        /// The account.
        user_id: i64,
        /// The session, unchanged.
        session_id: i64,
    },
    /// The token had been used before: the session is now revoked.
    Reused,
    /// Unknown, expired or of a revoked session.
    Invalid,
}

/// A community.
#[derive(Debug, Clone)]
pub struct CommunityRecord {
    /// The id.
    pub id: i64,
    /// The name.
    pub name: String,
    /// The unified code.
    pub code: String,
    /// The street's code.
    pub street_code: Option<String>,
}

/// A wish as stored, with the names of the people involved.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct WishRecord {
    /// The id.
    pub id: i64,
    /// The community.
    pub community_id: i64,
    /// The resident's grid, when known.
    #[serde(default)]
    pub grid_id: Option<i64>,
    /// The community's unified code and name.
    #[serde(default)]
    pub community_place: Option<(String, String)>,
    /// The grid's unified code and name.
    #[serde(default)]
    pub grid_place: Option<(String, String)>,
    /// The resident it is for.
    pub resident_id: i64,
    /// Who posted it: the resident, or a grid worker or household head on their behalf.
    #[serde(default)]
    pub posted_by: i64,
    /// The resident's name.
    pub resident_name: String,
    /// Title, validated.
    pub title: String,
    /// Description, validated.
    pub description: String,
    /// Category, validated.
    pub category: String,
    /// How to reach the resident.
    pub contact_phone: String,
    /// The hoped-for date or time, normalised.
    pub expected_by: Option<String>,
    /// The status.
    pub status: WishStatus,
    /// Grows with every change.
    pub version: i64,
    /// The member holding the wish: the assignee while assigned, the claimant after.
    pub member_id: Option<i64>,
    /// That member's name.
    pub member_name: Option<String>,
    /// When the current claim lapses.
    pub claim_expires_at: Option<DateTime<Utc>>,
    /// When it was reported done.
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// The claimant's note.
    pub fulfilment_note: Option<String>,
    /// The resident's rating.
    pub rating: Option<u8>,
    /// The resident's comment.
    pub comment: Option<String>,
    /// When posted.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Its photos, oldest first.
    #[serde(default)]
    pub photos: Vec<photos::PhotoRecord>,
    /// Some of its text was sent for review by the content safety check.
    #[serde(default)]
    pub flagged: bool,
    /// What its member earns on confirmation (the paid price for a paid wish).
    #[serde(default)]
    pub credit_minutes: i64,
    /// The price held in the resident's escrow, for a wish paid in hours.
    #[serde(default)]
    pub paid_minutes: Option<i64>,
}

/// A wish to insert in `pending_review`.
#[derive(Debug, Clone)]
pub struct NewWish {
    /// The community.
    pub community_id: i64,
    /// The resident it is for.
    pub resident_id: i64,
    /// Who posted it (the resident, or a grid worker for them).
    pub posted_by: i64,
    /// Title, validated.
    pub title: String,
    /// Description, validated.
    pub description: String,
    /// Category, validated.
    pub category: String,
    /// Contact phone, validated.
    pub contact_phone: String,
    /// Hoped-for date or time, validated.
    pub expected_by: Option<String>,
    /// The resident's grid (a grid of the community), when known.
    pub grid_id: Option<i64>,
    /// Now.
    pub at: DateTime<Utc>,
    /// Notifications to write in the same transaction.
    pub notices: Vec<wechat::Notice>,
    /// The content safety check asked for a review.
    pub flagged: bool,
    /// Photos posted with it.
    pub photos: Option<photos::PhotoAttach>,
    /// What its member earns on confirmation.
    pub credit_minutes: i64,
    /// The price the resident pays in hours, held in escrow in the same transaction.
    pub paid_minutes: Option<i64>,
}

/// The idempotency record to write with a new wish.
#[derive(Debug, Clone)]
pub struct IdempotencyWrite {
    /// The account whose key it is.
    pub user_id: i64,
    /// The client's key.
    pub key: String,
    /// SHA-256 of the request body.
    pub request_hash: Vec<u8>,
}

/// A wish just after a recorded change, with the id of the event that recorded it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The wish as it is now.
    pub wish: WishRecord,
    /// The id of the event row written with the change.
    pub event_id: i64,
}

/// A stored response for an idempotency key.
#[derive(Debug, Clone)]
pub struct IdempotentResponse {
    /// SHA-256 of the first request body.
    pub request_hash: Vec<u8>,
    /// The wish the first request created (rendered again for whoever replays it).
    pub wish_id: i64,
}

/// The mutable part of a wish after a transition; written whole, guarded by the version.
#[derive(Debug, Clone, PartialEq)]
pub struct WishChanges {
    /// The new status.
    pub status: WishStatus,
    /// The member holding it afterwards.
    pub member_id: Option<i64>,
    /// The claim deadline afterwards.
    pub claim_expires_at: Option<DateTime<Utc>>,
    /// The fulfilment time afterwards.
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// The fulfilment note afterwards.
    pub fulfilment_note: Option<String>,
    /// The rating afterwards.
    pub rating: Option<u8>,
    /// The comment afterwards.
    pub comment: Option<String>,
}

/// One conditional write of a transition and its event.
#[derive(Debug, Clone)]
pub struct TransitionWrite {
    /// The wish.
    pub wish_id: i64,
    /// The status the decision was made on.
    pub from: WishStatus,
    /// The version the decision was made on; the write happens only if it is still current.
    pub expected_version: i64,
    /// The new state.
    pub changes: WishChanges,
    /// The action, for the event log.
    pub action: WishAction,
    /// Who acted; `None` for the system.
    pub actor_id: Option<i64>,
    /// The reason, note or comment, for the event log.
    pub reason: Option<String>,
    /// The member whose live claims must stay under the limit, with the limit.
    pub live_claim_limit: Option<(i64, u32)>,
    /// Now.
    pub at: DateTime<Utc>,
    /// Notifications to write in the same transaction.
    pub notices: Vec<wechat::Notice>,
    /// Flag the wish for review (the content safety check asked for it).
    pub flag: bool,
    /// The wish as the write leaves it, when the caller can tell (it knows every name involved);
    /// `None` has the transaction read it back.
    pub after: Option<WishRecord>,
    /// Photos attached with the change (a fulfilment's), in the same transaction.
    pub photos: Option<photos::PhotoAttach>,
    /// The time bank's part of the change (a confirmation's credit, a cancellation's refund), in
    /// the same transaction.
    pub ledger: Option<time_bank::WishSettlement>,
}

/// Why a conditional transition write did not happen.
#[derive(Debug)]
pub enum TransitionFailure {
    /// The wish changed since it was read; here it is as it is now.
    Stale(Box<WishRecord>),
    /// The member already holds as many live claims as allowed.
    LimitReached,
    /// The wish is gone.
    Missing,
    /// The database failed.
    Store(StoreError),
}

impl From<StoreError> for TransitionFailure {
    fn from(err: StoreError) -> Self {
        Self::Store(err)
    }
}

impl From<sqlx::Error> for TransitionFailure {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

/// One recorded transition.
#[derive(Debug, Clone)]
pub struct EventRecord {
    /// The id (increasing).
    pub id: i64,
    /// The wish.
    pub wish_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who; `None` for the system.
    pub actor_id: Option<i64>,
    /// What.
    pub action: WishAction,
    /// From (`None` for a post).
    pub from: Option<WishStatus>,
    /// To.
    pub to: WishStatus,
    /// Reason, note or comment.
    pub reason: Option<String>,
}

/// Which wishes a caller may list, and how they narrowed it.
#[derive(Debug, Clone, Default)]
pub struct WishQuery {
    /// The caller.
    pub viewer_id: i64,
    /// The caller sees everything (admin).
    pub sees_all: bool,
    /// Communities where the caller is a dispatcher (sees every wish).
    pub dispatcher_of: Vec<i64>,
    /// Communities where the caller is a member (sees open wishes).
    pub member_of: Vec<i64>,
    /// Only wishes the caller posted.
    pub mine: bool,
    /// Only wishes the caller holds (assigned or claimed by them).
    pub held: bool,
    /// Only wishes the viewer filed for someone else (grid workers, household heads).
    pub filed: bool,
    /// Only this status.
    pub status: Option<WishStatus>,
    /// Only this community.
    pub community_id: Option<i64>,
    /// Only ids below this one (keyset cursor).
    pub before_id: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

/// Which database a [`Store`] speaks to, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: one file, writers serialised by SQLite.
    Sqlite,
    /// The production backend shared by several instances.
    Postgres,
}

/// A pooled PostgreSQL connection idle for longer than this is pinged before it is used.
pub const IDLE_PING_AFTER: Duration = Duration::from_secs(1);

/// The database: a connection pool over `sqlx::Any` and the backend behind it.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens the database named by the URL's scheme (`sqlite:` or `postgres:`/`postgresql:`) and
    /// brings its schema up to date.
    ///
    /// SQLite runs in WAL mode with a busy timeout and foreign keys on; PostgreSQL gives up
    /// acquiring a connection after 5 s, so while the database is down requests fail fast with 503
    /// instead of hanging, and a connection idle for a while is tested before use and re-made after.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?;
            if let Some(parent) = Path::new(options.get_filename()).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|e| StoreError::Other(sqlx::Error::Io(e)))?;
            }
            // `mode=rwc` creates the file when missing; the pragmas are set on every connection.
            let url = match (url.contains("mode="), url.contains('?')) {
                (true, _) => url.to_owned(),
                (false, true) => format!("{url}&mode=rwc"),
                (false, false) => format!("{url}?mode=rwc"),
            };
            let pool = AnyPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                // A file on this machine is not cut like a network connection: no ping (a round
                // trip to the connection's worker thread) before each use.
                .test_before_acquire(false)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect(&url)
                .await?;
            sqlx::migrate!("../migrations/sqlite").run(&pool).await.map_err(|e| StoreError::Other(e.into()))?;
            Self { pool, backend: Backend::Sqlite }.derived().await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let url = if url.contains("application_name=") {
                url.to_owned()
            } else if url.contains('?') {
                format!("{url}&application_name=haolin")
            } else {
                format!("{url}?application_name=haolin")
            };
            let pool = AnyPoolOptions::new()
                .max_connections(max_connections)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(5))
                // sqlx pings every connection it hands back to the pool; a ping before each use as
                // well would be a second extra round trip per query. Only a connection idle for
                // over a second (so possibly cut by a database restart) is pinged before use.
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > IDLE_PING_AFTER {
                            conn.ping().await?;
                        }
                        Ok(true)
                    })
                })
                .connect(&url)
                .await?;
            sqlx::migrate!("../migrations/postgres").run(&pool).await.map_err(|e| StoreError::Other(e.into()))?;
            Self { pool, backend: Backend::Postgres }.derived().await
        } else {
            Err(StoreError::Other(sqlx::Error::Configuration(
                "unsupported DATABASE_URL scheme (use sqlite:PATH or postgres://…)".into(),
            )))
        }
    }
}

impl Store {
    /// Fills the derived tables a migration added empty from what they derive from (the
    /// scorecard's day sums from the work-order log).
    async fn derived(self) -> Result<Self, StoreError> {
        self.fill_order_day_sums().await?;
        Ok(self)
    }
}

/// The connection pool's state, for the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open (idle or in use).
    pub size: u32,
    /// Connections open and idle.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
}

impl Store {
    /// How many connections are open, idle, and allowed (no database round trip).
    pub fn pool_stats(&self) -> PoolStats {
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        PoolStats { size: self.pool.size(), idle, max: self.pool.options().get_max_connections() }
    }
}

/// Opens the store named by `url` (see [`Store::connect`]).
pub async fn connect(url: &str, max_connections: u32) -> Result<DynStore, StoreError> {
    Ok(Arc::new(Store::connect(url, max_connections).await?))
}

/// Parameter `param` cast to `ty` as a value PostgreSQL's planner does not look into. A statement
/// whose parameters bound a range (of days, of months) is otherwise planned afresh on every
/// execution for the values at hand (a "custom plan"), although its plan — a range of the primary
/// key — is the same for every value; behind this, PostgreSQL keeps one generic plan per
/// connection. Only for ranges over a primary key, where no value changes the plan. SQLite reads
/// it as the plain value.
fn opaque(param: &str, ty: &str) -> String {
    format!("(SELECT CAST({param} AS {ty}))")
}

/// ` ON CONFLICT (keys) DO UPDATE …` adding each of `columns` to the row of `table` already there
/// (summary tables written by upserts).
fn adding(table: &str, keys: &str, columns: &[&str]) -> String {
    let set = columns.iter().map(|c| format!("{c} = {table}.{c} + excluded.{c}")).collect::<Vec<_>>().join(", ");
    format!(" ON CONFLICT ({keys}) DO UPDATE SET {set}")
}

/// A time as stored.
fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A stored time.
fn time(ms: i64) -> Result<DateTime<Utc>, sqlx::Error> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| sqlx::Error::Decode(format!("bad time {ms}").into()))
}

/// A stored optional time.
fn opt_time(ms: Option<i64>) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    ms.map(time).transpose()
}

/// A stored status.
fn status(raw: &str) -> Result<WishStatus, sqlx::Error> {
    WishStatus::parse(raw).ok_or_else(|| sqlx::Error::Decode(format!("bad status {raw}").into()))
}

/// Whether the error is a unique-constraint violation.
fn unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}
