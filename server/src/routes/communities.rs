//! Communities, for anyone logged in.

use actix_web::{HttpRequest, get, web};
use haolin_shared::api::{Community, ErrorBody, Page};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{decode_cursor, encode_cursor, page_limit};
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::views;

/// Registers the community routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_communities);
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
    let after = q.get("cursor").map(|c| decode_cursor(c)).transpose()?;
    let mut rows = state.store.list_communities(after, limit + 1).await?;
    let next = (rows.len() > limit as usize).then(|| {
        rows.truncate(limit as usize);
        rows.last().map(|c| encode_cursor(c.id))
    });
    Ok(web::Json(Page { items: rows.iter().map(views::community).collect(), next_cursor: next.flatten() }))
}
