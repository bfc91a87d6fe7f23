//! Request and response bodies of the HTTP API (API.md), and the error codes clients match on.
//!
//! Requests carry raw values (strings, integers); the server parses them into the domain
//! newtypes at the boundary, so a bad value becomes a 422 that names its field. Times are RFC 3339
//! strings in UTC and IDs are strings, as API.md promises.

use serde::{Deserialize, Serialize};

use crate::domain::{WishAction, WishStatus};

pub use places::PlaceLevel;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Every error code the API answers with, in `{"error": {"code": …}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not well-formed JSON, or a query parameter is malformed.
    MalformedRequest,
    /// 401: no bearer token was sent.
    MissingToken,
    /// 401: the token is malformed, forged, signed with another algorithm or revoked.
    InvalidToken,
    /// 401: the access token has expired; refresh it.
    TokenExpired,
    /// 401: the phone number or password is wrong.
    InvalidCredentials,
    /// 401: the refresh token is unknown, used, revoked or expired.
    InvalidRefreshToken,
    /// 403: the caller's role or scope does not allow this.
    Forbidden,
    /// 403: a member may not claim or be dispatched their own wish.
    OwnWish,
    /// 404: no such thing, or not visible to the caller.
    NotFound,
    /// 405: the path exists but not with this method.
    MethodNotAllowed,
    /// 409: the wish is not in a status that allows the action; `details.status` is the status now.
    InvalidState,
    /// 409: the wish changed since the `version` the caller sent; `details.status` and
    /// `details.version` are the current ones.
    VersionConflict,
    /// 409: the member already holds as many live claims as allowed.
    ClaimLimitReached,
    /// 409: the phone number (or code) is already taken.
    AlreadyExists,
    /// 413: the body is larger than allowed.
    PayloadTooLarge,
    /// 409: the place has open work (places under it in service, or unfinished wishes) and cannot
    /// be retired; or it is retired and cannot take new work.
    PlaceInUse,
    /// 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// 422: a field is missing, of the wrong type, unknown or invalid; `details.field` names it.
    InvalidField,
    /// 422: the `Idempotency-Key` was used before with another body.
    IdempotencyKeyReused,
    /// 422: a bulk import was refused; `details.errors` lists every error by line and column.
    InvalidImport,
    /// 429: too many requests; see `Retry-After`.
    RateLimited,
    /// 503: a backend (the database) is unavailable; try again shortly.
    ServiceUnavailable,
    /// 500: something went wrong on the server; it has been logged.
    Internal,
    /// 401: WeChat refused the login or phone code (invalid, expired or already used).
    InvalidWechatCode,
    /// 409: this WeChat identity is bound to another account, or this account to another identity.
    WechatAlreadyBound,
    /// 503: WeChat is not configured on this server, or did not answer in time.
    WechatUnavailable,
    /// 422: the content safety check found the text risky; nothing was stored.
    ContentRisky,
    /// 409: a return (退单) after the return window closed.
    ReturnWindowClosed,
    /// 409: the order already had its one extension.
    ExtensionUsed,
    /// 422: a photo could not be decoded as the image its bytes claim to be.
    InvalidImage,
    /// 422: more photos than allowed on one wish or work order; `details.max` is the limit.
    TooManyPhotos,
    /// 409: the account has no phone number of its own yet (a WeChat account before
    /// `POST /me/phone`), so it cannot have a password.
    PhoneRequired,
    /// 409: the account holds fewer minutes than the spend or gift needs.
    InsufficientHours,
    /// 409: the daily gift limit, or the receiving account's cap, would be passed; `details.max`
    /// is what is still allowed, in minutes.
    HoursLimitReached,
    /// 422: the check-in code is wrong, forged or expired; ask the organiser for the current one.
    InvalidCheckinCode,
}

impl ErrorCode {
    /// The HTTP status that goes with the code.
    pub fn http_status(self) -> u16 {
        use ErrorCode as E;
        match self {
            E::MalformedRequest => 400,
            E::MissingToken
            | E::InvalidToken
            | E::TokenExpired
            | E::InvalidCredentials
            | E::InvalidRefreshToken
            | E::InvalidWechatCode => 401,
            E::Forbidden | E::OwnWish => 403,
            E::NotFound => 404,
            E::MethodNotAllowed => 405,
            E::InvalidState
            | E::VersionConflict
            | E::ClaimLimitReached
            | E::AlreadyExists
            | E::PlaceInUse
            | E::WechatAlreadyBound
            | E::PhoneRequired
            | E::ReturnWindowClosed
            | E::ExtensionUsed
            | E::InsufficientHours
            | E::HoursLimitReached => 409,
            E::PayloadTooLarge => 413,
            E::UnsupportedMediaType => 415,
            E::InvalidField
            | E::IdempotencyKeyReused
            | E::InvalidImport
            | E::ContentRisky
            | E::InvalidImage
            | E::TooManyPhotos
            | E::InvalidCheckinCode => 422,
            E::RateLimited => 429,
            E::ServiceUnavailable | E::WechatUnavailable => 503,
            E::Internal => 500,
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorInfo,
}

/// What went wrong, for a program (`code`, `details`) and for a person (`message`, in Chinese).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorInfo {
    /// A stable code to match on.
    pub code: ErrorCode,
    /// A sentence to show to the user.
    pub message: String,
    /// Facts about the error: the offending field, the wish's current status…
    #[serde(default)]
    pub details: ErrorDetails,
}

/// Structured facts about an error. Absent facts are omitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorDetails {
    /// The request field that is invalid (a JSON path such as `title` or `roles[1]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The wish's or work order's current status (on 409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CurrentStatus>,
    /// The wish's current version (on 409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Every error of a refused bulk import, by line and column (on 422).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<LineError>>,
    /// The limit that was passed (`too_many_photos`: photos; `payload_too_large`: bytes or pixels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// The status a 409 names: a wish's or a work order's (their names never overlap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(untagged)]
pub enum CurrentStatus {
    /// A wish's status.
    Wish(WishStatus),
    /// A work order's status.
    Order(crate::domain::OrderStatus),
}

/// A role an account can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 群众/居民: posts wishes.
    Resident,
    /// 党员: claims and fulfils wishes in communities they are checked in to.
    Member,
    /// 社区派单员: reviews and dispatches wishes of their communities.
    Dispatcher,
    /// 网格员: works a grid.
    GridWorker,
    /// 网格长: leads a grid (held at a grid place).
    GridLeader,
    /// 联户长: heads a ten-household unit (held at a unit place).
    HouseholdHead,
    /// 街道: handles escalations.
    StreetOfficer,
    /// 职能部门: answers whistles.
    DepartmentOfficer,
    /// 区级管理员: administers everything.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 9] = [
        Self::Resident,
        Self::Member,
        Self::Dispatcher,
        Self::GridWorker,
        Self::GridLeader,
        Self::HouseholdHead,
        Self::StreetOfficer,
        Self::DepartmentOfficer,
        Self::Admin,
    ];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Member => "member",
            Self::Dispatcher => "dispatcher",
            Self::GridWorker => "grid_worker",
            Self::GridLeader => "grid_leader",
            Self::HouseholdHead => "household_head",
            Self::StreetOfficer => "street_officer",
            Self::DepartmentOfficer => "department_officer",
            Self::Admin => "admin",
        }
    }

    /// Parses an API name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// The level of place a role is granted at through `POST /admin/users/{id}/roles`, or `None`
    /// for roles held everywhere.
    pub fn place_level(self) -> Option<PlaceLevel> {
        match self {
            Self::Member | Self::Dispatcher => Some(PlaceLevel::Community),
            Self::GridWorker | Self::GridLeader => Some(PlaceLevel::Grid),
            Self::HouseholdHead => Some(PlaceLevel::Unit),
            Self::StreetOfficer => Some(PlaceLevel::Street),
            Self::Resident | Self::DepartmentOfficer | Self::Admin => None,
        }
    }

    /// Whether the role is held in particular communities (rather than everywhere).
    pub fn is_community_scoped(self) -> bool {
        matches!(self, Self::Member | Self::Dispatcher | Self::GridWorker)
    }
}

