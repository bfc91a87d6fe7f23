//! The account workflow: registering, logging in, refreshing and ending sessions. The rate limits
//! (per address and per account), the decoy hash for unknown phones, refresh-token rotation and
//! reuse detection are here; the routes only parse the request and render the answer.
//! [`security`]: the caller's sessions and password; [`reset`]: one-time password reset codes.

pub mod reset;
pub mod security;

use chrono::Utc;
use haolin_shared::api::{
    AuditAction, AuditTargetKind, AuthResponse, CreateUserRequest, ErrorCode, LoginRequest, RegisterRequest, Role,
};
use haolin_shared::domain::{PersonName, PhoneNumber};
use serde_json::json;

use crate::audit;
use crate::auth::tokens::{hash_refresh_token, new_refresh_token};
use crate::auth::{Caller, password};
use crate::error::ApiError;
use crate::extract::field_id;
use crate::state::AppState;
use crate::store::{Grant, NewUser, Rotation, UserRecord};
use crate::views;

/// Whether `phone` stands in for a number the account does not have: a WeChat account's
/// (`wx:`, until the user shares theirs), a resident record's (`rec:`, see `residents`) or an
/// Open311 partner's system account (`o311:`, see `open311::keys`). Such a placeholder is never a
/// valid phone number, so nobody logs in with it; it shows as empty.
pub fn is_placeholder_phone(phone: &str) -> bool {
    phone.starts_with("wx:") || phone.starts_with("rec:") || phone.starts_with("o311:")
}

/// When a refresh token issued now expires.
fn refresh_expiry(state: &AppState) -> chrono::DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(state.settings.auth.refresh_ttl).unwrap_or(chrono::Duration::MAX)
}

/// Starts a session for `user` and returns its first token pair.
pub async fn start_session(state: &AppState, user: &UserRecord) -> Result<AuthResponse, ApiError> {
    let (refresh_token, hash) = new_refresh_token();
    let session_id = state.store.create_session(user.id, &hash, refresh_expiry(state)).await?;
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

/// Creates a resident account from address `ip` and logs it in.
pub async fn register(state: &AppState, ip: &str, req: RegisterRequest) -> Result<AuthResponse, ApiError> {
    let limits = &state.settings.limits;
    state.limiter.hit(&format!("register:ip:{ip}"), limits.register_per_ip, limits.window).await?;
    let user = new_user(&req.phone, &req.password, &req.name, vec![Grant { role: Role::Resident, community_id: None }])
        .await?;
    let user = state.store.create_user(user, None).await.map_err(|e| {
        let mut err = ApiError::from(e);
        if err.code == ErrorCode::AlreadyExists {
            err.message = "该手机号已注册".into();
        }
        err
    })?;
    start_session(state, &user).await
}

/// Logs in with phone and password from address `ip`. An unknown phone is checked against a decoy
/// hash, so it takes as long and answers the same as a wrong password.
pub async fn login(state: &AppState, ip: &str, req: LoginRequest) -> Result<AuthResponse, ApiError> {
    let limits = &state.settings.limits;
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
    start_session(state, &user).await
}

/// Exchanges a refresh token for a new pair; the old one stops working, and a token used twice
/// ends its whole session.
pub async fn refresh(state: &AppState, refresh_token: &str) -> Result<AuthResponse, ApiError> {
    let invalid = || ApiError::new(ErrorCode::InvalidRefreshToken, "登录已失效，请重新登录");
    let old = hash_refresh_token(refresh_token.trim());
    let (refresh_token, new_hash) = new_refresh_token();
    match state.store.rotate_refresh(&old, &new_hash, refresh_expiry(state), Utc::now()).await? {
        Rotation::Rotated { user_id, session_id } => {
            let user = state.store.user_by_id(user_id).await?.ok_or_else(invalid)?;
            Ok(AuthResponse {
                user: views::user(&user),
                access_token: state.tokens.issue(user.id, session_id)?,
                expires_in: state.tokens.ttl_secs(),
                refresh_token,
            })
        }
        Rotation::Reused => {
            tracing::warn!("refresh token reused; session revoked");
            Err(invalid())
        }
        Rotation::Invalid => Err(invalid()),
    }
}

/// Ends the caller's session: its refresh token and access tokens stop working.
pub async fn logout(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    state.store.revoke_session(caller.session_id, Utc::now()).await?;
    Ok(())
}

/// An admin creates an account with roles: unscoped roles once, community roles in each of
/// `community_ids` (which must all exist); grid and household roles are granted at their place
/// instead (`/admin/users/{id}/roles`).
pub async fn create_with_roles(
    state: &AppState,
    caller: &Caller,
    req: CreateUserRequest,
) -> Result<UserRecord, ApiError> {
    caller.require_admin()?;
    let mut communities = Vec::with_capacity(req.community_ids.len());
    for raw in &req.community_ids {
        communities.push(field_id("community_ids", raw)?);
    }
    communities.sort_unstable();
    communities.dedup();
    if state.store.count_communities(&communities).await? != communities.len() as i64 {
        return Err(ApiError::invalid_field("community_ids", "存在不存在的社区"));
    }
    let mut roles = req.roles.clone();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        return Err(ApiError::invalid_field("roles", "至少需要一个角色"));
    }
    let roles_named = roles.clone();
    let mut grants = Vec::new();
    for role in roles {
        if matches!(role, Role::GridLeader | Role::HouseholdHead) {
            return Err(ApiError::invalid_field(
                "roles",
                "网格长、联户长须在具体网格或十联户授予（/admin/users/{id}/roles）",
            ));
        }
        if role.is_community_scoped() {
            if communities.is_empty() {
                return Err(ApiError::invalid_field("community_ids", "该角色需要指定所属社区"));
            }
            grants.extend(communities.iter().map(|c| Grant { role, community_id: Some(*c) }));
        } else {
            grants.push(Grant { role, community_id: None });
        }
    }
    let details = json!({
        "roles": roles_named.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "community_ids": communities.iter().map(i64::to_string).collect::<Vec<_>>(),
    });
    let entry = audit::entry(caller, AuditAction::UserCreated, AuditTargetKind::User, None, details);
    let user = new_user(&req.phone, &req.password, &req.name, grants).await?;
    Ok(state.store.create_user(user, Some(&entry)).await?)
}
