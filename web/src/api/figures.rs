//! `/figures`, `/figures/workload`, `/figures/places` and `/me/workload`: the figures for
//! leaders and a member's own (docs/FIGURES.md). Used by the figures bundle only.

use std::future::Future;

use haolin_shared::api::{FigurePlaces, Figures, MyWorkload, Workload};

use super::get;
use crate::error::ApiError;

/// The query string of a place and a range (`?place=…&from=…&to=…`, each only when given),
/// after `extra` parameters.
fn query(place: Option<&str>, from: Option<&str>, to: Option<&str>, extra: &[(&str, &str)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (key, value) in [("place", place), ("from", from), ("to", to)] {
        if let Some(v) = value {
            parts.push(format!("{key}={}", js_sys::encode_uri_component(v)));
        }
    }
    parts.extend(extra.iter().map(|(k, v)| format!("{k}={v}")));
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}

/// `GET /figures`: a place's figures by month (the caller's widest place without one; the last
/// twelve months without a range).
pub fn figures(
    place: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> impl Future<Output = Result<Figures, ApiError>> + use<> {
    get(format!("/figures{}", query(place, from, to, &[])))
}

/// `GET /figures/workload`: the place's members, the busiest first (at most `limit`).
pub fn workload(
    place: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    limit: u32,
) -> impl Future<Output = Result<Workload, ApiError>> + use<> {
    let limit = limit.to_string();
    get(format!("/figures/workload{}", query(place, from, to, &[("limit", &limit)])))
}

/// `GET /figures/places[?parent=…]`: the places the caller may pick (their own top places, or
/// those under `parent`).
pub fn places(parent: Option<&str>) -> impl Future<Output = Result<FigurePlaces, ApiError>> + use<> {
    get(format!(
        "/figures/places{}",
        parent.map(|p| format!("?parent={}", js_sys::encode_uri_component(p))).unwrap_or_default()
    ))
}

/// `GET /me/workload`: my own figures by month.
pub fn mine(from: Option<&str>, to: Option<&str>) -> impl Future<Output = Result<MyWorkload, ApiError>> + use<> {
    get(format!("/me/workload{}", query(None, from, to, &[])))
}
