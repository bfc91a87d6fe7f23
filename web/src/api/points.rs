//! `/service-points…`: the service points (红帆驿站, docs/SERVICE-POINTS.md) — the list nearest
//! first, one point, the map's grid outlines, and their maintenance. Used by the neighbourhood
//! bundle only.

use std::future::Future;

use haolin_shared::api::{CreateServicePointRequest, Page, ServiceMap, ServicePoint, UpdateServicePointRequest};

use super::{get, post, send};
use crate::error::ApiError;

/// Where the list measures distances from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Near {
    /// The caller's home grid.
    Home,
    /// A location `[lng, lat]`.
    At(f64, f64),
}

/// `GET /service-points`: a page of points nearest first from `near`.
pub fn list(near: Near, cursor: Option<&str>) -> impl Future<Output = Result<Page<ServicePoint>, ApiError>> + use<> {
    let mut query = match near {
        Near::Home => "near=home".to_owned(),
        Near::At(lng, lat) => format!("lng={lng}&lat={lat}"),
    };
    query.push_str("&limit=20");
    if let Some(c) = cursor {
        query.push_str(&format!("&cursor={}", js_sys::encode_uri_component(c)));
    }
    get(format!("/service-points?{query}"))
}

/// `GET /service-points` without an origin (the caller has no home): in id order.
pub fn list_all(cursor: Option<&str>) -> impl Future<Output = Result<Page<ServicePoint>, ApiError>> + use<> {
    let cursor = cursor.map(|c| format!("&cursor={}", js_sys::encode_uri_component(c))).unwrap_or_default();
    get(format!("/service-points?limit=20{cursor}"))
}

/// `GET /service-points/{id}`.
pub fn one(id: &str) -> impl Future<Output = Result<ServicePoint, ApiError>> + use<> {
    get(format!("/service-points/{}", js_sys::encode_uri_component(id)))
}

/// `GET /service-points/map`: the district's grid outlines.
pub fn map() -> impl Future<Output = Result<ServiceMap, ApiError>> + use<> {
    get("/service-points/map".to_owned())
}

/// `POST /service-points`.
pub fn create(body: &CreateServicePointRequest) -> impl Future<Output = Result<ServicePoint, ApiError>> + use<> {
    post("/service-points".to_owned(), body)
}

/// `PUT /service-points/{id}`.
pub fn update(
    id: &str,
    body: &UpdateServicePointRequest,
) -> impl Future<Output = Result<ServicePoint, ApiError>> + use<> {
    send("PUT", format!("/service-points/{}", js_sys::encode_uri_component(id)), body)
}

/// `POST /service-points/{id}/retire`.
pub fn retire(id: &str) -> impl Future<Output = Result<ServicePoint, ApiError>> + use<> {
    post(format!("/service-points/{}/retire", js_sys::encode_uri_component(id)), &super::Empty {})
}
