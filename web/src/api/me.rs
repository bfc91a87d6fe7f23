//! `/me`: the logged-in account, and its registered home.

use std::future::Future;

use haolin_shared::api::{HeldRole, PlaceRef, Role, SetHomeRequest, User};
use serde::Deserialize;

use super::places::PlaceSummary;
use super::send;
use crate::error::ApiError;

/// What the resident's pages read of `GET /me` and of the `PUT /me/home` answer (which is the
/// same body): the registered home. (The API's `Me` flattens the whole account into it, and
/// serde's flattening is heavy code.)
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Home {
    /// The registered home place, if any.
    pub home: Option<PlaceSummary>,
}

/// What the work-order pages read of `GET /me`: the roles held at places (a grid worker's grids,
/// a street officer's streets), each with the place's path.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PlaceRoles {
    /// The roles held at places.
    pub place_roles: Vec<HeldRole>,
}

impl PlaceRoles {
    /// The places where `role` is held.
    pub fn places_of(&self, role: Role) -> Vec<PlaceRef> {
        self.place_roles.iter().filter(|h| h.role == role).map(|h| h.place.clone()).collect()
    }
}

/// `GET /me`, read for the roles held at places only.
pub fn place_roles() -> impl Future<Output = Result<PlaceRoles, ApiError>> {
    super::get("/me".to_owned())
}

/// `GET /me`: the account, its roles and grants.
pub fn get() -> impl Future<Output = Result<User, ApiError>> {
    super::get("/me".to_owned())
}

/// `GET /me`, read for the registered home only.
pub fn home() -> impl Future<Output = Result<Home, ApiError>> {
    super::get("/me".to_owned())
}

/// `PUT /me/home`: registers the home (a place, or the place at a location).
pub fn set_home(request: &SetHomeRequest) -> impl Future<Output = Result<Home, ApiError>> + use<> {
    send("PUT", "/me/home".to_owned(), request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use haolin_shared::api::PlaceLevel;

    #[test]
    fn the_places_of_a_role_are_read_from_place_roles() {
        let body = r#"{"id":"9","name":"n","phone":"1","roles":["grid_worker"],"community_ids":["2"],"home":null,
            "place_roles":[{"role":"grid_worker","place":{"id":"4","code":"c4","name":"一网格","level":"grid"},"path":[]},
            {"role":"street_officer","place":{"id":"1","code":"c1","name":"街道","level":"street"},"path":[]}]}"#;
        let roles = crate::json::from_str::<PlaceRoles>(body);
        let grids = roles.map(|r| r.places_of(Role::GridWorker)).unwrap_or_default();
        assert_eq!(grids.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["4"]);
    }

    #[test]
    fn a_home_is_read_without_its_boundary() {
        let body = r#"{"id":"9","name":"n","phone":"1","roles":["resident"],"community_ids":[],"place_roles":[],
            "home":{"id":"4","code":"c4","name":"n4","level":"grid","kind":"comprehensive","parent_id":"2",
            "path":[{"id":"4","code":"c4","name":"n4","level":"grid"}],"retired_at":null,
            "boundary":{"type":"Polygon","coordinates":[[[106.8,26.5],[106.9,26.5],[106.9,26.6],[106.8,26.5]]]}}}"#;
        let home = crate::json::from_str::<Home>(body).and_then(|h| h.home);
        assert_eq!(home.map(|h| (h.id, h.level, h.path.len())), Some(("4".into(), PlaceLevel::Grid, 1)));
    }
}
