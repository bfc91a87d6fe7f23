//! The calendar against dates worked out by hand from the State Council's 2026 notice, the
//! holiday-file checks against broken files, and the deadline arithmetic against its laws and a
//! minute-by-minute model.

use super::*;
use proptest::prelude::*;

fn date(s: &str) -> Date {
    Date::parse(s).expect("a valid date in the test")
}

/// The UTC instant of a Shanghai wall-clock time.
fn at(day: &str, hour: u32, minute: u32) -> i64 {
    shanghai_instant(date(day), hour * 60 + minute)
}

fn calendar() -> WorkCalendar {
    WorkCalendar::shipped(WorkingHours::default())
}

fn days_from(first: &str, count: i64) -> impl Iterator<Item = Date> {
    let first = date(first).days_since_epoch();
    (first..first + count).map(Date::from_days)
}

// ---- Dates ----

#[test]
fn dates_count_from_1970_and_know_their_weekday() {
    assert_eq!(Date::from_days(0), date("1970-01-01"));
    assert_eq!(date("1970-01-01").weekday(), 4);
    assert_eq!(date("2000-03-01").days_since_epoch(), 11_017);
    assert_eq!(date("1969-12-31").days_since_epoch(), -1);
    assert_eq!(date("2026-01-04").weekday(), 7);
    assert_eq!(date("2026-10-10").weekday(), 6);
    assert_eq!(date("2026-09-30").weekday(), 3);
    assert_eq!(date("2024-02-28").succ(), date("2024-02-29"));
    assert_eq!(date("2026-12-31").succ(), date("2027-01-01"));
}

#[test]
fn only_real_days_written_yyyy_mm_dd_parse() {
    assert_eq!(Date::parse("2024-02-29"), Some(Date { year: 2024, month: 2, day: 29 }));
    for bad in [
        "2026-02-29",
        "2100-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026-04-31",
        "2026-1-01",
        "2026/01/01",
        "",
        "２０２６-01-01",
        "2026-01-01 ",
    ] {
        assert_eq!(Date::parse(bad), None, "{bad}");
    }
    assert_eq!(Date::new(2026, 2, 29), None);
}

#[test]
fn a_date_travels_as_a_string() {
    let d = date("2026-10-01");
    assert_eq!(serde_json::to_string(&d).unwrap(), "\"2026-10-01\"");
    assert_eq!(serde_json::from_str::<Date>("\"2026-10-01\"").unwrap(), d);
    assert!(serde_json::from_str::<Date>("\"2026-10-32\"").is_err());
    assert_eq!(d.to_string(), "2026-10-01");
}

// ---- The 2026 calendar ----

#[test]
fn the_shipped_file_parses_into_2026() {
    assert_eq!(shipped_years().len(), SHIPPED.len());
    assert_eq!(calendar().years(), vec![2026]);
}

#[test]
fn twenty_twenty_six_has_248_working_days() {
    // 261 weekdays, minus 19 weekday holidays, plus 6 make-up weekend days.
    assert_eq!(calendar().working_days_in_year(2026), 248);
    let by_day = days_from("2026-01-01", 365).filter(|d| calendar().is_working_day(*d)).count();
    assert_eq!(by_day, 248);
}

#[test]
fn the_make_up_weekend_days_are_worked() {
    let cal = calendar();
    for worked in ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"] {
        assert!(date(worked).is_weekend(), "{worked}");
        assert!(cal.is_working_day(date(worked)), "{worked}");
    }
}

#[test]
fn the_holidays_are_off_and_an_ordinary_weekend_too() {
    let cal = calendar();
    let holidays = [
        ("2026-01-01", 3),
        ("2026-02-15", 9),
        ("2026-04-04", 3),
        ("2026-05-01", 5),
        ("2026-06-19", 3),
        ("2026-09-25", 3),
        ("2026-10-01", 7),
    ];
    for (first, count) in holidays {
        for d in days_from(first, count) {
            assert!(!cal.is_working_day(d), "{d}");
        }
    }
    assert!(!cal.is_working_day(date("2026-10-11")));
    assert!(cal.is_working_day(date("2026-10-08")));
    assert_eq!(cal.listed_day(date("2026-10-01")).map(|d| d.name.as_str()), Some("国庆节"));
    assert_eq!(cal.listed_day(date("2026-10-12")), None);
}

