//! The Open311 GeoReport v2 door (docs/OPEN311.md) and the admins' partner keys.
//!
//! `/open311/v2/…` speaks the GeoReport v2 spec, not API.md: documents in JSON or XML as the
//! path's extension says, errors as the spec's `{code, description}` array, a form-encoded POST
//! with an `api_key`. Those routes are therefore registered outside the `/api/v1` OpenAPI
//! document ([`configure_public`], like `/metrics`) and described in docs/OPEN311.md. The key
//! management under `/api/v1/admin/open311-keys` is an ordinary documented API.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use haolin_shared::api::{CreateOpen311KeyRequest, ErrorBody, IssuedOpen311Key, Items, Open311Key};

use crate::auth::{Caller, Origin};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::open311::{self, Document, Failure, Form, Format, RequestFilter, keys};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;

/// Registers the admins' key routes (under `/api/v1`).
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(issue_key).service(list_keys).service(revoke_key);
}

/// Registers the GeoReport v2 routes under `/open311/v2` (outside the OpenAPI document).
pub fn configure_public(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/open311/v2")
            .route("/services/{file}", web::get().to(service_definition))
            .route("/services/{file}", web::route().to(|| allow("GET")))
            .route("/requests/{file}", web::get().to(one_request))
            .route("/requests/{file}", web::route().to(|| allow("GET")))
            .route("/requests", web::post().to(post_request_plain))
            .route("/requests", web::route().to(|| allow("POST")))
            .route("/{file}", web::get().to(listing))
            .route("/{file}", web::post().to(post_request))
            .route("/{file}", web::route().to(|| allow("GET, POST")))
            .default_service(web::to(unknown)),
    );
}

/// A document, or the error document, in `format`.
fn respond(format: Format, answer: Result<Document, Failure>, ok: StatusCode) -> HttpResponse {
    let (status, doc, retry_after) = match answer {
        Ok(doc) => (ok, doc, None),
        Err(failure) => (
            StatusCode::from_u16(failure.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            failure.document(),
            failure.retry_after,
        ),
    };
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CONTENT_TYPE, format.content_type()));
    res.insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(secs) = retry_after {
        res.insert_header((header::RETRY_AFTER, secs.to_string()));
    }
    res.body(doc.render(format))
}

/// The query string's parameters (a malformed one is a 400).
fn params(req: &HttpRequest) -> Result<std::collections::HashMap<String, String>, Failure> {
    let mut q = query_map(req).map_err(Failure::from)?;
    q.retain(|_, v| !v.trim().is_empty());
    Ok(q)
}

/// Neither `.json` nor `.xml`, or no such document: a 404 in JSON.
fn not_found() -> HttpResponse {
    respond(
        Format::Json,
        Err(Failure::not_found("找不到该 Open311 资源（路径须以 .json 或 .xml 结尾）")),
        StatusCode::OK,
    )
}

/// `GET /open311/v2/services.{fmt}` and `GET /open311/v2/requests.{fmt}`.
async fn listing(state: web::Data<AppState>, req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    let Some((name, format)) = Format::split(&file) else { return not_found() };
    let answer = match name {
        "services" => match params(&req) {
            Ok(q) => open311::jurisdiction(&state, q.get("jurisdiction_id").map(String::as_str))
                .await
                .map(|_| open311::services(&state)),
            Err(e) => Err(e),
        },
        "requests" => match params(&req) {
            Ok(q) => {
                let get = |k: &str| q.get(k).map(String::as_str);
                let filter = RequestFilter {
                    jurisdiction_id: get("jurisdiction_id"),
                    service_request_id: get("service_request_id"),
                    service_code: get("service_code"),
                    start_date: get("start_date"),
                    end_date: get("end_date"),
                    status: get("status"),
                };
                open311::requests(&state, &filter).await
            }
            Err(e) => Err(e),
        },
        _ => return not_found(),
    };
    respond(format, answer, StatusCode::OK)
}