/// `POST /api/v1/auth/register`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// A mainland mobile number; the login name.
    pub phone: String,
    /// 8–128 characters.
    pub password: String,
    /// The name shown to others.
    pub name: String,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's phone number.
    pub phone: String,
    /// The account's password.
    pub password: String,
}

/// `POST /api/v1/auth/refresh`, and optionally `POST /api/v1/auth/logout`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token of the last pair issued.
    pub refresh_token: String,
}

/// `POST /api/v1/auth/wechat`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WechatLoginRequest {
    /// The code from `wx.login()`.
    pub code: String,
}

/// A token pair and who it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuthResponse {
    /// The account.
    pub user: User,
    /// A short-lived bearer token for `Authorization`.
    pub access_token: String,
    /// Seconds until `access_token` expires.
    pub expires_in: i64,
    /// A single-use token that buys the next pair.
    pub refresh_token: String,
}

/// An account as its owner (or an admin) sees it; also `GET /api/v1/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct User {
    /// The account's id.
    pub id: String,
    /// The name shown to others.
    pub name: String,
    /// The login phone number.
    pub phone: String,
    /// Every role the account holds.
    pub roles: Vec<Role>,
    /// The communities the account holds a scoped role in.
    pub community_ids: Vec<String>,
    /// Each role with where it is held (`community_id` null for unscoped roles), so a client can
    /// tell a member of one community from a dispatcher of another.
    #[serde(default)]
    pub grants: Vec<RoleGrant>,
}