#[test]
fn a_year_without_data_is_monday_to_friday_and_is_reported() {
    let cal = calendar();
    assert!(!cal.has_year(2030));
    assert_eq!(cal.missing_years(2026, 2030), vec![2027, 2028, 2029, 2030]);
    // 2030-01-01 is a Tuesday: without data it is worked, never guessed to be 元旦.
    assert!(cal.is_working_day(date("2030-01-01")));
    assert!(!cal.is_working_day(date("2030-01-05")));
    assert_eq!(cal.working_days_in_year(2030), 261);
    assert_eq!(WorkCalendar::default().working_days_in_year(2026), 261);
}

#[test]
fn with_year_replaces_that_years_data() {
    let mut only_new_year = shipped_years().remove(0);
    only_new_year.days.truncate(4);
    let cal = calendar().with_year(only_new_year);
    // Only 元旦 is left: 1 and 2 Jan (Thu, Fri) off, 3 Jan a Saturday anyway, 4 Jan (Sun) worked.
    assert_eq!(cal.working_days_in_year(2026), 261 - 2 + 1);
    assert!(cal.is_working_day(date("2026-10-01")));
}

// ---- Working hours ----

#[test]
fn working_hours_are_checked() {
    assert_eq!(WorkingHours::default(), WorkingHours { start_minute: 540, end_minute: 1020 });
    assert_eq!(WorkingHours::default().to_string(), "09:00–17:00");
    assert_eq!(WorkingHours::new(600, 600), None);
    assert_eq!(WorkingHours::new(600, 540), None);
    assert_eq!(WorkingHours::new(0, 1441), None);
    assert!(WorkingHours::new(0, 1440).is_some());
    assert!(serde_json::from_str::<WorkingHours>(r#"{"start_minute":600,"end_minute":500}"#).is_err());
    let broken = WorkCalendar::new(WorkingHours { start_minute: 900, end_minute: 100 });
    assert_eq!(broken.hours(), WorkingHours::default());
}

#[test]
fn working_time_is_the_half_open_working_hours_of_a_working_day() {
    let cal = calendar();
    assert!(cal.is_working_time(at("2026-09-30", 9, 0)));
    assert!(cal.is_working_time(at("2026-09-30", 16, 59)));
    assert!(!cal.is_working_time(at("2026-09-30", 17, 0)));
    assert!(!cal.is_working_time(at("2026-09-30", 8, 59)));
    assert!(!cal.is_working_time(at("2026-10-02", 10, 0)));
    assert!(cal.is_working_time(at("2026-10-10", 10, 0)));
}

// ---- Deadlines ----

#[test]
fn five_working_days_from_the_eve_of_national_day_end_on_13_october() {
    // 30 Sep (Wed) 15:00 leaves 2 h; 1–7 Oct are off; then 8 (Thu), 9 (Fri), 10 (Sat, make-up),
    // 12 (Mon) are whole days (32 h); 40 − 34 = 6 h into 13 Oct (Tue): 15:00.
    let cal = calendar();
    let deadline = cal.add_working_days(at("2026-09-30", 15, 0), 5);
    assert_eq!(deadline, at("2026-10-13", 15, 0));
    assert_eq!(deadline, 1_791_874_800_000); // 2026-10-13T07:00:00Z
    assert_eq!(cal.working_minutes_between(at("2026-09-30", 15, 0), deadline), 5 * 480);
}

#[test]
fn a_deadline_that_uses_up_a_day_is_that_days_end() {
    let cal = calendar();
    let end = cal.add_working_minutes(at("2026-09-30", 9, 0), 480);
    assert_eq!(end, at("2026-09-30", 17, 0));
    assert_eq!(cal.add_working_minutes(end, 0), end);
    assert_eq!(cal.add_working_minutes(end, 1), at("2026-10-08", 9, 1));
    assert_eq!(cal.add_working_days(at("2026-10-09", 9, 0), 1), at("2026-10-09", 17, 0));
}

#[test]
fn counting_starts_at_the_next_working_start() {
    let cal = calendar();
    assert_eq!(cal.add_working_minutes(at("2026-09-30", 7, 0), 30), at("2026-09-30", 9, 30));
    assert_eq!(cal.add_working_minutes(at("2026-10-03", 12, 0), 60), at("2026-10-08", 10, 0));
    assert_eq!(cal.add_working_minutes(at("2026-10-09", 18, 0), 60), at("2026-10-10", 10, 0));
    assert_eq!(cal.add_working_minutes(at("2026-10-10", 16, 30), 60), at("2026-10-12", 9, 30));
    // Nothing to add: the instant stays, even at night.
    assert_eq!(cal.add_working_minutes(at("2026-10-03", 23, 0), 0), at("2026-10-03", 23, 0));
    assert_eq!(cal.add_working_minutes(at("2026-10-03", 23, 0), -5), at("2026-10-03", 23, 0));
}

#[test]
fn working_minutes_between_skip_nights_weekends_and_holidays() {
    let cal = calendar();
    assert_eq!(cal.working_minutes_between(at("2026-10-09", 16, 0), at("2026-10-12", 10, 0)), 60 + 480 + 60);
    assert_eq!(cal.working_minutes_between(at("2026-10-01", 0, 0), at("2026-10-08", 0, 0)), 0);
    assert_eq!(cal.working_minutes_between(at("2026-10-12", 10, 0), at("2026-10-09", 16, 0)), 0);
    assert_eq!(cal.working_minutes_between(at("2026-01-01", 0, 0), at("2027-01-01", 0, 0)), 248 * 480);
}

#[test]
fn long_deadlines_skip_whole_days() {
    let cal = calendar();
    let from = at("2026-09-30", 15, 0);
    let far = cal.add_working_days(from, 10_000);
    assert_eq!(cal.working_minutes_between(from, far), 10_000 * 480);
    assert!(cal.is_working_time(far) || is_day_end(&cal, far));
    assert_eq!(cal.add_working_minutes(from, i64::MAX), i64::MAX);
}

#[test]
fn a_round_the_clock_day_runs_into_the_next() {
    let cal = WorkCalendar::shipped(WorkingHours::new(0, 1440).unwrap());
    assert_eq!(cal.add_working_minutes(at("2026-09-30", 23, 0), 60), at("2026-10-01", 0, 0));
    assert_eq!(cal.add_working_minutes(at("2026-09-30", 23, 0), 61), at("2026-10-08", 0, 1));
}

/// Whether `t` is exactly the end of the working hours of a working day.
fn is_day_end(cal: &WorkCalendar, t: i64) -> bool {
    let (day, ms) = local_day_and_ms(t - i64::from(cal.hours().end_minute) * MINUTE_MS);
    ms == 0 && cal.is_working_day_number(day)
}

/// The minute-by-minute reading of the deadline rule, for minute-aligned instants.
fn add_minute_by_minute(cal: &WorkCalendar, from: i64, minutes: i64) -> i64 {
    let (mut t, mut left) = (from, minutes);
    while left > 0 {
        if cal.is_working_time(t) {
            left -= 1;
        }
        t += MINUTE_MS;
    }
    t
}

fn instants() -> impl Strategy<Value = i64> {
    // December 2025 to February 2027: the shipped year and the fallback on both sides.
    at("2025-12-01", 0, 0)..at("2027-02-01", 0, 0)
}

fn hours() -> impl Strategy<Value = WorkingHours> {
    prop_oneof![
        3 => Just(WorkingHours::default()),
        1 => (0u16..1440).prop_flat_map(|s| (Just(s), s + 1..=1440))
            .prop_map(|(s, e)| WorkingHours::new(s, e).unwrap()),
    ]
}

proptest! {
    #[test]
    fn adding_a_then_b_is_adding_a_plus_b(hours in hours(), t in instants(), a in 0i64..40_000, b in 0i64..40_000) {
        let cal = WorkCalendar::shipped(hours);
        let stepwise = cal.add_working_minutes(cal.add_working_minutes(t, a), b);
        prop_assert_eq!(stepwise, cal.add_working_minutes(t, a + b));
    }

    #[test]
    fn a_deadline_lands_in_working_time_or_at_a_days_end(hours in hours(), t in instants(), m in 1i64..40_000) {
        let cal = WorkCalendar::shipped(hours);
        let deadline = cal.add_working_minutes(t, m);
        prop_assert!(deadline > t);
        prop_assert!(cal.is_working_time(deadline) || is_day_end(&cal, deadline));
    }

    #[test]
    fn the_minutes_between_a_start_and_its_deadline_are_the_minutes_added(
        hours in hours(), t in instants(), m in 0i64..40_000,
    ) {
        let cal = WorkCalendar::shipped(hours);
        prop_assert_eq!(cal.working_minutes_between(t, cal.add_working_minutes(t, m)), m);
    }

    #[test]
    fn deadlines_grow_with_the_start_and_the_amount(
        hours in hours(), t in instants(), dt in 0i64..10 * DAY_MS, m in 0i64..20_000, dm in 0i64..20_000,
    ) {
        let cal = WorkCalendar::shipped(hours);
        prop_assert!(cal.add_working_minutes(t, m) <= cal.add_working_minutes(t + dt, m));
        prop_assert!(cal.add_working_minutes(t, m) <= cal.add_working_minutes(t, m + dm));
    }

    #[test]
    fn working_minutes_between_add_up(hours in hours(), a in instants(), b in instants(), c in instants()) {
        let cal = WorkCalendar::shipped(hours);
        let mut v = [a - a % MINUTE_MS, b - b % MINUTE_MS, c - c % MINUTE_MS];
        v.sort_unstable();
        let [a, b, c] = v;
        prop_assert_eq!(cal.working_minutes_between(a, b) + cal.working_minutes_between(b, c), cal.working_minutes_between(a, c));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn no_instant_or_amount_makes_the_arithmetic_panic(hours in hours(), t in any::<i64>(), u in any::<i64>(), m in any::<i64>()) {
        let cal = WorkCalendar::shipped(hours);
        let _ = (cal.add_working_minutes(t, m), cal.add_working_days(t, m), cal.is_working_time(t));
        let _ = (cal.working_minutes_between(t, u), shanghai_date(t));
    }


    #[test]
    fn skipping_whole_days_agrees_with_counting_minute_by_minute(hours in hours(), t in instants(), m in 0i64..3_000) {
        let cal = WorkCalendar::shipped(hours);
        let t = t - t.rem_euclid(MINUTE_MS);
        prop_assert_eq!(cal.add_working_minutes(t, m), add_minute_by_minute(&cal, t, m));
    }

    #[test]
    fn working_days_are_counted_as_if_one_by_one(from in 20_000i64..21_000, len in 0i64..600) {
        let cal = calendar();
        let by_day = (from..from + len).filter(|d| cal.is_working_day(Date::from_days(*d))).count();
        prop_assert_eq!(cal.working_days_between(from, from + len), i64::try_from(by_day).unwrap());
    }

    #[test]
    fn days_and_dates_convert_both_ways(days in -1_000_000i64..3_000_000) {
        let d = Date::from_days(days);
        prop_assert_eq!(d.days_since_epoch(), days);
        prop_assert_eq!(Date::new(d.year, d.month, d.day), Some(d));
        prop_assert!(d < Date::from_days(days + 1));
        prop_assert_eq!(d.weekday(), Date::from_days(days + 7).weekday());
        if (0..=9999).contains(&d.year) {
            prop_assert_eq!(Date::parse(&d.to_string()), Some(d));
        }
    }
}

// ---- Holiday files ----

/// A file from numbered lines, so a test reads which line is at fault.
fn file(lines: &[&str]) -> String {
    lines.join("\n")
}

fn refusal(text: &str) -> CalendarError {
    parse_holiday_year(text).expect_err("the file should be refused")
}

const GOOD: &[&str] = &[
    /* 1 */ "{",
    /* 2 */ r#"    "$schema": "https://example.invalid/schema.json","#,
    /* 3 */ r#"    "year": 2026,"#,
    /* 4 */ r#"    "papers": [],"#,
    /* 5 */ r#"    "days": ["#,
    /* 6 */ r#"        {"#,
    /* 7 */ r#"            "name": "国庆节","#,
    /* 8 */ r#"            "date": "2026-10-01","#,
    /* 9 */ r#"            "isOffDay": true"#,
    /* 10 */ r#"        },"#,
    /* 11 */ r#"        {"#,
    /* 12 */ r#"            "name": "国庆节","#,
    /* 13 */ r#"            "date": "2026-10-10","#,
    /* 14 */ r#"            "isOffDay": false"#,
    /* 15 */ r#"        }"#,
    /* 16 */ r#"    ]"#,
    /* 17 */ "}",
];

/// `GOOD` with line `line` (1-based) replaced.
fn good_but(line: usize, with: &str) -> String {
    let mut lines = GOOD.to_vec();
    lines[line - 1] = with;
    file(&lines)
}

#[test]
fn a_holiday_cn_file_with_extra_keys_parses() {
    let year = parse_holiday_year(&file(GOOD)).unwrap();
    assert_eq!(year.year, 2026);
    assert_eq!(year.days.len(), 2);
    assert_eq!(year.days[1], HolidayDay { name: "国庆节".into(), date: date("2026-10-10"), is_off_day: false });
    assert_eq!(parse_holiday_year(&format!("\u{feff}{}", file(GOOD))).unwrap(), year);
}

#[test]
fn a_parsed_year_written_back_parses_the_same() {
    for year in shipped_years() {
        let text = serde_json::to_string_pretty(&year).unwrap();
        assert!(text.contains("\"isOffDay\""));
        assert_eq!(parse_holiday_year(&text).unwrap(), year);
    }
}

#[test]
fn broken_json_is_refused_at_its_line() {
    let e = refusal(&good_but(8, r#"            "date": "2026-10-01""#));
    assert_eq!(e.line, 9, "{e}");
    assert!(e.message.starts_with("JSON 格式错误：缺少逗号"), "{e}");
    let e = refusal(&file(&GOOD[..12]));
    assert_eq!(e.line, 12, "{e}");
    assert!(e.message.contains("不完整"), "{e}");
    assert_eq!(refusal(" \n"), CalendarError { line: 1, message: "文件为空".into() });
    let e = refusal(&good_but(14, r#"            "isOffDay": False"#));
    assert_eq!(e.line, 14, "{e}");
}

#[test]
fn an_invalid_date_is_refused_at_its_line() {
    let e = refusal(&good_but(8, r#"            "date": "2026-13-01","#));
    assert_eq!(e, CalendarError { line: 8, message: "日期 2026-13-01 无效".into() });
    assert_eq!(e.to_string(), "第 8 行：日期 2026-13-01 无效");
}

#[test]
fn a_date_outside_the_year_is_refused_at_its_line() {
    let e = refusal(&good_but(13, r#"            "date": "2027-01-02","#));
    assert_eq!(e, CalendarError { line: 13, message: "日期 2027-01-02 不在 2026 年内".into() });
}

#[test]
fn the_year_is_known_even_after_the_days() {
    let text = file(&[
        "{",
        r#"  "days": ["#,
        r#"    {"name": "国庆节", "date": "2026-10-10", "isOffDay": false},"#,
        r#"    {"name": "国庆节", "date": "2026-10-01", "isOffDay": true}"#,
        r#"  ],"#,
        r#"  "year": 2025"#,
        "}",
    ]);
    assert_eq!(refusal(&text), CalendarError { line: 3, message: "日期 2026-10-10 不在 2025 年内".into() });
}

#[test]
fn a_date_listed_twice_is_refused_at_the_second() {
    let e = refusal(&good_but(13, r#"            "date": "2026-10-01","#));
    assert_eq!(e, CalendarError { line: 13, message: "日期 2026-10-01 重复出现".into() });
}

#[test]
fn a_make_up_working_day_on_a_weekday_is_refused() {
    // 2026-10-09 is a Friday: worked anyway.
    let e = refusal(&good_but(13, r#"            "date": "2026-10-09","#));
    assert_eq!(e.line, 14, "{e}");
    assert!(e.message.contains("2026-10-09 是星期五"), "{e}");
    // isOffDay before date: refused at the date.
    let mut lines = GOOD.to_vec();
    lines[12] = r#"            "isOffDay": false,"#;
    lines[13] = r#"            "date": "2026-10-09""#;
    let e = refusal(&file(&lines));
    assert_eq!(e.line, 14, "{e}");
    // A day off may be any day, a Friday included.
    assert!(parse_holiday_year(&good_but(8, r#"            "date": "2026-10-09","#)).is_ok());
}

#[test]
fn a_missing_field_is_refused_at_the_end_of_its_entry() {
    let mut lines = GOOD.to_vec();
    lines.remove(11); // the second entry's name: its closing brace moves to line 14
    let e = refusal(&file(&lines));
    assert_eq!(e, CalendarError { line: 14, message: "此项缺少字段“name”".into() });
    let e = refusal(&good_but(3, r#"    "yaer": 2026,"#));
    assert_eq!(e, CalendarError { line: 17, message: "缺少字段“year”".into() });
}

#[test]
fn a_value_of_the_wrong_type_is_refused_at_its_line() {
    let e = refusal(&good_but(9, r#"            "isOffDay": "true""#));
    assert_eq!(e.line, 9, "{e}");
    assert!(e.message.starts_with("“isOffDay”应为 true"), "{e}");
    let e = refusal(&good_but(3, r#"    "year": "2026","#));
    assert_eq!(e.line, 3, "{e}");
    assert!(e.message.starts_with("“year”应为整数"), "{e}");
    let e = refusal(&good_but(8, r#"            "date": 20261001,"#));
    assert_eq!(e.line, 8, "{e}");
    let e = refusal(&good_but(7, r#"            "name": ["国庆节"],"#));
    assert_eq!(e.line, 7, "{e}");
    let e = refusal(&good_but(5, r#"    "days": 5, "x": ["#));
    assert_eq!(e, CalendarError { line: 5, message: "“days”应为数组".into() });
    let e = refusal("[2026]");
    assert_eq!(e.line, 1, "{e}");
    let e = refusal(&good_but(3, r#"    "year": 226,"#));
    assert_eq!(e, CalendarError { line: 3, message: "年份 226 无效".into() });
}

#[test]
fn a_year_with_no_days_is_refused() {
    let e = refusal("{\n  \"year\": 2027,\n  \"papers\": [],\n  \"days\": []\n}");
    assert_eq!(e.line, 4, "{e}");
    assert!(e.message.contains("尚未公布"), "{e}");
}

#[test]
fn a_key_given_twice_is_refused() {
    let e = refusal(&good_but(9, r#"            "isOffDay": true, "date": "2026-10-02""#));
    assert_eq!(e, CalendarError { line: 9, message: "字段“date”重复".into() });
}
