//! Roles held at places (admin): dispatchers and members of a community, grid leaders and grid
//! workers of a grid, household heads of a unit, street officers of a street.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::Utc;
use haolin_shared::api::{ErrorBody, ErrorCode, Items, PlaceGrant};
use haolin_shared::labels::Label;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, field_id, path_id};
use crate::routes::Routes;
use crate::state::AppState;

/// Registers the role routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(list_roles).service(grant_role).service(revoke_role);
}

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

/// The roles an account holds at places.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = Items<PlaceGrant>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/admin/users/{id}/roles")]
pub async fn list_roles(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Items<PlaceGrant>>, ApiError> {
    let user_id = account(&state, &caller, &id).await?;
    Ok(web::Json(roles_of(&state, user_id).await?))
}

/// Grants a role at a place; answers every role the account now holds at places.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), request_body = PlaceGrant, responses(
    (status = 200, body = Items<PlaceGrant>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "the place is retired", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/admin/users/{id}/roles")]
pub async fn grant_role(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<PlaceGrant>,
) -> Result<HttpResponse, ApiError> {
    let user_id = account(&state, &caller, &id).await?;
    let place_id = check_grant(&state, &body.0).await?;
    state.store.grant_place_role(user_id, body.0.role, place_id, Utc::now()).await?;
    tracing::info!(user_id, role = body.0.role.as_str(), place_id, "role granted");
    Ok(HttpResponse::Ok().json(roles_of(&state, user_id).await?))
}

/// Revokes a role held at a place; 404 if it was not held.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), request_body = PlaceGrant, responses(
    (status = 200, body = Items<PlaceGrant>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[delete("/admin/users/{id}/roles")]
pub async fn revoke_role(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<PlaceGrant>,
) -> Result<HttpResponse, ApiError> {
    let user_id = account(&state, &caller, &id).await?;
    body.0.role.place_level().ok_or_else(|| ApiError::invalid_field("role", "该角色不在具体地点授予"))?;
    let place_id = field_id("place_id", &body.0.place_id)?;
    if !state.store.revoke_place_role(user_id, body.0.role, place_id).await? {
        return Err(ApiError::not_found());
    }
    tracing::info!(user_id, role = body.0.role.as_str(), place_id, "role revoked");
    Ok(HttpResponse::Ok().json(roles_of(&state, user_id).await?))
}
