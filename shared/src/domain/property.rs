//! Property service ratings (红色物业, docs/PROPERTY.md): the rating period, the five duties and
//! how a period's stars become averages, satisfaction, points and a grade.

use serde::{Deserialize, Serialize};

use super::calendar::{Date, shanghai_date, shanghai_instant};

/// How long a rating period lasts (the district's setting; default a month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodLength {
    /// A calendar month; keys like `2026-12`.
    Month,
    /// A calendar quarter; keys like `2026-Q4`.
    Quarter,
}

/// One rating period: a calendar month or quarter in Asia/Shanghai dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    year: i32,
    /// The first month of the period, 1–12.
    first_month: u8,
    length: PeriodLength,
}

impl Period {
    /// The period holding the Asia/Shanghai date of the UTC instant `at_ms`.
    pub fn containing(at_ms: i64, length: PeriodLength) -> Self {
        Self::of_date(shanghai_date(at_ms), length)
    }

    /// The period holding `date`.
    pub fn of_date(date: Date, length: PeriodLength) -> Self {
        let first_month = match length {
            PeriodLength::Month => date.month,
            PeriodLength::Quarter => (date.month - 1) / 3 * 3 + 1,
        };
        Self { year: date.year, first_month, length }
    }

    /// Parses a key of the given length: `YYYY-MM` for months, `YYYY-Qn` for quarters (years
    /// 2000–2999).
    pub fn parse(key: &str, length: PeriodLength) -> Option<Self> {
        let b = key.as_bytes();
        if b.len() != 7 || b[4] != b'-' || !b[..4].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let year: i32 = key[..4].parse().ok().filter(|y| (2000..=2999).contains(y))?;
        let first_month = match length {
            PeriodLength::Month => {
                key[5..].parse::<u8>().ok().filter(|m| (1..=12).contains(m) && b[5].is_ascii_digit())?
            }
            PeriodLength::Quarter if b[5] == b'Q' && (b'1'..=b'4').contains(&b[6]) => (b[6] - b'0' - 1) * 3 + 1,
            PeriodLength::Quarter => return None,
        };
        Some(Self { year, first_month, length })
    }

    /// The key (`2026-12`, `2026-Q4`).
    pub fn key(&self) -> String {
        match self.length {
            PeriodLength::Month => format!("{:04}-{:02}", self.year, self.first_month),
            PeriodLength::Quarter => format!("{:04}-Q{}", self.year, (self.first_month - 1) / 3 + 1),
        }
    }

    fn months(&self) -> u8 {
        match self.length {
            PeriodLength::Month => 1,
            PeriodLength::Quarter => 3,
        }
    }

    /// The first day.
    pub fn first_day(&self) -> Date {
        Date { year: self.year, month: self.first_month, day: 1 }
    }

    /// The period after this one.
    pub fn next(&self) -> Self {
        let m = self.first_month + self.months();
        if m > 12 {
            Self { year: self.year + 1, first_month: m - 12, length: self.length }
        } else {
            Self { year: self.year, first_month: m, length: self.length }
        }
    }

    /// The period before this one.
    pub fn previous(&self) -> Self {
        let months = self.months();
        if self.first_month > months {
            Self { year: self.year, first_month: self.first_month - months, length: self.length }
        } else {
            Self { year: self.year - 1, first_month: self.first_month + 12 - months, length: self.length }
        }
    }

    /// The last day.
    pub fn last_day(&self) -> Date {
        Date::from_days(self.next().first_day().days_since_epoch() - 1)
    }

    /// The UTC instant (ms) the period opens: local midnight of its first day.
    pub fn opens_at_ms(&self) -> i64 {
        shanghai_instant(self.first_day(), 0)
    }

    /// The UTC instant (ms) the period closes: local midnight after its last day. Ratings change
    /// until then.
    pub fn closes_at_ms(&self) -> i64 {
        self.next().opens_at_ms()
    }
}

