//! Accounts and sessions: register, log in, refresh, log out, and who am I.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use haolin_shared::api::{AuthResponse, ErrorBody, ErrorCode, LoginRequest, RefreshRequest, RegisterRequest, Role};
use haolin_shared::domain::{PersonName, PhoneNumber};

use crate::auth::tokens::{hash_refresh_token, new_refresh_token};
use crate::auth::{Caller, password};
use crate::error::ApiError;
use crate::extract::{ApiJson, client_ip};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{Grant, NewUser, Rotation, UserRecord};
use crate::views;

/// Registers the account routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(register).service(login).service(refresh).service(logout);
}

/// Starts a session for `user` and returns its first token pair.
pub async fn start_session(state: &AppState, user: &UserRecord) -> Result<AuthResponse, ApiError> {
    let (refresh_token, hash) = new_refresh_token();
    let expires =
        Utc::now() + chrono::Duration::from_std(state.settings.auth.refresh_ttl).unwrap_or(chrono::Duration::MAX);
    let session_id = state.store.create_session(user.id, &hash, expires).await?;
    Ok(AuthResponse {
        user: views::user(user),
        access_token: state.tokens.issue(user.id, session_id)?,
        expires_in: state.tokens.ttl_secs(),
        refresh_token,
    })
}

/// Validates and hashes a new account's fields.
pub async fn new_user(phone: &str, password_raw: &str, name: &str, grants: Vec<Grant>) -> Result<NewUser, ApiError> {
    let phone = PhoneNumber::parse(phone).map_err(|e| ApiError::invalid_value("phone", e))?;
    let name = PersonName::parse(name).map_err(|e| ApiError::invalid_value("name", e))?;
    password::check_new(password_raw)?;
    Ok(NewUser {
        phone: phone.into_inner(),
        name: name.into_inner(),
        password_hash: password::hash(password_raw.to_owned()).await?,
        grants,
    })
}

/// Creates a resident account and logs it in.
#[utoipa::path(tag = "accounts", security(()), responses(
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
    let limits = &state.settings.limits;
    let ip = client_ip(&http, state.settings.http.trust_forwarded_for);
    state.limiter.hit(&format!("register:ip:{ip}"), limits.register_per_ip, limits.window).await?;
    let req = body.0;
    let user = new_user(&req.phone, &req.password, &req.name, vec![Grant { role: Role::Resident, community_id: None }])
        .await?;
    let user = state.store.create_user(user).await.map_err(|e| {
        let mut err = ApiError::from(e);
        if err.code == ErrorCode::AlreadyExists {
            err.message = "该手机号已注册".into();
        }
        err
    })?;
    Ok(HttpResponse::Created().json(start_session(&state, &user).await?))
}

/// Logs in with phone and password.
#[utoipa::path(tag = "accounts", security(()), responses(
    (status = 200, body = AuthResponse),
    (status = 401, description = "wrong phone or password", body = ErrorBody),
    (status = 429, description = "too many attempts for this phone or address", body = ErrorBody)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    http: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.0;
    let limits = &state.settings.limits;
    let ip = client_ip(&http, state.settings.http.trust_forwarded_for);
    state.limiter.hit(&format!("login:ip:{ip}"), limits.login_per_ip, limits.window).await?;
    let account = PhoneNumber::parse(&req.phone).map_or_else(|_| req.phone.trim().to_owned(), PhoneNumber::into_inner);
    state.limiter.hit(&format!("login:account:{account}"), limits.login_per_account, limits.window).await?;
    let wrong = || ApiError::new(ErrorCode::InvalidCredentials, "手机号或密码错误");
    let user = match PhoneNumber::parse(&req.phone) {
        Ok(phone) => state.store.user_by_phone(phone.as_str()).await?,
        Err(_) => None,
    };
    let ok = password::verify(req.password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let user = user.filter(|_| ok).ok_or_else(wrong)?;
    Ok(HttpResponse::Ok().json(start_session(&state, &user).await?))
}

/// Exchanges a refresh token for a new pair; the old one stops working.
#[utoipa::path(tag = "accounts", security(()), responses(
    (status = 200, body = AuthResponse),
    (status = 401, description = "unknown, used, expired or revoked", body = ErrorBody)))]
#[post("/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, body: ApiJson<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let invalid = || ApiError::new(ErrorCode::InvalidRefreshToken, "登录已失效，请重新登录");
    let old = hash_refresh_token(body.0.refresh_token.trim());
    let (refresh_token, new_hash) = new_refresh_token();
    let now = Utc::now();
    let expires = now + chrono::Duration::from_std(state.settings.auth.refresh_ttl).unwrap_or(chrono::Duration::MAX);
    match state.store.rotate_refresh(&old, &new_hash, expires, now).await? {
        Rotation::Rotated { user_id, session_id } => {
            let user = state.store.user_by_id(user_id).await?.ok_or_else(invalid)?;
            Ok(HttpResponse::Ok().json(AuthResponse {
                user: views::user(&user),
                access_token: state.tokens.issue(user.id, session_id)?,
                expires_in: state.tokens.ttl_secs(),
                refresh_token,
            }))
        }
        Rotation::Reused => {
            tracing::warn!("refresh token reused; session revoked");
            Err(invalid())
        }
        Rotation::Invalid => Err(invalid()),
    }
}

/// Ends the caller's session: its refresh token and access tokens stop working.
#[utoipa::path(tag = "accounts", responses((status = 204, description = "logged out"), (status = 401, body = ErrorBody)))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    state.store.revoke_session(caller.session_id, Utc::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}
