//! The account workflows of the WeChat mini-program: log in with a `wx.login()` code (creating a
//! resident on first login), bind an identity to an account, take the phone number WeChat shares.
//! The handlers in `routes/wechat.rs` only parse the code and render the account.

use haolin_shared::api::{AuthResponse, ErrorCode, Role};
use haolin_shared::domain::PhoneNumber;

use crate::accounts::start_session;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::wechat::BindOutcome;
use crate::store::{Grant, NewUser, StoreError, UserRecord};
use crate::wechat::{WechatClient, placeholder_phone};

/// The name of an account created by WeChat login (WeChat no longer shares nicknames).
const WECHAT_USER_NAME: &str = "微信用户";
/// Stands in the password column of WeChat accounts: no argon2 hash, so no password matches it.
pub const NO_PASSWORD: &str = "!wechat-login";

/// The WeChat client, or 503 when this server has none configured.
fn client(state: &AppState) -> Result<&WechatClient, ApiError> {
    state
        .wechat
        .as_deref()
        .ok_or_else(|| ApiError::new(ErrorCode::WechatUnavailable, "本服务尚未配置微信登录，请使用手机号登录"))
}

/// Logs in with `code` from `ip` (counted against the same per-address limit as password logins):
/// a session of the account bound to the WeChat identity, created as a resident on first login.
pub async fn login(state: &AppState, ip: &str, code: &str) -> Result<AuthResponse, ApiError> {
    let limits = &state.settings.limits;
    state.limiter.hit(&format!("login:ip:{ip}"), limits.login_per_ip, limits.window).await?;
    let user = account_of(state, code).await?;
    start_session(state, &user).await
}

/// The account bound to the WeChat identity of `code`, created as a resident on first login.
async fn account_of(state: &AppState, code: &str) -> Result<UserRecord, ApiError> {
    let identity = client(state)?.code_to_session(code).await.map_err(|e| e.into_code_error())?;
    if let Some(user) = state.store.user_by_openid(&identity.openid).await? {
        return Ok(user);
    }
    let new = NewUser {
        phone: placeholder_phone(&identity.openid),
        name: WECHAT_USER_NAME.to_owned(),
        password_hash: NO_PASSWORD.to_owned(),
        grants: vec![Grant { role: Role::Resident, community_id: None }],
    };
    match state.store.create_wechat_user(&identity.openid, identity.unionid.as_deref(), new).await {
        Ok(user) => {
            tracing::info!(user_id = user.id, "account created by wechat login");
            Ok(user)
        }
        // A concurrent first login with the same identity won: use its account.
        Err(StoreError::AlreadyExists(_)) => {
            state.store.user_by_openid(&identity.openid).await?.ok_or_else(ApiError::internal)
        }
        Err(e) => Err(e.into()),
    }
}

/// Binds the WeChat identity of `code` to account `user_id`. An identity is bound to one account
/// at most, and an account to one identity: anything else is a 409.
pub async fn bind(state: &AppState, user_id: i64, code: &str) -> Result<(), ApiError> {
    let identity = client(state)?.code_to_session(code).await.map_err(|e| e.into_code_error())?;
    match state.store.bind_wechat(user_id, &identity.openid, identity.unionid.as_deref()).await? {
        BindOutcome::Bound => Ok(()),
        BindOutcome::Conflict => {
            Err(ApiError::new(ErrorCode::WechatAlreadyBound, "该微信已绑定其他账号，或本账号已绑定其他微信"))
        }
    }
}

/// Sets account `user_id`'s phone number from a `getPhoneNumber` code (mainland numbers only; a
/// number another account has is a 409); returns the account.
pub async fn take_phone(state: &AppState, user_id: i64, code: &str) -> Result<UserRecord, ApiError> {
    let raw = client(state)?.phone_number(code).await.map_err(|e| e.into_code_error())?;
    let mainland = || ApiError::invalid_field("code", "仅支持中国大陆手机号");
    let phone = PhoneNumber::parse(&raw.ok_or_else(mainland)?).map_err(|_| mainland())?;
    match state.store.set_phone(user_id, phone.as_str()).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists(_)) => {
            return Err(ApiError::new(ErrorCode::AlreadyExists, "该手机号已被其他账号使用，请用手机号登录后绑定微信"));
        }
        Err(e) => return Err(e.into()),
    }
    state.store.user_by_id(user_id).await?.ok_or_else(ApiError::not_found)
}
