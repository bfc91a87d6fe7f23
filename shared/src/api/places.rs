//! Places (the grid hierarchy with unified codes) and their bulk import.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A level of the hierarchy, from the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlaceLevel {
    /// 区: the top; its code is the 6-digit administrative division code.
    District,
    /// 街道.
    Street,
    /// 社区: a community (its id is also its `community_id`).
    Community,
    /// 网格.
    Grid,
    /// 十联户: a ten-household unit.
    Unit,
}

impl PlaceLevel {
    /// Every level, from the top.
    pub const ALL: [Self; 5] = [Self::District, Self::Street, Self::Community, Self::Grid, Self::Unit];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Street => "street",
            Self::Community => "community",
            Self::Grid => "grid",
            Self::Unit => "unit",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == raw)
    }

    /// The level of a parent of this level (`None` for a district).
    pub fn parent(self) -> Option<Self> {
        match self {
            Self::District => None,
            Self::Street => Some(Self::District),
            Self::Community => Some(Self::Street),
            Self::Grid => Some(Self::Community),
            Self::Unit => Some(Self::Grid),
        }
    }

    /// The length of a code of this level in the unified scheme: 6 digits for the district, then
    /// 3 more digits per level (street 9, community 12, grid 15, unit 18).
    pub fn code_len(self) -> usize {
        match self {
            Self::District => 6,
            Self::Street => 9,
            Self::Community => 12,
            Self::Grid => 15,
            Self::Unit => 18,
        }
    }
}

/// The kind of a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GridKind {
    /// 综合网格: a residential area.
    Comprehensive,
    /// 专属网格: a business building, a market, a campus.
    Dedicated,
}

impl GridKind {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Comprehensive => "comprehensive",
            Self::Dedicated => "dedicated",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Comprehensive, Self::Dedicated].into_iter().find(|k| k.as_str() == raw)
    }
}

/// One step of a place's path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlaceRef {
    /// The place's id.
    pub id: String,
    /// Its unified code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its level.
    pub level: PlaceLevel,
}

/// A GeoJSON Polygon (`{"type": "Polygon", "coordinates": [[[lng, lat], …]]}`, WGS 84): the outer
/// ring first, then holes; each ring closed (first position repeated last).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GeoPolygon {
    /// Always `Polygon`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The rings of `[longitude, latitude]` positions.
    pub coordinates: Vec<Vec<[f64; 2]>>,
}

/// A place of the hierarchy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Place {
    /// The id (for a community, also its `community_id`).
    pub id: String,
    /// The unified code, unique in the system.
    pub code: String,
    /// The name.
    pub name: String,
    /// The level.
    pub level: PlaceLevel,
    /// The kind, for grids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<GridKind>,
    /// The parent's id; `null` for a district (and for communities created without a street).
    pub parent_id: Option<String>,
    /// The places from the top down to this one, itself included.
    pub path: Vec<PlaceRef>,
    /// When it was retired (RFC 3339), or `null` while in service.
    pub retired_at: Option<String>,
    /// A grid's boundary, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<GeoPolygon>,
    /// A unit's households or buildings (e.g. `3栋2单元501`), when listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub households: Vec<String>,
}

/// `POST /api/v1/admin/places`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePlaceRequest {
    /// The level.
    pub level: PlaceLevel,
    /// The name (1–50 characters).
    pub name: String,
    /// The parent (required for every level but `district`).
    #[serde(default)]
    pub parent_id: Option<String>,
    /// The code: required for a district (6 digits); for other levels optional, the parent's code
    /// followed by 3 digits (when absent, the next free one is taken).
    #[serde(default)]
    pub code: Option<String>,
    /// The kind, required for grids and refused for other levels.
    #[serde(default)]
    pub kind: Option<GridKind>,
    /// A grid's boundary (grids only).
    #[serde(default)]
    pub boundary: Option<GeoPolygon>,
    /// A unit's households or buildings (units only; at most 30, each 1–50 characters).
    #[serde(default)]
    pub households: Option<Vec<String>>,
}

/// `PATCH /api/v1/admin/places/{id}`: rename, move (to a parent of the same level as before, which
/// re-codes the place and everything under it), or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdatePlaceRequest {
    /// A new name.
    #[serde(default)]
    pub name: Option<String>,
    /// A new parent.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// A new kind (grids only).
    #[serde(default)]
    pub kind: Option<GridKind>,
    /// A new boundary (grids only).
    #[serde(default)]
    pub boundary: Option<GeoPolygon>,
    /// A new list of households (units only).
    #[serde(default)]
    pub households: Option<Vec<String>>,
}

/// `POST /api/v1/admin/places/import`: what the import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImportSummary {
    /// Places created.
    pub created: u64,
    /// Places whose name or kind changed.
    pub updated: u64,
    /// Places already as the file says.
    pub unchanged: u64,
}

/// One error of a refused import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LineError {
    /// The line of the file (1 is the header).
    pub line: u64,
    /// The column's name from the header (`level`, `code`, `name`, `kind`), or `null` for the whole line.
    pub column: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// `POST`/`DELETE /api/v1/admin/users/{id}/roles`: a role held at a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlaceGrant {
    /// The role: `dispatcher` or `member` at a community, `grid_leader` or `grid_worker` at a
    /// grid, `household_head` at a unit, `street_officer` at a street.
    pub role: super::Role,
    /// The place.
    pub place_id: String,
}

/// A point in WGS 84.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    /// Longitude, −180 to 180.
    pub lng: f64,
    /// Latitude, −90 to 90.
    pub lat: f64,
}

/// `PUT /api/v1/me/home`: where the caller lives, by place (a grid or a ten-household unit) or by
/// a location inside a grid's boundary. Exactly one of the two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetHomeRequest {
    /// A grid or a unit in service.
    #[serde(default)]
    pub place_id: Option<String>,
    /// A point; the grid whose boundary holds it becomes the home.
    #[serde(default)]
    pub location: Option<GeoPoint>,
}

/// A role held at a place, with the place's path (`GET /api/v1/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HeldRole {
    /// The role.
    pub role: super::Role,
    /// The place it is held at.
    pub place: PlaceRef,
    /// The path from the top down to the place, itself included.
    pub path: Vec<PlaceRef>,
}

/// `GET /api/v1/me`: the account, where it lives, and every role it holds at a place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    /// The account.
    #[serde(flatten)]
    pub user: super::User,
    /// The registered home (a grid or a unit) with its path; `null` when none.
    pub home: Option<Place>,
    /// Roles held at places: dispatchers and members at communities, grid leaders and workers at
    /// grids, household heads at units, street officers at streets.
    pub place_roles: Vec<HeldRole>,
}
