//! The working-day calendar and deadline arithmetic for work orders.
//!
//! A day is a working day by China's official calendar: Monday–Friday, except the days off of a
//! holiday, plus the make-up working days (调休) on weekends. The holidays of a year come from a
//! holiday-cn file ([`parse_holiday_year`]); the repository ships 2026 ([`shipped_years`]) and an
//! admin uploads the next year when it is announced. A year without data falls back to
//! Monday–Friday, and [`WorkCalendar::missing_years`] says which years those are.
//!
//! Time is local to Asia/Shanghai, a fixed UTC+08:00 (no daylight saving), so no time-zone
//! library is needed. Instants are UTC milliseconds since 1970.
//!
//! # Working time and the deadline rule
//! On a working day, working time is the half-open interval `[start, end)` of [`WorkingHours`].
//! Think of a working clock that runs only then. [`WorkCalendar::add_working_minutes`] runs it
//! forward by the amount and returns the *earliest* instant at which it shows the total: so a
//! deadline that uses up a day exactly is that day's end (17:00), not the next morning, and time
//! outside working hours is skipped before counting starts. Adding 0 returns the instant
//! unchanged, wherever it is. With these two rules `add(add(t, a), b) == add(t, a + b)` for all
//! `a, b ≥ 0`: from a day's end, a positive amount continues on the next working day.

mod date;
mod holiday_file;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use date::Date;
pub use holiday_file::{CalendarError, HolidayDay, HolidayYear, parse_holiday_year};

/// Asia/Shanghai's offset from UTC in minutes: +08:00 all year.
pub const UTC_OFFSET_MINUTES: i64 = 8 * 60;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
const DAY_MINUTES: u16 = 1440;
const OFFSET_MS: i64 = UTC_OFFSET_MINUTES * MINUTE_MS;
/// How far [`WorkCalendar::add_working_minutes`] searches for working days (about 3 billion
/// years): beyond it the result saturates at `i64::MAX`.
const MAX_SEARCH_DAYS: i64 = 1 << 40;

/// The holiday files shipped in the repository.
const SHIPPED: &[&str] = &[include_str!("../../data/holidays/2026.json")];

/// The years shipped in the repository (`shared/data/holidays/*.json`), parsed.
///
/// A test proves every shipped file parses, so none is ever left out here. They are parsed once
/// per process.
pub fn shipped_years() -> Vec<HolidayYear> {
    static PARSED: std::sync::LazyLock<Vec<HolidayYear>> =
        std::sync::LazyLock::new(|| SHIPPED.iter().filter_map(|text| parse_holiday_year(text).ok()).collect());
    PARSED.clone()
}

/// The local (Asia/Shanghai) date of a UTC instant.
pub fn shanghai_date(at_ms: i64) -> Date {
    Date::from_days(local_day_and_ms(at_ms).0)
}

/// The UTC instant of `minute_of_day` minutes after local (Asia/Shanghai) midnight of `date`; a
/// minute past 1440 runs into the following days.
pub fn shanghai_instant(date: Date, minute_of_day: u32) -> i64 {
    utc_ms(date.days_since_epoch(), i128::from(minute_of_day) * i128::from(MINUTE_MS))
}

/// The local day (days since 1970-01-01) and millisecond of that day of a UTC instant.
fn local_day_and_ms(at_ms: i64) -> (i64, i64) {
    let local = at_ms.saturating_add(OFFSET_MS);
    (local.div_euclid(DAY_MS), local.rem_euclid(DAY_MS))
}

/// The UTC instant `ms` milliseconds after local midnight of `day`, saturating at the ends of
/// `i64`.
fn utc_ms(day: i64, ms: i128) -> i64 {
    let at = i128::from(day) * i128::from(DAY_MS) + ms - i128::from(OFFSET_MS);
    i64::try_from(at).unwrap_or(if at < 0 { i64::MIN } else { i64::MAX })
}

/// Working hours, in minutes after local midnight: `540..1020` is 09:00–17:00.
///
/// [`WorkingHours::new`] is the checked constructor; a [`WorkCalendar`] given hand-built hours
/// that are not valid uses the default instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "UncheckedHours")]
pub struct WorkingHours {
    /// When the working day starts (inclusive).
    pub start_minute: u16,
    /// When the working day ends (exclusive), at most 1440.
    pub end_minute: u16,
}

impl WorkingHours {
    /// The hours, if `start < end <= 1440`.
    pub fn new(start_minute: u16, end_minute: u16) -> Option<Self> {
        (start_minute < end_minute && end_minute <= DAY_MINUTES).then_some(Self { start_minute, end_minute })
    }

    /// The length of a working day in minutes.
    pub fn day_minutes(self) -> u16 {
        self.end_minute.saturating_sub(self.start_minute)
    }

    fn is_valid(self) -> bool {
        Self::new(self.start_minute, self.end_minute).is_some()
    }
}

