//! Accounts, their role grants and sessions, and the read every request makes: the caller (a
//! live session's account with its grants), with the wish it acts on in the same round trip.
//! [`security`]: an account's sessions, password changes and password reset codes.

mod security;

pub use security::{NewResetCode, SessionRecord};

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use haolin_shared::api::Role;
use sqlx::Any;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::AuditEntry;
use super::sql_builder::SqlBuilder;
use super::wishes::WISH_SELECT;
use super::{Grant, NewUser, Rotation, Store, StoreError, UserRecord, WishRecord, millis, unique_violation};

/// The caller's columns: the account, and one role grant per row (null when it holds none).
const CALLER_COLUMNS: &str = "u.id AS caller_id, u.phone AS caller_phone, u.name AS caller_name, \
     u.password_hash AS caller_hash, g.role AS caller_role, g.community_id AS caller_community";
const CALLER_FROM: &str =
    "FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN role_grants g ON g.user_id = u.id";
const CALLER_WHERE: &str = "WHERE u.id = $1 AND s.id = $2 AND s.revoked_at IS NULL ORDER BY g.role, g.community_id";

/// The caller of a request: the account of a live session with its grants, one row per grant.
/// `$1` is the account, `$2` the session.
pub static CALLER_SELECT: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {CALLER_COLUMNS} {CALLER_FROM} {CALLER_WHERE}"));

/// The caller and, on every row, the wish `$3` (its columns null when there is none): what a wish
/// action reads before deciding, in one round trip.
pub static CALLER_WISH_SELECT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {CALLER_COLUMNS}, wq.* {CALLER_FROM} LEFT JOIN ({} WHERE w.id = $3) wq ON 1 = 1 {CALLER_WHERE}",
        *WISH_SELECT
    )
});

impl Store {
    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Creates an account with its roles, and records `audit` (about the new account) with it.
    pub async fn create_user(&self, user: NewUser, audit: Option<&AuditEntry>) -> Result<UserRecord, StoreError> {
        let now = millis(Utc::now());
        let mut tx = self.pool.begin().await?;
        let id = Self::insert_user(&mut tx, &user, now, "phone").await?;
        if let Some(entry) = audit {
            Self::insert_audit(&mut tx, entry, Some(id)).await?;
        }
        tx.commit().await?;
        Ok(user.stored_as(id))
    }

