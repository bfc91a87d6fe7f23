//! Scorecards (三率 and on time) per department, grid, community and street, per month and for a
//! date range, summed from the event log (so they can always be recomputed). Formulas in
//! docs/WORK-ORDERS.md:
//! - 响应率 = assignments signed within their deadline / assignments dispatched;
//! - 按时办结率 = resolved within the deadline / resolved;
//! - 解决率 = (满意 + 基本满意) / call-backs;
//! - 满意率 = (满意 + 0.9 × 基本满意) / call-backs;
//! - average working hours from dispatch to signature and to resolution.

use chrono::Utc;
use haolin_shared::api::{PlaceLevel, Role, ScoreRow, Scorecard};
use haolin_shared::domain::calendar::{Date, shanghai_date};

use super::Viewer;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::field_id;
use crate::state::AppState;
use crate::store::work_orders::ScoreSums;

/// The longest range one scorecard covers.
const MAX_DAYS: i64 = 3 * 366;

/// What a scorecard is asked for, as the query string has it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ScoreQuery {
    /// `department`, `grid`, `community` or `street`.
    pub unit: Option<String>,
    /// The unit's id.
    pub id: Option<String>,
    /// The first day (`YYYY-MM-DD`, Asia/Shanghai); default: the first of this month.
    pub from: Option<String>,
    /// The last day; default: today.
    pub to: Option<String>,
}

fn day(field: &str, raw: &str) -> Result<Date, ApiError> {
    Date::parse(raw.trim()).ok_or_else(|| ApiError::invalid_field(field, "日期格式应为 YYYY-MM-DD"))
}

fn rate(part: f64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part / whole as f64 * 10_000.0).round() / 10_000.0)
}

fn hours(minutes: i64, count: i64) -> Option<f64> {
    (count > 0).then(|| (minutes as f64 / count as f64 / 60.0 * 100.0).round() / 100.0)
}

/// One row from its sums.
pub fn row(s: &ScoreSums, department: bool) -> ScoreRow {
    ScoreRow {
        month: s.month.clone(),
        received: if department { s.whistle_assignments } else { s.reported },
        dispatched: s.dispatched,
        signed_on_time: s.signed_on_time,
        response_rate: rate(s.signed_on_time as f64, s.dispatched),
        resolved: s.resolved,
        resolved_on_time: s.resolved_on_time,
        on_time_rate: rate(s.resolved_on_time as f64, s.resolved),
        visited: s.visited,
        satisfied: s.satisfied,
        basic: s.basic,
        solve_rate: rate((s.satisfied + s.basic) as f64, s.visited),
        satisfaction_rate: rate(s.satisfied as f64 + 0.9 * s.basic as f64, s.visited),
        avg_sign_hours: hours(s.sign_minutes, s.signed),
        avg_resolve_hours: hours(s.resolve_minutes, s.resolve_timed),
        whistles: s.whistles,
        whistle_assignments: s.whistle_assignments,
        whistle_signed_on_time: s.whistle_signed_on_time,
        supervised: s.supervised,
    }
}

/// The sums of several months added up.
pub fn total(months: &[ScoreSums]) -> ScoreSums {
    let mut t = ScoreSums { month: "total".to_owned(), ..ScoreSums::default() };
    for m in months {
        t.reported += m.reported;
        t.dispatched += m.dispatched;
        t.signed += m.signed;
        t.signed_on_time += m.signed_on_time;
        t.sign_minutes += m.sign_minutes;
        t.resolved += m.resolved;
        t.resolved_on_time += m.resolved_on_time;
        t.resolve_minutes += m.resolve_minutes;
        t.resolve_timed += m.resolve_timed;
        t.visited += m.visited;
        t.satisfied += m.satisfied;
        t.basic += m.basic;
        t.whistles += m.whistles;
        t.whistle_assignments += m.whistle_assignments;
        t.whistle_signed_on_time += m.whistle_signed_on_time;
        t.supervised += m.supervised;
    }
    t
}

/// The scorecard the caller asked for, if they may read it: admins everything; street officers
/// their street, its communities and grids, and every department (they whistle them);
/// dispatchers their communities and those communities' grids; department staff their
/// department; grid workers their grids. Anything else is not found.
pub async fn scorecard(state: &AppState, caller: &Caller, q: &ScoreQuery) -> Result<Scorecard, ApiError> {
    let unit = q.unit.as_deref().unwrap_or("street");
    let column = match unit {
        "street" => "street_id",
        "community" => "community_id",
        "grid" => "grid_id",
        "department" => "department_id",
        _ => return Err(ApiError::invalid_field("unit", "unit 须为 street、community、grid 或 department")),
    };
    let id = field_id("id", q.id.as_deref().ok_or_else(|| ApiError::invalid_field("id", "请指定统计对象"))?)?;
    let today = shanghai_date(Utc::now().timestamp_millis());
    let to = q.to.as_deref().map(|r| day("to", r)).transpose()?.unwrap_or(today);
    let from = match q.from.as_deref() {
        Some(r) => day("from", r)?,
        None => Date { day: 1, ..to },
    };
    if from > to {
        return Err(ApiError::invalid_field("from", "开始日期不能晚于结束日期"));
    }
    if to.days_since_epoch() - from.days_since_epoch() > MAX_DAYS {
        return Err(ApiError::invalid_field("to", "统计区间最长三年"));
    }
    let viewer = Viewer::load(state, caller).await?;
    if !may_read(state, &viewer, unit, id).await? {
        return Err(ApiError::not_found());
    }
    let months = state.store.score_sums(column, id, from, to).await?;
    let department = unit == "department";
    Ok(Scorecard {
        unit: unit.to_owned(),
        id: id.to_string(),
        from: from.to_string(),
        to: to.to_string(),
        total: row(&total(&months), department),
        months: months.iter().map(|m| row(m, department)).collect(),
    })
}

async fn may_read(state: &AppState, viewer: &Viewer<'_>, unit: &str, id: i64) -> Result<bool, ApiError> {
    let caller = viewer.caller;
    if caller.is_admin() {
        return Ok(true);
    }
    if unit == "department" {
        return Ok(viewer.departments.contains(&id) || !viewer.streets.is_empty());
    }
    let Some(place) = state.store.place(id).await? else { return Ok(false) };
    let expected = match unit {
        "street" => PlaceLevel::Street,
        "community" => PlaceLevel::Community,
        _ => PlaceLevel::Grid,
    };
    if place.level != expected {
        return Ok(false);
    }
    // Walk up: the grid's community, the community's street.
    let mut community = None;
    let mut street = None;
    match place.level {
        PlaceLevel::Street => street = Some(place.id),
        PlaceLevel::Community => {
            community = Some(place.id);
            street = place.parent_id;
        }
        _ => {
            community = place.parent_id;
            if let Some(c) = community {
                street = state.store.place(c).await?.and_then(|c| c.parent_id);
            }
        }
    }
    Ok(street.is_some_and(|s| viewer.streets.contains(&s))
        || community.is_some_and(|c| caller.holds(Role::Dispatcher, c))
        || (place.level == PlaceLevel::Grid && viewer.grids.contains(&place.id)))
}
