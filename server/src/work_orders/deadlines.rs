//! Deadlines: the working-day calendar (the shipped years, replaced by what admins upload) and the
//! clocks of each priority (settings `work_orders.*`). Urgent orders run on clock time; the others
//! on working time (`haolin_shared::domain::calendar`).

use chrono::Utc;
use haolin_shared::api::{CalendarInfo, ErrorCode, LineError};
use haolin_shared::domain::Priority;
use haolin_shared::domain::calendar::{WorkCalendar, WorkingHours, parse_holiday_year, shanghai_date};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::settings::WorkOrderSettings;
use crate::state::AppState;
use crate::store::{Store, StoreError};

const MINUTE_MS: i64 = 60_000;

/// The working hours of the settings (checked at start-up, so the default stands in only for a
/// value that cannot occur).
pub fn hours(settings: &WorkOrderSettings) -> WorkingHours {
    settings.hours().and_then(|(start, end)| WorkingHours::new(start, end)).unwrap_or_default()
}

/// The calendar as every instance sees it now: the shipped years, then the uploaded ones (read
/// from the database each time, so an upload on one instance counts on all at once).
pub async fn calendar(state: &AppState) -> Result<WorkCalendar, ApiError> {
    Ok(calendar_of(&state.store, &state.settings.work_orders).await?)
}

/// [`calendar`] from a store and the settings (the generator has no application state).
pub async fn calendar_of(store: &Store, settings: &WorkOrderSettings) -> Result<WorkCalendar, StoreError> {
    let mut calendar = WorkCalendar::shipped(hours(settings));
    for (year, body) in store.holiday_years().await? {
        match parse_holiday_year(&body) {
            Ok(parsed) => calendar = calendar.with_year(parsed),
            // Checked on upload; a row that no longer parses is skipped (that year falls back to
            // Monday–Friday, which /readyz and the admin's page say).
            Err(e) => tracing::error!(year, error = %e, "stored holiday calendar does not parse"),
        }
    }
    Ok(calendar)
}

/// The deadlines of one dispatch round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clocks {
    /// Sign by.
    pub sign_due: i64,
    /// Resolve by.
    pub resolve_due: i64,
    /// Return allowed until.
    pub return_until: i64,
}

/// The deadlines of a round dispatched at `at` (UTC ms) with `priority`.
pub fn clocks(settings: &WorkOrderSettings, calendar: &WorkCalendar, priority: Priority, at: i64) -> Clocks {
    match priority {
        Priority::Urgent => Clocks {
            sign_due: at + settings.urgent_sign_minutes * MINUTE_MS,
            resolve_due: at + settings.urgent_resolve_minutes * MINUTE_MS,
            return_until: at + settings.return_window_minutes * MINUTE_MS,
        },
        Priority::Normal | Priority::Complex => {
            let days =
                if priority == Priority::Normal { settings.normal_resolve_days } else { settings.complex_resolve_days };
            Clocks {
                sign_due: calendar.add_working_minutes(at, settings.sign_working_minutes),
                resolve_due: calendar.add_working_days(at, days),
                return_until: calendar.add_working_minutes(at, settings.return_window_minutes),
            }
        }
    }
}

/// The minutes an order's clock counted between `from` and `to`: clock minutes for urgent orders,
/// working minutes otherwise.
pub fn minutes_taken(calendar: &WorkCalendar, priority: Priority, from: i64, to: i64) -> i64 {
    match priority {
        Priority::Urgent => (to - from).max(0) / MINUTE_MS,
        _ => calendar.working_minutes_between(from, to),
    }
}

/// The years around now without holiday data (last year to next year).
pub fn fallback_years(calendar: &WorkCalendar) -> Vec<i32> {
    let year = shanghai_date(Utc::now().timestamp_millis()).year;
    calendar.missing_years(year - 1, year + 1)
}

/// What the calendar holds, for the admin's page.
pub async fn info(state: &AppState, caller: &Caller) -> Result<CalendarInfo, ApiError> {
    caller.require_admin()?;
    let calendar = calendar(state).await?;
    Ok(describe(&calendar, &state.settings.work_orders))
}

fn describe(calendar: &WorkCalendar, settings: &WorkOrderSettings) -> CalendarInfo {
    let fallback = fallback_years(calendar);
    let note = (!fallback.is_empty()).then(|| {
        let years: Vec<String> = fallback.iter().map(i32::to_string).collect();
        format!("{} 年尚无节假日数据，暂按周一至周五计算工作日；公布后请上传当年的节假日文件", years.join("、"))
    });
    CalendarInfo {
        years: calendar.years(),
        fallback_years: fallback,
        working_hours: settings.working_hours.clone(),
        note,
    }
}

/// Stores an admin's holiday file for `raw_year` (the holiday-cn layout) after checking all of
/// it; a malformed file is refused with the line at fault and nothing changes.
pub async fn upload(state: &AppState, caller: &Caller, raw_year: &str, body: &[u8]) -> Result<CalendarInfo, ApiError> {
    caller.require_admin()?;
    let year: i32 = raw_year
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| ApiError::invalid_field("year", "年份须为 2000 到 2100 之间的整数"))?;
    let text = std::str::from_utf8(body).map_err(|_| refusal(1, "文件须为 UTF-8 编码的 JSON".into()))?;
    let parsed = parse_holiday_year(text).map_err(|e| refusal(e.line, e.message.clone()))?;
    if parsed.year != year {
        return Err(refusal(1, format!("文件中的年份 {} 与地址中的 {year} 不一致", parsed.year)));
    }
    state.store.put_holiday_year(i64::from(year), text, caller.id(), Utc::now().timestamp_millis()).await?;
    let details = serde_json::json!({"year": year, "days": parsed.days.len()});
    let entry = crate::audit::entry(
        caller,
        haolin_shared::api::AuditAction::CalendarUploaded,
        haolin_shared::api::AuditTargetKind::Calendar,
        Some(i64::from(year)),
        details,
    );
    crate::audit::record_after(state, &entry).await?;
    let calendar = calendar(state).await?;
    Ok(describe(&calendar, &state.settings.work_orders))
}

fn refusal(line: usize, message: String) -> ApiError {
    let mut e = ApiError::new(ErrorCode::InvalidImport, format!("第 {line} 行：{message}"));
    e.details.errors = Some(vec![LineError { line: u64::try_from(line).unwrap_or(u64::MAX), column: None, message }]);
    e
}
