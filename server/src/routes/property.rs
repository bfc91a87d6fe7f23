//! Property service ratings (红色物业): companies and estates (admins), a resident's rating of
//! their estate, and a period's results and comments for those who oversee the estates. The
//! handlers parse and render; the rules are `crate::property` (docs/PROPERTY.md).

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use futures_util::StreamExt;
use haolin_shared::api::{
    CreatePropertyEstateRequest, ErrorBody, ErrorCode, ImportSummary, MyProperty, Page, PropertyComment,
    PropertyCompany, PropertyCompanyRequest, PropertyEstate, PropertyRating, PropertyResult, PropertyStaffRequest,
    RatePropertyRequest, UpdatePropertyEstateRequest,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::property::results::ResultQuery;
use crate::property::{admin, import, ratings, results};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;

/// The largest CSV file accepted by the import, in bytes.
const IMPORT_LIMIT: usize = 2 * 1024 * 1024;

/// Registers the property routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(list_companies)
        .service(create_company)
        .service(rename_company)
        .service(add_staff)
        .service(remove_staff)
        .service(list_estates)
        .service(get_estate)
        .service(create_estate)
        .service(update_estate)
        .service(import_estates)
        .service(my_property)
        .service(get_rating)
        .service(rate)
        .service(estate_results)
        .service(company_results)
        .service(comments);
}

/// The query string as a map, an empty value refused (422 naming it) like every list's filter.
fn query(req: &HttpRequest) -> Result<HashMap<String, String>, ApiError> {
    let q = query_map(req)?;
    if let Some((key, _)) = q.iter().find(|(_, v)| v.is_empty()) {
        return Err(ApiError::invalid_field(key.clone(), "不能为空"));
    }
    Ok(q)
}

fn result_query(req: &HttpRequest) -> Result<ResultQuery, ApiError> {
    let q = query(req)?;
    let get = |k: &str| q.get(k).cloned();
    Ok(ResultQuery { period: get("period"), estate_id: get("estate_id"), cursor: get("cursor"), limit: get("limit") })
}

/// The property companies (any signed-in caller: their names are public), by id.
#[utoipa::path(tag = "property", params(("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses((status = 200, body = Page<PropertyCompany>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/property/companies")]
pub async fn list_companies(
    state: web::Data<AppState>,
    _caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<PropertyCompany>>, ApiError> {
    let q = query(&req)?;
    Ok(web::Json(
        admin::companies(&state, q.get("cursor").map(String::as_str), q.get("limit").map(String::as_str)).await?,
    ))
}

/// Creates a property company (admin).
#[utoipa::path(tag = "property", request_body = PropertyCompanyRequest, responses(
    (status = 201, body = PropertyCompany), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/admin/property/companies")]
pub async fn create_company(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<PropertyCompanyRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(admin::create_company(&state, &caller, &body.0).await?))
}

/// Renames a property company (admin).
#[utoipa::path(tag = "property", params(("id" = String, Path)), request_body = PropertyCompanyRequest, responses(
    (status = 200, body = PropertyCompany), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[patch("/admin/property/companies/{id}")]
pub async fn rename_company(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<PropertyCompanyRequest>,
) -> Result<web::Json<PropertyCompany>, ApiError> {
    Ok(web::Json(admin::rename_company(&state, &caller, &id, &body.0).await?))
}

/// Puts an account on a company's staff (admin): it then reads the results and comments of the
/// company's estates.
#[utoipa::path(tag = "property", params(("id" = String, Path)), request_body = PropertyStaffRequest, responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/admin/property/companies/{id}/staff")]
pub async fn add_staff(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<PropertyStaffRequest>,
) -> Result<HttpResponse, ApiError> {
    admin::staff(&state, &caller, &id, &body.0.user_id, true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes an account off a company's staff (admin).
#[utoipa::path(tag = "property", params(("id" = String, Path)), request_body = PropertyStaffRequest, responses(
    (status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[delete("/admin/property/companies/{id}/staff")]
pub async fn remove_staff(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<PropertyStaffRequest>,
) -> Result<HttpResponse, ApiError> {
    admin::staff(&state, &caller, &id, &body.0.user_id, false).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The estates the caller oversees (admins, the street's officers, the community's dispatchers,
/// the company's staff), by id.
#[utoipa::path(tag = "property", params(("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses((status = 200, body = Page<PropertyEstate>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[get("/property/estates")]
pub async fn list_estates(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<PropertyEstate>>, ApiError> {
    let q = query(&req)?;
    let (cursor, limit) = (q.get("cursor").map(String::as_str), q.get("limit").map(String::as_str));
    Ok(web::Json(admin::estates(&state, &caller, cursor, limit).await?))
}

/// An estate the caller oversees.
#[utoipa::path(tag = "property", params(("id" = String, Path)),
    responses((status = 200, body = PropertyEstate), (status = 404, body = ErrorBody)))]
#[get("/property/estates/{id}")]
pub async fn get_estate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<PropertyEstate>, ApiError> {
    Ok(web::Json(admin::get_estate(&state, &caller, &id).await?))
}

/// Creates an estate: grids or units of one community, served by a company (admin).
#[utoipa::path(tag = "property", request_body = CreatePropertyEstateRequest, responses(
    (status = 201, body = PropertyEstate), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/admin/property/estates")]
pub async fn create_estate(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreatePropertyEstateRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(admin::create_estate(&state, &caller, &body.0).await?))
}

/// Renames an estate, gives it to another company or changes its places (admin).
#[utoipa::path(tag = "property", params(("id" = String, Path)), request_body = UpdatePropertyEstateRequest, responses(
    (status = 200, body = PropertyEstate), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[patch("/admin/property/estates/{id}")]
pub async fn update_estate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<UpdatePropertyEstateRequest>,
) -> Result<web::Json<PropertyEstate>, ApiError> {
    Ok(web::Json(admin::update_estate(&state, &caller, &id, &body.0).await?))
}

/// Imports companies and estates from a CSV file (`text/csv`, columns `company`, `estate`,
/// `places`; docs/PROPERTY.md): all of it in one transaction, or nothing with every error by line
/// and column (admin).
#[utoipa::path(tag = "property", request_body(content = String, content_type = "text/csv"), responses(
    (status = 200, body = ImportSummary), (status = 403, body = ErrorBody),
    (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
    (status = 422, description = "details.errors lists every error", body = ErrorBody)))]
