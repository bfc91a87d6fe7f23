//! The audit log's rules: every administrative action is recorded with who (the caller), when,
//! what (action, target, a small JSON of the relevant values) and from where (the caller's
//! [`Origin`](crate::auth::Origin)). Where the store opens a transaction for the action, the entry
//! is passed into that write (all or nothing); where the action is one statement, it is recorded
//! right after the commit with [`record_after`], which retries and, if the database still refuses,
//! fails the request loudly rather than dropping the entry. Only admins read the log; nothing
//! changes it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use haolin_shared::api::{AuditAction, AuditTargetKind, Page};

use crate::auth::{Caller, Origin};
use crate::error::ApiError;
use crate::extract::{decode_cursor, encode_cursor, field_id, page_limit};
use crate::state::AppState;
use crate::store::audit::{AuditEntry, AuditQuery, AuditRecord};

/// How many times an entry recorded after its action's commit is tried.
const ATTEMPTS: u32 = 3;

/// The entry of an action the caller takes now on a target (`None`: the record the same write
/// creates).
pub fn entry(
    caller: &Caller,
    action: AuditAction,
    target_kind: AuditTargetKind,
    target_id: Option<i64>,
    details: serde_json::Value,
) -> AuditEntry {
    entry_by(caller.id(), &caller.origin, action, target_kind, target_id, details)
}

/// The entry of an action account `actor_id` takes now from `origin` (for routes without a
/// [`Caller`], such as redeeming a reset code).
pub fn entry_by(
    actor_id: i64,
    origin: &Origin,
    action: AuditAction,
    target_kind: AuditTargetKind,
    target_id: Option<i64>,
    details: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        at: Utc::now(),
        actor_id,
        action,
        target_kind,
        target_id,
        details,
        ip: origin.ip.clone(),
        request_id: origin.request_id.clone(),
    }
}

/// Records the entry of an action whose one-statement write is already committed. A failure is
/// retried; if the entry still cannot be written it is logged whole at error level and the request
/// fails (the action stands, but nobody is told it succeeded unrecorded).
pub async fn record_after(state: &AppState, entry: &AuditEntry) -> Result<(), ApiError> {
    let mut last = None;
    for attempt in 1..=ATTEMPTS {
        match state.store.record_audit(entry).await {
            Ok(()) => return Ok(()),
            Err(e) => {
                tracing::warn!(attempt, error = %e, action = entry.action.as_str(), "audit write failed; retrying");
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
            }
        }
    }
    tracing::error!(
        actor_id = entry.actor_id,
        action = entry.action.as_str(),
        target_kind = entry.target_kind.as_str(),
        target_id = entry.target_id,
        details = %entry.details,
        ip = %entry.ip,
        request_id = entry.request_id.as_deref(),
        at = %entry.at,
        "audit entry could not be written after the action committed"
    );
    Err(last.map_or_else(ApiError::internal, ApiError::from))
}

/// The filters of `GET /admin/audit`, raw from the query string.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter<'a> {
    /// `actor_id`.
    pub actor_id: Option<&'a str>,
    /// `action`.
    pub action: Option<&'a str>,
    /// `target_kind`.
    pub target_kind: Option<&'a str>,
    /// `target_id`.
    pub target_id: Option<&'a str>,
    /// `since` (RFC 3339, inclusive).
    pub since: Option<&'a str>,
    /// `until` (RFC 3339, exclusive).
    pub until: Option<&'a str>,
    /// `cursor`.
    pub cursor: Option<&'a str>,
    /// `limit`.
    pub limit: Option<&'a str>,
}

fn parse_time(field: &str, raw: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ApiError::invalid_field(field, format!("{field} 须为 RFC 3339 时间，如 2026-01-01T00:00:00Z")))
}

/// A page of the log for an admin, newest first, narrowed by the filters.
pub async fn list(state: &AppState, caller: &Caller, filter: &AuditFilter<'_>) -> Result<Page<AuditRecord>, ApiError> {
    caller.require_admin()?;
    let limit = page_limit(filter.limit)?;
    let query = AuditQuery {
        actor_id: filter.actor_id.map(|raw| field_id("actor_id", raw)).transpose()?,
        action: filter
            .action
            .map(|raw| {
                AuditAction::parse(raw.trim()).ok_or_else(|| ApiError::invalid_field("action", "未知的操作类型"))
            })
            .transpose()?,
        target_kind: filter
            .target_kind
            .map(|raw| {
                AuditTargetKind::parse(raw.trim())
                    .ok_or_else(|| ApiError::invalid_field("target_kind", "未知的对象类型"))
            })
            .transpose()?,
        target_id: filter.target_id.map(|raw| field_id("target_id", raw)).transpose()?,
        since: filter.since.map(|raw| parse_time("since", raw)).transpose()?,
        until: filter.until.map(|raw| parse_time("until", raw)).transpose()?,
        before_id: filter.cursor.map(decode_cursor).transpose()?,
        limit: limit + 1,
    };
    let mut rows = state.store.audit_page(&query).await?;
    let next = (rows.len() > limit as usize).then(|| {
        rows.truncate(limit as usize);
        rows.last().map(|r| encode_cursor(r.id))
    });
    Ok(Page { items: rows, next_cursor: next.flatten() })
}
