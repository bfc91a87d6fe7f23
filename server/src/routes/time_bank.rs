//! The time bank: the caller's account and ledger, family and gifts, a community's pool, the
//! admins' mint, reversals and invariant check, the service record and certificates (with their
//! public verification). The handlers parse and render; the rules are `crate::time_bank`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use haolin_shared::api::{
    AddFamilyRequest, Certificate, CertificateVerification, ErrorBody, FamilyLink, GiftRequest, Items, LedgerCheck,
    LedgerEntry, MintRequest, Page, PoolSummary, ReversalRequest, ServiceRecord, TimeBankSummary, Transfer,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, page_limit, path_id};
use crate::routes::Routes;
use crate::routes::volunteers::public_base;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::time_bank::{self, certificates};

/// Registers the time-bank routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(summary)
        .service(ledger)
        .service(family)
        .service(add_family)
        .service(accept_family)
        .service(remove_family)
        .service(gift)
        .service(pool)
        .service(mint)
        .service(reverse)
        .service(check)
        .service(service_record)
        .service(service_record_csv)
        .service(issue_certificate)
        .service(verify_certificate);
}

/// The caller's account: balance, escrow, lifetime hours and star level, what they may still
/// give today.
#[utoipa::path(tag = "time bank", responses((status = 200, body = TimeBankSummary)))]
#[get("/me/time-bank")]
pub async fn summary(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<TimeBankSummary>, ApiError> {
    Ok(web::Json(time_bank::summary(&state, &caller).await?))
}

/// The caller's ledger, newest first: every movement with the balance after it.
#[utoipa::path(tag = "time bank", params(("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = Page<LedgerEntry>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/me/time-bank/ledger")]
pub async fn ledger(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Page<LedgerEntry>>, ApiError> {
    let q = query_map(&req)?;
    let limit = page_limit(q.get("limit").map(String::as_str))?;
    Ok(web::Json(
        time_bank::ledger(&state, &caller, q.get("cursor").map(String::as_str).filter(|c| !c.is_empty()), limit)
            .await?,
    ))
}

/// The family links the caller named or was named in.
#[utoipa::path(tag = "time bank", responses((status = 200, body = Items<FamilyLink>)))]
#[get("/me/family")]
pub async fn family(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<Items<FamilyLink>>, ApiError> {
    Ok(web::Json(Items { items: time_bank::family(&state, &caller).await? }))
}

/// Names a spouse or a parent by their registered phone number; they accept before gifts flow.
#[utoipa::path(tag = "time bank", request_body = AddFamilyRequest, responses(
    (status = 201, body = FamilyLink), (status = 409, description = "named already", body = ErrorBody),
    (status = 422, body = ErrorBody), (status = 429, description = "too many tries", body = ErrorBody)))]
#[post("/me/family")]
pub async fn add_family(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<AddFamilyRequest>,
) -> Result<HttpResponse, ApiError> {
    // Naming someone by phone tells whether the number is registered: a few tries a minute.
    state.limiter.hit(&format!("family:{}", caller.id()), 10, state.settings.limits.window).await?;
    Ok(HttpResponse::Created().json(time_bank::add_family(&state, &caller, &body.0).await?))
}

/// The named relative accepts a family link.
#[utoipa::path(tag = "time bank", params(("id" = String, Path)), responses(
    (status = 200, body = FamilyLink), (status = 403, description = "the caller named it", body = ErrorBody),
    (status = 404, body = ErrorBody)))]
#[post("/me/family/{id}/accept")]
pub async fn accept_family(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<FamilyLink>, ApiError> {
    Ok(web::Json(time_bank::accept_family(&state, &caller, path_id(&id)?).await?))
}

/// Either side removes a family link.
#[utoipa::path(tag = "time bank", params(("id" = String, Path)), responses(
    (status = 204, description = "removed"), (status = 404, body = ErrorBody)))]
