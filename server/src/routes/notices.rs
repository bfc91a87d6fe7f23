//! Notices (通知公告): posting, the caller's notices, staff's posted notices, one notice, marking
//! it read, editing and withdrawing. The handlers parse and render; the rules are
//! `crate::notices` (docs/NOTICES.md).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use haolin_shared::api::{CreateNoticeRequest, ErrorBody, Notice, Page, UpdateNoticeRequest};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, path_id};
use crate::notices::{self, ListQuery};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;

/// Registers the notice routes (`/notices/posted` before `/notices/{id}`).
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(create_notice)
        .service(my_notices)
        .service(posted_notices)
        .service(get_notice)
        .service(update_notice)
        .service(read_notice)
        .service(withdraw_notice);
}

/// Posts a notice to a street, community or grid within the caller's scope (dispatchers, street
/// officers, admins); everyone in its audience gets a notification.
#[utoipa::path(tag = "notices", request_body = CreateNoticeRequest, responses(
    (status = 201, body = Notice), (status = 403, body = ErrorBody),
    (status = 422, description = "invalid field, a place of another level, or content refused", body = ErrorBody)))]
#[post("/notices")]
pub async fn create_notice(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateNoticeRequest>,
) -> Result<HttpResponse, ApiError> {
    let n = notices::post(&state, &caller, &body.0).await?;
    Ok(HttpResponse::Created().json(notices::view(&n, false)))
}

async fn list(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    posted: bool,
) -> Result<web::Json<Page<Notice>>, ApiError> {
    let q = query_map(req)?;
    // An empty cursor is the first page (as every list reads it).
    let cursor = q.get("cursor").map(String::as_str).filter(|c| !c.is_empty());
    let query = ListQuery { cursor, limit: q.get("limit").map(String::as_str) };
    Ok(web::Json(if posted {
        notices::list_posted(state, caller, &query).await?
    } else {
        notices::list_mine(state, caller, &query).await?
    }))
}

/// The live notices for the caller's places (home, member communities): pinned first, then newest.
#[utoipa::path(tag = "notices",
    params(("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Page<Notice>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/notices")]
pub async fn my_notices(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<Notice>>, ApiError> {
    list(&state, &caller, &req, false).await
}

/// Staff: the notices they posted and those addressed within their scope (admins: all), ended and
/// withdrawn ones included.
#[utoipa::path(tag = "notices",
    params(("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Page<Notice>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[get("/notices/posted")]
pub async fn posted_notices(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<Notice>>, ApiError> {
    list(&state, &caller, &req, true).await
}

/// One notice: for its audience while it is shown, for its poster and the staff of its place.
#[utoipa::path(tag = "notices", params(("id" = String, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody)))]
#[get("/notices/{id}")]
pub async fn get_notice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Notice>, ApiError> {
    Ok(web::Json(notices::get(&state, &caller, path_id(&id)?).await?))
}

/// Marks a notice read by the caller (idempotent); the notice.
#[utoipa::path(tag = "notices", params(("id" = String, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody)))]
#[post("/notices/{id}/read")]
pub async fn read_notice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Notice>, ApiError> {
    Ok(web::Json(notices::mark_read(&state, &caller, path_id(&id)?).await?))
}

/// Its poster (or an admin) changes a notice's title, text, pin or end date.
#[utoipa::path(tag = "notices", params(("id" = String, Path)), request_body = UpdateNoticeRequest, responses(
    (status = 200, body = Notice), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "withdrawn", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[patch("/notices/{id}")]
pub async fn update_notice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<UpdateNoticeRequest>,
) -> Result<web::Json<Notice>, ApiError> {
    Ok(web::Json(notices::update(&state, &caller, path_id(&id)?, &body.0).await?))
}

/// Its poster (or an admin) withdraws a notice: its audience no longer sees it.
#[utoipa::path(tag = "notices", params(("id" = String, Path)), responses(
    (status = 200, body = Notice), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "withdrawn already", body = ErrorBody)))]
#[post("/notices/{id}/withdraw")]
pub async fn withdraw_notice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Notice>, ApiError> {
    Ok(web::Json(notices::withdraw(&state, &caller, path_id(&id)?).await?))
}
