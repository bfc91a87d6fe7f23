//! Storage of work orders (工单), departments and the holiday calendars: reports, the
//! conditional write of every action with its event rows and notifications in one transaction,
//! lists by scope, the event log, and the scorecard's sums (per day, written with each event).

use haolin_shared::domain::calendar::{Date, shanghai_instant};
use haolin_shared::domain::{ExtensionState, OrderAction, OrderStatus, Priority, Satisfaction};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::photos::PhotoAttach;
use super::sql_builder::SqlBuilder;
use super::wechat::{Notice, Subject};
use super::{Store, StoreError, adding, opaque, unique_violation};

/// A department as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentRecord {
    /// The id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its district or street.
    pub place_id: i64,
}

/// A department on one whistle round of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDepartmentRecord {
    /// The department.
    pub department_id: i64,
    /// Its name.
    pub name: String,
    /// Whether it leads.
    pub lead: bool,
    /// Its signing deadline (UTC ms).
    pub sign_due_at: i64,
    /// When it signed.
    pub signed_at: Option<i64>,
}

/// A work order as stored, with the names it shows. Times are UTC milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRecord {
    /// The id.
    pub id: i64,
    /// The grid's community.
    pub community_id: i64,
    /// The community's street.
    pub street_id: Option<i64>,
    /// The grid where the problem is.
    pub grid_id: i64,
    /// The grid's code and name.
    pub grid_code: String,
    /// The grid's name.
    pub grid_name: String,
    /// Who reported it (or for whom).
    pub reporter_id: i64,
    /// The reporter's name.
    pub reporter_name: String,
    /// Who filed it.
    pub filed_by: i64,
    /// `resident`, `patrol` or `on_spot`.
    pub source: String,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Its category.
    pub category: String,
    /// How urgent.
    pub priority: Priority,
    /// Where exactly.
    pub location: Option<(f64, f64)>,
    /// Where it stands.
    pub status: OrderStatus,
    /// Grows with every change.
    pub version: i64,
    /// The dispatch round.
    pub round: i64,
    /// `community` or `street`: who dispatched the current round.
    pub dispatch_level: Option<String>,
    /// The grid handling it.
    pub handler_grid_id: Option<i64>,
    /// The handling grid's code and name.
    pub handler_grid: Option<(String, String)>,
    /// The lead department.
    pub lead_department_id: Option<i64>,
    /// When dispatched.
    pub dispatched_at: Option<i64>,
    /// The lead's signing deadline.
    pub sign_due_at: Option<i64>,
    /// The resolving deadline.
    pub resolve_due_at: Option<i64>,
    /// The end of the return window.
    pub return_until: Option<i64>,
    /// When the lead signed.
    pub signed_at: Option<i64>,
    /// When resolved.
    pub resolved_at: Option<i64>,
    /// How.
    pub resolution_note: Option<String>,
    /// The extension asked.
    pub extension: Option<(ExtensionState, i64, String)>,
    /// When first supervised.
    pub supervised_at: Option<i64>,
    /// The supervision note.
    pub supervision_note: Option<String>,
    /// When flagged overdue in this round.
    pub overdue_at: Option<i64>,
    /// The call-back's answer.
    pub satisfaction: Option<Satisfaction>,
    /// When reported.
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
    /// The departments of the current round (the lead first).
    pub departments: Vec<OrderDepartmentRecord>,
    /// Every department the order was ever whistled to (they keep seeing it).
    pub all_departments: Vec<i64>,
    /// Its photos, oldest first.
    pub photos: Vec<super::photos::PhotoRecord>,
}

/// A new order to store.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// The grid's community.
    pub community_id: i64,
    /// The community's street.
    pub street_id: Option<i64>,
    /// The grid.
    pub grid_id: i64,
    /// For whom.
    pub reporter_id: i64,
    /// Who filed it.
    pub filed_by: i64,
    /// `resident`, `patrol` or `on_spot`.
    pub source: &'static str,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category.
    pub category: String,
    /// Priority.
    pub priority: Priority,
    /// Where exactly.
    pub location: Option<(f64, f64)>,
    /// Resolved on the spot: the note (the order is created closed).
    pub on_spot_note: Option<String>,
    /// Now.
    pub at: i64,
    /// The month of `at` in Asia/Shanghai.
    pub month: String,
    /// Who hears of it.
    pub notices: Vec<Notice>,
    /// Photos reported with it.
    pub photos: Option<PhotoAttach>,
}

/// A value to set on an order's column.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// An integer or null.
    Int(Option<i64>),
    /// A text or null.
    Text(Option<String>),
}

/// One event row to write with a change (the store adds the order, time, month, places, round
/// and actor).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventRow {
    /// The action's API name.
    pub action: &'static str,
    /// The status before (`None`: the same as after).
    pub from: Option<OrderStatus>,
    /// The status after.
    pub to: Option<OrderStatus>,
    /// The reason or note.
    pub note: Option<String>,
    /// The department concerned.
    pub department_id: Option<i64>,
    /// Whether within the deadline (signing, resolving).
    pub on_time: Option<bool>,
    /// Working minutes taken (signing, resolving).
    pub minutes: Option<i64>,
    /// The call-back's answer.
    pub satisfaction: Option<Satisfaction>,
}

