//! An account's own security: its live sessions (listed, signed out), its password (changed, set
//! once by a WeChat account), and one-time password reset codes (issued by a dispatcher or an
//! admin, redeemed by the resident).

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::store::audit::AuditEntry;
use crate::store::{Store, StoreError, millis, opt_time, time};

/// A live session of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The id.
    pub id: i64,
    /// When it started.
    pub created_at: DateTime<Utc>,
    /// When its refresh token was last exchanged.
    pub last_refreshed_at: Option<DateTime<Utc>>,
}

/// A reset code to store for an account.
#[derive(Debug, Clone)]
pub struct NewResetCode {
    /// The account it resets.
    pub user_id: i64,
    /// SHA-256 of the code.
    pub code_hash: Vec<u8>,
    /// Who issued it.
    pub issued_by: i64,
    /// Now.
    pub at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// The account's live sessions (not revoked, with a refresh token still usable), newest first.
    pub async fn live_sessions(&self, user_id: i64, now: DateTime<Utc>) -> Result<Vec<SessionRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.created_at, s.last_refreshed_at FROM sessions s \
                 WHERE s.user_id = $1 AND s.revoked_at IS NULL AND EXISTS (SELECT 1 FROM refresh_tokens r \
                   WHERE r.session_id = s.id AND r.used_at IS NULL AND r.expires_at > $2) \
                 ORDER BY s.id DESC LIMIT 100",
        )
        .bind(user_id)
        .bind(millis(now))
        .fetch_all(&self.pool)
        .await?;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            found.push(SessionRecord {
                id: row.try_get("id")?,
                created_at: time(row.try_get("created_at")?)?,
                last_refreshed_at: opt_time(row.try_get("last_refreshed_at")?)?,
            });
        }
        Ok(found)
    }

    /// Revokes the account's live sessions but `keep` (all of them when `None`); says how many.
    pub async fn revoke_sessions_of(
        &self,
        user_id: i64,
        keep: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done =
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id <> $3")
                .bind(millis(now))
                .bind(user_id)
                .bind(keep.unwrap_or(0))
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }

    /// Revokes one live session of the account; says whether there was one.
    pub async fn revoke_session_of(
        &self,
        user_id: i64,
        session_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
                .bind(millis(now))
                .bind(session_id)
                .bind(user_id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Replaces the account's password hash if it is still `expected`, and revokes every session
    /// of the account but `keep`, in one transaction; says whether the hash was still `expected`.
    pub async fn replace_password(
        &self,
        user_id: i64,
        expected: &str,
        new_hash: &str,
        keep: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3")
            .bind(new_hash)
            .bind(user_id)
            .bind(expected)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id <> $3")
            .bind(millis(now))
            .bind(user_id)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Stores a reset code for an account, using up its older unused ones, with the `audit`
    /// entry of the issue, in one transaction.
    pub async fn issue_reset_code(&self, code: &NewResetCode, audit: &AuditEntry) -> Result<(), StoreError> {
        let at = millis(code.at);
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE password_reset_codes SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(at)
            .bind(code.user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO password_reset_codes (user_id, code_hash, issued_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(code.user_id)
        .bind(&code.code_hash)
        .bind(code.issued_by)
        .bind(at)
        .bind(millis(code.expires_at))
        .execute(&mut *tx)
        .await?;
        Self::insert_audit(&mut tx, audit, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Redeems a reset code of the account: if `code_hash` is its unused, unexpired code, uses it
    /// up, sets the new password hash, revokes every session of the account and records `audit`,
    /// in one transaction. Says whether the code was good.
    pub async fn redeem_reset_code(
        &self,
        user_id: i64,
        code_hash: &[u8],
        new_hash: &str,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let now = millis(now);
        let mut tx = self.pool.begin().await?;
        let used = sqlx::query(
            "UPDATE password_reset_codes SET used_at = $1 \
                 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(user_id)
        .bind(code_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if used == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(new_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        Self::insert_audit(&mut tx, audit, None).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Whether the account's registered home lies in `community_id`, or it holds a role there.
    pub async fn belongs_to_community(&self, user_id: i64, community_id: i64) -> Result<bool, StoreError> {
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM users u WHERE u.id = $1 AND ( \
                 EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.community_id = $2) \
                 OR EXISTS (SELECT 1 FROM places h WHERE h.id = u.home_place_id \
                            AND (h.parent_id = $2 OR h.parent_id IN (SELECT id FROM places WHERE parent_id = $2))))",
        )
        .bind(user_id)
        .bind(community_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(found > 0)
    }

    /// Whether the account holds any role at a place (grid, unit or street staff).
    pub async fn holds_place_roles(&self, user_id: i64) -> Result<bool, StoreError> {
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM place_grants WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(found > 0)
    }
}
