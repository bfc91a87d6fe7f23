//! Storage: the one place that speaks SQL.
//!
//! [`Store`] is what the rest of the server needs from a database; [`sqlite::SqliteStore`]
//! implements it (PostgreSQL comes behind the same trait). Times are UTC and cross this boundary as
//! `chrono::DateTime<Utc>`; ids are `i64`.

pub mod bulk;
pub mod checkins;
pub mod party;
pub mod places;
pub mod postgres;
mod sql;
pub mod sqlite;
pub mod wechat;

/// The SQL texts the benchmarks run directly, so they measure exactly what the server runs.
pub use sql::{CALLER_SELECT, CALLER_WISH_SELECT, WISH_SELECT};

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use haolin_shared::api::Role;
use haolin_shared::domain::{WishAction, WishStatus};

/// A shared handle to the configured store.
pub type DynStore = Arc<dyn Store>;

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
    /// Some of its text was sent for review by the content safety check.
    #[serde(default)]
    pub flagged: bool,
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
    /// The first response's status.
    pub status: u16,
    /// The first response's body.
    pub body: String,
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

/// Renders the creator's response for a new wish, stored with its idempotency key.
pub type RenderCreated = fn(&WishRecord) -> String;

/// What the server needs from a database.
#[async_trait]
pub trait Store:
    places::PlaceStore + party::PartyStore + checkins::CheckinStore + bulk::BulkStore + wechat::WechatStore + Send + Sync
{
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Creates an account with its roles.
    async fn create_user(&self, user: NewUser) -> Result<UserRecord, StoreError>;
    /// Finds an account by phone number.
    async fn user_by_phone(&self, phone: &str) -> Result<Option<UserRecord>, StoreError>;
    /// Finds an account by id.
    async fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, StoreError>;
    /// Finds the account of a live (not revoked) session.
    async fn user_of_session(&self, user_id: i64, session_id: i64) -> Result<Option<UserRecord>, StoreError>;
    /// The account of a live session and the wish `wish_id` (if it exists), in one round trip.
    async fn caller_and_wish(
        &self,
        user_id: i64,
        session_id: i64,
        wish_id: i64,
    ) -> Result<Option<(UserRecord, Option<WishRecord>)>, StoreError>;
    /// Whether the account holds `role` in `community_id`.
    async fn has_grant(&self, user_id: i64, role: Role, community_id: i64) -> Result<bool, StoreError>;
    /// How many accounts exist.
    async fn count_users(&self) -> Result<i64, StoreError>;

    /// Starts a session with its first refresh token (stored as a hash).
    async fn create_session(
        &self,
        user_id: i64,
        refresh_hash: &[u8],
        expires_at: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// Uses up `old_hash` and stores `new_hash` for the same session, or says why not.
    async fn rotate_refresh(
        &self,
        old_hash: &[u8],
        new_hash: &[u8],
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Rotation, StoreError>;
    /// Revokes a session: its refresh and access tokens stop working.
    async fn revoke_session(&self, session_id: i64, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Creates a community.
    async fn create_community(
        &self,
        name: &str,
        code: &str,
        street_code: Option<&str>,
    ) -> Result<CommunityRecord, StoreError>;
    /// Lists communities by id, after `after_id`.
    async fn list_communities(&self, after_id: Option<i64>, limit: u32) -> Result<Vec<CommunityRecord>, StoreError>;
    /// The members checked in to a community whose name contains `name_part`, by name.
    async fn community_members(
        &self,
        community_id: i64,
        name_part: &str,
        limit: u32,
    ) -> Result<Vec<(i64, String)>, StoreError>;
    /// How many wishes of a community are in each status (absent statuses have none).
    async fn wish_counts(&self, community_id: i64) -> Result<Vec<(WishStatus, i64)>, StoreError>;
    /// How many of `ids` exist.
    async fn count_communities(&self, ids: &[i64]) -> Result<i64, StoreError>;

    /// Inserts a wish and its `post` event, and the idempotency record if given, in one transaction.
    /// On a concurrent duplicate idempotency key, returns the response stored by the winner.
    async fn create_wish(
        &self,
        wish: NewWish,
        idempotency: Option<IdempotencyWrite>,
        render: RenderCreated,
    ) -> Result<Result<Recorded, IdempotentResponse>, StoreError>;
    /// The response stored for an idempotency key.
    async fn idempotent_response(&self, user_id: i64, key: &str) -> Result<Option<IdempotentResponse>, StoreError>;
    /// Deletes idempotency records older than `before`.
    async fn purge_idempotency(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
    /// One wish.
    async fn wish(&self, id: i64) -> Result<Option<WishRecord>, StoreError>;
    /// A page of the wishes a caller may see, newest first.
    async fn list_wishes(&self, query: &WishQuery) -> Result<Vec<WishRecord>, StoreError>;
    /// A wish's events, oldest first.
    async fn wish_events(&self, wish_id: i64) -> Result<Vec<EventRecord>, StoreError>;
    /// Applies a transition if the wish is still at the expected version, with its event.
    async fn transition_wish(&self, write: TransitionWrite) -> Result<Recorded, TransitionFailure>;
    /// Every wish changed by an event after `after_event_id`, as it is now, with its latest event
    /// id, in event order (for replaying missed live updates).
    async fn wishes_changed_since(&self, after_event_id: i64, limit: u32) -> Result<Vec<Recorded>, StoreError>;
    /// Claimed wishes whose deadline has passed: `(id, version)`.
    async fn expired_claims(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<(i64, i64)>, StoreError>;
    /// Fulfilled wishes fulfilled before `cutoff`: `(id, version)`.
    async fn unanswered_fulfilments(&self, cutoff: DateTime<Utc>, limit: u32) -> Result<Vec<(i64, i64)>, StoreError>;
}

/// Opens the store named by the URL's scheme (`sqlite:` or `postgres:`/`postgresql:`) and brings
/// its schema up to date.
pub async fn connect(url: &str, max_connections: u32) -> Result<DynStore, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(postgres::PgStore::connect(url, max_connections).await?))
    } else {
        Err(StoreError::Other(sqlx::Error::Configuration(
            "unsupported DATABASE_URL scheme (use sqlite:PATH or postgres://…)".into(),
        )))
    }
}
