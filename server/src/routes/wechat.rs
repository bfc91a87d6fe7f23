//! WeChat mini-program accounts: log in with a `wx.login()` code, bind a WeChat identity to the
//! caller's account, and take the phone number from a `getPhoneNumber` code.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use haolin_shared::api::{AuthResponse, ErrorBody, ErrorCode, Role, User, WechatLoginRequest};
use haolin_shared::domain::PhoneNumber;
use haolin_shared::inbox::{WechatBinding, WechatCodeRequest};

use crate::accounts::start_session;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, client_ip};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::wechat::BindOutcome;
use crate::store::{Grant, NewUser, StoreError};
use crate::views;
use crate::wechat::{WechatClient, placeholder_phone};

/// Registers the WeChat account routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(wechat_login).service(bind_wechat).service(wechat_binding).service(phone_from_wechat);
}

fn client(state: &AppState) -> Result<&WechatClient, ApiError> {
    state
        .wechat
        .as_deref()
        .ok_or_else(|| ApiError::new(ErrorCode::WechatUnavailable, "本服务尚未配置微信登录，请使用手机号登录"))
}

fn code_of(raw: &str) -> Result<&str, ApiError> {
    let code = raw.trim();
    if code.is_empty() || code.len() > 256 {
        return Err(ApiError::invalid_field("code", "code 无效"));
    }
    Ok(code)
}

/// The name of an account created by WeChat login (WeChat no longer shares nicknames).
const WECHAT_USER_NAME: &str = "微信用户";
/// Stands in the password column of WeChat accounts: no argon2 hash, so no password matches it.
const NO_PASSWORD: &str = "!wechat-login";

/// Logs in with a `wx.login()` code: the account bound to the WeChat identity, created as a
/// resident on first login.
#[utoipa::path(tag = "accounts", security(()), responses(
    (status = 200, body = AuthResponse),
    (status = 401, description = "the code is invalid or already used (`invalid_wechat_code`)", body = ErrorBody),
    (status = 422, body = ErrorBody),
    (status = 503, description = "WeChat is not configured, down or slow (`wechat_unavailable`)", body = ErrorBody)))]
#[post("/auth/wechat")]
pub async fn wechat_login(
    state: web::Data<AppState>,
    http: HttpRequest,
    body: ApiJson<WechatLoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let code = code_of(&body.0.code)?;
    let limits = &state.settings.limits;
    let ip = client_ip(&http, state.settings.http.trust_forwarded_for);
    state.limiter.hit(&format!("login:ip:{ip}"), limits.login_per_ip, limits.window).await?;
    let identity = client(&state)?.code_to_session(code).await.map_err(|e| e.into_code_error())?;
    let user = match state.store.user_by_openid(&identity.openid).await? {
        Some(user) => user,
        None => {
            let new = NewUser {
                phone: placeholder_phone(&identity.openid),
                name: WECHAT_USER_NAME.to_owned(),
                password_hash: NO_PASSWORD.to_owned(),
                grants: vec![Grant { role: Role::Resident, community_id: None }],
            };
            match state.store.create_wechat_user(&identity.openid, identity.unionid.as_deref(), new).await {
                Ok(user) => {
                    tracing::info!(user_id = user.id, "account created by wechat login");
                    user
                }
                // A concurrent first login with the same identity won: use its account.
                Err(StoreError::AlreadyExists(_)) => {
                    state.store.user_by_openid(&identity.openid).await?.ok_or_else(ApiError::internal)?
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    Ok(HttpResponse::Ok().json(start_session(&state, &user).await?))
}

/// Binds the WeChat identity of a `wx.login()` code to the caller's account. An identity is bound
/// to one account at most, and an account to one identity: anything else is a 409.
#[utoipa::path(tag = "accounts", responses(
    (status = 200, body = WechatBinding),
    (status = 401, body = ErrorBody),
    (status = 409, description = "bound elsewhere (`wechat_already_bound`)", body = ErrorBody),
    (status = 503, body = ErrorBody)))]
#[post("/me/wechat")]
pub async fn bind_wechat(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<WechatCodeRequest>,
) -> Result<web::Json<WechatBinding>, ApiError> {
    let code = code_of(&body.0.code)?;
    let identity = client(&state)?.code_to_session(code).await.map_err(|e| e.into_code_error())?;
    match state.store.bind_wechat(caller.id(), &identity.openid, identity.unionid.as_deref()).await? {
        BindOutcome::Bound => Ok(web::Json(WechatBinding { bound: true })),
        BindOutcome::Conflict => {
            Err(ApiError::new(ErrorCode::WechatAlreadyBound, "该微信已绑定其他账号，或本账号已绑定其他微信"))
        }
    }
}

/// Whether the caller's account has a WeChat identity.
#[utoipa::path(tag = "accounts", responses((status = 200, body = WechatBinding), (status = 401, body = ErrorBody)))]
#[get("/me/wechat")]
pub async fn wechat_binding(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<WechatBinding>, ApiError> {
    Ok(web::Json(WechatBinding { bound: state.store.wechat_openid(caller.id()).await?.is_some() }))
}

/// Sets the caller's phone number from a `getPhoneNumber` code; returns the account.
#[utoipa::path(tag = "accounts", responses(
    (status = 200, body = User),
    (status = 401, description = "the code is invalid or used (`invalid_wechat_code`)", body = ErrorBody),
    (status = 409, description = "another account has this number (`already_exists`)", body = ErrorBody),
    (status = 503, body = ErrorBody)))]
#[post("/me/phone")]
pub async fn phone_from_wechat(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<WechatCodeRequest>,
) -> Result<web::Json<User>, ApiError> {
    let code = code_of(&body.0.code)?;
    let raw = client(&state)?.phone_number(code).await.map_err(|e| e.into_code_error())?;
    let mainland = || ApiError::invalid_field("code", "仅支持中国大陆手机号");
    let phone = PhoneNumber::parse(&raw.ok_or_else(mainland)?).map_err(|_| mainland())?;
    match state.store.set_phone(caller.id(), phone.as_str()).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists(_)) => {
            return Err(ApiError::new(ErrorCode::AlreadyExists, "该手机号已被其他账号使用，请用手机号登录后绑定微信"));
        }
        Err(e) => return Err(e.into()),
    }
    let user = state.store.user_by_id(caller.id()).await?.ok_or_else(ApiError::not_found)?;
    Ok(web::Json(views::user(&user)))
}
