//! Posting, listing and reading wishes. The actions that move a wish are in `wish_actions`.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use haolin_shared::api::{CreateWishRequest, ErrorBody, Items, Page, Role, Wish, WishEvent};
use haolin_shared::domain::WishStatus;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{
    ApiJson, client_ip, decode_cursor, field_id, flag, idempotency_key, keyset_page, page_limit, path_id,
};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{WishQuery, WishRecord};
use crate::views;
use crate::wishes::{self, Posted, Posting};

/// Registers the wish routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(create_wish).service(list_wishes).service(get_wish).service(wish_events);
}

/// The query string as a map; a malformed one is a 400.
pub fn query_map(req: &HttpRequest) -> Result<HashMap<String, String>, ApiError> {
    web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|_| ApiError::malformed("查询参数格式不正确"))
}

/// Posts a wish for the caller; it waits in `pending_review` for a dispatcher.
#[utoipa::path(tag = "wishes", request_body = CreateWishRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "the same body again answers 201 with the wish the first request created, as the caller may see it now (`Idempotent-Replayed: true`)")),
    responses(
        (status = 201, body = Wish),
        (status = 422, description = "invalid field, or Idempotency-Key reused with another body", body = ErrorBody),
        (status = 429, description = "posting too often", body = ErrorBody)))]
#[post("/wishes")]
pub async fn create_wish(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: ApiJson<CreateWishRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req, state.settings.http.trust_forwarded_for);
    let key = idempotency_key(&req)?;
    let posting = Posting { request: &body.0, client_ip: &ip, idempotency_key: key.as_deref(), resident_limits: true };
    Ok(match wishes::post(&state, &caller, posting).await? {
        Posted::Created(wish) => HttpResponse::Created().json(views::wish(&caller, &wish)),
        // The same request again: the wish it created, rendered for this caller like any read.
        Posted::Replayed(wish) => {
            HttpResponse::Created().insert_header(("Idempotent-Replayed", "true")).json(views::wish(&caller, &wish))
        }
    })
}

/// Lists the wishes the caller may see, newest first.
#[utoipa::path(tag = "wishes", params(
    ("status" = Option<WishStatus>, Query),
    ("community_id" = Option<String>, Query),
    ("mine" = Option<bool>, Query, description = "only wishes I posted"),
    ("held" = Option<bool>, Query, description = "only wishes I hold as assignee or claimant"),
    ("filed" = Option<bool>, Query, description = "only wishes I filed for other residents"),
    ("cursor" = Option<String>, Query),
    ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses((status = 200, body = Page<Wish>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/wishes")]
pub async fn list_wishes(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<Wish>>, ApiError> {
    let q = query_map(&req)?;
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let limit = page_limit(get("limit"))?;
    let status = get("status")
        .map(|s| WishStatus::parse(s).ok_or_else(|| ApiError::invalid_field("status", "未知的状态")))
        .transpose()?;
    let community_id = get("community_id").map(|c| field_id("community_id", c)).transpose()?;
    // A filter that stays inside the caller's scope (a dispatcher's community; a member's
    // community asked for open wishes) needs no visibility clause: the query then reads one
    // range of the (community, status, id) index, however deep the page.
    let within_scope = community_id.is_some_and(|c| caller.sees_all_wishes_in(c, status));
    // Wishes the caller filed for others are theirs to follow, whatever the visibility clause says.
    let filed = flag("filed", get("filed"))?;
    let query = WishQuery {
        viewer_id: caller.id(),
        sees_all: caller.is_admin() || within_scope || filed,
        dispatcher_of: caller.communities(Role::Dispatcher),
        member_of: caller.communities(Role::Member),
        mine: flag("mine", get("mine"))?,
        held: flag("held", get("held"))?,
        filed,
        status,
        community_id,
        before_id: get("cursor").map(decode_cursor).transpose()?,
        limit: limit + 1,
    };
    let (rows, next) = keyset_page(state.store.list_wishes(&query).await?, limit, |w| w.id);
    Ok(web::Json(Page { items: rows.iter().map(|w| views::wish(&caller, w)).collect(), next_cursor: next }))
}

/// Loads a wish the caller may see, or 404.
pub async fn visible_wish(state: &AppState, caller: &Caller, raw_id: &str) -> Result<WishRecord, ApiError> {
    let wish = state.store.wish(path_id(raw_id)?).await?.ok_or_else(ApiError::not_found)?;
    if caller.can_see(&wish) { Ok(wish) } else { Err(ApiError::not_found()) }
}

/// One wish.
#[utoipa::path(tag = "wishes", params(("id" = String, Path)),
    responses((status = 200, body = Wish), (status = 404, body = ErrorBody)))]
#[get("/wishes/{id}")]
pub async fn get_wish(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Wish>, ApiError> {
    let wish = visible_wish(&state, &caller, &id).await?;
    Ok(web::Json(views::wish(&caller, &wish)))
}

/// A wish's recorded transitions, oldest first.
#[utoipa::path(tag = "wishes", params(("id" = String, Path)),
    responses((status = 200, body = Items<WishEvent>), (status = 404, body = ErrorBody)))]
#[get("/wishes/{id}/events")]
pub async fn wish_events(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Items<WishEvent>>, ApiError> {
    let wish = visible_wish(&state, &caller, &id).await?;
    let events = state.store.wish_events(wish.id).await?;
    let mut photos = crate::photos::by_event(&state, crate::store::wechat::Subject::Wish(wish.id)).await?;
    let items = events
        .iter()
        .map(|e| WishEvent { photo_ids: photos.remove(&e.id).unwrap_or_default(), ..views::event(e) })
        .collect();
    Ok(web::Json(Items { items }))
}
