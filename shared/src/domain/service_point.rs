//! Service points (红帆驿站, docs/SERVICE-POINTS.md): the weekly opening hours and whether a point
//! is open at an instant (Asia/Shanghai, with the working-day calendar where the point follows it),
//! the services offered, the public contact phone, and the distance between two points.
//!
//! The wire form of the hours is seven lists (Monday first) of `"HH:MM-HH:MM"` intervals, e.g.
//! `["08:30-12:00", "14:00-17:30"]`; an empty list is a day closed. An interval is half-open
//! (`[open, close)`), ends at `24:00` at the latest and does not cross midnight; a day's intervals
//! are in order and do not overlap.

use super::ValueError;
use super::calendar::{UTC_OFFSET_MINUTES, WorkCalendar, shanghai_date};
use super::text::parse_text_field;

/// The most intervals one day may have.
pub const MAX_INTERVALS_PER_DAY: usize = 4;
/// The most services a point may list.
pub const MAX_SERVICES: usize = 12;
/// The most characters of one service label.
pub const MAX_SERVICE_CHARS: usize = 12;
/// The most characters of an address.
pub const MAX_ADDRESS_CHARS: usize = 100;
/// The Earth's mean radius in metres (IUGG), used by [`distance_m`].
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// One opening interval in minutes after local midnight: `open < close <= 1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// Opens (inclusive).
    pub open: u16,
    /// Closes (exclusive).
    pub close: u16,
}

/// A checked weekly schedule and whether it follows the working-day calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyHours {
    days: [Vec<Interval>; 7],
    follows_calendar: bool,
}

/// Why a weekly schedule was refused, in Simplified Chinese.
pub type HoursError = &'static str;

/// `HH:MM` (00:00–24:00) as minutes after midnight.
fn parse_clock(raw: &str) -> Option<u16> {
    let (h, m) = raw.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?);
    let minutes = h * 60 + m;
    (m < 60 && minutes <= 1440).then_some(minutes)
}

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl WeeklyHours {
    /// Checks seven days (Monday first) of `"HH:MM-HH:MM"` intervals.
    pub fn parse(weekly: &[Vec<String>], follows_calendar: bool) -> Result<Self, HoursError> {
        if weekly.len() != 7 {
            return Err("营业时间须按周一到周日列出 7 天");
        }
        let mut days: [Vec<Interval>; 7] = Default::default();
        for (day, raw) in days.iter_mut().zip(weekly) {
            if raw.len() > MAX_INTERVALS_PER_DAY {
                return Err("每天最多 4 个营业时段");
            }
            for text in raw {
                let (open, close) = text
                    .trim()
                    .split_once('-')
                    .and_then(|(a, b)| Some((parse_clock(a.trim())?, parse_clock(b.trim())?)))
                    .ok_or("营业时段须写作 HH:MM-HH:MM，例如 08:30-17:30")?;
                if open >= close {
                    return Err("营业时段的开始须早于结束，且不跨越午夜");
                }
                if day.last().is_some_and(|prev| prev.close > open) {
                    return Err("同一天的营业时段须按时间先后排列，且互不重叠");
                }
                day.push(Interval { open, close });
            }
        }
        Ok(Self { days, follows_calendar })
    }

    /// The wire form: seven lists of `"HH:MM-HH:MM"`.
    pub fn weekly(&self) -> Vec<Vec<String>> {
        self.days
            .iter()
            .map(|day| day.iter().map(|i| format!("{}-{}", clock(i.open), clock(i.close))).collect())
            .collect()
    }

    /// Whether the point follows the working-day calendar.
    pub fn follows_calendar(&self) -> bool {
        self.follows_calendar
    }

    /// The intervals of a weekday, 1 = Monday … 7 = Sunday.
    pub fn day(&self, weekday: u8) -> &[Interval] {
        self.days.get(usize::from(weekday.saturating_sub(1))).map_or(&[], Vec::as_slice)
    }

    /// The intervals a working day uses when the calendar makes a weekend day a make-up working
    /// day (调休): those of the first weekday, Monday to Friday, that has any.
    fn working_day(&self) -> &[Interval] {
        self.days[..5].iter().find(|d| !d.is_empty()).map_or(&[], Vec::as_slice)
    }

    /// The intervals of a local date: the weekday's own, unless the point follows the calendar and
    /// the calendar lists the date as a day off (closed) or a make-up working day (the working
    /// day's hours).
    pub fn on(&self, calendar: &WorkCalendar, date: super::Date) -> &[Interval] {
        if self.follows_calendar
            && let Some(listed) = calendar.listed_day(date)
        {
            return if listed.is_off_day { &[] } else { self.working_day() };
        }
        self.day(date.weekday())
    }

    /// Whether the point is open at the UTC instant `at_ms` (Asia/Shanghai time).
    pub fn is_open(&self, calendar: &WorkCalendar, at_ms: i64) -> bool {
        let local = at_ms.saturating_add(UTC_OFFSET_MINUTES * 60_000);
        let minute = u16::try_from(local.rem_euclid(86_400_000) / 60_000).unwrap_or(0);
        self.on(calendar, shanghai_date(at_ms)).iter().any(|i| i.open <= minute && minute < i.close)
    }
}

