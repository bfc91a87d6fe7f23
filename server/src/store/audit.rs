//! The audit log: one append-only row per administrative action, written in the transaction of
//! the action where the store opens one ([`Store::insert_audit`] inside it) or right after the
//! committed write ([`Store::record_audit`]); and the admins' filtered, paged read.

use chrono::{DateTime, Utc};
use haolin_shared::api::{AuditAction, AuditTargetKind};
use sqlx::{AnyConnection, Row};

use super::sql_builder::SqlBuilder;
use super::{Store, StoreError, millis, time};

/// One administrative action to record.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// When it was taken.
    pub at: DateTime<Utc>,
    /// Who took it.
    pub actor_id: i64,
    /// What it did.
    pub action: AuditAction,
    /// The kind of record it was about.
    pub target_kind: AuditTargetKind,
    /// That record's id; `None` for a record the write creates (it takes the new id) or for an
    /// import.
    pub target_id: Option<i64>,
    /// The relevant values, as a small JSON object.
    pub details: serde_json::Value,
    /// The client's address.
    pub ip: String,
    /// The request's `X-Request-Id`.
    pub request_id: Option<String>,
}

/// A recorded entry with its id.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// The id (increasing).
    pub id: i64,
    /// The entry.
    pub entry: AuditEntry,
}

/// Which entries an admin asks for.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this actor's.
    pub actor_id: Option<i64>,
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only about records of this kind.
    pub target_kind: Option<AuditTargetKind>,
    /// Only about this record.
    pub target_id: Option<i64>,
    /// Only at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only ids below this one (keyset cursor).
    pub before_id: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

impl Store {
    /// Appends `entry` inside the caller's transaction; `created` is the id of the record the
    /// same transaction created, used when the entry names none.
    pub(super) async fn insert_audit(
        conn: &mut AnyConnection,
        entry: &AuditEntry,
        created: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, action, target_kind, target_id, details, ip, request_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(millis(entry.at))
        .bind(entry.actor_id)
        .bind(entry.action.as_str())
        .bind(entry.target_kind.as_str())
        .bind(entry.target_id.or(created))
        .bind(entry.details.to_string())
        .bind(&entry.ip)
        .bind(&entry.request_id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Appends `entry` on its own, for an action whose write is one statement already committed.
    pub async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::insert_audit(&mut conn, entry, None).await
    }

    /// A page of the log, newest first.
    pub async fn audit_page(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        let mut q = SqlBuilder::new(
            "SELECT id, at, actor_id, action, target_kind, target_id, details, ip, request_id \
             FROM audit_log WHERE 1 = 1",
        );
        if let Some(actor) = query.actor_id {
            q.push(" AND actor_id = ").push_bind(actor);
        }
        if let Some(action) = query.action {
            q.push(" AND action = ").push_bind(action.as_str());
        }
        if let Some(kind) = query.target_kind {
            q.push(" AND target_kind = ").push_bind(kind.as_str());
        }
        if let Some(target) = query.target_id {
            q.push(" AND target_id = ").push_bind(target);
        }
        if let Some(since) = query.since {
            q.push(" AND at >= ").push_bind(millis(since));
        }
        if let Some(until) = query.until {
            q.push(" AND at < ").push_bind(millis(until));
        }
        if let Some(before) = query.before_id {
            q.push(" AND id < ").push_bind(before);
        }
        q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(query.limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            let action: String = row.try_get("action")?;
            let kind: String = row.try_get("target_kind")?;
            let details: String = row.try_get("details")?;
            let bad = |what: &str| sqlx::Error::Decode(format!("bad audit {what}").into());
            found.push(AuditRecord {
                id: row.try_get("id")?,
                entry: AuditEntry {
                    at: time(row.try_get("at")?)?,
                    actor_id: row.try_get("actor_id")?,
                    action: AuditAction::parse(&action).ok_or_else(|| bad("action"))?,
                    target_kind: AuditTargetKind::parse(&kind).ok_or_else(|| bad("target kind"))?,
                    target_id: row.try_get("target_id")?,
                    details: serde_json::from_str(&details).map_err(|_| bad("details"))?,
                    ip: row.try_get("ip")?,
                    request_id: row.try_get("request_id")?,
                },
            });
        }
        Ok(found)
    }
}
