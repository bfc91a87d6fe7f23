//! Service points (红帆驿站, docs/SERVICE-POINTS.md): places where residents get help, with their
//! weekly hours, services and public contact; the list sorted by distance with "open now", and the
//! compact grid outlines the app draws its map from.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::GeoPoint;

/// When a point is open: seven lists (Monday first) of `"HH:MM-HH:MM"` intervals, and whether it
/// follows the working-day calendar (closed on its days off, open on its make-up working days with
/// the hours of the first weekday that has any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    /// Monday … Sunday; each day 0–4 intervals such as `"08:30-12:00"`, in order, not overlapping,
    /// ending at `"24:00"` at the latest.
    pub weekly: Vec<Vec<String>>,
    /// Closed on the calendar's holidays, open on its make-up working days (调休).
    #[serde(default)]
    pub follows_calendar: bool,
}

/// A point's public contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceContact {
    /// Who answers, 1–30 characters.
    pub name: String,
    /// A mainland mobile number or a landline with its area code (`0571-88889999`).
    pub phone: String,
}

/// `POST /api/v1/service-points` (a dispatcher of the community, or an admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateServicePointRequest {
    /// The community the point belongs to.
    pub community_id: String,
    /// A grid of that community, if the point sits in one.
    #[serde(default)]
    pub grid_id: Option<String>,
    /// 1–50 characters.
    pub name: String,
    /// 1–100 characters.
    pub address: String,
    /// Where it is (WGS 84).
    pub location: GeoPoint,
    /// When it is open.
    pub hours: OpeningHours,
    /// 1–12 short labels (1–12 characters each), such as `代收快递`.
    pub services: Vec<String>,
    /// The public contact.
    pub contact: ServiceContact,
}

/// `PUT /api/v1/service-points/{id}`: every field anew (the community stays).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateServicePointRequest {
    /// A grid of the point's community, or none.
    #[serde(default)]
    pub grid_id: Option<String>,
    /// 1–50 characters.
    pub name: String,
    /// 1–100 characters.
    pub address: String,
    /// Where it is (WGS 84).
    pub location: GeoPoint,
    /// When it is open.
    pub hours: OpeningHours,
    /// 1–12 short labels.
    pub services: Vec<String>,
    /// The public contact.
    pub contact: ServiceContact,
}

/// A service point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServicePoint {
    /// The id.
    pub id: String,
    /// The community it belongs to.
    pub community_id: String,
    /// That community's name.
    pub community_name: String,
    /// The grid it sits in, if any.
    pub grid_id: Option<String>,
    /// The name.
    pub name: String,
    /// The address.
    pub address: String,
    /// Where it is.
    pub location: GeoPoint,
    /// When it is open.
    pub hours: OpeningHours,
    /// The services offered.
    pub services: Vec<String>,
    /// The public contact.
    pub contact: ServiceContact,
    /// Whether it is open now (or at the list's `at`), Asia/Shanghai time.
    pub open_now: bool,
    /// Metres from the list's origin (great circle), when the list has one.
    pub distance_m: Option<i64>,
    /// When it was retired (no longer listed), if it was.
    pub retired_at: Option<String>,
    /// Created.
    pub created_at: String,
    /// Last changed.
    pub updated_at: String,
}

/// One grid's outline for the map: the outer ring simplified (about 5 m) and rounded to
/// 5 decimals (about 1 m).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GridOutline {
    /// The grid.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its community.
    pub community_id: String,
    /// `[lng, lat]` positions of the outer ring, closed (the first position repeated last).
    pub ring: Vec<[f64; 2]>,
}

/// `GET /api/v1/service-points/map`: the grid outlines of the district (or of one street or
/// community) in one answer, and the box they span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ServiceMap {
    /// The grids with a boundary.
    pub grids: Vec<GridOutline>,
    /// `[west, south, east, north]` of every outline; `null` when there is none.
    pub bbox: Option<[f64; 4]>,
}
