//! One-time password reset codes for a resident who forgot their password: a dispatcher (for a
//! resident of one of their communities) or an admin (for anyone) issues one; it is shown once,
//! stored only as a hash, expires (`auth.reset_code_ttl`), works once, and is rate-limited per
//! issuer and per account. The resident redeems it without a token, with their phone number and a
//! new password; every session of the account then ends. Issuing and redeeming are audited.
//!
//! "A resident of their community": an account whose registered home (a grid or a ten-household
//! unit) lies in one of the dispatcher's communities, or that holds a role grant there (a member
//! checked in). A dispatcher may not issue codes for staff: only accounts whose roles are all
//! `resident` or `member`, and that hold no role at a place.

use chrono::{DateTime, Utc};
use haolin_shared::api::{AuditAction, AuditTargetKind, ErrorCode, ResetCodeResponse, ResetPasswordRequest, Role};
use haolin_shared::domain::PhoneNumber;
use rand::Rng;
use rand::rngs::OsRng;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::security::new_password;
use crate::accounts::is_placeholder_phone;
use crate::audit;
use crate::auth::{Caller, Origin, password};
use crate::error::ApiError;
use crate::extract::path_id;
use crate::state::AppState;
use crate::store::{NewResetCode, UserRecord};
use crate::views::rfc3339;

/// How many digits a code has.
const CODE_DIGITS: usize = 8;

/// The stored hash of `code` for account `user_id`.
fn code_hash(user_id: i64, code: &str) -> Vec<u8> {
    Sha256::digest(format!("haolin-reset:{user_id}:{code}").as_bytes()).to_vec()
}

/// Whether a dispatcher (not an admin) may issue a code for `target`: a resident with no staff
/// role, living in or checked in to one of the caller's communities.
async fn dispatcher_may_reset(state: &AppState, caller: &Caller, target: &UserRecord) -> Result<bool, ApiError> {
    if target.grants.iter().any(|g| !matches!(g.role, Role::Resident | Role::Member)) {
        return Ok(false);
    }
    if state.store.holds_place_roles(target.id).await? {
        return Ok(false);
    }
    for community in caller.communities(Role::Dispatcher) {
        if state.store.belongs_to_community(target.id, community).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Issues a one-time reset code for account `raw_id` (from the path). Admins may for anyone but
/// themselves; dispatchers for the residents of their communities (anything else, an unknown
/// account included, is a 403 for them, so they learn nothing about other accounts).
pub async fn issue(state: &AppState, caller: &Caller, raw_id: &str) -> Result<ResetCodeResponse, ApiError> {
    let admin = caller.is_admin();
    if !admin && caller.communities(Role::Dispatcher).is_empty() {
        return Err(ApiError::forbidden());
    }
    let id = path_id(raw_id)?;
    let limits = &state.settings.limits;
    state.limiter.hit(&format!("reset:issuer:{}", caller.id()), limits.reset_codes_per_issuer, limits.window).await?;
    if id == caller.id() {
        return Err(ApiError::invalid_field("id", "不能为自己签发重置码，请使用修改密码"));
    }
    let target = match state.store.user_by_id(id).await? {
        Some(user) => user,
        None if admin => return Err(ApiError::not_found()),
        None => return Err(ApiError::forbidden()),
    };
    if !admin && !dispatcher_may_reset(state, caller, &target).await? {
        return Err(ApiError::forbidden());
    }
    if is_placeholder_phone(&target.phone) {
        return Err(ApiError::new(ErrorCode::PhoneRequired, "该账号尚未绑定手机号，无法用重置码找回密码"));
    }
    state.limiter.hit(&format!("reset:account:{}", target.id), limits.reset_codes_per_account, limits.window).await?;
    let code = format!("{:0width$}", OsRng.gen_range(0..10u64.pow(CODE_DIGITS as u32)), width = CODE_DIGITS);
    let at = Utc::now();
    let expires_at = chrono::Duration::from_std(state.settings.auth.reset_code_ttl)
        .ok()
        .and_then(|ttl| at.checked_add_signed(ttl))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let details = json!({"expires_at": rfc3339(expires_at)});
    let entry = audit::entry(caller, AuditAction::ResetCodeIssued, AuditTargetKind::User, Some(target.id), details);
    let new = NewResetCode {
        user_id: target.id,
        code_hash: code_hash(target.id, &code),
        issued_by: caller.id(),
        at,
        expires_at,
    };
    state.store.issue_reset_code(&new, &entry).await?;
    tracing::info!(user_id = target.id, issued_by = caller.id(), "password reset code issued");
    Ok(ResetCodeResponse { user_id: target.id.to_string(), code, expires_at: rfc3339(expires_at) })
}

/// Sets a new password with a reset code, from `origin` without a token. A wrong, used or expired
/// code, and an unknown phone, all answer the same 401; every attempt counts against the phone's
/// limit (and the address's login limit). The new password is hashed before the code is checked,
/// so a right and a wrong code take the same time. Success ends every session of the account.
pub async fn redeem(state: &AppState, origin: &Origin, req: ResetPasswordRequest) -> Result<(), ApiError> {
    let limits = &state.settings.limits;
    state.limiter.hit(&format!("login:ip:{}", origin.ip), limits.login_per_ip, limits.window).await?;
    let account = PhoneNumber::parse(&req.phone).map_or_else(|_| req.phone.trim().to_owned(), PhoneNumber::into_inner);
    state.limiter.hit(&format!("reset:phone:{account}"), limits.reset_attempts_per_phone, limits.window).await?;
    let new = new_password("new_password", &req.new_password)?;
    let wrong = || ApiError::new(ErrorCode::InvalidCredentials, "手机号或重置码无效（重置码可能已过期或已使用）");
    let hash = password::hash(new.expose().to_owned()).await?;
    let code = req.code.trim();
    if code.len() != CODE_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong());
    }
    let user = match PhoneNumber::parse(&req.phone) {
        Ok(phone) => state.store.user_by_phone(phone.as_str()).await?,
        Err(_) => None,
    };
    let user = user.ok_or_else(wrong)?;
    let entry = audit::entry_by(
        user.id,
        origin,
        AuditAction::PasswordResetWithCode,
        AuditTargetKind::User,
        Some(user.id),
        json!({}),
    );
    if !state.store.redeem_reset_code(user.id, &code_hash(user.id, code), &hash, Utc::now(), &entry).await? {
        return Err(wrong());
    }
    tracing::info!(user_id = user.id, "password reset with a code; every session ended");
    Ok(())
}