#[post("/admin/property/import")]
pub async fn import_estates(
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
            return Err(ApiError::new(ErrorCode::PayloadTooLarge, "文件不能超过 2 MB"));
        }
        body.extend_from_slice(&chunk);
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::malformed("文件须为 UTF-8 编码"))?;
    Ok(web::Json(import::import_csv(&state, &caller, text).await?))
}

/// The caller's home and the estate it lies in (none: nothing to rate), the current period and
/// the caller's rating of it.
#[utoipa::path(tag = "property", responses((status = 200, body = MyProperty)))]
#[get("/property/mine")]
pub async fn my_property(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<MyProperty>, ApiError> {
    Ok(web::Json(ratings::mine(&state, &caller).await?))
}

/// The caller's own rating of their estate for a period (default the current one).
#[utoipa::path(tag = "property", params(("id" = String, Path),
    ("period" = Option<String>, Query, description = "YYYY-MM (YYYY-Qn with quarterly periods); default the current period")),
    responses((status = 200, body = PropertyRating), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/property/estates/{id}/rating")]
pub async fn get_rating(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<web::Json<PropertyRating>, ApiError> {
    let q = query(&req)?;
    Ok(web::Json(ratings::get(&state, &caller, &id, q.get("period").map(String::as_str)).await?))
}

/// Rates the property service of the caller's estate for the current period (201), or changes
/// the caller's rating of it (200) until the period closes; a closed period is a 409.
#[utoipa::path(tag = "property", params(("id" = String, Path)), request_body = RatePropertyRequest, responses(
    (status = 200, description = "the rating changed", body = PropertyRating), (status = 201, body = PropertyRating),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "the period is closed", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/property/estates/{id}/rating")]
pub async fn rate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<RatePropertyRequest>,
) -> Result<HttpResponse, ApiError> {
    let (rating, created) = ratings::rate(&state, &caller, &id, &body.0).await?;
    Ok(if created { HttpResponse::Created().json(rating) } else { HttpResponse::Ok().json(rating) })
}

/// A period's results per estate the caller oversees: averages per duty, satisfaction, points,
/// grade and the red or black list.
#[utoipa::path(tag = "property", params(
    ("period" = Option<String>, Query, description = "YYYY-MM (YYYY-Qn with quarterly periods); default the current period"),
    ("estate_id" = Option<String>, Query), ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses((status = 200, body = Page<PropertyResult>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[get("/property/results")]
pub async fn estate_results(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<PropertyResult>>, ApiError> {
    Ok(web::Json(results::estates(&state, &caller, &result_query(&req)?).await?))
}

/// A period's results per company over all its estates, for the companies the caller oversees.
#[utoipa::path(tag = "property", params(
    ("period" = Option<String>, Query, description = "YYYY-MM (YYYY-Qn with quarterly periods); default the current period"),
    ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses((status = 200, body = Page<PropertyResult>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[get("/property/company-results")]
pub async fn company_results(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<PropertyResult>>, ApiError> {
    let q = result_query(&req)?;
    if q.estate_id.is_some() {
        return Err(ApiError::invalid_field("estate_id", "公司汇总不能按小区筛选"));
    }
    Ok(web::Json(results::companies(&state, &caller, &q).await?))
}

/// A period's comments on the estates the caller oversees, newest first, without who wrote them.
#[utoipa::path(tag = "property", params(
    ("period" = Option<String>, Query, description = "YYYY-MM (YYYY-Qn with quarterly periods); default the current period"),
    ("estate_id" = Option<String>, Query), ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses((status = 200, body = Page<PropertyComment>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[get("/property/comments")]
pub async fn comments(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<PropertyComment>>, ApiError> {
    Ok(web::Json(results::comments(&state, &caller, &result_query(&req)?).await?))
}