/// One action's write: applied only if the order is still at `expected_version` and `from`.
#[derive(Debug, Clone)]
pub struct OrderWrite {
    /// The order.
    pub order_id: i64,
    /// The version the decision was made on.
    pub expected_version: i64,
    /// The status the decision was made on.
    pub from: OrderStatus,
    /// The status after.
    pub to: OrderStatus,
    /// Now (UTC ms).
    pub at: i64,
    /// The month of `at` in Asia/Shanghai.
    pub month: String,
    /// Who (none for the system).
    pub actor_id: Option<i64>,
    /// Columns to set besides status, version and updated_at.
    pub set: Vec<(&'static str, Val)>,
    /// A new whistle round's departments: `(department, lead, sign deadline)`.
    pub new_departments: Vec<(i64, bool, i64)>,
    /// A department of the current round signing now.
    pub department_signs: Option<i64>,
    /// The event rows (the first one is the action itself).
    pub events: Vec<EventRow>,
    /// Who hears of it.
    pub notices: Vec<Notice>,
    /// Photos attached with the change (a resolution's, a call-back's).
    pub photos: Option<PhotoAttach>,
}

/// Why an order write did not happen.
#[derive(Debug)]
pub enum OrderWriteFailure {
    /// The order moved on since it was read: here it is now.
    Stale(Box<OrderRecord>),
    /// No such order.
    Missing,
    /// The database failed.
    Store(StoreError),
}

impl From<sqlx::Error> for OrderWriteFailure {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

impl From<StoreError> for OrderWriteFailure {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// Which orders a list shows: the union of what the caller may see, narrowed by filters.
#[derive(Debug, Clone, Default)]
pub struct OrderQuery {
    /// Everything (admins).
    pub sees_all: bool,
    /// The caller (sees what they reported or filed).
    pub viewer_id: i64,
    /// Communities the caller dispatches for.
    pub communities: Vec<i64>,
    /// Streets the caller is an officer of.
    pub streets: Vec<i64>,
    /// Grids the caller works.
    pub grids: Vec<i64>,
    /// Departments the caller is on the staff of.
    pub departments: Vec<i64>,
    /// Only what the caller reported or filed.
    pub mine: bool,
    /// Only what the caller must handle now (lead or unsigned co-handler).
    pub inbox: bool,
    /// Only this community.
    pub community_id: Option<i64>,
    /// Only this street.
    pub street_id: Option<i64>,
    /// Only this grid.
    pub grid_id: Option<i64>,
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Only orders flagged overdue in their current round.
    pub overdue: bool,
    /// Only supervised orders.
    pub supervised: bool,
    /// Keyset: ids below this.
    pub before_id: Option<i64>,
    /// Page size.
    pub limit: u32,
}

/// An event as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEventRecord {
    /// The id.
    pub id: i64,
    /// When (UTC ms).
    pub at: i64,
    /// Who.
    pub actor: Option<(i64, String)>,
    /// The action's API name.
    pub action: String,
    /// Before.
    pub from_status: Option<String>,
    /// After.
    pub to_status: String,
    /// Reason or note.
    pub note: Option<String>,
    /// The department concerned.
    pub department_id: Option<i64>,
}

/// The sums of one month of a scorecard (see `work_orders::scorecard`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreSums {
    /// `YYYY-MM`.
    pub month: String,
    /// Orders reported.
    pub reported: i64,
    /// Assignments (dispatch + whistle rows).
    pub dispatched: i64,
    /// Signatures.
    pub signed: i64,
    /// Signatures on time.
    pub signed_on_time: i64,
    /// Working minutes to sign, summed.
    pub sign_minutes: i64,
    /// Resolutions (on the spot included).
    pub resolved: i64,
    /// On time.
    pub resolved_on_time: i64,
    /// Working minutes to resolve, summed (on the spot excluded).
    pub resolve_minutes: i64,
    /// Resolutions with minutes.
    pub resolve_timed: i64,
    /// Call-backs.
    pub visited: i64,
    /// 满意.
    pub satisfied: i64,
    /// 基本满意.
    pub basic: i64,
    /// Whistles blown.
    pub whistles: i64,
    /// Departments whistled.
    pub whistle_assignments: i64,
    /// Department signatures on time.
    pub whistle_signed_on_time: i64,
    /// Supervision raised.
    pub supervised: i64,
}

/// An order whose deadline needs the job's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueOrder {
    /// The order.
    pub id: i64,
    /// Its version when read.
    pub version: i64,
}

const ORDER_SELECT: &str = "SELECT o.id, o.community_id, o.street_id, o.grid_id, g.code AS grid_code, \
     g.name AS grid_name, o.reporter_id, r.name AS reporter_name, o.filed_by, o.source, o.title, o.description, \
     o.category, o.priority, o.lng, o.lat, o.status, o.version, o.round, o.dispatch_level, o.handler_grid_id, \
     hg.code AS handler_code, hg.name AS handler_name, o.lead_department_id, o.dispatched_at, o.sign_due_at, \
     o.resolve_due_at, o.return_until, o.signed_at, o.resolved_at, o.resolution_note, o.extension_state, \
     o.extension_days, o.extension_reason, o.supervised_at, o.supervision_note, o.overdue_at, o.satisfaction, \
     o.created_at, o.updated_at, o.photos \
     FROM work_orders o JOIN places g ON g.id = o.grid_id JOIN users r ON r.id = o.reporter_id \
     LEFT JOIN places hg ON hg.id = o.handler_grid_id";

