//! Work orders (工单), departments, the whistle, the working-day calendar and scorecards.
//! The states and formulas are described in docs/WORK-ORDERS.md.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::{GeoPoint, PersonRef, Photo, PlaceRef};
use crate::domain::{ExtensionState, OrderAction, OrderStatus, Priority, Satisfaction};

/// A department (职能部门: 城管, 住建, 水务 …), an organisation at district or street level whose
/// staff answer whistles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Department {
    /// The id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The district or street it belongs to.
    pub place_id: String,
}

/// `POST /api/v1/admin/departments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDepartmentRequest {
    /// 1–50 characters, unique at its place.
    pub name: String,
    /// A district or street in service.
    pub place_id: String,
}

/// `POST /api/v1/admin/departments/{id}/staff` and `DELETE` of the same: an account on a
/// department's staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DepartmentStaffRequest {
    /// The account.
    pub user_id: String,
}

/// `POST /api/v1/work-orders`: a resident's 随手拍 or a grid worker's patrol report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportOrderRequest {
    /// 1–50 characters.
    pub title: String,
    /// 1–2,000 characters.
    pub description: String,
    /// One of the configured work-order categories (`GET /api/v1/work-orders/categories`).
    pub category: String,
    /// The grid where the problem is: a resident's own grid; a grid worker's grid.
    pub grid_id: String,
    /// Where exactly; inside the grid's boundary when it has one.
    #[serde(default)]
    pub location: Option<GeoPoint>,
    /// Grid workers and dispatchers only (residents' reports are normal until the community
    /// accepts them).
    #[serde(default)]
    pub priority: Option<Priority>,
    /// A grid worker filing for a resident: the resident's account.
    #[serde(default)]
    pub reporter_id: Option<String>,
    /// A grid worker only: the problem was solved on the spot (即报即办); this note says how, and
    /// the order is created closed.
    #[serde(default)]
    pub resolved_on_spot: Option<String>,
    /// Ids of the caller's own unattached uploads (`POST /api/v1/photos`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<String>>,
}

/// `POST /api/v1/work-orders/{id}/{action}`: what each action needs (others are refused).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderActionRequest {
    /// Act only if the order is still at this version.
    #[serde(default)]
    pub version: Option<i64>,
    /// Required by `decline`, `return`, `escalate`, `request_extension`, `supervise` (its note),
    /// `refuse_extension`.
    #[serde(default)]
    pub reason: Option<String>,
    /// Required by `resolve`; optional with `visit`.
    #[serde(default)]
    pub note: Option<String>,
    /// `dispatch`: the grid of the community that handles it.
    #[serde(default)]
    pub grid_id: Option<String>,
    /// `whistle`: the lead department (牵头).
    #[serde(default)]
    pub lead_department_id: Option<String>,
    /// `whistle`: co-handling departments (协办), each of which must sign too.
    #[serde(default)]
    pub co_department_ids: Option<Vec<String>>,
    /// `accept`, `dispatch`, `whistle`: set or change the priority (its clocks start at dispatch).
    #[serde(default)]
    pub priority: Option<Priority>,
    /// `visit`: the answer.
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    /// `request_extension`: working days asked (1 to the configured maximum).
    #[serde(default)]
    pub days: Option<u32>,
    /// `resolve`, `visit`: ids of the caller's own unattached uploads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<String>>,
}

/// One department on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderDepartment {
    /// The department.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Whether it leads (牵头); otherwise it co-handles (协办).
    pub lead: bool,
    /// Its signing deadline.
    pub sign_due_at: String,
    /// When it signed (报到).
    pub signed_at: Option<String>,
}

/// An extension asked for an order (at most one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderExtension {
    /// Where it stands.
    pub state: ExtensionState,
    /// Working days asked.
    pub days: u32,
    /// Why.
    pub reason: String,
}

