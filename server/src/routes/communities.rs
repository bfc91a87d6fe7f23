//! Communities, for anyone logged in.

use actix_web::{HttpRequest, get, web};
use haolin_shared::api::Page;
use haolin_shared::api::{Community, CommunityStats, ErrorBody, Items, PersonRef, StatusCount};
use haolin_shared::domain::WishStatus;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{decode_cursor, keyset_page, page_limit};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::views;

/// Registers the community routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(list_communities).service(community_members).service(community_stats);
}

/// Lists communities by id (`?cursor=&limit=`).
#[utoipa::path(tag = "communities", params(
    ("cursor" = Option<String>, Query, description = "from the previous page"),
    ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses((status = 200, body = Page<Community>), (status = 401, body = ErrorBody)))]
#[get("/communities")]
pub async fn list_communities(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<Community>>, ApiError> {
    let q = query_map(&req)?;
    let limit = page_limit(q.get("limit").map(String::as_str))?;
    let after = q.get("cursor").filter(|c| !c.is_empty()).map(|c| decode_cursor(c)).transpose()?;
    let (rows, next) = keyset_page(state.store.list_communities(after, limit + 1).await?, limit, |c| c.id);
    Ok(web::Json(Page { items: rows.iter().map(views::community).collect(), next_cursor: next }))
}

/// The members checked in to the community, by name; `q` filters by part of the name.
/// For its dispatchers (to dispatch a wish) and admins.
#[utoipa::path(tag = "communities", params(
    ("id" = String, Path),
    ("q" = Option<String>, Query, description = "part of the member's name")),
    responses((status = 200, body = Items<PersonRef>), (status = 404, body = ErrorBody)))]
#[get("/communities/{id}/members")]
pub async fn community_members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<web::Json<Items<PersonRef>>, ApiError> {
    let id = crate::places::managed_community(&state, &caller, &id).await?;
    let q = query_map(&req)?;
    let name_part = q.get("q").map(|s| s.trim()).unwrap_or("");
    if name_part.chars().count() > 30 {
        return Err(ApiError::invalid_field("q", "搜索词不能超过 30 个字"));
    }
    let rows = state.store.community_members(id, name_part, 50).await?;
    Ok(web::Json(Items { items: rows.into_iter().map(|(id, name)| PersonRef { id: id.to_string(), name }).collect() }))
}

/// The community's wishes counted by status, for its dispatchers, its street's officers and admins.
#[utoipa::path(tag = "communities", params(("id" = String, Path)),
    responses((status = 200, body = CommunityStats), (status = 404, body = ErrorBody)))]
#[get("/communities/{id}/stats")]
pub async fn community_stats(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<CommunityStats>, ApiError> {
    let id = crate::places::overseen_community(&state, &caller, &id).await?;
    let found = state.store.wish_counts(id).await?;
    let counts = WishStatus::ALL
        .into_iter()
        .map(|status| StatusCount { status, count: found.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n) })
        .collect();
    Ok(web::Json(CommunityStats { community_id: id.to_string(), counts }))
}
