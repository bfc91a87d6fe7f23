//! The caller's own account (`GET /me`) with where they live and the places where they hold
//! roles, and registering their home grid (`PUT`/`DELETE /me/home`; the rules are `crate::homes`).

use actix_web::{HttpResponse, delete, get, put, web};
use haolin_shared::api::{ErrorBody, HeldRole, Me, SetHomeRequest};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, field_id};
use crate::homes::{self, HomeChoice};
use crate::routes::Routes;
use crate::routes::places::{place_ref, render};
use crate::state::AppState;
use crate::views;

/// Registers the routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(me).service(set_home).service(clear_home);
}

/// The caller's account as `GET /me` shows it.
async fn me_view(state: &AppState, caller: &Caller) -> Result<Me, ApiError> {
    let home = match state.store.home_place(caller.id()).await? {
        Some(id) => Some(render(state, id).await?),
        None => None,
    };
    let mut place_roles = Vec::new();
    for (role, place_id) in state.store.place_roles(caller.id()).await? {
        let path = state.store.place_path(place_id).await?;
        let Some(place) = path.last() else { continue };
        place_roles.push(HeldRole { role, place: place_ref(place), path: path.iter().map(place_ref).collect() });
    }
    Ok(Me { user: views::user(&caller.user), home, place_roles })
}

/// The caller's account: roles, communities, registered home (with its path and code) and the
/// roles held at places (with theirs).
#[utoipa::path(tag = "accounts", responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<Me>, ApiError> {
    Ok(web::Json(me_view(&state, &caller).await?))
}

/// Registers where the caller lives: a grid or a ten-household unit in service, or the grid whose
/// boundary holds a location. Wishes they post without naming a grid then carry it.
#[utoipa::path(tag = "accounts", request_body = SetHomeRequest, responses(
    (status = 200, body = Me), (status = 404, description = "no grid holds the location", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[put("/me/home")]
pub async fn set_home(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<SetHomeRequest>,
) -> Result<web::Json<Me>, ApiError> {
    let body = body.0;
    let choice = match (&body.place_id, body.location) {
        (Some(raw), None) => HomeChoice::Place(field_id("place_id", raw)?),
        (None, Some(point)) => {
            if !(-180.0..=180.0).contains(&point.lng) {
                return Err(ApiError::invalid_field("location.lng", "经度须在 -180 到 180 之间"));
            }
            if !(-90.0..=90.0).contains(&point.lat) {
                return Err(ApiError::invalid_field("location.lat", "纬度须在 -90 到 90 之间"));
            }
            HomeChoice::Location([point.lng, point.lat])
        }
        _ => return Err(ApiError::invalid_field("place_id", "须给出 place_id 或 location 之一")),
    };
    homes::set_home(&state, &caller, choice).await?;
    Ok(web::Json(me_view(&state, &caller).await?))
}

/// Clears the caller's registered home.
#[utoipa::path(tag = "accounts", responses((status = 204), (status = 401, body = ErrorBody)))]
#[delete("/me/home")]
pub async fn clear_home(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    homes::clear_home(&state, &caller).await?;
    Ok(HttpResponse::NoContent().finish())
}