fn decode<T>(raw: &str, parse: fn(&str) -> Option<T>) -> Result<T, sqlx::Error> {
    parse(raw).ok_or_else(|| sqlx::Error::Decode(format!("bad value {raw}").into()))
}

fn order_from_row(row: &AnyRow) -> Result<OrderRecord, sqlx::Error> {
    let lng: Option<f64> = row.try_get("lng")?;
    let lat: Option<f64> = row.try_get("lat")?;
    let handler_code: Option<String> = row.try_get("handler_code")?;
    let handler_name: Option<String> = row.try_get("handler_name")?;
    let extension_state: Option<String> = row.try_get("extension_state")?;
    let satisfaction: Option<String> = row.try_get("satisfaction")?;
    Ok(OrderRecord {
        id: row.try_get("id")?,
        community_id: row.try_get("community_id")?,
        street_id: row.try_get("street_id")?,
        grid_id: row.try_get("grid_id")?,
        grid_code: row.try_get("grid_code")?,
        grid_name: row.try_get("grid_name")?,
        reporter_id: row.try_get("reporter_id")?,
        reporter_name: row.try_get("reporter_name")?,
        filed_by: row.try_get("filed_by")?,
        source: row.try_get("source")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        category: row.try_get("category")?,
        priority: decode(&row.try_get::<String, _>("priority")?, Priority::parse)?,
        location: lng.zip(lat),
        status: decode(&row.try_get::<String, _>("status")?, OrderStatus::parse)?,
        version: row.try_get("version")?,
        round: row.try_get("round")?,
        dispatch_level: row.try_get("dispatch_level")?,
        handler_grid_id: row.try_get("handler_grid_id")?,
        handler_grid: handler_code.zip(handler_name),
        lead_department_id: row.try_get("lead_department_id")?,
        dispatched_at: row.try_get("dispatched_at")?,
        sign_due_at: row.try_get("sign_due_at")?,
        resolve_due_at: row.try_get("resolve_due_at")?,
        return_until: row.try_get("return_until")?,
        signed_at: row.try_get("signed_at")?,
        resolved_at: row.try_get("resolved_at")?,
        resolution_note: row.try_get("resolution_note")?,
        extension: match extension_state {
            Some(raw) => Some((
                decode(&raw, ExtensionState::parse)?,
                row.try_get::<Option<i64>, _>("extension_days")?.unwrap_or(0),
                row.try_get::<Option<String>, _>("extension_reason")?.unwrap_or_default(),
            )),
            None => None,
        },
        supervised_at: row.try_get("supervised_at")?,
        supervision_note: row.try_get("supervision_note")?,
        overdue_at: row.try_get("overdue_at")?,
        satisfaction: satisfaction.map(|raw| decode(&raw, Satisfaction::parse)).transpose()?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        departments: Vec::new(),
        all_departments: Vec::new(),
        photos: super::photos::photo_list(&row.try_get::<String, _>("photos")?),
    })
}

fn bool_int(b: bool) -> i64 {
    i64::from(b)
}

/// What one work-order event adds to each sum of the scorecard ([`ScoreSums`]), in its order:
/// the one home of the scorecard's counting rules. The day sums are written with them, event by
/// event, and a department's scorecard counts its events from the log with them.
const SCORE_VALUES: [(&str, &str); 16] = [
    ("reported", "CASE WHEN action = 'report' THEN 1 ELSE 0 END"),
    ("dispatched", "CASE WHEN action IN ('dispatch', 'whistle') THEN 1 ELSE 0 END"),
    ("signed", "CASE WHEN action = 'sign' THEN 1 ELSE 0 END"),
    ("signed_on_time", "CASE WHEN action = 'sign' AND on_time = 1 THEN 1 ELSE 0 END"),
    ("sign_minutes", "CASE WHEN action = 'sign' THEN COALESCE(minutes, 0) ELSE 0 END"),
    ("resolved", "CASE WHEN action IN ('resolve', 'resolve_on_spot') THEN 1 ELSE 0 END"),
    ("resolved_on_time", "CASE WHEN action IN ('resolve', 'resolve_on_spot') AND on_time = 1 THEN 1 ELSE 0 END"),
    ("resolve_minutes", "CASE WHEN action = 'resolve' THEN COALESCE(minutes, 0) ELSE 0 END"),
    ("resolve_timed", "CASE WHEN action = 'resolve' AND minutes IS NOT NULL THEN 1 ELSE 0 END"),
    ("visited", "CASE WHEN action = 'visit' THEN 1 ELSE 0 END"),
    ("satisfied", "CASE WHEN action = 'visit' AND satisfaction = 'satisfied' THEN 1 ELSE 0 END"),
    ("basic", "CASE WHEN action = 'visit' AND satisfaction = 'basic' THEN 1 ELSE 0 END"),
    ("whistles", "CASE WHEN action = 'whistle' AND from_status <> to_status THEN 1 ELSE 0 END"),
    ("whistle_assignments", "CASE WHEN action = 'whistle' THEN 1 ELSE 0 END"),
    (
        "whistle_signed_on_time",
        "CASE WHEN action = 'sign' AND department_id IS NOT NULL AND on_time = 1 THEN 1 ELSE 0 END",
    ),
    ("supervised", "CASE WHEN action IN ('supervise', 'flag_overdue') THEN 1 ELSE 0 END"),
];

