//! Posting, listing and reading wishes. The actions that move a wish are in `wish_actions`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use haolin_shared::api::{CreateWishRequest, ErrorBody, ErrorCode, Items, Page, Role, Wish, WishEvent};
use haolin_shared::domain::{Category, PhoneNumber, WishDescription, WishStatus, WishTitle};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::events::WishChange;
use crate::extract::{ApiJson, client_ip, decode_cursor, encode_cursor, field_id, flag, page_limit, path_id};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{IdempotencyWrite, IdempotentResponse, NewWish, WishQuery, WishRecord};
use crate::views;

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

/// China Standard Time, for "not in the past" on a date.
fn china_today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// `YYYY-MM-DD` (not before today in China) or an RFC 3339 time (not in the past), normalised.
fn parse_expected_by(raw: &str) -> Result<String, ApiError> {
    let raw = raw.trim();
    let invalid = || ApiError::invalid_field("expected_by", "期望时间须为今天或以后的日期（YYYY-MM-DD）");
    if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return if date >= china_today() { Ok(date.format("%Y-%m-%d").to_string()) } else { Err(invalid()) };
    }
    let time = DateTime::parse_from_rfc3339(raw).map_err(|_| invalid())?.with_timezone(&Utc);
    if time < Utc::now() - chrono::Duration::minutes(5) {
        return Err(invalid());
    }
    Ok(views::rfc3339(time))
}

/// Replays a stored response if the request is the same, else refuses the reused key.
fn replay(first: IdempotentResponse, hash: &[u8]) -> Result<HttpResponse, ApiError> {
    if first.request_hash != hash {
        return Err(ApiError::new(ErrorCode::IdempotencyKeyReused, "该 Idempotency-Key 已用于另一个请求"));
    }
    Ok(HttpResponse::build(StatusCode::from_u16(first.status).unwrap_or(StatusCode::CREATED))
        .content_type("application/json")
        .insert_header(("Idempotent-Replayed", "true"))
        .body(first.body))
}

/// Posts a wish for the caller; it waits in `pending_review` for a dispatcher.
#[utoipa::path(tag = "wishes",
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first response for the same body")),
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
    let limits = &state.settings.limits;
    let ip = client_ip(&req, state.settings.http.trust_forwarded_for);
    state.limiter.hit(&format!("wish:ip:{ip}"), limits.wishes_per_ip, limits.window).await?;
    state.limiter.hit(&format!("wish:account:{}", caller.id()), limits.wishes_per_account, limits.window).await?;
    let key = match req.headers().get("Idempotency-Key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .map(str::trim)
                .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
                .ok_or_else(|| ApiError::invalid_field("Idempotency-Key", "Idempotency-Key 须为 1 到 255 个可见字符"))?
                .to_owned(),
        ),
    };
    let body = body.0;
    let hash = Sha256::digest(serde_json::to_vec(&body).unwrap_or_default()).to_vec();
    if let Some(key) = &key
        && let Some(first) = state.store.idempotent_response(caller.id(), key).await?
    {
        return replay(first, &hash);
    }
    let community_id = field_id("community_id", &body.community_id)?;
    if state.store.count_communities(&[community_id]).await? != 1 {
        return Err(ApiError::invalid_field("community_id", "社区不存在"));
    }
    let title = WishTitle::parse(&body.title).map_err(|e| ApiError::invalid_value("title", e))?;
    let description =
        WishDescription::parse(&body.description).map_err(|e| ApiError::invalid_value("description", e))?;
    let category = Category::parse(&body.category, &state.settings.wishes.categories)
        .map_err(|e| ApiError::invalid_value("category", e))?;
    let place = crate::places::wish_place(&state, &caller, community_id, &body).await?;
    let contact_phone = match &body.contact_phone {
        Some(p) => PhoneNumber::parse(p).map_err(|e| ApiError::invalid_value("contact_phone", e))?.into_inner(),
        None => match place.resident_phone {
            Some(phone) => phone,
            None if crate::wechat::is_placeholder_phone(&caller.user.phone) => {
                return Err(ApiError::invalid_field("contact_phone", "请填写联系电话"));
            }
            None => caller.user.phone.clone(),
        },
    };
    let expected_by = body.expected_by.as_deref().map(parse_expected_by).transpose()?;
    let flagged = crate::wechat::content::check(
        &state,
        caller.id(),
        &[
            ("title", title.as_str(), crate::wechat::content::SCENE_POST),
            ("description", description.as_str(), crate::wechat::content::SCENE_POST),
        ],
    )
    .await?;
    let notices = crate::notify::with_messages(
        &state.settings.wechat,
        crate::notify::for_post(community_id, title.as_str(), caller.id(), flagged),
        None,
        title.as_str(),
    );
    let wish = NewWish {
        community_id,
        resident_id: place.resident_id,
        posted_by: caller.id(),
        title: title.into_inner(),
        description: description.into_inner(),
        category: category.into_inner(),
        contact_phone,
        expected_by,
        grid_id: place.grid_id,
        at: Utc::now(),
        notices,
        flagged,
    };
    let idem = key.map(|key| IdempotencyWrite { user_id: caller.id(), key, request_hash: hash.clone() });
    match state.store.create_wish(wish, idem, views::wish_for_resident).await? {
        Ok(recorded) => {
            tracing::info!(wish_id = recorded.wish.id, community_id, "wish posted");
            let body = views::wish(&caller, &recorded.wish);
            state.events.publish(WishChange { event_id: recorded.event_id, wish: recorded.wish, before: None });
            Ok(HttpResponse::Created().json(body))
        }
        Err(first) => replay(first, &hash),
    }
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
    let mut rows = state.store.list_wishes(&query).await?;
    let next = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|w| encode_cursor(w.id))
    } else {
        None
    };
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
    Ok(web::Json(Items { items: events.iter().map(views::event).collect() }))
}
