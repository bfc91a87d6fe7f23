//! Places: browsing the hierarchy (anyone logged in) and administering it (admins): create,
//! rename, move, retire, and the bulk CSV import. The handlers parse and render; the rules are
//! `crate::places` and `crate::places::admin`.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use futures_util::StreamExt;
use haolin_shared::api::{
    CreatePlaceRequest, ErrorBody, ErrorCode, ImportSummary, Page, Place, PlaceLevel, PlaceRef, UpdatePlaceRequest,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, decode_cursor, field_id, keyset_page, page_limit, path_id};
use crate::places::{self, geo};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::store::places::PlaceRecord;
use crate::views::rfc3339;

/// The largest CSV file accepted by the import, in bytes.
const IMPORT_LIMIT: usize = 8 * 1024 * 1024;

/// Registers the place routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(list_places)
        .service(locate_place)
        .service(place_by_code)
        .service(get_place)
        .service(create_place)
        .service(update_place)
        .service(retire_place)
        .service(import_places);
}

/// One step of a path.
pub fn place_ref(p: &PlaceRecord) -> PlaceRef {
    PlaceRef { id: p.id.to_string(), code: p.code.clone(), name: p.name.clone(), level: p.level }
}

/// A place as the API shows it, with its path from the top (ending at itself).
fn view(p: &PlaceRecord, ancestors: &[PlaceRecord]) -> Place {
    let mut path: Vec<PlaceRef> = ancestors.iter().map(place_ref).collect();
    path.push(place_ref(p));
    Place {
        id: p.id.to_string(),
        code: p.code.clone(),
        name: p.name.clone(),
        level: p.level,
        kind: p.kind,
        parent_id: p.parent_id.map(|id| id.to_string()),
        path,
        retired_at: p.retired_at.map(rfc3339),
        boundary: geo::boundary_of(p.boundary.as_deref()),
        households: geo::households_of(p.households.as_deref()),
    }
}

/// The API view of a stored place, reading its path.
pub async fn render(state: &AppState, id: i64) -> Result<Place, ApiError> {
    let mut path = state.store.place_path(id).await?;
    let place = path.pop().ok_or_else(ApiError::not_found)?;
    Ok(view(&place, &path))
}

/// Lists places: the children of `parent_id` (of `level` if given); without `parent_id`, every
/// place of `level`, or the top-level places. Retired places are listed with `retired_at`.
#[utoipa::path(tag = "places", params(
    ("parent_id" = Option<String>, Query), ("level" = Option<PlaceLevel>, Query),
    ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses((status = 200, body = Page<Place>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/places")]
pub async fn list_places(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<Place>>, ApiError> {
    let q = query_map(&req)?;
    let limit = page_limit(q.get("limit").map(String::as_str))?;
    let after = q.get("cursor").filter(|c| !c.is_empty()).map(|c| decode_cursor(c)).transpose()?;
    let parent = q.get("parent_id").map(|raw| field_id("parent_id", raw)).transpose()?;
    let level = q
        .get("level")
        .map(|raw| PlaceLevel::parse(raw).ok_or_else(|| ApiError::invalid_field("level", "未知的层级")))
        .transpose()?;
    let ancestors = match parent {
        Some(id) => {
            let path = state.store.place_path(id).await?;
            if path.is_empty() {
                return Err(ApiError::invalid_field("parent_id", "上级不存在"));
            }
            Some(path)
        }
        None => None,
    };
    let rows = state.store.child_places(parent, level, after, limit + 1).await?;
    let (rows, next) = keyset_page(rows, limit, |p| p.id);
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(match (&ancestors, row.parent_id) {
            (Some(path), _) => view(row, path),
            (None, None) => view(row, &[]),
            (None, Some(_)) => render(&state, row.id).await?,
        });
    }
    Ok(web::Json(Page { items, next_cursor: next }))
}

/// The grid in service whose boundary holds the point `?lng=&lat=` (a resident finding their
/// grid from their location), or 404.
#[utoipa::path(tag = "places", params(("lng" = f64, Query), ("lat" = f64, Query)),
    responses((status = 200, body = Place), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/places/locate")]
pub async fn locate_place(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Place>, ApiError> {
    let q = query_map(&req)?;
    let coordinate = |field: &'static str, range: std::ops::RangeInclusive<f64>| {
        q.get(field)
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| range.contains(v))
            .ok_or_else(|| ApiError::invalid_field(field, format!("{field} 须为有效的坐标")))
    };
    let point = [coordinate("lng", -180.0..=180.0)?, coordinate("lat", -90.0..=90.0)?];
    let grid = places::grid_at(&state, point).await?.ok_or_else(ApiError::not_found)?;
    Ok(web::Json(render(&state, grid).await?))
}

/// One place with its path.
#[utoipa::path(tag = "places", params(("id" = String, Path)),
    responses((status = 200, body = Place), (status = 404, body = ErrorBody)))]
