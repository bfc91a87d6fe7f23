//! Accounts and sessions: register, log in, refresh, log out. The rules are in
//! [`crate::accounts`].

use actix_web::{HttpRequest, HttpResponse, post, web};
use haolin_shared::api::{AuthResponse, ErrorBody, LoginRequest, RefreshRequest, RegisterRequest};

use crate::accounts;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, client_ip};
use crate::routes::Routes;
use crate::state::AppState;

/// Registers the account routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(register).service(login).service(refresh).service(logout);
}

/// Creates a resident account and logs it in.
#[utoipa::path(tag = "accounts", request_body = RegisterRequest, security(()), responses(
    (status = 201, body = AuthResponse),
    (status = 409, description = "phone taken", body = ErrorBody),
    (status = 422, body = ErrorBody),
    (status = 429, description = "too many registrations from this address", body = ErrorBody)))]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    http: HttpRequest,
    body: ApiJson<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&http, state.settings.http.trust_forwarded_for);
    Ok(HttpResponse::Created().json(accounts::register(&state, &ip, body.0).await?))
}

/// Logs in with phone and password.
#[utoipa::path(tag = "accounts", request_body = LoginRequest, security(()), responses(
    (status = 200, body = AuthResponse),
    (status = 401, description = "wrong phone or password", body = ErrorBody),
    (status = 429, description = "too many attempts for this phone or address", body = ErrorBody)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    http: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&http, state.settings.http.trust_forwarded_for);
    Ok(HttpResponse::Ok().json(accounts::login(&state, &ip, body.0).await?))
}

/// Exchanges a refresh token for a new pair; the old one stops working.
#[utoipa::path(tag = "accounts", request_body = RefreshRequest, security(()), responses(
    (status = 200, body = AuthResponse),
    (status = 401, description = "unknown, used, expired or revoked", body = ErrorBody)))]
#[post("/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, body: ApiJson<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(accounts::refresh(&state, &body.0.refresh_token).await?))
}

/// Ends the caller's session: its refresh token and access tokens stop working.
#[utoipa::path(tag = "accounts", responses((status = 204, description = "logged out"), (status = 401, body = ErrorBody)))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    accounts::logout(&state, &caller).await?;
    Ok(HttpResponse::NoContent().finish())
}
