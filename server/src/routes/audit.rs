//! The audit log of administrative actions, for admins: read only (no route changes it). The
//! rules are in [`crate::audit`].

use actix_web::{HttpRequest, get, web};
use haolin_shared::api::{AuditEntry, ErrorBody, Page};

use crate::audit::{self, AuditFilter};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::store::audit::AuditRecord;
use crate::views::rfc3339;

/// Registers the audit route.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(list_audit);
}

fn view(r: AuditRecord) -> AuditEntry {
    let e = r.entry;
    AuditEntry {
        id: r.id.to_string(),
        at: rfc3339(e.at),
        actor_id: e.actor_id.to_string(),
        action: e.action,
        target_kind: e.target_kind,
        target_id: e.target_id.map(|t| t.to_string()),
        details: e.details,
        ip: e.ip,
        request_id: e.request_id,
    }
}

/// The audit log, newest first, narrowed by actor, action, target and time (admins).
#[utoipa::path(tag = "admin", params(
    ("actor_id" = Option<String>, Query, description = "who acted"),
    ("action" = Option<String>, Query, description = "an AuditAction, e.g. role_granted"),
    ("target_kind" = Option<String>, Query, description = "an AuditTargetKind, e.g. place"),
    ("target_id" = Option<String>, Query, description = "the record acted on"),
    ("since" = Option<String>, Query, description = "RFC 3339, inclusive"),
    ("until" = Option<String>, Query, description = "RFC 3339, exclusive"),
    ("cursor" = Option<String>, Query, description = "from the previous page"),
    ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses((status = 200, body = Page<AuditEntry>), (status = 400, description = "bad cursor", body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/admin/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<AuditEntry>>, ApiError> {
    let q = query_map(&req)?;
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let filter = AuditFilter {
        actor_id: get("actor_id"),
        action: get("action"),
        target_kind: get("target_kind"),
        target_id: get("target_id"),
        since: get("since"),
        until: get("until"),
        cursor: get("cursor"),
        limit: get("limit"),
    };
    let page = audit::list(&state, &caller, &filter).await?;
    Ok(web::Json(Page { items: page.items.into_iter().map(view).collect(), next_cursor: page.next_cursor }))
}