#[get("/places/{id}")]
pub async fn get_place(
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Place>, ApiError> {
    Ok(web::Json(render(&state, path_id(&id)?).await?))
}

/// The place with a unified code.
#[utoipa::path(tag = "places", params(("code" = String, Path)),
    responses((status = 200, body = Place), (status = 404, body = ErrorBody)))]
#[get("/places/by-code/{code}")]
pub async fn place_by_code(
    state: web::Data<AppState>,
    _caller: Caller,
    code: web::Path<String>,
) -> Result<web::Json<Place>, ApiError> {
    let place = state.store.place_by_code(code.trim()).await?.ok_or_else(ApiError::not_found)?;
    Ok(web::Json(render(&state, place.id).await?))
}

/// Creates a place. A district needs its 6-digit code; other places need a parent one level up,
/// and take the given code (the parent's plus 3 digits) or the next free one.
#[utoipa::path(tag = "admin", request_body = CreatePlaceRequest, responses(
    (status = 201, body = Place), (status = 403, body = ErrorBody),
    (status = 409, description = "code taken, or the parent is retired", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/admin/places")]
pub async fn create_place(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreatePlaceRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = places::admin::create(&state, &caller, &body.0).await?;
    Ok(HttpResponse::Created().json(render(&state, id).await?))
}

/// Renames a place, changes a grid's kind, or moves the place under another parent of the same
/// level as its current one; a move gives it (and everything under it) new codes.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), request_body = UpdatePlaceRequest, responses(
    (status = 200, body = Place), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "retired", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[patch("/admin/places/{id}")]
pub async fn update_place(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<UpdatePlaceRequest>,
) -> Result<web::Json<Place>, ApiError> {
    let id = path_id(&id)?;
    places::admin::update(&state, &caller, id, &body.0).await?;
    Ok(web::Json(render(&state, id).await?))
}

/// Retires a place: it stays (with its code, never reused) for history, and takes no new work.
/// Refused while places under it are in service, it has unfinished wishes, or a party
/// organisation in service sits at it.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = Place), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "open work", body = ErrorBody)))]
#[post("/admin/places/{id}/retire")]
pub async fn retire_place(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Place>, ApiError> {
    let id = path_id(&id)?;
    places::admin::retire(&state, &caller, id).await?;
    Ok(web::Json(render(&state, id).await?))
}

/// Imports places from a CSV file (`text/csv`, docs/PLACES.md): all of it in one transaction, or
/// nothing with every error by line and column.
#[utoipa::path(tag = "admin", request_body(content = String, content_type = "text/csv"), responses(
    (status = 200, body = ImportSummary), (status = 403, body = ErrorBody),
    (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
    (status = 422, description = "details.errors lists every error", body = ErrorBody)))]
#[post("/admin/places/import")]
pub async fn import_places(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<web::Json<ImportSummary>, ApiError> {
    caller.require_admin()?;
    let content_type = req.headers().get(actix_web::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let essence = content_type.and_then(|v| v.split(';').next()).map(|v| v.trim().to_ascii_lowercase());
    if !matches!(essence.as_deref(), Some("text/csv") | Some("text/plain")) {
        return Err(ApiError::new(ErrorCode::UnsupportedMediaType, "请求内容须为 CSV（Content-Type: text/csv）"));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::malformed("无法读取请求内容"))?;
        if body.len() + chunk.len() > IMPORT_LIMIT {
            return Err(ApiError::new(ErrorCode::PayloadTooLarge, "文件不能超过 8 MB"));
        }
        body.extend_from_slice(&chunk);
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::malformed("文件须为 UTF-8 编码"))?;
    Ok(web::Json(places::admin::import_csv(&state, &caller, text).await?))
}
