//! Property service ratings (红色物业): companies, estates, residents' ratings and the period's
//! results. The rules are described in docs/PROPERTY.md.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A property company (物业服务企业).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PropertyCompany {
    /// The id.
    pub id: String,
    /// Its name, unique in the district.
    pub name: String,
}

/// `POST /api/v1/admin/property/companies` and `PATCH …/companies/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PropertyCompanyRequest {
    /// 1–50 characters, unique.
    pub name: String,
}

/// An estate (小区): grids or ten-household units of one community served by one company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PropertyEstate {
    /// The id.
    pub id: String,
    /// Its name, unique in its community.
    pub name: String,
    /// The company serving it.
    pub company: PropertyCompany,
    /// The community all its places lie in.
    pub community_id: String,
    /// The grids and units it covers.
    pub place_ids: Vec<String>,
}

/// `POST /api/v1/admin/property/estates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePropertyEstateRequest {
    /// 1–50 characters, unique in its community.
    pub name: String,
    /// The company serving it.
    pub company_id: String,
    /// 1–200 grids or units in service, all of one community, none in another estate.
    pub place_ids: Vec<String>,
}

/// `PATCH /api/v1/admin/property/estates/{id}`: what is sent changes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdatePropertyEstateRequest {
    /// A new name.
    pub name: Option<String>,
    /// Another company (from the current period on; earlier results stay with the estate).
    pub company_id: Option<String>,
    /// The places it covers now (replacing the list).
    pub place_ids: Option<Vec<String>>,
}

/// `POST /api/v1/admin/property/companies/{id}/staff` and `DELETE` of the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PropertyStaffRequest {
    /// The account.
    pub user_id: String,
}

/// A period as the client shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PropertyPeriod {
    /// The key (`2026-12`, or `2026-Q4` with quarterly periods).
    pub key: String,
    /// The first day, `YYYY-MM-DD` (Asia/Shanghai).
    pub first_day: String,
    /// The last day; ratings change until its end.
    pub last_day: String,
    /// When it closes (RFC 3339, UTC): midnight in Asia/Shanghai after the last day.
    pub closes_at: String,
}

/// `PUT /api/v1/property/estates/{id}/rating`: the caller's rating of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RatePropertyRequest {
    /// The period the form showed; when sent and not the current one, the answer is 409
    /// (`details.status: "closed"`). Default the current period.
    pub period: Option<String>,
    /// 保安, 1–5 stars.
    pub security: i64,
    /// 保洁, 1–5.
    pub cleaning: i64,
    /// 保绿, 1–5.
    pub greening: i64,
    /// 保序, 1–5.
    pub orderly: i64,
    /// 保修, 1–5.
    pub repair: i64,
    /// Optional, up to the configured length (default 200 characters).
    pub comment: Option<String>,
}

/// A resident's rating of an estate for one period (only the resident reads it with its stars
/// tied to them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PropertyRating {
    /// The estate.
    pub estate_id: String,
    /// The period's key.
    pub period: String,
    /// 保安.
    pub security: i64,
    /// 保洁.
    pub cleaning: i64,
    /// 保绿.
    pub greening: i64,
    /// 保序.
    pub orderly: i64,
    /// 保修.
    pub repair: i64,
    /// The comment, if any.
    pub comment: Option<String>,
    /// When it was first given.
    pub created_at: String,
    /// When it was last changed.
    pub updated_at: String,
}

/// `GET /api/v1/property/mine`: the caller's home and estate with its company, the current period
/// and the caller's rating of it (no estate: nothing to rate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyProperty {
    /// The caller's registered home (a grid or unit), if any.
    pub home_place_id: Option<String>,
    /// The estate the home lies in, if any.
    pub estate: Option<PropertyEstate>,
    /// The current period.
    pub period: PropertyPeriod,
    /// The caller's rating of it, if given.
    pub rating: Option<PropertyRating>,
}

/// The five duties' average stars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DutyAverages {
    /// 保安.
    pub security: f64,
    /// 保洁.
    pub cleaning: f64,
    /// 保绿.
    pub greening: f64,
    /// 保序.
    pub orderly: f64,
    /// 保修.
    pub repair: f64,
}

/// Which list a result is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PropertyList {
    /// 红榜.
    Red,
    /// 黑榜.
    Black,
}

/// One estate's (or one company's) figures for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PropertyResult {
    /// The period's key.
    pub period: String,
    /// The estate (absent on a company's line).
    pub estate: Option<PropertyEstateRef>,
    /// The company.
    pub company: PropertyCompany,
    /// Residents who rated.
    pub raters: i64,
    /// Average stars per duty (0 with no raters).
    pub averages: DutyAverages,
    /// The share of 4- and 5-star marks among all duty marks, 0–1.
    pub satisfaction: f64,
    /// satisfaction × 100, one decimal.
    pub points: f64,
    /// `A`–`D` by the configured thresholds; `null` with no raters.
    pub grade: Option<String>,
    /// The red or black list, if on one.
    pub list: Option<PropertyList>,
}

/// An estate named in a result or a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PropertyEstateRef {
    /// The id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its community.
    pub community_id: String,
}

/// A comment as the company's staff and the officials read it: no name, no phone, no account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PropertyComment {
    /// An opaque id (the rating's; it names nobody).
    pub id: String,
    /// The estate.
    pub estate: PropertyEstateRef,
    /// The period's key.
    pub period: String,
    /// The stars given with it, in the order 保安, 保洁, 保绿, 保序, 保修.
    pub stars: Vec<i64>,
    /// The comment.
    pub comment: String,
    /// When it was last changed.
    pub updated_at: String,
}
