//! The caller's in-app notifications: list (newest first), unread count, mark read.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use haolin_shared::api::ErrorBody;
use haolin_shared::inbox::{Notification, NotificationList, UnreadCount};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{decode_cursor, keyset_page, page_limit, path_id};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::store::wechat::NotificationRecord;
use crate::views::rfc3339;

/// Registers the notification routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(list_notifications).service(unread_count).service(read_all).service(read_one);
}

fn notification(n: &NotificationRecord) -> Notification {
    Notification {
        id: n.id.to_string(),
        kind: n.kind.clone(),
        wish_id: n.wish_id.map(|w| w.to_string()),
        notice_id: n.notice_id.map(|w| w.to_string()),
        title: n.title.clone(),
        body: n.body.clone(),
        created_at: rfc3339(n.created_at),
        read_at: n.read_at.map(rfc3339),
    }
}

/// The caller's notifications, newest first.
#[utoipa::path(tag = "notifications", params(("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = NotificationList), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<NotificationList>, ApiError> {
    let q = query_map(&req)?;
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let limit = page_limit(get("limit"))?;
    let before = get("cursor").map(decode_cursor).transpose()?;
    let rows = state.store.notifications(caller.id(), before, limit + 1).await?;
    let (rows, next) = keyset_page(rows, limit, |n| n.id);
    Ok(web::Json(NotificationList { items: rows.iter().map(notification).collect(), next_cursor: next }))
}

/// How many of the caller's notifications are unread.
#[utoipa::path(tag = "notifications", responses((status = 200, body = UnreadCount), (status = 401, body = ErrorBody)))]
#[get("/notifications/unread-count")]
pub async fn unread_count(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<UnreadCount>, ApiError> {
    Ok(web::Json(UnreadCount { unread: state.store.unread_notifications(caller.id()).await? }))
}

/// Marks every notification of the caller read.
#[utoipa::path(tag = "notifications", responses((status = 204, description = "all read"), (status = 401, body = ErrorBody)))]
#[post("/notifications/read-all")]
pub async fn read_all(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    state.store.mark_all_notifications_read(caller.id(), Utc::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks one of the caller's notifications read (someone else's is a 404).
#[utoipa::path(tag = "notifications", params(("id" = String, Path)),
    responses((status = 204, description = "read"), (status = 404, body = ErrorBody)))]
#[post("/notifications/{id}/read")]
pub async fn read_one(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    if state.store.mark_notification_read(caller.id(), id, Utc::now()).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found())
    }
}
