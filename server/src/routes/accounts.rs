//! Accounts and sessions: register, log in, refresh, log out; the caller's sessions and password;
//! one-time password reset codes. The rules are in [`crate::accounts`].

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use haolin_shared::api::{
    AuthResponse, ChangePasswordRequest, ErrorBody, Items, LoginRequest, RefreshRequest, RegisterRequest,
    ResetCodeResponse, ResetPasswordRequest, SessionInfo,
};

use crate::accounts;
use crate::auth::{Caller, Origin};
use crate::error::ApiError;
use crate::extract::{ApiJson, client_ip};
use crate::routes::Routes;
use crate::state::AppState;

/// Registers the account routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(list_sessions)
        .service(sign_out_others)
        .service(sign_out_session)
        .service(change_password)
        .service(issue_reset_code)
        .service(reset_password);
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

/// The caller's live sessions, newest first, the current one marked; never a token.
#[utoipa::path(tag = "accounts", responses((status = 200, body = Items<SessionInfo>), (status = 401, body = ErrorBody)))]
#[get("/me/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Items<SessionInfo>>, ApiError> {
    Ok(web::Json(Items { items: accounts::security::sessions(&state, &caller).await? }))
}

/// Signs out every other session of the caller; the current one stays.
#[utoipa::path(tag = "accounts", responses((status = 204, description = "the others are signed out"),
    (status = 401, body = ErrorBody)))]
#[post("/me/sessions/sign-out-others")]
pub async fn sign_out_others(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    accounts::security::sign_out_others(&state, &caller).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Signs out one of the caller's live sessions (the current one too, like a logout).
#[utoipa::path(tag = "accounts", params(("id" = String, Path)), responses(
    (status = 204, description = "signed out"), (status = 401, body = ErrorBody),
    (status = 404, description = "not a live session of the caller", body = ErrorBody)))]
#[delete("/me/sessions/{id}")]
pub async fn sign_out_session(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    accounts::security::sign_out_session(&state, &caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes the caller's password (the current one is needed, except by a WeChat account that has
/// none yet); every other session is signed out, the current one stays.
#[utoipa::path(tag = "accounts", request_body = ChangePasswordRequest, responses(
    (status = 204, description = "changed"), (status = 401, body = ErrorBody),
    (status = 409, description = "phone_required: a WeChat account without a phone number of its own", body = ErrorBody),
    (status = 422, description = "new_password too short or long; current_password missing or wrong", body = ErrorBody),
    (status = 429, description = "too many attempts for this account", body = ErrorBody)))]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    accounts::security::change_password(&state, &caller, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Issues a one-time password reset code for an account (a dispatcher for a resident of their
/// communities, or an admin): shown only in this answer, valid for `auth.reset_code_ttl`, once.
#[utoipa::path(tag = "accounts", params(("id" = String, Path)), responses(
    (status = 201, body = ResetCodeResponse), (status = 401, body = ErrorBody),
    (status = 403, description = "not a dispatcher of the account's community, nor an admin", body = ErrorBody),
    (status = 404, body = ErrorBody),
    (status = 409, description = "phone_required: the account has no phone number to reset with", body = ErrorBody),
    (status = 422, description = "one's own account", body = ErrorBody),
    (status = 429, description = "too many codes by this issuer or for this account", body = ErrorBody)))]
#[post("/users/{id}/reset-codes")]
pub async fn issue_reset_code(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let issued = accounts::reset::issue(&state, &caller, &id).await?;
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(issued))
}

/// Sets a new password with a reset code and the account's phone number; every session of the
/// account ends. A wrong, used or expired code answers the same 401.
#[utoipa::path(tag = "accounts", security(()), request_body = ResetPasswordRequest, responses(
    (status = 204, description = "the password is reset"),
    (status = 401, description = "unknown phone, or a wrong, used or expired code", body = ErrorBody),
    (status = 422, body = ErrorBody),
    (status = 429, description = "too many attempts for this phone or address", body = ErrorBody)))]
#[post("/auth/password-reset")]
pub async fn reset_password(
    state: web::Data<AppState>,
    http: HttpRequest,
    body: ApiJson<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let origin = Origin::of(&http, state.settings.http.trust_forwarded_for);
    accounts::reset::redeem(&state, &origin, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
