//! Dual check-in (双报到): work-unit branches and members' check-ins to communities.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::PersonRef;
use crate::domain::CheckinStatus;

/// A work-unit party branch (机关企事业单位党支部).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnitBranch {
    /// The id.
    pub id: String,
    /// The branch's name.
    pub name: String,
}

/// `POST /api/v1/unit-branches`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUnitBranchRequest {
    /// 1–50 characters.
    pub name: String,
}

/// `POST /api/v1/checkins`: a member checks in to a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCheckinRequest {
    /// The community (usually where the member lives).
    pub community_id: String,
    /// The member's work-unit branch.
    #[serde(default)]
    pub unit_branch_id: Option<String>,
    /// The service certificate number (服务证): 1–32 ASCII letters, digits or `-` (`domain::CertificateNo`).
    pub certificate_no: String,
    /// The introduction letter's reference (介绍信): 1–64 characters on one line (`domain::LetterRef`).
    pub letter_ref: String,
}

/// A check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Checkin {
    /// The id.
    pub id: String,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: CheckinStatus,
    /// The member.
    pub member: PersonRef,
    /// The community.
    pub community_id: String,
    /// The member's work-unit branch.
    pub unit_branch_id: Option<String>,
    /// The service certificate number.
    pub certificate_no: String,
    /// The introduction letter's reference.
    pub letter_ref: String,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// When it was filed (RFC 3339).
    pub created_at: String,
    /// When it was approved or rejected.
    pub decided_at: Option<String>,
}

/// `POST /api/v1/checkins/{id}/reject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RejectCheckinRequest {
    /// 1–500 characters.
    pub reason: String,
}

/// `GET /api/v1/communities/{id}/checkin-stats`: the seed's figures for one community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckinFigures {
    /// The community.
    pub community_id: String,
    /// Work-unit branches whose own check-in to the community is approved.
    pub units_checked_in: i64,
    /// Members with an approved check-in.
    pub members_checked_in: i64,
    /// Wishes of the community those members claimed (or accepted).
    pub wishes_claimed: i64,
    /// Wishes of the community those members fulfilled.
    pub wishes_fulfilled: i64,
}

/// `POST /api/v1/unit-branches/{id}/checkins`: a work-unit branch checks in to a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUnitBranchCheckinRequest {
    /// The community.
    pub community_id: String,
    /// The introduction letter's reference, 1–64 characters.
    pub letter_ref: String,
}

/// A work-unit branch's check-in to a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnitBranchCheckin {
    /// The id.
    pub id: String,
    /// The branch.
    pub unit_branch_id: String,
    /// The community.
    pub community_id: String,
    /// The introduction letter's reference.
    pub letter_ref: String,
    /// `pending`, `approved` or `rejected` (a branch's check-in is never withdrawn).
    pub status: CheckinStatus,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// When it was filed (RFC 3339).
    pub created_at: String,
    /// When it was decided.
    pub decided_at: Option<String>,
}
