//! Dates and times without a date library: the API's RFC 3339 strings are parsed by hand and shown
//! in the browser's local time zone (`Date.getTimezoneOffset`); the browser's clock and timer.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

fn num(s: &str, from: usize, to: usize) -> Option<i64> {
    let part = s.get(from..to)?;
    if part.bytes().all(|b| b.is_ascii_digit()) { part.parse().ok() } else { None }
}

/// Seconds since the epoch of an RFC 3339 time (`2026-11-28T18:33:40.123Z`, `…+08:00`), or of a
/// bare date (`2026-11-30`, taken as midnight UTC).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let (y, mo, d) = (num(s, 0, 4)?, num(s, 5, 7)?, num(s, 8, 10)?);
    if s.get(4..5) != Some("-") || s.get(7..8) != Some("-") || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    if s.len() == 10 {
        return Some(days * 86_400);
    }
    let (h, mi, se) = (num(s, 11, 13)?, num(s, 14, 16)?, num(s, 17, 19)?);
    let rest = s.get(19..)?;
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            sign * (num(rest, 1, 3)? * 3600 + num(rest, 4, 6)? * 60)
        }
    };
    Some(days * 86_400 + h * 3600 + mi * 60 + se - offset)
}

/// `11月30日 18:33` (with the year if it is not `this_year`) for `epoch_secs` shown at UTC offset
/// `offset_minutes` (east positive, e.g. 480 for Beijing).
pub fn format_local(epoch_secs: i64, offset_minutes: i64, this_year: i64) -> String {
    let local = epoch_secs + offset_minutes * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    let (h, mi) = (secs / 3600, secs % 3600 / 60);
    if y == this_year { format!("{m}月{d}日 {h:02}:{mi:02}") } else { format!("{y}年{m}月{d}日 {h:02}:{mi:02}") }
}

/// `2026年11月30日` for a `YYYY-MM-DD` date (or the date part of a time).
pub fn format_date(s: &str) -> String {
    match (num(s, 0, 4), num(s, 5, 7), num(s, 8, 10)) {
        (Some(y), Some(m), Some(d)) => format!("{y}年{m}月{d}日"),
        _ => s.to_owned(),
    }
}

/// `YYYY-MM-DD` of the local day containing `epoch_secs` at `offset_minutes`.
pub fn local_date(epoch_secs: i64, offset_minutes: i64) -> String {
    let (y, m, d) = civil_from_days((epoch_secs + offset_minutes * 60).div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDTHH:MM`, the value of an `<input type=datetime-local>`, for `epoch_secs` shown at
/// `offset_minutes`.
pub fn local_input(epoch_secs: i64, offset_minutes: i64) -> String {
    let local = epoch_secs + offset_minutes * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// Seconds since the epoch of an `<input type=datetime-local>` value (`YYYY-MM-DDTHH:MM`, seconds
/// optional) read at `offset_minutes`.
pub fn parse_local_input(s: &str, offset_minutes: i64) -> Option<i64> {
    let (y, mo, d, h, mi) = (num(s, 0, 4)?, num(s, 5, 7)?, num(s, 8, 10)?, num(s, 11, 13)?, num(s, 14, 16)?);
    let se = if s.len() >= 19 { num(s, 17, 19)? } else { 0 };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s.get(10..11) != Some("T") {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset_minutes * 60)
}

/// The RFC 3339 text (UTC, `2026-12-01T13:30:00Z`) of `epoch_secs`.
pub fn rfc3339(epoch_secs: i64) -> String {
    let (y, m, d) = civil_from_days(epoch_secs.div_euclid(86_400));
    let secs = epoch_secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// The browser's clock, in milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Waits `ms` milliseconds (on the browser's timer).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The browser's UTC offset in minutes, east positive.
pub fn local_offset_minutes() -> i64 {
    -(js_sys::Date::new_0().get_timezone_offset() as i64)
}

/// Formats an API time for people, in the browser's time zone.
pub fn show(rfc3339: &str) -> String {
    let Some(secs) = parse_rfc3339(rfc3339) else { return rfc3339.to_owned() };
    let offset = local_offset_minutes();
    let this_year = today().get(0..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    format_local(secs, offset, this_year)
}

/// `2026年11月28日`: the local date of an API time.
pub fn show_date(rfc3339: &str) -> String {
    match parse_rfc3339(rfc3339) {
        Some(secs) => format_date(&local_date(secs, local_offset_minutes())),
        None => rfc3339.to_owned(),
    }
}

/// Today's local date, `YYYY-MM-DD`.
pub fn today() -> String {
    local_date((now_ms() / 1000.0) as i64, local_offset_minutes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times_are_parsed() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-28T18:34:19.901Z"), Some(1_795_890_859));
    }

    #[test]
    fn offsets_are_honoured() {
        assert_eq!(parse_rfc3339("2026-11-29T02:34:19+08:00"), parse_rfc3339("2026-11-28T18:34:19Z"));
    }

    #[test]
    fn garbage_is_refused() {
        for bad in ["", "2026", "2026-13-01T00:00:00Z", "2026-11-28T18:34:19", "abcd-ef-ghT00:00:00Z"] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn times_are_shown_in_beijing_time() {
        let t = parse_rfc3339("2026-11-28T18:34:19Z").unwrap_or_default();
        assert_eq!(format_local(t, 480, 2026), "11月29日 02:34");
        assert_eq!(format_local(t, 480, 2025), "2026年11月29日 02:34");
    }

    #[test]
    fn the_local_date_follows_the_offset() {
        let t = parse_rfc3339("2026-12-31T20:00:00Z").unwrap_or_default();
        assert_eq!(local_date(t, 0), "2026-12-31");
        assert_eq!(local_date(t, 480), "2027-01-01");
    }

    #[test]
    fn datetime_inputs_read_and_write_local_time() {
        let t = parse_rfc3339("2026-12-01T13:30:00Z").unwrap_or_default();
        assert_eq!(local_input(t, 480), "2026-12-01T21:30");
        assert_eq!(parse_local_input("2026-12-01T21:30", 480), Some(t));
        assert_eq!(parse_local_input("2026-12-01T21:30:00", 480), Some(t));
        assert_eq!(rfc3339(t), "2026-12-01T13:30:00Z");
        assert_eq!(parse_local_input("2026-12-01 21:30", 480), None);
        assert_eq!(parse_local_input("", 480), None);
    }

    #[test]
    fn dates_are_shown_in_chinese() {
        assert_eq!(format_date("2026-12-01"), "2026年12月1日");
    }
}