/// A role held in one community, or everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RoleGrant {
    /// The role.
    pub role: Role,
    /// The community it is held in; `null` for unscoped roles.
    pub community_id: Option<String>,
}

/// `POST /api/v1/admin/users`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// A mainland mobile number.
    pub phone: String,
    /// 8–128 characters.
    pub password: String,
    /// The name shown to others.
    pub name: String,
    /// Roles to grant; scoped roles (member, dispatcher, grid worker) in each of `community_ids`.
    pub roles: Vec<Role>,
    /// The communities the scoped roles apply to.
    #[serde(default)]
    pub community_ids: Vec<String>,
}

/// `POST /api/v1/admin/communities`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCommunityRequest {
    /// The community's name, 1–50 characters (the place-name rule).
    pub name: String,
    /// Its unified code: 6–32 ASCII letters or digits, unique.
    pub code: String,
    /// The code of the street it belongs to, if known.
    #[serde(default)]
    pub street_code: Option<String>,
}

/// A community.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Community {
    /// The community's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its unified code.
    pub code: String,
    /// The street's code, if known.
    pub street_code: Option<String>,
}

/// A person as others see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PersonRef {
    /// The account's id.
    pub id: String,
    /// The account's name.
    pub name: String,
}

/// `POST /api/v1/wishes`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWishRequest {
    /// The resident's community.
    pub community_id: String,
    /// 1–50 characters after trimming.
    pub title: String,
    /// 1–1000 characters after trimming.
    pub description: String,
    /// One of the configured categories.
    pub category: String,
    /// How to reach the resident; defaults to the account's phone.
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// The date (`YYYY-MM-DD`) or time (RFC 3339) the resident hopes for, not in the past.
    #[serde(default)]
    pub expected_by: Option<String>,
    /// The resident's grid: a grid of `community_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_id: Option<String>,
    /// The resident a grid worker (or grid leader) files the wish for; needs `grid_id`, a grid
    /// where the caller holds that role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_id: Option<String>,
    /// Ids of the caller's own unattached uploads (`POST /api/v1/photos`), at most the configured
    /// number (6 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<String>>,
    /// Pay for the service in time-bank minutes (1–6,000): held from the resident's balance in
    /// escrow while the wish is live, paid to the member on confirmation, returned on cancel or
    /// refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_minutes: Option<i64>,
}

