//! `/places` and `/admin/places`: the place tree (district → street → community → grid → unit),
//! read by everyone and changed by admins.

use std::future::Future;

use haolin_shared::api::{CreatePlaceRequest, Page, Place, PlaceLevel, PlaceRef, UpdatePlaceRequest};
use serde::Deserialize;

use super::{post, send};
use crate::error::ApiError;

/// A place as the resident's pages read it. The API's `Place` also carries a grid's boundary and
/// a unit's households, whose decoding (floating-point numbers) would weigh on every resident's
/// first load for nothing: serde skips what is not declared here.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PlaceSummary {
    /// The id.
    pub id: String,
    /// The unified code.
    pub code: String,
    /// The name.
    pub name: String,
    /// The level.
    pub level: PlaceLevel,
    /// The places from the top down to this one.
    pub path: Vec<PlaceRef>,
    /// When it was retired, if it was.
    pub retired_at: Option<String>,
}

/// The path of a page of the places under `parent` (the top of the tree for `None`).
fn list_path(parent: Option<&str>, limit: u32, cursor: Option<&str>) -> String {
    let mut path = match parent {
        Some(id) => format!("/places?parent_id={id}&limit={limit}"),
        None => format!("/places?limit={limit}"),
    };
    if let Some(cursor) = cursor {
        path.push_str("&cursor=");
        path.push_str(cursor);
    }
    path
}

/// `GET /places?[parent_id=…&]limit=…[&cursor=…]`: one page of the places under `parent`.
pub fn list(
    parent: Option<&str>,
    limit: u32,
    cursor: Option<&str>,
) -> impl Future<Output = Result<Page<Place>, ApiError>> + use<> {
    super::get(list_path(parent, limit, cursor))
}

/// The first page of the places under `parent`, as [`PlaceSummary`]s.
pub fn list_summaries(
    parent: Option<&str>,
    limit: u32,
) -> impl Future<Output = Result<Page<PlaceSummary>, ApiError>> + use<> {
    super::get(list_path(parent, limit, None))
}

/// `GET /places/{id}`.
pub fn get(id: &str) -> impl Future<Output = Result<Place, ApiError>> + use<> {
    super::get(format!("/places/{id}"))
}

/// `GET /places/by-code/{code}`.
pub fn by_code(code: &str) -> impl Future<Output = Result<Place, ApiError>> + use<> {
    super::get(format!("/places/by-code/{code}"))
}

/// `POST /admin/places`: creates a place.
pub fn create(request: &CreatePlaceRequest) -> impl Future<Output = Result<Place, ApiError>> + use<> {
    post("/admin/places".to_owned(), request)
}

/// `PATCH /admin/places/{id}`: renames or moves a place.
pub fn update(id: &str, request: &UpdatePlaceRequest) -> impl Future<Output = Result<Place, ApiError>> + use<> {
    send("PATCH", format!("/admin/places/{id}"), request)
}

/// `POST /admin/places/{id}/retire`.
pub fn retire(id: &str) -> impl Future<Output = Result<Place, ApiError>> + use<> {
    post(format!("/admin/places/{id}/retire"), &())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_of_the_tree_has_no_parent_id() {
        assert_eq!(list_path(None, 100, None), "/places?limit=100");
        assert_eq!(list_path(Some("4"), 50, None), "/places?parent_id=4&limit=50");
        assert_eq!(list_path(Some("4"), 50, Some("x")), "/places?parent_id=4&limit=50&cursor=x");
    }
}
