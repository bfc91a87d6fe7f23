//! Reading and checking one year of China's official holidays in the layout of the `holiday-cn`
//! project: `{"year": 2026, "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}, …]}`.
//! Other keys (`$schema`, `$id`, `papers`) are allowed and ignored.
//!
//! An admin uploads such a file when the State Council announces the next year, so a refusal
//! names the line at fault and says why in Simplified Chinese. The text is read twice: once as
//! plain JSON (syntax errors, and the `year` wherever it stands), then through the checking
//! visitors below. Every check runs while its value is being read, so `serde_json` stamps the
//! error with the line of that value; a missing field is reported at the closing brace.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::Date;

/// One entry of a holiday-cn file: a day off, or a make-up working day (调休上班).
///
/// Deserializing this type directly does not check it; [`parse_holiday_year`] does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HolidayDay {
    /// The holiday the day belongs to, e.g. "国庆节"; a make-up working day carries the name of
    /// the holiday it pays for.
    pub name: String,
    /// The day.
    pub date: Date,
    /// `true` for a day off, `false` for a make-up working day on a weekend (`isOffDay` in JSON).
    pub is_off_day: bool,
}

/// One year of a holiday-cn file: every day that differs from, or is named within, the
/// Monday–Friday week.
///
/// Deserializing this type directly does not check it; [`parse_holiday_year`] does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HolidayYear {
    /// The calendar year the file is about.
    pub year: i32,
    /// The listed days, in file order.
    pub days: Vec<HolidayDay>,
}

/// Why a holiday-cn file was refused: the 1-based line at fault and why, in Simplified Chinese.
///
/// Displays as `第 7 行：日期 2026-13-01 无效`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第 {line} 行：{message}")]
pub struct CalendarError {
    /// The line of the text at fault, counted from 1.
    pub line: usize,
    /// Why, for an admin to read.
    pub message: String,
}

/// The years a holiday file may be about.
const YEARS: std::ops::RangeInclusive<i64> = 1000..=9999;

/// Parses and checks a holiday-cn file.
///
/// Refused: text that is not JSON; a top level other than an object with `year` (an integer
/// year) and a non-empty `days` array; an entry that is not an object with a non-empty string
/// `name`, a `date` written `YYYY-MM-DD` naming a real day of `year`, and a boolean `isOffDay`; a
/// date listed twice; a key given twice in one object; a make-up working day (`isOffDay: false`)
/// on a weekday — the Monday–Friday rule already makes a weekday a working day. A day off may be
/// any day. A leading byte order mark is skipped; an empty text is refused at line 1.
///
/// The refusal names the line of the value at fault; for a missing field, the line of the
/// closing brace of its object.
pub fn parse_holiday_year(text: &str) -> Result<HolidayYear, CalendarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(CalendarError { line: 1, message: "文件为空".to_owned() });
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(refusal)?;
    let year = value.get("year").and_then(serde_json::Value::as_i64).filter(|y| YEARS.contains(y));
    let year = year.and_then(|y| i32::try_from(y).ok());
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = FileSeed { year }.deserialize(&mut de).map_err(refusal)?;
    de.end().map_err(refusal)?;
    Ok(parsed)
}

/// A `serde_json` error as a refusal an admin can act on.
fn refusal(e: serde_json::Error) -> CalendarError {
    let full = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let raw = full.strip_suffix(&position).unwrap_or(&full);
    let message = match e.classify() {
        // Every data error comes from the checks below, already in Chinese.
        serde_json::error::Category::Data => raw.to_owned(),
        serde_json::error::Category::Eof => "文件在此意外结束：JSON 不完整（缺少右括号或引号？）".to_owned(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
            format!("JSON 格式错误：{}", syntax_in_chinese(raw))
        }
    };
    CalendarError { line: e.line().max(1), message }
}

/// `serde_json`'s syntax messages, in Chinese; an unknown one is passed through.
fn syntax_in_chinese(raw: &str) -> &str {
    const KNOWN: &[(&str, &str)] = &[
        ("expected `,` or `}`", "缺少逗号“,”或右花括号“}”"),
        ("expected `,` or `]`", "缺少逗号“,”或右方括号“]”"),
        ("expected `:`", "缺少冒号“:”"),
        ("expected `\"`", "缺少英文双引号"),
        ("expected value", "此处应为一个值"),
        ("expected ident", "无法识别的内容（字符串须用英文双引号，布尔值写 true 或 false）"),
        ("trailing comma", "多余的逗号"),
        ("trailing characters", "JSON 结束后还有多余的内容"),
        ("key must be a string", "键须为英文双引号括起的字符串"),
        ("invalid escape", "字符串中有无效的转义"),
        ("control character", "字符串中有未转义的控制字符（如换行）"),
        ("invalid number", "数字无效"),
        ("number out of range", "数字超出范围"),
        ("invalid unicode code point", "字符串中有无效的 Unicode 转义"),
        ("lone leading surrogate", "字符串中有无效的 Unicode 转义"),
        ("unexpected end of hex escape", "字符串中有无效的 Unicode 转义"),
        ("recursion limit exceeded", "嵌套层数过多"),
    ];
    KNOWN.iter().find(|(english, _)| raw.starts_with(english)).map_or(raw, |(_, chinese)| chinese)
}