/// A micro-wish (微心愿) as the caller may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Wish {
    /// The wish's id.
    pub id: String,
    /// The community it belongs to.
    pub community_id: String,
    /// The resident's grid, when known.
    #[serde(default)]
    pub grid_id: Option<String>,
    /// The community's unified code and name.
    #[serde(default)]
    pub community: Option<PlaceRef>,
    /// The grid's unified code and name, when known.
    #[serde(default)]
    pub grid: Option<PlaceRef>,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Its category.
    pub category: String,
    /// Where it is in its life.
    pub status: WishStatus,
    /// Grows by one with every change; send it back as `version` to act only on what you saw.
    pub version: i64,
    /// When it was posted.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// Who it is for.
    pub resident: PersonRef,
    /// The member holding it (while claimed or fulfilled).
    pub claimant: Option<PersonRef>,
    /// The member it is dispatched to (while assigned).
    pub assignee: Option<PersonRef>,
    /// When the current claim lapses unless fulfilled.
    pub claim_expires_at: Option<String>,
    /// The resident's hoped-for date or time.
    pub expected_by: Option<String>,
    /// The claimant's note on fulfilment.
    pub fulfilment_note: Option<String>,
    /// The resident's 1–5 rating.
    pub rating: Option<u8>,
    /// The resident's comment with the rating.
    pub comment: Option<String>,
    /// How to reach the resident: only for the resident, the claimant and dispatchers.
    pub contact_phone: Option<String>,
    /// For dispatchers and admins: the content safety check sent some of its text for review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flagged: Option<bool>,
    /// Its photos, oldest first: the resident's (`post`, `added`) and the member's (`fulfil`).
    #[serde(default)]
    pub photos: Vec<Photo>,
    /// The time-bank minutes its member earns on confirmation: the paid price when the resident
    /// pays in hours, else the community's configured credit.
    #[serde(default)]
    pub credit_minutes: i64,
    /// Whether the resident pays in hours (the minutes are held in escrow while it is live).
    #[serde(default)]
    pub paid: bool,
}

/// The body of a wish action that needs nothing but an optional version guard
/// (`approve`, `accept`, `claim`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VersionGuard {
    /// Act only if the wish is still at this version.
    #[serde(default)]
    pub version: Option<i64>,
}

/// `reject`, `release`, `revoke`, `dispute`: a reason is required.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// 1–500 characters.
    pub reason: String,
    /// Act only if the wish is still at this version.
    #[serde(default)]
    pub version: Option<i64>,
}

/// `decline`, `cancel`: a reason may be given.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OptionalReasonRequest {
    /// 1–500 characters, if given.
    #[serde(default)]
    pub reason: Option<String>,
    /// Act only if the wish is still at this version.
    #[serde(default)]
    pub version: Option<i64>,
}

/// `dispatch`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DispatchRequest {
    /// A member checked in to the wish's community.
    pub member_id: String,
    /// Act only if the wish is still at this version.
    #[serde(default)]
    pub version: Option<i64>,
}

/// `fulfil`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FulfilRequest {
    /// What was done, 1–500 characters.
    pub note: String,
    /// Act only if the wish is still at this version.
    #[serde(default)]
    pub version: Option<i64>,
    /// Ids of the member's own unattached uploads showing the work done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<String>>,
}

/// `confirm`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// 1–5.
    pub rating: i64,
    /// 1–500 characters, if given.
    #[serde(default)]
    pub comment: Option<String>,
    /// Act only if the wish is still at this version.
    #[serde(default)]
    pub version: Option<i64>,
}

/// One recorded transition of a wish. Never edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WishEvent {
    /// The event's id; events of one wish have increasing ids.
    pub id: String,
    /// When it happened.
    pub at: String,
    /// Who did it; `null` for the system.
    pub actor_id: Option<String>,
    /// What was done.
    pub action: WishAction,
    /// The status before (`null` for `post`).
    pub from: Option<WishStatus>,
    /// The status after.
    pub to: WishStatus,
    /// The reason, note or comment given.
    pub reason: Option<String>,
    /// The photos attached with it (a post's, a fulfilment's).
    #[serde(default)]
    pub photo_ids: Vec<String>,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Page<T> {
    /// The items, newest first.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A list without paging (`GET /api/v1/wishes/{id}/events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Items<T> {
    /// The items, oldest first.
    pub items: Vec<T>,
}