/// The five duties of a property service (物业“五保”).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// 保安.
    Security,
    /// 保洁.
    Cleaning,
    /// 保绿.
    Greening,
    /// 保序.
    Orderly,
    /// 保修.
    Repair,
}

impl Duty {
    /// The five, in the order forms and tables show them.
    pub const ALL: [Duty; 5] = [Duty::Security, Duty::Cleaning, Duty::Greening, Duty::Orderly, Duty::Repair];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Duty::Security => "security",
            Duty::Cleaning => "cleaning",
            Duty::Greening => "greening",
            Duty::Orderly => "orderly",
            Duty::Repair => "repair",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Duty::Security => "保安",
            Duty::Cleaning => "保洁",
            Duty::Greening => "保绿",
            Duty::Orderly => "保序",
            Duty::Repair => "保修",
        }
    }
}

/// The sums of one period's ratings of an estate or a company: what the figures are made of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StarSums {
    /// Ratings counted (one per resident and estate).
    pub raters: i64,
    /// The sum of stars per duty, in [`Duty::ALL`] order.
    pub stars: [i64; 5],
    /// How many duty stars were 4 or 5 (at most `raters × 5`).
    pub satisfied: i64,
}

impl StarSums {
    /// The average stars per duty (0 with no raters), rounded to two decimals.
    pub fn averages(&self) -> [f64; 5] {
        self.stars.map(|s| if self.raters == 0 { 0.0 } else { round2(s as f64 / self.raters as f64) })
    }

    /// The share of 4- and 5-star duty marks among all duty marks, 0–1 (0 with no raters),
    /// rounded to four decimals.
    pub fn satisfaction(&self) -> f64 {
        if self.raters == 0 { 0.0 } else { round4(self.satisfied as f64 / (self.raters * 5) as f64) }
    }

    /// Points, 0–100: satisfaction × 100, rounded to one decimal.
    pub fn points(&self) -> f64 {
        if self.raters == 0 { 0.0 } else { (self.satisfied as f64 * 1000.0 / (self.raters * 5) as f64).round() / 10.0 }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_their_own_keys_and_step_over_years() {
        let dec = Period::parse("2026-12", PeriodLength::Month).unwrap();
        assert_eq!(dec.key(), "2026-12");
        assert_eq!(dec.next().key(), "2027-01");
        assert_eq!(dec.last_day().to_string(), "2026-12-31");
        assert_eq!(dec.next().previous(), dec);
        let q = Period::parse("2026-Q1", PeriodLength::Quarter).unwrap();
        assert_eq!(q.last_day().to_string(), "2026-03-31");
        assert_eq!(q.previous().key(), "2025-Q4");
        for bad in ["2026-13", "2026-00", "2026-1", "26-12", "2026-Q5", "2026/12", "abcd-12", "2026-+1"] {
            assert_eq!(Period::parse(bad, PeriodLength::Month), None, "{bad}");
        }
        assert_eq!(Period::parse("2026-12", PeriodLength::Quarter), None);
    }

    #[test]
    fn a_period_closes_at_shanghai_midnight() {
        let dec = Period::parse("2026-12", PeriodLength::Month).unwrap();
        // 2027-01-01 00:00 +08:00 is 2026-12-31 16:00 UTC.
        assert_eq!(dec.closes_at_ms(), 1_798_732_800_000);
        assert_eq!(Period::containing(dec.closes_at_ms() - 1, PeriodLength::Month), dec);
        assert_eq!(Period::containing(dec.closes_at_ms(), PeriodLength::Month), dec.next());
    }

    #[test]
    fn points_are_the_satisfied_share_of_every_duty_mark() {
        let s = StarSums { raters: 3, stars: [15, 12, 9, 6, 3], satisfied: 7 };
        assert_eq!(s.averages(), [5.0, 4.0, 3.0, 2.0, 1.0]);
        assert_eq!(s.satisfaction(), 0.4667);
        assert_eq!(s.points(), 46.7);
        assert_eq!(StarSums::default().points(), 0.0);
    }
}
