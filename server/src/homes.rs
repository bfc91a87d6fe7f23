//! Where a resident lives: a grid or a ten-household unit in service, chosen from the tree or
//! found from a location. Wishes they post without naming a grid then carry it
//! (`places::wish_place`).

use haolin_shared::api::{ErrorCode, PlaceLevel};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// How the resident names their home.
#[derive(Debug, Clone, Copy)]
pub enum HomeChoice {
    /// A grid or ten-household unit, by id.
    Place(i64),
    /// A point `[lng, lat]` (already checked to be on the globe) inside a grid's boundary.
    Location([f64; 2]),
}

/// Registers the caller's home; returns the place registered.
pub async fn set_home(state: &AppState, caller: &Caller, choice: HomeChoice) -> Result<i64, ApiError> {
    let place_id = match choice {
        HomeChoice::Place(id) => match state.store.place(id).await? {
            Some(p) if matches!(p.level, PlaceLevel::Grid | PlaceLevel::Unit) && p.retired_at.is_none() => p.id,
            _ => return Err(ApiError::invalid_field("place_id", "请选择一个在用的网格或十联户")),
        },
        HomeChoice::Location(point) => crate::places::grid_at(state, point)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "没有网格包含这个位置，请从列表中选择"))?,
    };
    state.store.set_home_place(caller.id(), Some(place_id)).await?;
    Ok(place_id)
}

/// Clears the caller's registered home.
pub async fn clear_home(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    Ok(state.store.set_home_place(caller.id(), None).await?)
}