impl Default for WorkingHours {
    /// 09:00–17:00.
    fn default() -> Self {
        Self { start_minute: 9 * 60, end_minute: 17 * 60 }
    }
}

impl fmt::Display for WorkingHours {
    /// `09:00–17:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, e) = (self.start_minute, self.end_minute);
        write!(f, "{:02}:{:02}–{:02}:{:02}", s / 60, s % 60, e / 60, e % 60)
    }
}

#[derive(Deserialize)]
struct UncheckedHours {
    start_minute: u16,
    end_minute: u16,
}

impl TryFrom<UncheckedHours> for WorkingHours {
    type Error = String;
    fn try_from(raw: UncheckedHours) -> Result<Self, String> {
        Self::new(raw.start_minute, raw.end_minute).ok_or_else(|| "上班时间须早于下班时间，且不晚于 24:00".to_owned())
    }
}

/// The working-day calendar: any number of years of holiday data, and the working hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    hours: WorkingHours,
    years: BTreeMap<i32, HolidayYear>,
    /// Every listed day of every year with data (days since 1970), and whether it is worked.
    listed: BTreeMap<i64, bool>,
    /// The listed days that change the Monday–Friday rule, in order…
    changes: Vec<i64>,
    /// …and how many working days the changes before each index add: `prefix[i]` sums the first
    /// `i` changes (+1 for a worked weekend day, −1 for a weekday off).
    prefix: Vec<i64>,
}

impl Default for WorkCalendar {
    /// Default working hours and no holiday data.
    fn default() -> Self {
        Self::new(WorkingHours::default())
    }
}

impl WorkCalendar {
    /// A calendar with these working hours and no holiday data (every year Monday–Friday).
    pub fn new(hours: WorkingHours) -> Self {
        let hours = if hours.is_valid() { hours } else { WorkingHours::default() };
        Self { hours, years: BTreeMap::new(), listed: BTreeMap::new(), changes: Vec::new(), prefix: vec![0] }
    }

    /// A calendar with these working hours and the years shipped in the repository.
    pub fn shipped(hours: WorkingHours) -> Self {
        shipped_years().into_iter().fold(Self::new(hours), Self::with_year)
    }

    /// The calendar with `year`'s data replacing whatever it had for that year. Entries dated
    /// outside `year.year` are ignored ([`parse_holiday_year`] never yields one).
    pub fn with_year(mut self, year: HolidayYear) -> Self {
        self.years.insert(year.year, year);
        self.listed = self
            .years
            .values()
            .flat_map(|y| y.days.iter().filter(move |d| d.date.year == y.year))
            .map(|d| (d.date.days_since_epoch(), !d.is_off_day))
            .collect();
        self.changes.clear();
        self.prefix = vec![0];
        let mut sum = 0;
        for (&day, &worked) in &self.listed {
            let by_default = date::weekday_of_day(day) <= 5;
            if worked != by_default {
                sum += if worked { 1 } else { -1 };
                self.changes.push(day);
                self.prefix.push(sum);
            }
        }
        self
    }

    /// The working hours.
    pub fn hours(&self) -> WorkingHours {
        self.hours
    }

    /// The years with holiday data, ascending.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// Whether `year` has holiday data.
    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The holiday data of `year`, if any.
    pub fn year(&self, year: i32) -> Option<&HolidayYear> {
        self.years.get(&year)
    }

    /// The years in `from..=to` without holiday data, which fall back to Monday–Friday (for
    /// `/readyz` and the admin page to say so).
    pub fn missing_years(&self, from: i32, to: i32) -> Vec<i32> {
        (from..=to).filter(|y| !self.has_year(*y)).collect()
    }

    /// The holiday-file entry of `date` (a day off or a make-up working day), if it has one.
    pub fn listed_day(&self, date: Date) -> Option<&HolidayDay> {
        self.years.get(&date.year)?.days.iter().find(|d| d.date == date)
    }

    /// Whether `date` is a working day. A year without data: Monday–Friday.
    pub fn is_working_day(&self, date: Date) -> bool {
        self.is_working_day_number(date.days_since_epoch())
    }

    /// The number of working days in `year`.
    pub fn working_days_in_year(&self, year: i32) -> u32 {
        let first = |y: i32| Date { year: y, month: 1, day: 1 }.days_since_epoch();
        let count = self.working_days_between(first(year), first(year.saturating_add(1)));
        u32::try_from(count).unwrap_or(0)
    }

    /// Whether the instant is inside working time: on a working day, at or after the start of
    /// the working hours and before their end.
    pub fn is_working_time(&self, at_ms: i64) -> bool {
        let (day, ms) = local_day_and_ms(at_ms);
        let (start, end) = self.window_ms();
        self.is_working_day_number(day) && start <= ms && ms < end
    }