/// A work order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WorkOrder {
    /// The id.
    pub id: String,
    /// Where it is in its life.
    pub status: OrderStatus,
    /// Grows by one with every change; send it back as `version` to act only on what you saw.
    pub version: i64,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Its category.
    pub category: String,
    /// How urgent it is.
    pub priority: Priority,
    /// `resident` (随手拍), `patrol` (a grid worker's find) or `on_spot` (即报即办).
    pub source: String,
    /// The grid where the problem is.
    pub grid: PlaceRef,
    /// The grid's community.
    pub community_id: String,
    /// The community's street, when it has one.
    pub street_id: Option<String>,
    /// Where exactly, when given.
    pub location: Option<GeoPoint>,
    /// Who reported it (or for whom it was reported).
    pub reporter: PersonRef,
    /// The grid it is dispatched to (grid handling).
    pub handler_grid: Option<PlaceRef>,
    /// The departments it is whistled to (the lead first).
    pub departments: Vec<OrderDepartment>,
    /// When it was last dispatched or whistled.
    pub dispatched_at: Option<String>,
    /// The lead's signing deadline.
    pub sign_due_at: Option<String>,
    /// The resolving deadline (moved by a granted extension).
    pub resolve_due_at: Option<String>,
    /// When the lead signed.
    pub signed_at: Option<String>,
    /// When it was resolved.
    pub resolved_at: Option<String>,
    /// How it was resolved.
    pub resolution_note: Option<String>,
    /// The extension asked, if any.
    pub extension: Option<OrderExtension>,
    /// Supervised (督办): by a person or because a deadline passed.
    pub supervised: bool,
    /// The supervision note.
    pub supervision_note: Option<String>,
    /// A deadline passed while the handler held it.
    pub overdue: bool,
    /// The call-back's answer.
    pub satisfaction: Option<Satisfaction>,
    /// When it was reported.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// What the caller may do now.
    pub actions: Vec<OrderAction>,
    /// Its photos, oldest first (`report`, `resolve`, `visit`).
    #[serde(default)]
    pub photos: Vec<Photo>,
}

/// One entry of an order's event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderEvent {
    /// The id.
    pub id: String,
    /// When.
    pub at: String,
    /// Who (none for the system).
    pub actor: Option<PersonRef>,
    /// What.
    pub action: OrderAction,
    /// The status before.
    pub from_status: Option<OrderStatus>,
    /// The status after.
    pub to_status: OrderStatus,
    /// The reason or note given.
    pub note: Option<String>,
    /// The department concerned (a whistle's assignment, a signature).
    pub department_id: Option<String>,
    /// The photos attached with it (a report's, a resolution's, a call-back's).
    #[serde(default)]
    pub photo_ids: Vec<String>,
}

/// The working-day calendar as the server uses it (`GET /api/v1/admin/calendar`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarInfo {
    /// Years with holiday data (shipped or uploaded).
    pub years: Vec<i32>,
    /// Years from last year to next year without data: counted Monday–Friday.
    pub fallback_years: Vec<i32>,
    /// Working hours, `HH:MM-HH:MM`, Asia/Shanghai.
    pub working_hours: String,
    /// What an admin should know (a fallback year), in words.
    pub note: Option<String>,
}

/// `GET /api/v1/work-orders/scorecard`: one row per month and the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Scorecard {
    /// `department`, `grid`, `community` or `street`.
    pub unit: String,
    /// The unit's id.
    pub id: String,
    /// The first day counted (`YYYY-MM-DD`, Asia/Shanghai).
    pub from: String,
    /// The last day counted.
    pub to: String,
    /// Each month with activity, oldest first.
    pub months: Vec<ScoreRow>,
    /// The whole range.
    pub total: ScoreRow,
}

/// The figures of one month (or the whole range). Formulas: docs/WORK-ORDERS.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ScoreRow {
    /// `YYYY-MM`, or `total`.
    pub month: String,
    /// Orders reported in the area (a department: assignments received).
    pub received: i64,
    /// Assignments to a handler (a grid dispatch counts one, a whistle one per department).
    pub dispatched: i64,
    /// Assignments signed within their deadline.
    pub signed_on_time: i64,
    /// 响应率: signed on time / dispatched.
    pub response_rate: Option<f64>,
    /// Orders resolved (on the spot included).
    pub resolved: i64,
    /// Resolved within the deadline.
    pub resolved_on_time: i64,
    /// Resolved on time / resolved.
    pub on_time_rate: Option<f64>,
    /// Call-backs answered.
    pub visited: i64,
    /// 满意.
    pub satisfied: i64,
    /// 基本满意.
    pub basic: i64,
    /// 解决率: (满意 + 基本满意) / visited.
    pub solve_rate: Option<f64>,
    /// 满意率: (满意 + 0.9 × 基本满意) / visited.
    pub satisfaction_rate: Option<f64>,
    /// Average working hours from dispatch to signature.
    pub avg_sign_hours: Option<f64>,
    /// Average working hours from dispatch to resolution.
    pub avg_resolve_hours: Option<f64>,
    /// Whistles blown.
    pub whistles: i64,
    /// Departments whistled (one per department per whistle).
    pub whistle_assignments: i64,
    /// Of those, signed (报到) within the deadline.
    pub whistle_signed_on_time: i64,
    /// Supervision raised, by a person or by the system.
    pub supervised: i64,
}