/// An event's day (Asia/Shanghai, UTC+8 all year), days since 1970-01-01.
const EVENT_DAY_SQL: &str = "(at + 28800000) / 86400000";

/// The units whose scorecards are summed per day, with their column of `work_order_events`.
const DAY_SUM_UNITS: [(&str, &str); 3] = [("street", "street_id"), ("community", "community_id"), ("grid", "grid_id")];

/// Each event of `work_order_events` that passes `filter`, once per unit it counts in, as the
/// rows of `work_order_day_sums`: unit, unit_id, day, month and each [`SCORE_VALUES`].
fn day_sum_rows(filter: &str) -> String {
    let values = SCORE_VALUES.iter().map(|(c, v)| format!("{v} AS {c}")).collect::<Vec<_>>().join(", ");
    DAY_SUM_UNITS
        .iter()
        .map(|(unit, column)| {
            format!(
                "SELECT '{unit}' AS unit, {column} AS unit_id, {EVENT_DAY_SQL} AS day, month, {values} \
                 FROM work_order_events WHERE {filter} AND {column} IS NOT NULL"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// The upsert adding an incoming row's sums to the day's row.
fn adding_scores() -> String {
    let columns: Vec<&str> = SCORE_VALUES.iter().map(|(c, _)| *c).collect();
    adding("work_order_day_sums", "unit, unit_id, day", &columns)
}

fn score_columns() -> String {
    SCORE_VALUES.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
}

fn summed_score_columns() -> String {
    SCORE_VALUES.iter().map(|(c, _)| format!("CAST(SUM({c}) AS BIGINT) AS {c}")).collect::<Vec<_>>().join(", ")
}

/// Sums the events of `work_order_events` passing `filter` into their day sums, `on_conflict`
/// (` ON CONFLICT …`) with a day's row already there.
fn day_sums_insert(filter: &str, on_conflict: &str) -> String {
    format!(
        "INSERT INTO work_order_day_sums (unit, unit_id, day, month, {cols}) \
         SELECT unit, unit_id, day, month, {sums} FROM ({rows}) e GROUP BY unit, unit_id, day, month{on_conflict}",
        cols = score_columns(),
        sums = summed_score_columns(),
        rows = day_sum_rows(filter),
    )
}

/// Adds event `$1` to its street's, community's and grid's day sums.
static ADD_EVENT_SQL: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| day_sums_insert("id = $1", &adding_scores()));

/// The scorecard's statement for `column`'s unit `$1` over days `$2 ..= $3` (Asia/Shanghai), by
/// month: a street's, community's or grid's day sums, a department's events (also what the
/// benchmark explains).
pub fn score_sums_sql(column: &str) -> String {
    match DAY_SUM_UNITS.iter().find(|(_, c)| *c == column) {
        Some((unit, _)) => format!(
            "SELECT month, {sums} FROM work_order_day_sums WHERE unit = '{unit}' AND unit_id = $1 \
             AND day >= {from} AND day <= {to} GROUP BY month ORDER BY month",
            sums = summed_score_columns(),
            from = opaque("$2", "BIGINT"),
            to = opaque("$3", "BIGINT"),
        ),
        None => {
            let values = SCORE_VALUES.iter().map(|(c, v)| format!("{v} AS {c}")).collect::<Vec<_>>().join(", ");
            format!(
                "SELECT month, {sums} FROM (SELECT month, {values} FROM work_order_events \
                 WHERE {column} = $1 AND at >= $2 AND at < $3) e GROUP BY month ORDER BY month",
                sums = summed_score_columns(),
            )
        }
    }
}

fn department_from_row(r: &AnyRow) -> Result<DepartmentRecord, sqlx::Error> {
    Ok(DepartmentRecord { id: r.try_get("id")?, name: r.try_get("name")?, place_id: r.try_get("place_id")? })
}

impl Store {
    /// Every department, by place and name.
    pub async fn departments(&self) -> Result<Vec<DepartmentRecord>, StoreError> {
        let rows = sqlx::query("SELECT id, name, place_id FROM departments ORDER BY place_id, name")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(department_from_row).collect::<Result<_, _>>()?)
    }

    /// One department.
    pub async fn department(&self, id: i64) -> Result<Option<DepartmentRecord>, StoreError> {
        let row = sqlx::query("SELECT id, name, place_id FROM departments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(department_from_row).transpose()?)
    }

    /// Creates a department; `AlreadyExists("name")` when its place has one of that name.
    pub async fn create_department(&self, name: &str, place_id: i64, at: i64) -> Result<i64, StoreError> {
        sqlx::query_scalar("INSERT INTO departments (name, place_id, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(name)
            .bind(place_id)
            .bind(at)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| if unique_violation(&e) { StoreError::AlreadyExists("name") } else { e.into() })
    }

    /// Puts an account on a department's staff and grants it the department-officer role (both
    /// idempotent).
    pub async fn add_department_staff(&self, department_id: i64, user_id: i64, at: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO department_staff (user_id, department_id, created_at) SELECT $1, $2, $3 \
             WHERE NOT EXISTS (SELECT 1 FROM department_staff WHERE user_id = $1 AND department_id = $2)",
        )
        .bind(user_id)
        .bind(department_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO role_grants (user_id, role, community_id, created_at) SELECT $1, 'department_officer', NULL, $2 \
             WHERE NOT EXISTS (SELECT 1 FROM role_grants WHERE user_id = $1 AND role = 'department_officer')",
        )
        .bind(user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes an account off a department's staff (and the role when it is on no staff any more);
    /// `false` if it was not on it.
    pub async fn remove_department_staff(&self, department_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let removed = sqlx::query("DELETE FROM department_staff WHERE user_id = $1 AND department_id = $2")
            .bind(user_id)
            .bind(department_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(
            "DELETE FROM role_grants WHERE user_id = $1 AND role = 'department_officer' \
             AND NOT EXISTS (SELECT 1 FROM department_staff WHERE user_id = $1)",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(removed > 0)
    }

    /// The roles an account holds at places below or above a community (`place_grants`: grid
    /// workers and leaders of grids, street officers of streets).
    pub async fn place_grants_of(&self, user_id: i64) -> Result<Vec<(haolin_shared::api::Role, i64)>, StoreError> {
        let rows = sqlx::query("SELECT role, place_id FROM place_grants WHERE user_id = $1 ORDER BY role, place_id")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some(role) = haolin_shared::api::Role::parse(&row.try_get::<String, _>("role")?) {
                found.push((role, row.try_get("place_id")?));
            }
        }
        Ok(found)
    }

    /// The departments an account is on the staff of.
    pub async fn departments_of(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT department_id FROM department_staff WHERE user_id = $1 ORDER BY department_id")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Stores a new order with its report event (and, resolved on the spot, its resolution
    /// event) and notices; returns its id.
    pub async fn create_order(&self, new: &NewOrder) -> Result<i64, StoreError> {
        let status = if new.on_spot_note.is_some() { OrderStatus::Closed } else { OrderStatus::Reported };
        let mut tx = self.pool.begin().await?;
        let (lng, lat) = new.location.unzip();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO work_orders (community_id, street_id, grid_id, reporter_id, filed_by, source, title, \
             description, category, priority, lng, lat, status, resolved_at, resolution_note, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
        )
        .bind(new.community_id)
        .bind(new.street_id)
        .bind(new.grid_id)
        .bind(new.reporter_id)
        .bind(new.filed_by)
        .bind(new.source)
        .bind(&new.title)
        .bind(&new.description)
        .bind(&new.category)
        .bind(new.priority.as_str())
        .bind(lng)
        .bind(lat)
        .bind(status.as_str())
        .bind(new.on_spot_note.as_ref().map(|_| new.at))
        .bind(new.on_spot_note.clone())
        .bind(new.at)
        .fetch_one(&mut *tx)
        .await?;
        let mut events = vec![EventRow {
            action: OrderAction::Report.as_str(),
            to: Some(OrderStatus::Reported),
            ..EventRow::default()
        }];
        if let Some(note) = &new.on_spot_note {
            events.push(EventRow {
                action: OrderAction::ResolveOnSpot.as_str(),
                from: Some(OrderStatus::Reported),
                to: Some(OrderStatus::Closed),
                note: Some(note.clone()),
                on_time: Some(true),
                ..EventRow::default()
            });
        }
        let mut report_event = None;
        for event in &events {
            let event_id = Self::write_order_event(&mut tx, id, new.at, &new.month, Some(new.filed_by), event).await?;
            report_event.get_or_insert(event_id);
        }
        if let Some(attach) = &new.photos
            && let Err(refused) = Self::attach_photos(&mut tx, Subject::Order(id), report_event, attach, new.at).await?
        {
            tx.rollback().await?;
            return Err(StoreError::Photos(refused));
        }
        Self::write_notices_about(&mut tx, &new.notices, Subject::Order(id), new.at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes one event row of order `id`, copying its places and round from the order row, and
    /// adds it to its places' scorecard day sums.
    async fn write_order_event(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: i64,
        at: i64,
        month: &str,
        actor_id: Option<i64>,
        event: &EventRow,
    ) -> Result<i64, sqlx::Error> {
        let to = event.to.map(OrderStatus::as_str);
        let event_id: i64 = sqlx::query_scalar(
            "INSERT INTO work_order_events (order_id, at, month, actor_id, action, from_status, to_status, note, round, \
             community_id, street_id, grid_id, department_id, on_time, minutes, satisfaction) \
             SELECT id, $1, $2, $3, $4, COALESCE($5, status), COALESCE($6, status), $7, round, community_id, street_id, \
             grid_id, $8, $9, $10, $11 FROM work_orders WHERE id = $12 RETURNING id",
        )
        .bind(at)
        .bind(month)
        .bind(actor_id)
        .bind(event.action)
        .bind(event.from.map(OrderStatus::as_str).or(to))
        .bind(to)
        .bind(event.note.clone())
        .bind(event.department_id)
        .bind(event.on_time.map(bool_int))
        .bind(event.minutes)
        .bind(event.satisfaction.map(Satisfaction::as_str))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query(&ADD_EVENT_SQL).bind(event_id).execute(&mut **tx).await?;
        Ok(event_id)
    }

    /// Fills the scorecard's day sums from the log when they are empty and the log is not (after
    /// the migration that added them, or a bulk load); another instance doing it at once adds
    /// nothing twice.
    pub async fn fill_order_day_sums(&self) -> Result<bool, StoreError> {
        let (sums, events): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM work_order_day_sums LIMIT 1) s), \
             (SELECT COUNT(*) FROM (SELECT 1 FROM work_order_events LIMIT 1) e)",
        )
        .fetch_one(&self.pool)
        .await?;
        if sums > 0 || events == 0 {
            return Ok(false);
        }
        self.sum_order_events(0, " ON CONFLICT (unit, unit_id, day) DO NOTHING").await?;
        Ok(true)
    }

    /// Adds the events after id `after` (loaded in bulk, without their sums) to the scorecard's
    /// day sums.
    pub async fn add_order_events_to_day_sums(&self, after: i64) -> Result<(), StoreError> {
        self.sum_order_events(after, &adding_scores()).await
    }

    /// Sums the events after id `after` into the day sums, `on_conflict` with a row already there.
    async fn sum_order_events(&self, after: i64, on_conflict: &str) -> Result<(), StoreError> {
        sqlx::query(&day_sums_insert("id > $1", on_conflict)).bind(after).execute(&self.pool).await?;
        Ok(())
    }

    /// One order with its departments.
    pub async fn order(&self, id: i64) -> Result<Option<OrderRecord>, StoreError> {
        let row = sqlx::query(&format!("{ORDER_SELECT} WHERE o.id = $1")).bind(id).fetch_optional(&self.pool).await?;
        let Some(row) = row else { return Ok(None) };
        let mut orders = vec![order_from_row(&row)?];
        self.fill_departments(&mut orders).await?;
        Ok(orders.pop())
    }

    /// Reads the departments of each order's current round, and every department it ever had.
    async fn fill_departments(&self, orders: &mut [OrderRecord]) -> Result<(), StoreError> {
        if orders.is_empty() {
            return Ok(());
        }
        let mut q = SqlBuilder::new(
            "SELECT d.order_id, d.round, d.department_id, p.name, d.lead, d.sign_due_at, d.signed_at \
             FROM work_order_departments d JOIN departments p ON p.id = d.department_id WHERE d.order_id IN (",
        );
        q.push_binds(orders.iter().map(|o| o.id)).push(") ORDER BY d.order_id, d.round, d.lead DESC, d.department_id");
        let rows = q.build().fetch_all(&self.pool).await?;
        for row in &rows {
            let order_id: i64 = row.try_get("order_id")?;
            let round: i64 = row.try_get("round")?;
            let department_id: i64 = row.try_get("department_id")?;
            let Some(order) = orders.iter_mut().find(|o| o.id == order_id) else { continue };
            if !order.all_departments.contains(&department_id) {
                order.all_departments.push(department_id);
            }
            if round == order.round && order.dispatch_level.as_deref() == Some("street") {
                order.departments.push(OrderDepartmentRecord {
                    department_id,
                    name: row.try_get("name")?,
                    lead: row.try_get::<i64, _>("lead")? == 1,
                    sign_due_at: row.try_get("sign_due_at")?,
                    signed_at: row.try_get("signed_at")?,
                });
            }
        }
        Ok(())
    }

    /// Applies one action's write if the order is still as read; the order after it, or why not.
    pub async fn write_order(&self, write: &OrderWrite) -> Result<(OrderRecord, i64), OrderWriteFailure> {
        let mut tx = self.pool.begin().await?;
        let mut update = SqlBuilder::new("UPDATE work_orders SET status = ");
        update.push_bind(write.to.as_str()).push(", version = version + 1, updated_at = ").push_bind(write.at);
        for (column, value) in &write.set {
            update.push(&format!(", {column} = "));
            match value {
                Val::Int(v) => update.push_bind(*v),
                Val::Text(v) => update.push_bind(v.clone()),
            };
        }
        update
            .push(" WHERE id = ")
            .push_bind(write.order_id)
            .push(" AND version = ")
            .push_bind(write.expected_version)
            .push(" AND status = ")
            .push_bind(write.from.as_str());
        if update.build().execute(&mut *tx).await?.rows_affected() == 0 {
            tx.rollback().await?;
            return match self.order(write.order_id).await? {
                Some(now) => Err(OrderWriteFailure::Stale(Box::new(now))),
                None => Err(OrderWriteFailure::Missing),
            };
        }
        if !write.new_departments.is_empty() {
            for (department_id, lead, due) in &write.new_departments {
                sqlx::query(
                    "INSERT INTO work_order_departments (order_id, round, department_id, lead, sign_due_at) \
                     SELECT id, round, $1, $2, $3 FROM work_orders WHERE id = $4",
                )
                .bind(*department_id)
                .bind(bool_int(*lead))
                .bind(*due)
                .bind(write.order_id)
                .execute(&mut *tx)
                .await?;
            }
        }
        if let Some(department_id) = write.department_signs {
            sqlx::query(
                "UPDATE work_order_departments SET signed_at = $1 WHERE order_id = $2 AND department_id = $3 \
                 AND signed_at IS NULL AND round = (SELECT round FROM work_orders WHERE id = $2)",
            )
            .bind(write.at)
            .bind(write.order_id)
            .bind(department_id)
            .execute(&mut *tx)
            .await?;
        }
        let mut first_event = 0;
        for (i, event) in write.events.iter().enumerate() {
            let id =
                Self::write_order_event(&mut tx, write.order_id, write.at, &write.month, write.actor_id, event).await?;
            if i == 0 {
                first_event = id;
            }
        }
        if let Some(attach) = &write.photos
            && let Err(refused) =
                Self::attach_photos(&mut tx, Subject::Order(write.order_id), Some(first_event), attach, write.at)
                    .await?
        {
            tx.rollback().await?;
            return Err(OrderWriteFailure::Store(StoreError::Photos(refused)));
        }
        Self::write_notices_about(&mut tx, &write.notices, Subject::Order(write.order_id), write.at).await?;
        tx.commit().await?;
        let order = self.order(write.order_id).await?.ok_or(OrderWriteFailure::Missing)?;
        Ok((order, first_event))
    }

    /// A page of orders, newest first.
    pub async fn orders(&self, q: &OrderQuery) -> Result<Vec<OrderRecord>, StoreError> {
        let mut sql = SqlBuilder::new(ORDER_SELECT);
        sql.push(" WHERE 1 = 1");
        push_order_filters(&mut sql, q);
        sql.push(" ORDER BY o.id DESC LIMIT ").push_bind(i64::from(q.limit));
        let rows = sql.build().fetch_all(&self.pool).await?;
        let mut orders = rows.iter().map(order_from_row).collect::<Result<Vec<_>, _>>()?;
        self.fill_departments(&mut orders).await?;
        Ok(orders)
    }

    /// An order's event log, oldest first.
    pub async fn order_events(&self, id: i64) -> Result<Vec<OrderEventRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.id, e.at, e.actor_id, u.name AS actor_name, e.action, e.from_status, e.to_status, e.note, \
             e.department_id FROM work_order_events e LEFT JOIN users u ON u.id = e.actor_id \
             WHERE e.order_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut events = Vec::with_capacity(rows.len());
        for row in &rows {
            let actor_id: Option<i64> = row.try_get("actor_id")?;
            let actor_name: Option<String> = row.try_get("actor_name")?;
            events.push(OrderEventRecord {
                id: row.try_get("id")?,
                at: row.try_get("at")?,
                actor: actor_id.zip(actor_name),
                action: row.try_get("action")?,
                from_status: row.try_get("from_status")?,
                to_status: row.try_get("to_status")?,
                note: row.try_get("note")?,
                department_id: row.try_get("department_id")?,
            });
        }
        Ok(events)
    }

    /// The newest event ids after `after` with their orders, oldest first (the live feed).
    pub async fn order_events_after(&self, after: i64, limit: u32) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query("SELECT id, order_id FROM work_order_events WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("order_id")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The highest work-order event id (0 for none).
    pub async fn last_order_event_id(&self) -> Result<i64, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM work_order_events").fetch_one(&self.pool).await?;
        Ok(id.unwrap_or(0))
    }

    /// The orders changed after event `after`, each with its latest event id, oldest first (a
    /// stream's replay).
    pub async fn orders_changed_since(&self, after: i64, limit: u32) -> Result<Vec<(i64, OrderRecord)>, StoreError> {
        let rows = sqlx::query(
            "SELECT order_id, MAX(id) AS last_id FROM work_order_events WHERE id > $1 GROUP BY order_id \
             ORDER BY last_id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let order_id: i64 = row.try_get("order_id")?;
            if let Some(order) = self.order(order_id).await? {
                out.push((row.try_get("last_id")?, order));
            }
        }
        Ok(out)
    }

    /// The scorecard sums per month of the events matching `column = id` on the days `from ..= to`
    /// (Asia/Shanghai). `column` is one of `street_id`, `community_id`, `grid_id`, `department_id`.
    pub async fn score_sums(
        &self,
        column: &'static str,
        id: i64,
        from: Date,
        to: Date,
    ) -> Result<Vec<ScoreSums>, StoreError> {
        let sql = score_sums_sql(column);
        let (from, to) = if DAY_SUM_UNITS.iter().any(|(_, c)| *c == column) {
            (from.days_since_epoch(), to.days_since_epoch())
        } else {
            (shanghai_instant(from, 0), shanghai_instant(to.succ(), 0))
        };
        let rows = sqlx::query(&sql).bind(id).bind(from).bind(to).fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            // Counts and sums come back as BIGINT on PostgreSQL (the sums cast) and INTEGER on SQLite.
            let n = |name: &str| -> Result<i64, sqlx::Error> { Ok(row.try_get::<Option<i64>, _>(name)?.unwrap_or(0)) };
            out.push(ScoreSums {
                month: row.try_get("month")?,
                reported: n("reported")?,
                dispatched: n("dispatched")?,
                signed: n("signed")?,
                signed_on_time: n("signed_on_time")?,
                sign_minutes: n("sign_minutes")?,
                resolved: n("resolved")?,
                resolved_on_time: n("resolved_on_time")?,
                resolve_minutes: n("resolve_minutes")?,
                resolve_timed: n("resolve_timed")?,
                visited: n("visited")?,
                satisfied: n("satisfied")?,
                basic: n("basic")?,
                whistles: n("whistles")?,
                whistle_assignments: n("whistle_assignments")?,
                whistle_signed_on_time: n("whistle_signed_on_time")?,
                supervised: n("supervised")?,
            });
        }
        Ok(out)
    }

    /// Orders held by a handler past a deadline and not flagged yet in this round.
    pub async fn overdue_orders(&self, now: i64, limit: u32) -> Result<Vec<DueOrder>, StoreError> {
        self.due_orders(
            "SELECT id, version FROM work_orders WHERE overdue_at IS NULL AND ((status = 'dispatched' AND sign_due_at < $1) \
             OR (status = 'signed' AND resolve_due_at < $1)) ORDER BY id LIMIT $2",
            &[now, i64::from(limit)],
        )
        .await
    }

    /// Orders whose deadline comes before `horizon` (and has not passed at `now`), not reminded
    /// yet in this stage.
    pub async fn orders_to_remind(&self, now: i64, horizon: i64, limit: u32) -> Result<Vec<DueOrder>, StoreError> {
        self.due_orders(
            "SELECT id, version FROM work_orders WHERE reminded_at IS NULL AND ((status = 'dispatched' \
             AND sign_due_at BETWEEN $1 AND $2) OR (status = 'signed' AND resolve_due_at BETWEEN $1 AND $2)) \
             ORDER BY id LIMIT $3",
            &[now, horizon, i64::from(limit)],
        )
        .await
    }

    /// The `(id, version)` rows `sql` selects with `args` bound in order.
    async fn due_orders(&self, sql: &str, args: &[i64]) -> Result<Vec<DueOrder>, StoreError> {
        let mut query = sqlx::query(sql);
        for arg in args {
            query = query.bind(*arg);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(DueOrder { id: r.try_get("id")?, version: r.try_get("version")? }))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Marks an order reminded (once per stage, whatever the number of instances) and writes the
    /// reminder notices; `false` if another instance did it first or the order moved on.
    pub async fn remind_order(&self, due: DueOrder, at: i64, notices: &[Notice]) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE work_orders SET reminded_at = $1 WHERE id = $2 AND version = $3 AND reminded_at IS NULL",
        )
        .bind(at)
        .bind(due.id)
        .bind(due.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        Self::write_notices_about(&mut tx, notices, Subject::Order(due.id), at).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The uploaded holiday calendars: `(year, body)`.
    pub async fn holiday_years(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query("SELECT year, body FROM holiday_years ORDER BY year").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((r.try_get("year")?, r.try_get("body")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Stores (or replaces) a year's holiday calendar.
    pub async fn put_holiday_year(&self, year: i64, body: &str, by: i64, at: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM holiday_years WHERE year = $1").bind(year).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO holiday_years (year, body, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4)")
            .bind(year)
            .bind(body)
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Appends the filters of an order list (what the caller may see, then their filters and the
/// keyset cursor) to a statement reading `work_orders o` (the list's page and the export's bound).
pub(super) fn push_order_filters(sql: &mut SqlBuilder<'_>, q: &OrderQuery) {
    // What the caller may see at all.
    if !q.sees_all {
        sql.push(" AND (o.reporter_id = ").push_bind(q.viewer_id).push(" OR o.filed_by = ").push_bind(q.viewer_id);
        if !q.communities.is_empty() {
            sql.push(" OR o.community_id IN (").push_binds(q.communities.clone()).push(")");
        }
        if !q.streets.is_empty() {
            sql.push(" OR o.street_id IN (").push_binds(q.streets.clone()).push(")");
        }
        if !q.grids.is_empty() {
            sql.push(" OR o.grid_id IN (").push_binds(q.grids.clone()).push(")");
            sql.push(" OR o.handler_grid_id IN (").push_binds(q.grids.clone()).push(")");
        }
        if !q.departments.is_empty() {
            sql.push(
                " OR EXISTS (SELECT 1 FROM work_order_departments d WHERE d.order_id = o.id AND d.department_id IN (",
            )
            .push_binds(q.departments.clone())
            .push("))");
        }
        sql.push(")");
    }
    if q.mine {
        sql.push(" AND (o.reporter_id = ")
            .push_bind(q.viewer_id)
            .push(" OR o.filed_by = ")
            .push_bind(q.viewer_id)
            .push(")");
    }
    if q.inbox {
        // Grid handling: dispatched to one of the caller's grids and not resolved yet.
        sql.push(
            " AND ((o.status IN ('dispatched', 'signed') AND o.dispatch_level = 'community' AND o.handler_grid_id IN (",
        );
        if q.grids.is_empty() {
            sql.push("NULL");
        } else {
            sql.push_binds(q.grids.clone());
        }
        // A whistle: the lead department until resolved, a co-handler until it signs.
        sql.push(
            ")) OR (o.status IN ('dispatched', 'signed') AND o.dispatch_level = 'street' AND EXISTS (SELECT 1 FROM \
                  work_order_departments d WHERE d.order_id = o.id AND d.round = o.round AND d.department_id IN (",
        );
        if q.departments.is_empty() {
            sql.push("NULL");
        } else {
            sql.push_binds(q.departments.clone());
        }
        sql.push(") AND (d.lead = 1 OR d.signed_at IS NULL))))");
    }
    if let Some(c) = q.community_id {
        sql.push(" AND o.community_id = ").push_bind(c);
    }
    if let Some(s) = q.street_id {
        sql.push(" AND o.street_id = ").push_bind(s);
    }
    if let Some(g) = q.grid_id {
        sql.push(" AND o.grid_id = ").push_bind(g);
    }
    if let Some(status) = q.status {
        sql.push(" AND o.status = ").push_bind(status.as_str());
    }
    if q.overdue {
        sql.push(" AND o.overdue_at IS NOT NULL AND o.status IN ('dispatched', 'signed')");
    }
    if q.supervised {
        sql.push(" AND o.supervised_at IS NOT NULL");
    }
    if let Some(before) = q.before_id {
        sql.push(" AND o.id < ").push_bind(before);
    }
}
