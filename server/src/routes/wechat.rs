//! WeChat mini-program accounts: log in with a `wx.login()` code, bind a WeChat identity to the
//! caller's account, and take the phone number from a `getPhoneNumber` code.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use haolin_shared::api::{AuthResponse, ErrorBody, User, WechatLoginRequest};
use haolin_shared::inbox::{WechatBinding, WechatCodeRequest};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, client_ip};
use crate::routes::Routes;
use crate::state::AppState;
use crate::views;
use crate::wechat;

/// Registers the WeChat account routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(wechat_login).service(bind_wechat).service(wechat_binding).service(phone_from_wechat);
}

fn code_of(raw: &str) -> Result<&str, ApiError> {
    let code = raw.trim();
    if code.is_empty() || code.len() > 256 {
        return Err(ApiError::invalid_field("code", "code 无效"));
    }
    Ok(code)
}

/// Logs in with a `wx.login()` code: the account bound to the WeChat identity, created as a
/// resident on first login.
#[utoipa::path(tag = "accounts", request_body = WechatLoginRequest, security(()), responses(
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
    let ip = client_ip(&http, state.settings.http.trust_forwarded_for);
    Ok(HttpResponse::Ok().json(wechat::accounts::login(&state, &ip, code).await?))
}

/// Binds the WeChat identity of a `wx.login()` code to the caller's account. An identity is bound
/// to one account at most, and an account to one identity: anything else is a 409.
#[utoipa::path(tag = "accounts", request_body = WechatCodeRequest, responses(
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
    wechat::accounts::bind(&state, caller.id(), code).await?;
    Ok(web::Json(WechatBinding { bound: true }))
}

/// Whether the caller's account has a WeChat identity.
#[utoipa::path(tag = "accounts", responses((status = 200, body = WechatBinding), (status = 401, body = ErrorBody)))]
#[get("/me/wechat")]
pub async fn wechat_binding(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<WechatBinding>, ApiError> {
    Ok(web::Json(WechatBinding { bound: state.store.wechat_openid(caller.id()).await?.is_some() }))
}

/// Sets the caller's phone number from a `getPhoneNumber` code; returns the account.
#[utoipa::path(tag = "accounts", request_body = WechatCodeRequest, responses(
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
    let user = wechat::accounts::take_phone(&state, caller.id(), code).await?;
    Ok(web::Json(views::user(&user)))
}
