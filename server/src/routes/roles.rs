//! Roles held at places (admin): dispatchers and members of a community, grid leaders and grid
//! workers of a grid, household heads of a unit, street officers of a street. The rules are in
//! [`crate::roles`].

use actix_web::{HttpResponse, delete, get, post, web};
use haolin_shared::api::{ErrorBody, Items, PlaceGrant};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::roles;
use crate::routes::Routes;
use crate::state::AppState;

/// Registers the role routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(list_roles).service(grant_role).service(revoke_role);
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
    Ok(web::Json(roles::list(&state, &caller, &id).await?))
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
    Ok(HttpResponse::Ok().json(roles::grant(&state, &caller, &id, &body.0).await?))
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
    Ok(HttpResponse::Ok().json(roles::revoke(&state, &caller, &id, &body.0).await?))
}
