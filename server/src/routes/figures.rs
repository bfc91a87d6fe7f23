//! Figures for leaders: a place's figures by month, its members' workload, a member's own
//! figures and the places to pick from. The handlers parse and render; the rules are
//! `crate::figures` (docs/FIGURES.md).

use actix_web::{HttpRequest, get, web};
use haolin_shared::api::{ErrorBody, FigurePlaces, Figures, MyWorkload, Workload};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::figures::{self, FigureQuery};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;

/// The query string as a [`FigureQuery`] (a repeated key is 400, like every list's).
fn query(req: &HttpRequest) -> Result<FigureQuery, ApiError> {
    let q = query_map(req)?;
    let get = |k: &str| q.get(k).cloned();
    Ok(FigureQuery { place: get("place"), from: get("from"), to: get("to"), limit: get("limit") })
}

/// Registers the figures routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(place_figures).service(workload).service(my_workload).service(figure_places);
}

/// A place's figures for a date range, by month: wishes (posted … expired), the times to claim
/// and to confirm, ratings, check-ins, service hours and the work-order scorecard.
#[utoipa::path(tag = "figures", params(
    ("place" = Option<String>, Query, description = "a grid, community, street or district; default the caller's widest place"),
    ("from" = Option<String>, Query, description = "YYYY-MM-DD, Asia/Shanghai; default the first day of the month eleven months ago"),
    ("to" = Option<String>, Query, description = "YYYY-MM-DD; default today")),
    responses((status = 200, body = Figures), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[get("/figures")]
pub async fn place_figures(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Figures>, ApiError> {
    Ok(web::Json(figures::figures(&state, &caller, &query(&req)?).await?))
}

/// The workload of a place's members for a date range: each member's takings, releases,
/// expiries, ratings and hours, the busiest first, and how the load is spread.
#[utoipa::path(tag = "figures", params(
    ("place" = Option<String>, Query, description = "a grid, community, street or district; default the caller's widest place"),
    ("from" = Option<String>, Query, description = "YYYY-MM-DD; default the first day of the month eleven months ago"),
    ("to" = Option<String>, Query, description = "YYYY-MM-DD; default today"),
    ("limit" = Option<u32>, Query, description = "members listed, 1–100 (default 100)")),
    responses((status = 200, body = Workload), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[get("/figures/workload")]
pub async fn workload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Workload>, ApiError> {
    Ok(web::Json(figures::workload(&state, &caller, &query(&req)?).await?))
}

/// The places the caller may read figures of: their own top places, or the places under `parent`.
#[utoipa::path(tag = "figures", params(("parent" = Option<String>, Query)),
    responses((status = 200, body = FigurePlaces), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[get("/figures/places")]
pub async fn figure_places(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<FigurePlaces>, ApiError> {
    let q = query_map(&req)?;
    Ok(web::Json(figures::places(&state, &caller, q.get("parent").map(String::as_str)).await?))
}

/// The caller's own figures as a member, by month, wherever they served.
#[utoipa::path(tag = "figures", params(
    ("from" = Option<String>, Query, description = "YYYY-MM-DD; default the first day of the month eleven months ago"),
    ("to" = Option<String>, Query, description = "YYYY-MM-DD; default today")),
    responses((status = 200, body = MyWorkload), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/me/workload")]
pub async fn my_workload(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<MyWorkload>, ApiError> {
    Ok(web::Json(figures::my_workload(&state, &caller, &query(&req)?).await?))
}
