//! The audit log of administrative actions (`GET /api/v1/admin/audit`): who did what to which
//! record, when, and from where. Append-only; no route changes it.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What an administrative action did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// An admin created an account with roles (`POST /admin/users`).
    UserCreated,
    /// A role was granted at a place.
    RoleGranted,
    /// A role held at a place was revoked.
    RoleRevoked,
    /// A community was created (`POST /admin/communities`).
    CommunityCreated,
    /// A place was created.
    PlaceCreated,
    /// A place was renamed, re-kinded, given a boundary or households, or moved.
    PlaceUpdated,
    /// A place was retired.
    PlaceRetired,
    /// A CSV import of places was applied.
    PlacesImported,
    /// A work-unit party branch was registered.
    UnitBranchCreated,
    /// An admin filed a work-unit branch's check-in to a community.
    UnitBranchCheckinFiled,
    /// A dispatcher approved a unit branch's check-in.
    UnitBranchCheckinApproved,
    /// A dispatcher rejected a unit branch's check-in.
    UnitBranchCheckinRejected,
    /// A dispatcher approved a member's check-in.
    CheckinApproved,
    /// A dispatcher rejected a member's check-in.
    CheckinRejected,
    /// A party organisation was created.
    PartyOrgCreated,
    /// A party organisation was renamed or given another leader.
    PartyOrgUpdated,
    /// A party organisation was retired.
    PartyOrgRetired,
    /// A dispatcher or admin issued a one-time password reset code for an account.
    ResetCodeIssued,
    /// An account's password was reset with a reset code (the actor is the account itself).
    PasswordResetWithCode,
    /// Grid staff recorded a resident without a phone or an account (`POST /residents`).
    ResidentRecorded,
    /// An admin created a department.
    DepartmentCreated,
    /// An account was put on a department's staff.
    DepartmentStaffAdded,
    /// An account was taken off a department's staff.
    DepartmentStaffRemoved,
    /// An admin uploaded a year's holiday calendar.
    CalendarUploaded,
    /// An admin issued time-bank hours into a community's pool.
    HoursMinted,
    /// An admin reversed a time-bank transfer.
    TransferReversed,
    /// A volunteer team was created.
    TeamCreated,
    /// An admin issued an Open311 partner key.
    Open311KeyIssued,
    /// An admin revoked an Open311 partner key.
    Open311KeyRevoked,
    /// A service point was created.
    ServicePointCreated,
    /// A service point was edited.
    ServicePointUpdated,
    /// A service point was retired.
    ServicePointRetired,
    /// Staff posted a notice (通知公告).
    NoticePosted,
    /// A notice's poster (or an admin) changed it.
    NoticeUpdated,
    /// A notice's poster (or an admin) withdrew it.
    NoticeWithdrawn,
    /// A property company was created.
    PropertyCompanyCreated,
    /// A property company was renamed.
    PropertyCompanyUpdated,
    /// An estate was created.
    PropertyEstateCreated,
    /// An estate was renamed, moved to another company or given other places.
    PropertyEstateUpdated,
    /// An account was put on a property company's staff.
    PropertyStaffAdded,
    /// An account was taken off a property company's staff.
    PropertyStaffRemoved,
    /// Companies and estates were imported from a CSV file.
    PropertyImported,
}