    /// Creates a resident's account registered at home `home_place_id`, with its audit entry, in
    /// one transaction.
    pub async fn create_user_at_home(
        &self,
        user: NewUser,
        home_place_id: i64,
        audit: &AuditEntry,
    ) -> Result<UserRecord, StoreError> {
        let now = millis(Utc::now());
        let mut tx = self.pool.begin().await?;
        let id = Self::insert_user(&mut tx, &user, now, "phone").await?;
        sqlx::query("UPDATE users SET home_place_id = $1 WHERE id = $2")
            .bind(home_place_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Self::insert_audit(&mut tx, audit, Some(id)).await?;
        tx.commit().await?;
        Ok(user.stored_as(id))
    }

    /// The residents whose home is one of `places` or a unit under one of them, newest first,
    /// before id `before`: `(account, home place id)`.
    pub async fn residents_at(
        &self,
        places: &[i64],
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(UserRecord, i64)>, StoreError> {
        if places.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = SqlBuilder::new(
            "SELECT u.id, u.phone, u.name, u.password_hash, u.home_place_id FROM users u \
             JOIN places p ON p.id = u.home_place_id WHERE (p.id IN (",
        );
        q.push_binds(places.iter().copied());
        q.push(") OR p.parent_id IN (");
        q.push_binds(places.iter().copied());
        q.push("))");
        if let Some(before) = before {
            q.push(" AND u.id < ").push_bind(before);
        }
        q.push(" ORDER BY u.id DESC LIMIT ").push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let user = UserRecord {
                    id: row.try_get("id")?,
                    phone: row.try_get("phone")?,
                    name: row.try_get("name")?,
                    password_hash: row.try_get("password_hash")?,
                    grants: Vec::new(),
                };
                Ok((user, row.try_get("home_place_id")?))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Finds an account by phone number.
    pub async fn user_by_phone(&self, phone: &str) -> Result<Option<UserRecord>, StoreError> {
        let Some(row) = sqlx::query("SELECT id, phone, name, password_hash FROM users WHERE phone = $1")
            .bind(phone)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        self.user_from_row(&row).await.map(Some)
    }

    /// Finds an account by id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, StoreError> {
        self.user_where("SELECT id, phone, name, password_hash FROM users WHERE id = $1", id, None).await
    }

    /// Finds the account of a live (not revoked) session.
    pub async fn user_of_session(&self, user_id: i64, session_id: i64) -> Result<Option<UserRecord>, StoreError> {
        // Every request makes this call: the account and its grants in one round trip.
        let rows = sqlx::query(crate::store::CALLER_SELECT.as_str())
            .bind(user_id)
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(Self::caller_from_rows(&rows)?)
    }

    /// The account of a live session and the wish `wish_id` (if it exists), in one round trip.
    pub async fn caller_and_wish(
        &self,
        user_id: i64,
        session_id: i64,
        wish_id: i64,
    ) -> Result<Option<(UserRecord, Option<WishRecord>)>, StoreError> {
        let rows = sqlx::query(crate::store::CALLER_WISH_SELECT.as_str())
            .bind(user_id)
            .bind(session_id)
            .bind(wish_id)
            .fetch_all(&self.pool)
            .await?;
        let Some(user) = Self::caller_from_rows(&rows)? else { return Ok(None) };
        let wish = match rows.first() {
            Some(row) if row.try_get::<Option<i64>, _>("id")?.is_some() => Some(Self::wish_from_row(row)?),
            _ => None,
        };
        Ok(Some((user, wish)))
    }

    /// Whether the account holds `role` in `community_id`.
    pub async fn has_grant(&self, user_id: i64, role: Role, community_id: i64) -> Result<bool, StoreError> {
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM role_grants WHERE user_id = $1 AND role = $2 AND community_id = $3",
        )
        .bind(user_id)
        .bind(role.as_str())
        .bind(community_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(found > 0)
    }

    /// How many accounts exist.
    pub async fn count_users(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?)
    }

    /// Starts a session with its first refresh token (stored as a hash).
    pub async fn create_session(
        &self,
        user_id: i64,
        refresh_hash: &[u8],
        expires_at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO sessions (user_id, created_at) VALUES ($1, $2) RETURNING id")
            .bind(user_id)
            .bind(millis(Utc::now()))
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)")
            .bind(refresh_hash)
            .bind(id)
            .bind(millis(expires_at))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Uses up `old_hash` and stores `new_hash` for the same session, or says why not.
    pub async fn rotate_refresh(
        &self,
        old_hash: &[u8],
        new_hash: &[u8],
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Rotation, StoreError> {
        let mut tx = self.pool.begin().await?;
        let used = sqlx::query(
            "UPDATE refresh_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
                   AND session_id IN (SELECT id FROM sessions WHERE revoked_at IS NULL) \
                 RETURNING session_id",
        )
        .bind(millis(now))
        .bind(old_hash)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = used {
            let session_id: i64 = row.try_get("session_id")?;
            let user_id: i64 =
                sqlx::query_scalar("UPDATE sessions SET last_refreshed_at = $1 WHERE id = $2 RETURNING user_id")
                    .bind(millis(now))
                    .bind(session_id)
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)")
                .bind(new_hash)
                .bind(session_id)
                .bind(millis(expires_at))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(Rotation::Rotated { user_id, session_id });
        }
        // A token that was already used is a sign of theft: end the whole session.
        let reused = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND id = \
                 (SELECT session_id FROM refresh_tokens WHERE token_hash = $2 AND used_at IS NOT NULL)",
        )
        .bind(millis(now))
        .bind(old_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(if reused > 0 { Rotation::Reused } else { Rotation::Invalid })
    }

    /// Revokes a session: its refresh and access tokens stop working.
    pub async fn revoke_session(&self, session_id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(millis(now))
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Inserts an account and its roles inside `tx`; a taken phone is
    /// `AlreadyExists(taken)`.
    pub(super) async fn insert_user(
        tx: &mut sqlx::Transaction<'_, Any>,
        user: &NewUser,
        now: i64,
        taken: &'static str,
    ) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (phone, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&user.phone)
        .bind(&user.name)
        .bind(&user.password_hash)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| if unique_violation(&e) { StoreError::AlreadyExists(taken) } else { e.into() })?;
        for grant in &user.grants {
            sqlx::query("INSERT INTO role_grants (user_id, role, community_id, created_at) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(grant.role.as_str())
                .bind(grant.community_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
        Ok(id)
    }

    pub(super) async fn grants_of(&self, user_id: i64) -> Result<Vec<Grant>, StoreError> {
        let rows =
            sqlx::query("SELECT role, community_id FROM role_grants WHERE user_id = $1 ORDER BY role, community_id")
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                let raw: String = row.try_get("role")?;
                let role = Role::parse(&raw).ok_or_else(|| sqlx::Error::Decode(format!("bad role {raw}").into()))?;
                Ok(Grant { role, community_id: row.try_get("community_id")? })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The caller from the rows of [`CALLER_SELECT`] or [`CALLER_WISH_SELECT`] (none: no live
    /// session).
    pub(super) fn caller_from_rows(rows: &[AnyRow]) -> Result<Option<UserRecord>, sqlx::Error> {
        let Some(first) = rows.first() else { return Ok(None) };
        let mut grants = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(raw) = row.try_get::<Option<String>, _>("caller_role")? {
                let role = Role::parse(&raw).ok_or_else(|| sqlx::Error::Decode(format!("bad role {raw}").into()))?;
                grants.push(Grant { role, community_id: row.try_get("caller_community")? });
            }
        }
        Ok(Some(UserRecord {
            id: first.try_get("caller_id")?,
            phone: first.try_get("caller_phone")?,
            name: first.try_get("caller_name")?,
            password_hash: first.try_get("caller_hash")?,
            grants,
        }))
    }

    pub(super) async fn user_where(&self, sql: &str, a: i64, b: Option<i64>) -> Result<Option<UserRecord>, StoreError> {
        let mut q = sqlx::query(sql).bind(a);
        if let Some(b) = b {
            q = q.bind(b);
        }
        let Some(row) = q.fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        self.user_from_row(&row).await.map(Some)
    }

    pub(super) async fn user_from_row(&self, row: &AnyRow) -> Result<UserRecord, StoreError> {
        let id: i64 = row.try_get("id")?;
        Ok(UserRecord {
            id,
            phone: row.try_get("phone")?,
            name: row.try_get("name")?,
            password_hash: row.try_get("password_hash")?,
            grants: self.grants_of(id).await?,
        })
    }
}