/// `GET /open311/v2/services/{code}.{fmt}`.
async fn service_definition(state: web::Data<AppState>, req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    let Some((code, format)) = Format::split(&file) else { return not_found() };
    let answer = match params(&req) {
        Ok(q) => match open311::jurisdiction(&state, q.get("jurisdiction_id").map(String::as_str)).await {
            Ok(_) => open311::service_definition(&state, code),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    respond(format, answer, StatusCode::OK)
}

/// `GET /open311/v2/requests/{id}.{fmt}`.
async fn one_request(state: web::Data<AppState>, req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    let Some((id, format)) = Format::split(&file) else { return not_found() };
    let answer = match params(&req) {
        Ok(q) => open311::request(&state, q.get("jurisdiction_id").map(String::as_str), id).await,
        Err(e) => Err(e),
    };
    respond(format, answer, StatusCode::OK)
}

/// The form of a POST: `application/x-www-form-urlencoded`, as the spec says.
fn form_of(req: &HttpRequest, body: &[u8]) -> Result<Form, Failure> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.trim().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err(Failure::bad("请求体须为 application/x-www-form-urlencoded"));
    }
    let text = std::str::from_utf8(body).map_err(|_| Failure::bad("请求体须为 UTF-8"))?;
    web::Query::<Vec<(String, String)>>::from_query(text)
        .map(|q| Form(q.into_inner()))
        .map_err(|_| Failure::bad("请求体格式不正确"))
}

async fn file_post(state: &AppState, req: &HttpRequest, body: &[u8], format: Format) -> HttpResponse {
    let answer = match form_of(req, body) {
        Ok(form) => {
            let origin = Origin::of(req, state.settings.http.trust_forwarded_for);
            open311::post(state, origin, &form).await.map(open311::posted)
        }
        Err(e) => Err(e),
    };
    respond(format, answer, StatusCode::CREATED)
}

/// `POST /open311/v2/requests.{fmt}`.
async fn post_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    match Format::split(&file) {
        Some(("requests", format)) => file_post(&state, &req, &body, format).await,
        _ => not_found(),
    }
}

/// `POST /open311/v2/requests` (no extension: JSON).
async fn post_request_plain(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    file_post(&state, &req, &body, Format::Json).await
}

/// A document's path called with another method: 405 with `Allow`, as an Open311 error (JSON).
async fn allow(methods: &'static str) -> HttpResponse {
    let failure =
        Failure { status: 405, description: format!("该路径只接受 {methods} 请求"), retry_after: None };
    let mut res = respond(Format::Json, Err(failure), StatusCode::OK);
    res.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static(methods));
    res
}

/// Anything else under `/open311/v2`.
async fn unknown() -> HttpResponse {
    not_found()
}

/// Issues an Open311 key to a partner, scoped to a community or a street; the secret
/// (`api_key`) is in this answer only.
#[utoipa::path(tag = "open311", request_body = CreateOpen311KeyRequest, responses(
    (status = 201, body = IssuedOpen311Key),
    (status = 403, description = "not an admin", body = ErrorBody),
    (status = 422, description = "a partner name, a community or street in service, a phone number", body = ErrorBody)))]
#[post("/admin/open311-keys")]
pub async fn issue_key(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateOpen311KeyRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(keys::issue(&state, &caller, &body.0).await?))
}

/// Every Open311 key, newest first, without secrets.
#[utoipa::path(tag = "open311", responses(
    (status = 200, body = Items<Open311Key>), (status = 403, description = "not an admin", body = ErrorBody)))]
#[get("/admin/open311-keys")]
pub async fn list_keys(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<Items<Open311Key>>, ApiError> {
    Ok(web::Json(Items { items: keys::list(&state, &caller).await? }))
}

/// Revokes an Open311 key: its POSTs are refused (403) from now on. Revoking a revoked key
/// changes nothing.
#[utoipa::path(tag = "open311", params(("id" = String, Path)),
    responses((status = 200, body = Open311Key), (status = 403, description = "not an admin", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
#[post("/admin/open311-keys/{id}/revoke")]
pub async fn revoke_key(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Open311Key>, ApiError> {
    Ok(web::Json(keys::revoke(&state, &caller, &id).await?))
}