impl AuditAction {
    /// Every action.
    pub const ALL: [Self; 42] = [
        Self::UserCreated,
        Self::RoleGranted,
        Self::RoleRevoked,
        Self::CommunityCreated,
        Self::PlaceCreated,
        Self::PlaceUpdated,
        Self::PlaceRetired,
        Self::PlacesImported,
        Self::UnitBranchCreated,
        Self::UnitBranchCheckinFiled,
        Self::UnitBranchCheckinApproved,
        Self::UnitBranchCheckinRejected,
        Self::CheckinApproved,
        Self::CheckinRejected,
        Self::PartyOrgCreated,
        Self::PartyOrgUpdated,
        Self::PartyOrgRetired,
        Self::ResetCodeIssued,
        Self::PasswordResetWithCode,
        Self::ResidentRecorded,
        Self::DepartmentCreated,
        Self::DepartmentStaffAdded,
        Self::DepartmentStaffRemoved,
        Self::CalendarUploaded,
        Self::HoursMinted,
        Self::TransferReversed,
        Self::TeamCreated,
        Self::Open311KeyIssued,
        Self::Open311KeyRevoked,
        Self::ServicePointCreated,
        Self::ServicePointUpdated,
        Self::ServicePointRetired,
        Self::NoticePosted,
        Self::NoticeUpdated,
        Self::NoticeWithdrawn,
        Self::PropertyCompanyCreated,
        Self::PropertyCompanyUpdated,
        Self::PropertyEstateCreated,
        Self::PropertyEstateUpdated,
        Self::PropertyStaffAdded,
        Self::PropertyStaffRemoved,
        Self::PropertyImported,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserCreated => "user_created",
            Self::RoleGranted => "role_granted",
            Self::RoleRevoked => "role_revoked",
            Self::CommunityCreated => "community_created",
            Self::PlaceCreated => "place_created",
            Self::PlaceUpdated => "place_updated",
            Self::PlaceRetired => "place_retired",
            Self::PlacesImported => "places_imported",
            Self::UnitBranchCreated => "unit_branch_created",
            Self::UnitBranchCheckinFiled => "unit_branch_checkin_filed",
            Self::UnitBranchCheckinApproved => "unit_branch_checkin_approved",
            Self::UnitBranchCheckinRejected => "unit_branch_checkin_rejected",
            Self::CheckinApproved => "checkin_approved",
            Self::CheckinRejected => "checkin_rejected",
            Self::PartyOrgCreated => "party_org_created",
            Self::PartyOrgUpdated => "party_org_updated",
            Self::PartyOrgRetired => "party_org_retired",
            Self::ResetCodeIssued => "reset_code_issued",
            Self::PasswordResetWithCode => "password_reset_with_code",
            Self::ResidentRecorded => "resident_recorded",
            Self::DepartmentCreated => "department_created",
            Self::DepartmentStaffAdded => "department_staff_added",
            Self::DepartmentStaffRemoved => "department_staff_removed",
            Self::CalendarUploaded => "calendar_uploaded",
            Self::HoursMinted => "hours_minted",
            Self::TransferReversed => "transfer_reversed",
            Self::TeamCreated => "team_created",
            Self::Open311KeyIssued => "open311_key_issued",
            Self::Open311KeyRevoked => "open311_key_revoked",
            Self::ServicePointCreated => "service_point_created",
            Self::ServicePointUpdated => "service_point_updated",
            Self::ServicePointRetired => "service_point_retired",
            Self::NoticePosted => "notice_posted",
            Self::NoticeUpdated => "notice_updated",
            Self::NoticeWithdrawn => "notice_withdrawn",
            Self::PropertyCompanyCreated => "property_company_created",
            Self::PropertyCompanyUpdated => "property_company_updated",
            Self::PropertyEstateCreated => "property_estate_created",
            Self::PropertyEstateUpdated => "property_estate_updated",
            Self::PropertyStaffAdded => "property_staff_added",
            Self::PropertyStaffRemoved => "property_staff_removed",
            Self::PropertyImported => "property_imported",
        }
    }

    /// Parses a wire name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }
}

/// The kind of record an administrative action was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditTargetKind {
    /// An account.
    User,
    /// A community.
    Community,
    /// A place.
    Place,
    /// A CSV import (no id: the places it touched are counted in `details`).
    PlaceImport,
    /// A work-unit party branch.
    UnitBranch,
    /// A work-unit branch's check-in.
    UnitBranchCheckin,
    /// A member's check-in.
    Checkin,
    /// A party organisation.
    PartyOrg,
    /// A department.
    Department,
    /// A year's holiday calendar (its id is the year).
    Calendar,
    /// A time-bank transfer.
    Transfer,
    /// A volunteer team.
    Team,
    /// An Open311 partner key.
    Open311Key,
    /// A service point.
    ServicePoint,
    /// A notice (通知公告).
    Notice,
    /// A property company.
    PropertyCompany,
    /// An estate.
    PropertyEstate,
    /// A CSV import of companies and estates (no id).
    PropertyImport,
}

impl AuditTargetKind {
    /// Every kind.
    pub const ALL: [Self; 18] = [
        Self::User,
        Self::Community,
        Self::Place,
        Self::PlaceImport,
        Self::UnitBranch,
        Self::UnitBranchCheckin,
        Self::Checkin,
        Self::PartyOrg,
        Self::Department,
        Self::Calendar,
        Self::Transfer,
        Self::Team,
        Self::Open311Key,
        Self::ServicePoint,
        Self::Notice,
        Self::PropertyCompany,
        Self::PropertyEstate,
        Self::PropertyImport,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Community => "community",
            Self::Place => "place",
            Self::PlaceImport => "place_import",
            Self::UnitBranch => "unit_branch",
            Self::UnitBranchCheckin => "unit_branch_checkin",
            Self::Checkin => "checkin",
            Self::PartyOrg => "party_org",
            Self::Department => "department",
            Self::Calendar => "calendar",
            Self::Transfer => "transfer",
            Self::Team => "team",
            Self::Open311Key => "open311_key",
            Self::ServicePoint => "service_point",
            Self::Notice => "notice",
            Self::PropertyCompany => "property_company",
            Self::PropertyEstate => "property_estate",
            Self::PropertyImport => "property_import",
        }
    }

    /// Parses a wire name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditEntry {
    /// The entry's id (increasing).
    pub id: String,
    /// When the action was taken.
    pub at: String,
    /// Who took it.
    pub actor_id: String,
    /// What it did.
    pub action: AuditAction,
    /// The kind of record it was about.
    pub target_kind: AuditTargetKind,
    /// That record's id (`null` for an import).
    pub target_id: Option<String>,
    /// The relevant values (a role and a place, a new name, a decision's reason…).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
    /// The client's address as the server saw it.
    pub ip: String,
    /// The request's `X-Request-Id`, if it had one.
    pub request_id: Option<String>,
}