    /// The instant `minutes` working minutes after `from_ms` (UTC milliseconds in and out).
    ///
    /// Counting starts at `from_ms` if it is inside working time, else at the next start of a
    /// working day. A positive amount always ends inside working time or exactly at the end of a
    /// working day (a deadline that uses up a day is that day's 17:00, not the next 09:00). An
    /// amount of 0 or less returns `from_ms` unchanged. Whole days are skipped at once, so any
    /// amount is fast; a result past `i64` saturates.
    pub fn add_working_minutes(&self, from_ms: i64, minutes: i64) -> i64 {
        if minutes <= 0 {
            return from_ms;
        }
        let (start, end) = self.window_ms();
        let mut need = i128::from(minutes) * i128::from(MINUTE_MS);
        let (day, ms) = local_day_and_ms(from_ms);
        if self.is_working_day_number(day) && ms < end {
            let begin = ms.max(start);
            let left_today = i128::from(end - begin);
            if need <= left_today {
                return utc_ms(day, i128::from(begin) + need);
            }
            need -= left_today;
        }
        let day_length = i128::from(end - start);
        // The result falls on the k-th working day after `day`, k ≥ 1, at most a whole day in.
        let k = (need + day_length - 1) / day_length;
        let Some(target) = i64::try_from(k).ok().and_then(|k| self.nth_working_day_after(day, k)) else {
            return i64::MAX;
        };
        utc_ms(target, i128::from(start) + need - (k - 1) * day_length)
    }

    /// [`add_working_minutes`](Self::add_working_minutes) of `days` whole working days (each the
    /// length of the working hours): from 15:00, one working day is 15:00 of the next working day.
    pub fn add_working_days(&self, from_ms: i64, days: i64) -> i64 {
        self.add_working_minutes(from_ms, days.saturating_mul(i64::from(self.hours.day_minutes())))
    }

    /// The working minutes in `[a_ms, b_ms)`, in whole minutes rounded down; 0 if `b_ms <= a_ms`.
    ///
    /// `working_minutes_between(t, add_working_minutes(t, m)) == m` for every `t` and `m ≥ 0`.
    pub fn working_minutes_between(&self, a_ms: i64, b_ms: i64) -> i64 {
        if b_ms <= a_ms {
            return 0;
        }
        let (start, end) = self.window_ms();
        let (day_a, ms_a) = local_day_and_ms(a_ms);
        let (day_b, ms_b) = local_day_and_ms(b_ms);
        let within = |day: i64, from: i64, to: i64| -> i128 {
            if self.is_working_day_number(day) { i128::from((to.min(end) - from.max(start)).max(0)) } else { 0 }
        };
        let ms = if day_a == day_b {
            within(day_a, ms_a, ms_b)
        } else {
            within(day_a, ms_a, DAY_MS)
                + i128::from(self.working_days_between(day_a + 1, day_b)) * i128::from(end - start)
                + within(day_b, 0, ms_b)
        };
        i64::try_from(ms / i128::from(MINUTE_MS)).unwrap_or(i64::MAX)
    }

    /// The working hours in milliseconds after local midnight.
    fn window_ms(&self) -> (i64, i64) {
        (i64::from(self.hours.start_minute) * MINUTE_MS, i64::from(self.hours.end_minute) * MINUTE_MS)
    }

    fn is_working_day_number(&self, day: i64) -> bool {
        self.listed.get(&day).copied().unwrap_or_else(|| date::weekday_of_day(day) <= 5)
    }

    /// The working days in `[a, b)` (days since 1970), in O(log n).
    fn working_days_between(&self, a: i64, b: i64) -> i64 {
        if b <= a {
            return 0;
        }
        let change = |day: i64| self.prefix.get(self.changes.partition_point(|&c| c < day)).copied().unwrap_or(0);
        weekdays_before(b) - weekdays_before(a) + change(b) - change(a)
    }

    /// The `k`-th working day after `day` (`k ≥ 1`), found by galloping then bisecting on the
    /// working-day count; `None` past [`MAX_SEARCH_DAYS`].
    fn nth_working_day_after(&self, day: i64, k: i64) -> Option<i64> {
        if k > MAX_SEARCH_DAYS {
            return None;
        }
        let first = day.checked_add(1)?;
        let reached = |span: i64| self.working_days_between(first, first + span) >= k;
        // Invariant: `lo` days are not enough, `hi` days are.
        let (mut lo, mut hi) = (0, k.max(1));
        while !reached(hi) {
            lo = hi;
            hi = hi.checked_mul(2).filter(|h| *h <= MAX_SEARCH_DAYS)?;
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if reached(mid) { hi = mid } else { lo = mid }
        }
        Some(first + hi - 1)
    }
}

/// Monday–Friday days from Monday 1969-12-29 up to `day` (days since 1970, exclusive); negative
/// before it. Differences give the weekdays of any range.
fn weekdays_before(day: i64) -> i64 {
    let from_monday = day + 3;
    5 * from_monday.div_euclid(7) + from_monday.rem_euclid(7).min(5)
}

#[cfg(test)]
mod tests;
