//! Service points (红帆驿站): the list sorted by distance with "open now", one point, the map's grid
//! outlines, and their maintenance by admins and communities' dispatchers. The handlers parse and
//! render; the rules are `crate::service_points` (docs/SERVICE-POINTS.md).

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use haolin_shared::api::{
    CreateServicePointRequest, ErrorBody, Page, ServiceMap, ServicePoint, UpdateServicePointRequest,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, field_id, page_limit, path_id};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::service_points::{self, ListQuery, Origin, map};
use crate::state::AppState;

/// Registers the service-point routes (the map before `{id}`, which would match `map`).
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(list_points)
        .service(point_map)
        .service(create_point)
        .service(get_point)
        .service(update_point)
        .service(retire_point);
}

/// A query value; an empty one is a 422 naming the field.
fn value<'a>(q: &'a HashMap<String, String>, key: &str) -> Result<Option<&'a str>, ApiError> {
    match q.get(key).map(String::as_str) {
        Some("") => Err(ApiError::invalid_field(key, format!("{key} 不能为空"))),
        other => Ok(other),
    }
}

/// The query string as a map, like every list's ([`query_map`]); a key given twice is a 400.
fn unique_query(req: &HttpRequest) -> Result<HashMap<String, String>, ApiError> {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map_err(|_| ApiError::malformed("查询参数格式不正确"))?;
    let q = query_map(req)?;
    if pairs.len() != q.len() {
        return Err(ApiError::malformed("查询参数不能重复"));
    }
    Ok(q)
}

/// The list's query string as a [`ListQuery`].
fn list_query(req: &HttpRequest) -> Result<ListQuery, ApiError> {
    let q = unique_query(req)?;
    let coordinate = |field: &'static str, range: std::ops::RangeInclusive<f64>| {
        value(&q, field)?
            .map(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|x| range.contains(x))
                    .ok_or_else(|| ApiError::invalid_field(field, format!("{field} 须为有效的坐标")))
            })
            .transpose()
    };
    let lng = coordinate("lng", -180.0..=180.0)?;
    let lat = coordinate("lat", -90.0..=90.0)?;
    let near = value(&q, "near")?;
    let origin = match (lng, lat, near) {
        (None, None, None) => Origin::None,
        (Some(x), Some(y), None) => Origin::At([x, y]),
        (None, None, Some("home")) => Origin::Home,
        (_, _, Some("home")) => return Err(ApiError::invalid_field("near", "near=home 与 lng、lat 只能选一种")),
        (_, _, Some(_)) => return Err(ApiError::invalid_field("near", "near 只能为 home")),
        (Some(_), None, None) => return Err(ApiError::invalid_field("lat", "lng 与 lat 须同时给出")),
        (None, Some(_), None) => return Err(ApiError::invalid_field("lng", "lng 与 lat 须同时给出")),
    };
    let open_now = match value(&q, "open_now")? {
        None => None,
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        Some(_) => return Err(ApiError::invalid_field("open_now", "open_now 须为 true 或 false")),
    };
    let at = match value(&q, "at")? {
        None => Utc::now().timestamp_millis(),
        Some(raw) => DateTime::parse_from_rfc3339(raw)
            .map(|t| t.timestamp_millis())
            .map_err(|_| ApiError::invalid_field("at", "at 须为 RFC 3339 时间"))?,
    };
    let service = value(&q, "service")?.map(|s| s.trim().to_owned());
    Ok(ListQuery {
        origin,
        community_id: value(&q, "community_id")?.map(|c| field_id("community_id", c)).transpose()?,
        service,
        open_now,
        at,
        cursor: value(&q, "cursor")?.map(str::to_owned),
        limit: page_limit(value(&q, "limit")?)?,
    })
}

/// Service points in service, nearest first from `lng`/`lat` or the caller's home grid
/// (`near=home`), each with `open_now` (Asia/Shanghai, at `at` or now) and `distance_m` (great
/// circle, metres). Anyone signed in.
#[utoipa::path(tag = "service_points", params(
    ("lng" = Option<f64>, Query, description = "with `lat`: measure distances from here"),
    ("lat" = Option<f64>, Query),
    ("near" = Option<String>, Query, description = "`home`: from the centre of the caller's home grid"),
    ("community_id" = Option<String>, Query),
    ("service" = Option<String>, Query, description = "only points offering this service"),
    ("open_now" = Option<bool>, Query, description = "only points open (or closed) at `at`"),
    ("at" = Option<String>, Query, description = "RFC 3339; the instant `open_now` is about, default now"),
    ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Page<ServicePoint>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/service-points")]
pub async fn list_points(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<ServicePoint>>, ApiError> {
    Ok(web::Json(service_points::list(&state, &caller, &list_query(&req)?).await?))
}

/// The grid outlines to draw the map over: all of the district's, or those under `place_id` (a
/// district, street or community), simplified, in one answer. Anyone signed in.
#[utoipa::path(tag = "service_points", params(("place_id" = Option<String>, Query)),
    responses((status = 200, body = ServiceMap), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[get("/service-points/map")]
pub async fn point_map(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let q = unique_query(&req)?;
    let place = value(&q, "place_id")?.map(|p| field_id("place_id", p)).transpose()?;
    let outlines = map::outlines(&state, place).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "private, max-age=300")).json(outlines))
}

/// Creates a service point: an admin, or a dispatcher of the community (audited).
#[utoipa::path(tag = "service_points", request_body = CreateServicePointRequest, responses(
    (status = 201, body = ServicePoint), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/service-points")]
pub async fn create_point(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateServicePointRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(service_points::create(&state, &caller, &body.0).await?))
}

/// One service point (a retired one only for those who maintain it).
#[utoipa::path(tag = "service_points", params(("id" = String, Path)),
    responses((status = 200, body = ServicePoint), (status = 404, body = ErrorBody)))]
#[get("/service-points/{id}")]
pub async fn get_point(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<ServicePoint>, ApiError> {
    Ok(web::Json(service_points::get(&state, &caller, path_id(&id)?).await?))
}

/// Rewrites a service point's fields: an admin, or a dispatcher of its community (audited).
#[utoipa::path(tag = "service_points", params(("id" = String, Path)), request_body = UpdateServicePointRequest,
    responses((status = 200, body = ServicePoint), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the point is retired", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/service-points/{id}")]
pub async fn update_point(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<UpdateServicePointRequest>,
) -> Result<web::Json<ServicePoint>, ApiError> {
    Ok(web::Json(service_points::update(&state, &caller, path_id(&id)?, &body.0).await?))
}

/// Retires a service point (no longer listed): an admin, or a dispatcher of its community
/// (audited). A retired point answers as it is.
#[utoipa::path(tag = "service_points", params(("id" = String, Path)),
    responses((status = 200, body = ServicePoint), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/service-points/{id}/retire")]
pub async fn retire_point(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<ServicePoint>, ApiError> {
    Ok(web::Json(service_points::retire(&state, &caller, path_id(&id)?).await?))
}