/// Checks a list of services: 1–12 labels of 1–12 characters, no label twice.
pub fn parse_services(raw: &[String]) -> Result<Vec<String>, HoursError> {
    if raw.is_empty() || raw.len() > MAX_SERVICES {
        return Err("请列出 1 到 12 项服务");
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for label in raw {
        let label = parse_text_field(label, MAX_SERVICE_CHARS, false).map_err(|_| "每项服务须为 1 到 12 个字")?;
        if out.contains(&label) {
            return Err("服务项目不能重复");
        }
        out.push(label);
    }
    Ok(out)
}

/// Checks a point's public contact phone: a mainland mobile number, or a landline with its area
/// code (`0571-88889999`, 10–12 digits starting with 0; one dash after the area code allowed).
/// Returns it normalised (a mobile as 11 digits, a landline as written without spaces).
pub fn parse_contact_phone(raw: &str) -> Result<String, ValueError> {
    if let Ok(mobile) = super::PhoneNumber::parse(raw) {
        return Ok(mobile.into_inner());
    }
    let compact: String = raw.trim().chars().filter(|c| *c != ' ').collect();
    let digits: String = compact.chars().filter(|c| *c != '-').collect();
    let dashes = compact.matches('-').count();
    let valid = digits.starts_with('0')
        && (10..=12).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && dashes <= 1
        && !compact.starts_with('-')
        && !compact.ends_with('-');
    if valid { Ok(compact) } else { Err(ValueError::Phone) }
}

/// Whether `[lng, lat]` is a finite WGS 84 position.
pub fn is_valid_position(lng: f64, lat: f64) -> bool {
    lng.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lng) && (-90.0..=90.0).contains(&lat)
}

/// The great-circle distance in metres between two `[lng, lat]` positions (haversine on a sphere
/// of the Earth's mean radius; within 0.5 % of the ellipsoid, far below a walk's precision).
pub fn distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (lat1, lat2) = (a[1].to_radians(), b[1].to_radians());
    let (dlat, dlng) = ((b[1] - a[1]).to_radians(), (b[0] - a[0]).to_radians());
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{Date, WorkingHours, parse_holiday_year, shanghai_instant};

    fn week(day: &[&str], weekend: &[&str]) -> Vec<Vec<String>> {
        let owned = |d: &[&str]| d.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let mut w = vec![owned(day); 5];
        w.extend([owned(weekend), owned(weekend)]);
        w
    }

    #[test]
    fn hours_are_checked_and_written_back_the_same() {
        let ok = WeeklyHours::parse(&week(&["08:30-12:00", "14:00-24:00"], &[]), true).unwrap();
        assert_eq!(ok.weekly(), week(&["08:30-12:00", "14:00-24:00"], &[]));
        for bad in
            [&["8:30-12:00"][..], &["12:00-08:00"], &["08:00-12:00", "11:00-13:00"], &["00:00-24:01"], &["09:60-10:00"]]
        {
            assert!(WeeklyHours::parse(&week(bad, &[]), false).is_err(), "{bad:?}");
        }
        assert!(WeeklyHours::parse(&week(&[], &[])[..6], false).is_err(), "six days");
    }

    #[test]
    fn a_point_following_the_calendar_closes_on_holidays_and_opens_on_make_up_days() {
        let hours = WeeklyHours::parse(&week(&["09:00-17:00"], &[]), true).unwrap();
        let own = WeeklyHours::parse(&week(&["09:00-17:00"], &[]), false).unwrap();
        let file = r#"{"year": 2027, "days": [
            {"name": "国庆节", "date": "2027-10-01", "isOffDay": true},
            {"name": "国庆节", "date": "2027-10-09", "isOffDay": false}]}"#;
        let calendar = WorkCalendar::new(WorkingHours::default()).with_year(parse_holiday_year(file).unwrap());
        let at = |d: &str, minute: u32| shanghai_instant(Date::parse(d).unwrap(), minute);
        // 2027-10-01 is a Friday off; 2027-10-09 a Saturday worked.
        assert!(!hours.is_open(&calendar, at("2027-10-01", 600)));
        assert!(own.is_open(&calendar, at("2027-10-01", 600)));
        assert!(hours.is_open(&calendar, at("2027-10-09", 600)));
        assert!(!own.is_open(&calendar, at("2027-10-09", 600)));
        assert!(hours.is_open(&calendar, at("2027-10-08", 540)), "opens at 09:00");
        assert!(!hours.is_open(&calendar, at("2027-10-08", 1020)), "closed from 17:00");
    }

    #[test]
    fn phones_and_services_are_checked() {
        assert_eq!(parse_contact_phone("0571-8888 9999").unwrap(), "0571-88889999");
        assert_eq!(parse_contact_phone("138 0000 1234").unwrap(), "13800001234");
        assert!(parse_contact_phone("12345").is_err());
        assert!(parse_services(&["代收快递".into(), "代收快递".into()]).is_err());
        assert!(parse_services(&[]).is_err());
    }

    #[test]
    fn distances_are_in_metres() {
        let d = distance_m([120.0, 30.0], [120.0, 30.01]);
        assert!((d - 1111.95).abs() < 1.0, "{d}");
        assert_eq!(distance_m([120.1, 30.2], [120.1, 30.2]), 0.0);
    }
}