/// `GET /api/v1/communities/{id}/stats`: the community's wishes counted by status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CommunityStats {
    /// The community.
    pub community_id: String,
    /// Every status with its count (zero included), in life-cycle order.
    pub counts: Vec<StatusCount>,
}

/// How many wishes are in one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatusCount {
    /// The status.
    pub status: WishStatus,
    /// How many wishes are in it.
    pub count: i64,
}

mod accounts;
mod audit;
mod checkins;
mod exports;
mod figures;
mod notices;
mod open311;
mod party;
mod photos;
mod places;
mod property;
mod residents;
mod service_points;
mod time_bank;
mod volunteers;
mod work_orders;
pub use accounts::{ChangePasswordRequest, ResetCodeResponse, ResetPasswordRequest, SessionInfo};
pub use audit::{AuditAction, AuditEntry, AuditTargetKind};
pub use checkins::{
    Checkin, CheckinFigures, CreateCheckinRequest, CreateUnitBranchCheckinRequest, CreateUnitBranchRequest,
    RejectCheckinRequest, UnitBranch, UnitBranchCheckin,
};
pub use exports::{CreateExportLinkRequest, ExportLink};
pub use figures::{
    FigurePlaces, FigureRow, Figures, LoadCounts, LoadDistribution, MemberLoad, MonthLoad, MyWorkload, PropertyFigures,
    Workload,
};
pub use notices::{CreateNoticeRequest, Notice, UpdateNoticeRequest};
pub use open311::{CreateOpen311KeyRequest, IssuedOpen311Key, Open311Key};
pub use party::{CreatePartyOrgRequest, PartyOrg, PartyOrgLevel, PartyOrgRef, UpdatePartyOrgRequest};
pub use photos::{AttachPhotosRequest, Photo, PhotoStage};
pub use places::{
    CreatePlaceRequest, GeoPoint, GeoPolygon, GridKind, HeldRole, ImportSummary, LineError, Me, Place, PlaceGrant,
    PlaceRef, SetHomeRequest, UpdatePlaceRequest,
};
pub use property::{
    CreatePropertyEstateRequest, DutyAverages, MyProperty, PropertyComment, PropertyCompany, PropertyCompanyRequest,
    PropertyEstate, PropertyEstateRef, PropertyList, PropertyPeriod, PropertyRating, PropertyResult,
    PropertyStaffRequest, RatePropertyRequest, UpdatePropertyEstateRequest,
};
pub use residents::{CreateResidentRequest, ResidentRecord};
pub use service_points::{
    CreateServicePointRequest, GridOutline, OpeningHours, ServiceContact, ServiceMap, ServicePoint,
    UpdateServicePointRequest,
};
pub use time_bank::{
    AddFamilyRequest, Certificate, CertificateVerification, FamilyLink, GiftRequest, LedgerCheck, LedgerEntry,
    MintRequest, PoolSummary, Relation, ReversalRequest, ServiceRecord, ServiceRecordEntry, TimeBankSummary, Transfer,
    TransferKind,
};
pub use volunteers::{
    Activity, CheckinCode, ConfirmHoursRequest, CreateActivityRequest, CreateTeamRequest, JoinTeamRequest,
    MarkAttendanceRequest, RosterEntry, ScanRequest, Signup, Team, TeamDecisionRequest, TeamMember, TeamRef, TeamRole,
};
pub use work_orders::{
    CalendarInfo, CreateDepartmentRequest, Department, DepartmentStaffRequest, OrderActionRequest, OrderDepartment,
    OrderEvent, OrderExtension, ReportOrderRequest, ScoreRow, Scorecard, WorkOrder,
};