/// The visitor methods for every JSON scalar and `null`, each refusing with `$msg`.
macro_rules! refuse_scalars {
    ($msg:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(E::custom($msg))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(E::custom($msg))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(E::custom($msg))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(E::custom($msg))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(E::custom($msg))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(E::custom($msg))
        }
    };
}

const NOT_A_FILE: &str = "文件应为一个 JSON 对象，含“year”和“days”";
const NOT_DAYS: &str = "“days”应为数组";
const NOT_A_DAY: &str = "“days”中的每一项应为对象，含“name”“date”“isOffDay”";

fn duplicate_key<E: de::Error>(key: &str) -> E {
    E::custom(format_args!("字段“{key}”重复"))
}

/// The top-level object; `year` is the year found by the first reading, if valid, so the days
/// are checked against it even when `year` comes after `days`.
struct FileSeed {
    year: Option<i32>,
}

impl<'de> DeserializeSeed<'de> for FileSeed {
    type Value = HolidayYear;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<HolidayYear, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FileSeed {
    type Value = HolidayYear;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(NOT_A_FILE)
    }
    refuse_scalars!(NOT_A_FILE);
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<HolidayYear, A::Error> {
        Err(de::Error::custom(NOT_A_FILE))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HolidayYear, A::Error> {
        let (mut year, mut days) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "year" if year.is_some() => return Err(duplicate_key(&key)),
                "days" if days.is_some() => return Err(duplicate_key(&key)),
                "year" => year = Some(map.next_value_seed(leaf(read_year))?),
                "days" => days = Some(map.next_value_seed(DaysSeed { year: year.or(self.year) })?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (year, days) {
            (Some(year), Some(days)) => Ok(HolidayYear { year, days }),
            (None, _) => Err(de::Error::custom("缺少字段“year”")),
            (_, None) => Err(de::Error::custom("缺少字段“days”")),
        }
    }
}

fn read_year(value: Leaf<'_>) -> Result<i32, String> {
    match value {
        Leaf::Integer(Some(y)) if YEARS.contains(&y) => i32::try_from(y).map_err(|_| format!("年份 {y} 无效")),
        Leaf::Integer(Some(y)) => Err(format!("年份 {y} 无效")),
        _ => Err("“year”应为整数年份，例如 2026".to_owned()),
    }
}

/// The `days` array.
struct DaysSeed {
    year: Option<i32>,
}

impl<'de> DeserializeSeed<'de> for DaysSeed {
    type Value = Vec<HolidayDay>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DaysSeed {
    type Value = Vec<HolidayDay>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(NOT_DAYS)
    }
    refuse_scalars!(NOT_DAYS);
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(de::Error::custom(NOT_DAYS))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut seen = BTreeSet::new();
        let mut days = Vec::new();
        while let Some(day) = seq.next_element_seed(DaySeed { year: self.year, seen: &mut seen })? {
            days.push(day);
        }
        if days.is_empty() {
            // holiday-cn publishes an empty year before the announcement: taking it would be a
            // silent guess of Monday–Friday.
            return Err(de::Error::custom("“days”为空：这一年的放假安排可能尚未公布"));
        }
        Ok(days)
    }
}

/// One entry of `days`; `seen` holds the dates of the entries before it.
struct DaySeed<'s> {
    year: Option<i32>,
    seen: &'s mut BTreeSet<Date>,
}

