//! Figures for leaders (docs/FIGURES.md): a place's wishes, check-ins, service hours, work
//! orders and property ratings by month, and its members' workload. Every figure is counted by the day of the event
//! (Asia/Shanghai): a wish posted in March and confirmed in April counts as posted in March and
//! confirmed in April.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::{PersonRef, PlaceRef, ScoreRow};

/// `GET /api/v1/figures`: a place's figures for a date range, by month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Figures {
    /// The place counted (a grid, community, street or district), with everything under it.
    pub place: PlaceRef,
    /// The first day counted (`YYYY-MM-DD`, Asia/Shanghai).
    pub from: String,
    /// The last day counted.
    pub to: String,
    /// Every month of the range, oldest first; a month without activity has zeros.
    pub months: Vec<FigureRow>,
    /// The whole range (its percentiles over the whole range, not averaged over months).
    pub total: FigureRow,
}

/// One month of a place's figures (or the whole range).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FigureRow {
    /// `YYYY-MM`, or `total`.
    pub month: String,
    /// Wishes posted.
    pub posted: i64,
    /// Wishes approved into the claim pool.
    pub approved: i64,
    /// Wishes rejected.
    pub rejected: i64,
    /// Wishes taken by a member: claimed, or dispatched and accepted.
    pub claimed: i64,
    /// Wishes reported done.
    pub fulfilled: i64,
    /// Wishes confirmed, by the resident or automatically.
    pub confirmed: i64,
    /// Of those, confirmed automatically (the resident never answered).
    pub auto_confirmed: i64,
    /// `auto_confirmed / confirmed`; `null` without confirmations.
    pub auto_confirmed_share: Option<f64>,
    /// Wishes withdrawn.
    pub cancelled: i64,
    /// Claims that ran out (the wish went back to the pool).
    pub expired: i64,
    /// Claims given back by their member.
    pub released: i64,
    /// Claims or assignments taken back by a dispatcher.
    pub revoked: i64,
    /// Median time from posting to the member taking the wish, in seconds, over the wishes taken
    /// in the period (the first taking of each wish). Resolution: docs/FIGURES.md.
    pub claim_p50_seconds: Option<i64>,
    /// 90th percentile of the same.
    pub claim_p90_seconds: Option<i64>,
    /// Median time from posting to confirmation, in seconds, over the wishes confirmed in the
    /// period.
    pub confirm_p50_seconds: Option<i64>,
    /// 90th percentile of the same.
    pub confirm_p90_seconds: Option<i64>,
    /// Ratings given at confirmation.
    pub ratings: i64,
    /// Their average, 1–5; `null` without ratings.
    pub rating_avg: Option<f64>,
    /// Party members' check-ins filed in the place's communities (报到).
    pub checkins: i64,
    /// Service minutes credited by the time bank for wishes and volunteer activities here.
    pub service_minutes: i64,
    /// The work-order scorecard (三率, on time) of the same period; `null` for a district.
    #[serde(default)]
    pub orders: Option<ScoreRow>,
    /// The residents' property service ratings (红色物业) of the estates here; `null` for a grid.
    #[serde(default)]
    pub property: Option<PropertyFigures>,
}

/// The property service ratings of a place's estates (docs/PROPERTY.md). Every rating period
/// overlapping the range counts, in the month it ends, or in the range's last month if it ends
/// after it (the period still open).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PropertyFigures {
    /// Ratings (one per resident, estate and period).
    pub raters: i64,
    /// The average stars over the five duties, 1–5; `null` without ratings.
    pub star_avg: Option<f64>,
    /// The share of 4- and 5-star duty marks, 0–1; `null` without ratings.
    pub satisfaction: Option<f64>,
}

/// How the load is spread over a place's members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoadDistribution {
    /// Members who took at least one wish in the range.
    pub active_members: i64,
    /// Wishes taken in the range.
    pub claimed: i64,
    /// The fewest members whose takings make at least half of all (the busiest first).
    pub half_load_members: i64,
    /// Share of all takings by the busiest tenth of the active members (at least one member);
    /// `null` when nobody took a wish.
    pub top_tenth_share: Option<f64>,
}

/// What a member did in a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoadCounts {
    /// Wishes taken (claimed, or dispatched and accepted).
    pub claimed: i64,
    /// Wishes reported done.
    pub fulfilled: i64,
    /// Their wishes confirmed.
    pub confirmed: i64,
    /// Claims given back.
    pub released: i64,
    /// Claims taken back by a dispatcher.
    pub revoked: i64,
    /// Claims that ran out.
    pub expired: i64,
    /// `released / claimed`; `null` without takings.
    pub release_rate: Option<f64>,
    /// `expired / claimed`; `null` without takings.
    pub expiry_rate: Option<f64>,
    /// Ratings received.
    pub ratings: i64,
    /// Their average; `null` without ratings.
    pub rating_avg: Option<f64>,
    /// Service minutes credited (wishes and activities).
    pub service_minutes: i64,
}

/// One member's line of a workload table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MemberLoad {
    /// The member (name only).
    pub member: PersonRef,
    /// What they did.
    pub load: LoadCounts,
}

/// `GET /api/v1/figures/workload`: the workload of a place's members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Workload {
    /// The place.
    pub place: PlaceRef,
    /// The first day counted.
    pub from: String,
    /// The last day counted.
    pub to: String,
    /// The spread of the load over all the place's active members.
    pub distribution: LoadDistribution,
    /// Members, the busiest first (then by id), at most `limit`.
    pub members: Vec<MemberLoad>,
    /// Members with any activity in the range (the list may be shorter).
    pub total_members: i64,
}

/// One month of a member's own figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MonthLoad {
    /// `YYYY-MM`.
    pub month: String,
    /// What the member did that month.
    pub load: LoadCounts,
}

/// `GET /api/v1/me/workload`: the caller's own figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyWorkload {
    /// The first day counted.
    pub from: String,
    /// The last day counted.
    pub to: String,
    /// Every month of the range, oldest first.
    pub months: Vec<MonthLoad>,
    /// The whole range.
    pub total: LoadCounts,
}

/// `GET /api/v1/figures/places`: the places the caller may read figures of, under `parent` (or
/// the caller's own top places without it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FigurePlaces {
    /// The parent asked for; `null` for the caller's top places.
    #[serde(default)]
    pub parent: Option<PlaceRef>,
    /// The places, by code.
    pub places: Vec<PlaceRef>,
}
