//! The rules of volunteer service and the time bank that both the server and the web app apply:
//! how long an attendance counts, the star level, a sign-up's status, the rotating check-in code's
//! shape. The ledger itself (double entry, integer minutes) lives in the server's store.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How many minutes an attendance counts: the time between check-in and check-out, capped by the
/// activity's own length, never negative. Travel time is not counted (only the time at the place).
pub fn attended_minutes(checked_in_ms: i64, checked_out_ms: i64, starts_ms: i64, ends_ms: i64) -> i64 {
    let attended = (checked_out_ms - checked_in_ms).max(0) / 60_000;
    let length = (ends_ms - starts_ms).max(0) / 60_000;
    attended.min(length)
}

/// The star level (1–5) reached with `lifetime_minutes` earned, given the thresholds in hours
/// (ascending; 100 / 300 / 600 / 1,000 / 1,500 by default); 0 below the first.
pub fn star_level(lifetime_minutes: i64, thresholds_hours: &[u32]) -> u8 {
    let hours = lifetime_minutes / 60;
    let reached = thresholds_hours.iter().filter(|&&t| hours >= i64::from(t)).count();
    u8::try_from(reached).unwrap_or(u8::MAX)
}

/// The lifetime minutes needed for the next star, or `None` at the top.
pub fn next_star_minutes(lifetime_minutes: i64, thresholds_hours: &[u32]) -> Option<i64> {
    thresholds_hours.iter().map(|&t| i64::from(t) * 60).find(|&m| m > lifetime_minutes)
}

/// Where a person stands on an activity's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignupStatus {
    /// Holds one of the activity's seats.
    Seated,
    /// Waiting for a seat; moved up in order when a seated person withdraws.
    Waitlisted,
    /// Withdrew (or was moved off by the organiser). Terminal for this sign-up; signing up again
    /// takes a new place at the end.
    Withdrawn,
}

impl SignupStatus {
    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Seated => "seated",
            Self::Waitlisted => "waitlisted",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Parses the wire and database spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "seated" => Some(Self::Seated),
            "waitlisted" => Some(Self::Waitlisted),
            "withdrawn" => Some(Self::Withdrawn),
            _ => None,
        }
    }

    /// The Chinese name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Seated => "已报名",
            Self::Waitlisted => "候补中",
            Self::Withdrawn => "已退出",
        }
    }
}

/// An activity's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityStatus {
    /// Published: open for sign-up until it ends.
    Published,
    /// Cancelled by its organiser; sign-ups are closed and nothing is credited.
    Cancelled,
    /// Its hours were confirmed by the organiser (more attendees may still be confirmed).
    Confirmed,
}

impl ActivityStatus {
    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Cancelled => "cancelled",
            Self::Confirmed => "confirmed",
        }
    }

    /// Parses the wire and database spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "published" => Some(Self::Published),
            "cancelled" => Some(Self::Cancelled),
            "confirmed" => Some(Self::Confirmed),
            _ => None,
        }
    }

    /// The Chinese name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Published => "报名中",
            Self::Cancelled => "已取消",
            Self::Confirmed => "已确认时长",
        }
    }
}

/// How many digits the short check-in code has (typed when the camera cannot scan).
pub const CHECKIN_CODE_DIGITS: usize = 6;

/// Whether `code` has the short check-in code's shape (six ASCII digits).
pub fn is_checkin_code(code: &str) -> bool {
    code.len() == CHECKIN_CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit())
}

/// Minutes as a person reads them: `2小时30分`, `45分钟`, `3小时`.
pub fn format_minutes(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    match (m / 60, m % 60) {
        (0, r) => format!("{sign}{r}分钟"),
        (h, 0) => format!("{sign}{h}小时"),
        (h, r) => format!("{sign}{h}小时{r}分"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STARS: [u32; 5] = [100, 300, 600, 1000, 1500];

    #[test]
    fn attendance_is_capped_by_the_activity_and_never_negative() {
        let h = 3_600_000;
        assert_eq!(attended_minutes(0, 2 * h, 0, 3 * h), 120);
        assert_eq!(attended_minutes(0, 5 * h, 0, 3 * h), 180);
        assert_eq!(attended_minutes(2 * h, h, 0, 3 * h), 0);
    }

    #[test]
    fn stars_follow_the_thresholds() {
        assert_eq!(star_level(99 * 60 + 59, &STARS), 0);
        assert_eq!(star_level(100 * 60, &STARS), 1);
        assert_eq!(star_level(1500 * 60, &STARS), 5);
        assert_eq!(next_star_minutes(0, &STARS), Some(6000));
        assert_eq!(next_star_minutes(1500 * 60, &STARS), None);
    }

    #[test]
    fn codes_and_minutes() {
        assert!(is_checkin_code("012345"));
        assert!(!is_checkin_code("12345"));
        assert!(!is_checkin_code("12345a"));
        assert_eq!(format_minutes(150), "2小时30分");
        assert_eq!(format_minutes(45), "45分钟");
        assert_eq!(format_minutes(-120), "-2小时");
    }
}