impl<'de> DeserializeSeed<'de> for DaySeed<'_> {
    type Value = HolidayDay;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<HolidayDay, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DaySeed<'_> {
    type Value = HolidayDay;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(NOT_A_DAY)
    }
    refuse_scalars!(NOT_A_DAY);
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<HolidayDay, A::Error> {
        Err(de::Error::custom(NOT_A_DAY))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HolidayDay, A::Error> {
        let (mut name, mut date, mut is_off_day) = (None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" if name.is_some() => return Err(duplicate_key(&key)),
                "date" if date.is_some() => return Err(duplicate_key(&key)),
                "isOffDay" if is_off_day.is_some() => return Err(duplicate_key(&key)),
                "name" => name = Some(map.next_value_seed(leaf(read_name))?),
                "date" => {
                    let (year, seen) = (self.year, &mut *self.seen);
                    date = Some(map.next_value_seed(leaf(|v| read_date(v, year, is_off_day, seen)))?);
                }
                "isOffDay" => is_off_day = Some(map.next_value_seed(leaf(|v| read_is_off_day(v, date)))?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (name, date, is_off_day) {
            (Some(name), Some(date), Some(is_off_day)) => Ok(HolidayDay { name, date, is_off_day }),
            (name, date, is_off_day) => {
                let missing: Vec<&str> = [(name.is_none(), "“name”"), (date.is_none(), "“date”")]
                    .into_iter()
                    .chain([(is_off_day.is_none(), "“isOffDay”")])
                    .filter_map(|(absent, field)| absent.then_some(field))
                    .collect();
                Err(de::Error::custom(format_args!("此项缺少字段{}", missing.join("、"))))
            }
        }
    }
}

fn read_name(value: Leaf<'_>) -> Result<String, String> {
    match value {
        Leaf::Str(s) if s.trim().is_empty() => Err("“name”不能为空".to_owned()),
        Leaf::Str(s) => Ok(s.to_owned()),
        _ => Err("“name”应为字符串，例如“国庆节”".to_owned()),
    }
}

fn read_date(
    value: Leaf<'_>,
    year: Option<i32>,
    is_off_day: Option<bool>,
    seen: &mut BTreeSet<Date>,
) -> Result<Date, String> {
    let Leaf::Str(s) = value else {
        return Err("“date”应为 YYYY-MM-DD 格式的字符串，例如“2026-10-01”".to_owned());
    };
    let date = Date::parse(s).ok_or_else(|| format!("日期 {s} 无效"))?;
    if let Some(year) = year.filter(|y| *y != date.year) {
        return Err(format!("日期 {date} 不在 {year} 年内"));
    }
    if !seen.insert(date) {
        return Err(format!("日期 {date} 重复出现"));
    }
    if is_off_day == Some(false) {
        check_make_up_day(date)?;
    }
    Ok(date)
}

fn read_is_off_day(value: Leaf<'_>, date: Option<Date>) -> Result<bool, String> {
    let Leaf::Bool(is_off_day) = value else {
        return Err("“isOffDay”应为 true（放假）或 false（调休上班）".to_owned());
    };
    if let (false, Some(date)) = (is_off_day, date) {
        check_make_up_day(date)?;
    }
    Ok(is_off_day)
}

/// A make-up working day must fall on a weekend: a weekday is a working day anyway.
fn check_make_up_day(date: Date) -> Result<(), String> {
    if date.is_weekend() {
        return Ok(());
    }
    let weekday = ["一", "二", "三", "四", "五", "六", "日"].get(usize::from(date.weekday()) - 1).unwrap_or(&"");
    Err(format!("调休上班日 {date} 是星期{weekday}，只能是星期六或星期日"))
}

/// A JSON value read where a scalar is expected; arrays and objects are not looked into.
enum Leaf<'a> {
    Null,
    Bool(bool),
    /// An integer; `None` past `i64`.
    Integer(Option<i64>),
    Float,
    Str(&'a str),
    Compound,
}

/// Reads one value and hands it to `check`, whose refusal becomes the error of that value (so
/// `serde_json` gives it the value's line).
fn leaf<T, F: FnOnce(Leaf<'_>) -> Result<T, String>>(check: F) -> LeafSeed<F> {
    LeafSeed(check)
}

struct LeafSeed<F>(F);

impl<'de, T, F: FnOnce(Leaf<'_>) -> Result<T, String>> DeserializeSeed<'de> for LeafSeed<F> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<T, F: FnOnce(Leaf<'_>) -> Result<T, String>> LeafSeed<F> {
    fn check<E: de::Error>(self, value: Leaf<'_>) -> Result<T, E> {
        (self.0)(value).map_err(E::custom)
    }
}

impl<'de, T, F: FnOnce(Leaf<'_>) -> Result<T, String>> Visitor<'de> for LeafSeed<F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.check(Leaf::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.check(Leaf::Integer(Some(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.check(Leaf::Integer(i64::try_from(v).ok()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<T, E> {
        self.check(Leaf::Float)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        self.check(Leaf::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        self.check(Leaf::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<T, A::Error> {
        self.check(Leaf::Compound)
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<T, A::Error> {
        self.check(Leaf::Compound)
    }
}
