//! Roles held at places, granted and revoked by admins: a role is held at the level of place it
//! belongs to (`Role::place_level`), and only at a place in service.

use chrono::Utc;
use haolin_shared::api::{AuditAction, AuditTargetKind, ErrorCode, Items, PlaceGrant};
use haolin_shared::labels::Label;
use serde_json::json;

use crate::audit;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{field_id, path_id};
use crate::state::AppState;

/// The account of the path, as the admin asks for it.
async fn account(state: &AppState, caller: &Caller, raw: &str) -> Result<i64, ApiError> {
    caller.require_admin()?;
    let id = path_id(raw)?;
    state.store.user_by_id(id).await?.map(|u| u.id).ok_or_else(ApiError::not_found)
}

/// Checks that the place exists, is in service and is of the level the role is held at.
async fn check_grant(state: &AppState, grant: &PlaceGrant) -> Result<i64, ApiError> {
    let level = grant.role.place_level().ok_or_else(|| ApiError::invalid_field("role", "该角色不在具体地点授予"))?;
    let place_id = field_id("place_id", &grant.place_id)?;
    let place = state.store.place(place_id).await?.ok_or_else(|| ApiError::invalid_field("place_id", "地点不存在"))?;
    if place.level != level {
        return Err(ApiError::invalid_field("place_id", format!("该角色须授予在{}一级", level.label())));
    }
    if place.retired_at.is_some() {
        return Err(ApiError::new(ErrorCode::PlaceInUse, "该地点已撤销"));
    }
    Ok(place.id)
}

/// Every role the account holds at a place.
async fn roles_of(state: &AppState, user_id: i64) -> Result<Items<PlaceGrant>, ApiError> {
    let roles = state.store.place_roles(user_id).await?;
    Ok(Items { items: roles.into_iter().map(|(role, id)| PlaceGrant { role, place_id: id.to_string() }).collect() })
}

/// The roles an account (`raw_id`, from the path) holds at places, for an admin.
pub async fn list(state: &AppState, caller: &Caller, raw_id: &str) -> Result<Items<PlaceGrant>, ApiError> {
    let user_id = account(state, caller, raw_id).await?;
    roles_of(state, user_id).await
}

/// Grants a role at a place; answers every role the account now holds at places.
pub async fn grant(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    grant: &PlaceGrant,
) -> Result<Items<PlaceGrant>, ApiError> {
    let user_id = account(state, caller, raw_id).await?;
    let place_id = check_grant(state, grant).await?;
    state.store.grant_place_role(user_id, grant.role, place_id, Utc::now()).await?;
    tracing::info!(user_id, role = grant.role.as_str(), place_id, "role granted");
    let details = json!({"role": grant.role.as_str(), "place_id": place_id.to_string()});
    let entry = audit::entry(caller, AuditAction::RoleGranted, AuditTargetKind::User, Some(user_id), details);
    audit::record_after(state, &entry).await?;
    roles_of(state, user_id).await
}

/// Revokes a role held at a place (404 if it was not held); answers the roles left.
pub async fn revoke(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    grant: &PlaceGrant,
) -> Result<Items<PlaceGrant>, ApiError> {
    let user_id = account(state, caller, raw_id).await?;
    grant.role.place_level().ok_or_else(|| ApiError::invalid_field("role", "该角色不在具体地点授予"))?;
    let place_id = field_id("place_id", &grant.place_id)?;
    if !state.store.revoke_place_role(user_id, grant.role, place_id).await? {
        return Err(ApiError::not_found());
    }
    tracing::info!(user_id, role = grant.role.as_str(), place_id, "role revoked");
    let details = json!({"role": grant.role.as_str(), "place_id": place_id.to_string()});
    let entry = audit::entry(caller, AuditAction::RoleRevoked, AuditTargetKind::User, Some(user_id), details);
    audit::record_after(state, &entry).await?;
    roles_of(state, user_id).await
}
