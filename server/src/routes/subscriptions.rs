//! Subscribe-message credits reported by the mini-program, and the outbox as admins see it.

use actix_web::{HttpRequest, get, post, web};
use haolin_shared::api::ErrorBody;
use haolin_shared::inbox::{OutboxItem, OutboxList, SubscriptionCredit, SubscriptionsRequest, SubscriptionsResponse};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, decode_cursor, keyset_page, page_limit};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::views::rfc3339;

/// Registers the subscription and outbox routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(add_subscriptions).service(subscriptions).service(admin_outbox);
}

async fn credits_of(state: &AppState, user_id: i64) -> Result<SubscriptionsResponse, ApiError> {
    let items = state.store.credits(user_id).await?;
    Ok(SubscriptionsResponse {
        items: items.into_iter().map(|(template_id, credits)| SubscriptionCredit { template_id, credits }).collect(),
    })
}

/// Adds one one-time credit per accepted template (each must be one the server sends with).
#[utoipa::path(tag = "notifications", request_body = SubscriptionsRequest, responses(
    (status = 200, body = SubscriptionsResponse),
    (status = 422, description = "an unknown template id (`details.field`: `template_ids[i]`)", body = ErrorBody)))]
#[post("/me/subscriptions")]
pub async fn add_subscriptions(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<SubscriptionsRequest>,
) -> Result<web::Json<SubscriptionsResponse>, ApiError> {
    let ids = body.0.template_ids;
    if ids.is_empty() || ids.len() > 20 {
        return Err(ApiError::invalid_field("template_ids", "请提供 1–20 个模板 id"));
    }
    let known: Vec<&str> = state.settings.wechat.templates.values().map(|t| t.id.as_str()).collect();
    let mut accepted: Vec<String> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if !known.contains(&id.as_str()) {
            return Err(ApiError::invalid_field(format!("template_ids[{i}]"), "未知的订阅消息模板"));
        }
        // One acceptance of a template in one request is one credit.
        if !accepted.contains(id) {
            accepted.push(id.clone());
        }
    }
    state.store.add_credits(caller.id(), &accepted).await?;
    Ok(web::Json(credits_of(&state, caller.id()).await?))
}

/// The caller's remaining credits per template.
#[utoipa::path(tag = "notifications", responses((status = 200, body = SubscriptionsResponse), (status = 401, body = ErrorBody)))]
#[get("/me/subscriptions")]
pub async fn subscriptions(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<SubscriptionsResponse>, ApiError> {
    Ok(web::Json(credits_of(&state, caller.id()).await?))
}

/// The subscribe-message outbox, newest first (admin), e.g. `?status=failed`.
#[utoipa::path(tag = "admin", params(("status" = Option<String>, Query), ("cursor" = Option<String>, Query),
    ("limit" = Option<u32>, Query)),
    responses((status = 200, body = OutboxList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/admin/outbox")]
pub async fn admin_outbox(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<OutboxList>, ApiError> {
    caller.require_admin()?;
    let q = query_map(&req)?;
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let limit = page_limit(get("limit"))?;
    let status = get("status");
    if let Some(s) = status
        && !["pending", "sending", "sent", "failed", "skipped"].contains(&s)
    {
        return Err(ApiError::invalid_field("status", "未知的状态"));
    }
    let before = get("cursor").map(decode_cursor).transpose()?;
    let (rows, next) = keyset_page(state.store.list_outbox(status, before, limit + 1).await?, limit, |r| r.id);
    let items = rows
        .iter()
        .map(|r| OutboxItem {
            id: r.id.to_string(),
            user_id: r.user_id.to_string(),
            template_id: r.template_id.clone(),
            status: r.status.clone(),
            attempts: r.attempts,
            last_error: r.last_error.clone(),
            created_at: rfc3339(r.created_at),
            sent_at: r.sent_at.map(rfc3339),
        })
        .collect();
    Ok(web::Json(OutboxList { items, next_cursor: next }))
}