#[delete("/me/family/{id}")]
pub async fn remove_family(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    time_bank::remove_family(&state, &caller, path_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Gives minutes along an accepted family link the caller named (a parent must be 60 or over),
/// within the balance, the receiver's cap and the daily limit; refused gifts write nothing.
#[utoipa::path(tag = "time bank", request_body = GiftRequest, responses(
    (status = 201, body = Transfer),
    (status = 409, description = "`insufficient_hours`; `hours_limit_reached` (daily limit or the receiver's cap, `details.max`); link not accepted", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/me/time-bank/gifts")]
pub async fn gift(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<GiftRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(time_bank::gift(&state, &caller, &body.0).await?))
}

/// A community's pool: its dispatchers and admins.
#[utoipa::path(tag = "time bank", params(("id" = String, Path)), responses(
    (status = 200, body = PoolSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/communities/{id}/time-bank")]
pub async fn pool(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<PoolSummary>, ApiError> {
    Ok(web::Json(time_bank::pool(&state, &caller, path_id(&id)?).await?))
}

/// An admin issues hours into a community's pool, with a reason (audited).
#[utoipa::path(tag = "time bank", request_body = MintRequest, responses(
    (status = 201, body = Transfer), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/admin/time-bank/mint")]
pub async fn mint(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<MintRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(time_bank::mint(&state, &caller, &body.0).await?))
}

/// An admin reverses a transfer, once: the same minutes back (audited).
#[utoipa::path(tag = "time bank", request_body = ReversalRequest, responses(
    (status = 201, body = Transfer), (status = 403, body = ErrorBody),
    (status = 409, description = "reversed already, or the holder no longer has the minutes", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/admin/time-bank/reversals")]
pub async fn reverse(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ReversalRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(time_bank::reverse(&state, &caller, &body.0).await?))
}

/// The ledger's invariant over all of it: every balance is the sum of its movements, every
/// transfer two movements summing to zero, all balances sum to zero.
#[utoipa::path(tag = "time bank", responses((status = 200, body = LedgerCheck), (status = 403, body = ErrorBody)))]
#[get("/admin/time-bank/check")]
pub async fn check(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<LedgerCheck>, ApiError> {
    Ok(web::Json(time_bank::check(&state, &caller).await?))
}

/// The caller's volunteer service record: every credited service.
#[utoipa::path(tag = "time bank", responses((status = 200, body = ServiceRecord)))]
#[get("/me/service-record")]
pub async fn service_record(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<ServiceRecord>, ApiError> {
    Ok(web::Json(certificates::record(&state, &caller).await?))
}

/// The service record as CSV (UTF-8 with a byte-order mark; times in China time).
#[utoipa::path(tag = "time bank", responses((status = 200, description = "the record", content_type = "text/csv", body = String)))]
#[get("/me/service-record.csv")]
pub async fn service_record_csv(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let record = certificates::record(&state, &caller).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"service-record.csv\""))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(certificates::csv(&record)))
}

/// Issues a certificate of the caller's service to date, with its signed number and a QR code of
/// the public verification page.
#[utoipa::path(tag = "time bank", responses(
    (status = 201, body = Certificate), (status = 409, description = "no service recorded yet", body = ErrorBody)))]
#[post("/me/certificates")]
pub async fn issue_certificate(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(certificates::issue(&state, &caller, &public_base(&req)).await?))
}

/// Checks a certificate number (no sign-in): the holder's masked name, the hours and the date.
#[utoipa::path(tag = "time bank", security(()), params(("number" = String, Path)), responses(
    (status = 200, body = CertificateVerification),
    (status = 404, description = "forged or unknown", body = ErrorBody)))]
#[get("/certificates/{number}")]
pub async fn verify_certificate(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> Result<web::Json<CertificateVerification>, ApiError> {
    certificates::verify(&state, &number).await?.map(web::Json).ok_or_else(ApiError::not_found)
}

/// The public verification page of a certificate (HTML, Chinese).
#[utoipa::path(tag = "time bank", security(()), params(("number" = String, Path)), responses(
    (status = 200, description = "genuine", content_type = "text/html", body = String),
    (status = 404, description = "forged or unknown: the page says so", content_type = "text/html", body = String)))]
#[get("/verify/{number}")]
pub async fn verify_page(state: web::Data<AppState>, number: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let found = certificates::verify(&state, &number).await?;
    let mut res = if found.is_some() { HttpResponse::Ok() } else { HttpResponse::NotFound() };
    Ok(res
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(certificates::verify_page(&number, found.as_ref())))
}
