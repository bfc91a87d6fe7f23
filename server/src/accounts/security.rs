//! The caller's own security: their live sessions (listed, signed out one by one or all but the
//! current one) and their password (changed with the current one; set once, without one, by an
//! account created by WeChat login after it has a phone number of its own).

use chrono::Utc;
use haolin_shared::api::{ChangePasswordRequest, ErrorCode, SessionInfo};
use haolin_shared::domain::NewPassword;

use crate::accounts::is_placeholder_phone;
use crate::auth::{Caller, password};
use crate::error::ApiError;
use crate::extract::path_id;
use crate::state::AppState;
use crate::views::rfc3339;
use crate::wechat::accounts::NO_PASSWORD;

/// The caller's live sessions, newest first, the one of this request marked `current`.
pub async fn sessions(state: &AppState, caller: &Caller) -> Result<Vec<SessionInfo>, ApiError> {
    let rows = state.store.live_sessions(caller.id(), Utc::now()).await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionInfo {
            id: s.id.to_string(),
            created_at: rfc3339(s.created_at),
            last_refreshed_at: s.last_refreshed_at.map(rfc3339),
            current: s.id == caller.session_id,
        })
        .collect())
}

/// Signs out every other session of the caller; the current one stays.
pub async fn sign_out_others(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    let ended = state.store.revoke_sessions_of(caller.id(), Some(caller.session_id), Utc::now()).await?;
    tracing::info!(user_id = caller.id(), ended, "other sessions signed out");
    Ok(())
}

/// Signs out one live session of the caller (the current one too, like a logout); another
/// account's session, or one already ended, is not found.
pub async fn sign_out_session(state: &AppState, caller: &Caller, raw_id: &str) -> Result<(), ApiError> {
    let id = path_id(raw_id)?;
    if state.store.revoke_session_of(caller.id(), id, Utc::now()).await? { Ok(()) } else { Err(ApiError::not_found()) }
}

/// A new password checked with the shared rule, named as the field `field`.
pub(crate) fn new_password(field: &str, raw: &str) -> Result<NewPassword, ApiError> {
    NewPassword::parse(raw).map_err(|e| ApiError::invalid_value(field, e))
}

/// Changes the caller's password and signs out their other sessions (this one stays). The current
/// password must be given, except by an account created by WeChat login that has none yet: it
/// may set one once it has a phone number of its own (`POST /me/phone`), and then log in with
/// phone and password. Attempts count against the per-account login limit.
pub async fn change_password(state: &AppState, caller: &Caller, req: ChangePasswordRequest) -> Result<(), ApiError> {
    let limits = &state.settings.limits;
    state.limiter.hit(&format!("password:account:{}", caller.id()), limits.login_per_account, limits.window).await?;
    let new = new_password("new_password", &req.new_password)?;
    let stored = caller.user.password_hash.clone();
    if stored == NO_PASSWORD {
        if is_placeholder_phone(&caller.user.phone) {
            return Err(ApiError::new(ErrorCode::PhoneRequired, "请先绑定手机号，再设置登录密码"));
        }
    } else {
        let wrong = || ApiError::invalid_field("current_password", "当前密码不正确");
        let current =
            req.current_password.ok_or_else(|| ApiError::invalid_field("current_password", "请输入当前密码"))?;
        if !password::verify(current, Some(stored.clone())).await? {
            return Err(wrong());
        }
    }
    let hash = password::hash(new.expose().to_owned()).await?;
    if !state.store.replace_password(caller.id(), &stored, &hash, caller.session_id, Utc::now()).await? {
        // Changed by another request since this one was authenticated: its check is stale.
        return Err(ApiError::invalid_field("current_password", "密码刚被修改，请重新输入当前密码"));
    }
    tracing::info!(user_id = caller.id(), "password changed; other sessions signed out");
    Ok(())
}
