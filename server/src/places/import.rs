//! The bulk import of places from CSV (docs/PLACES.md).
//!
//! One file holds every level: a header naming the columns `level`, `code`, `name` and `kind`
//! (in any order; `kind` may be left out when the file has no grids), optionally `boundary` (a
//! grid's GeoJSON Polygon) and `households` (a unit's households, separated by `;`), then one
//! place per line.
//! A place's parent is the place whose code is its own without the last 3 digits, either in the
//! file or already stored. The file is checked as a whole; only if every line is right is the
//! plan applied, parents first, in one transaction. Lines whose place already exists with the
//! same name, kind, boundary and households change nothing (an empty boundary or households cell
//! leaves what is stored), so importing the same file twice changes nothing.

use std::collections::HashMap;

use haolin_shared::api::{GeoPolygon, GridKind, ImportSummary, LineError, PlaceLevel};
use haolin_shared::labels::Label;

use super::geo::{check_boundary, check_households};
use super::parse_name;
use crate::store::places::{ImportOp, NewPlace, PlaceRecord};

/// The most lines a file may have.
pub const MAX_LINES: usize = 100_000;
/// The most errors reported (the rest are counted in the last message).
const MAX_ERRORS: usize = 500;

/// One well-formed line.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// The line number (the header is line 1).
    pub line: u64,
    /// The level.
    pub level: PlaceLevel,
    /// The code.
    pub code: String,
    /// The name.
    pub name: String,
    /// The kind.
    pub kind: Option<GridKind>,
    /// A grid's boundary, as stored JSON.
    pub boundary: Option<String>,
    /// A unit's households, as stored JSON.
    pub households: Option<String>,
}

/// The columns a file may have.
const COLUMNS: [&str; 6] = ["level", "code", "name", "kind", "boundary", "households"];

impl ImportRow {
    /// The parent's code (`None` for a district).
    pub fn parent_code(&self) -> Option<&str> {
        (self.level != PlaceLevel::District).then(|| &self.code[..self.code.len() - 3])
    }
}

fn error(line: u64, column: Option<&str>, message: impl Into<String>) -> LineError {
    LineError { line, column: column.map(str::to_owned), message: message.into() }
}

/// Splits one CSV line into fields (RFC 4180 quoting within the line).
pub(crate) fn split_line(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') if at_start => {
                quoted = true;
                at_start = false;
            }
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => {
                quoted = false;
                if !matches!(chars.peek(), None | Some(',')) {
                    return None;
                }
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                at_start = true;
            }
            (_, c) => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if quoted {
        return None;
    }
    fields.push(field);
    Some(fields)
}

/// Reads the file into well-formed rows, with an error for every bad field.
pub fn parse(text: &str) -> (Vec<ImportRow>, Vec<LineError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i as u64 + 1, l.trim_end_matches('\r')));
    let mut errors = Vec::new();
    let Some((_, header)) = lines.next() else {
        return (Vec::new(), vec![error(1, None, "文件为空：第一行须为表头 level,code,name,kind")]);
    };
    let columns: Vec<String> = split_line(header).unwrap_or_default().iter().map(|c| c.trim().to_owned()).collect();
    let find = |name: &str| columns.iter().position(|c| c == name);
    let (Some(level_at), Some(code_at), Some(name_at)) = (find("level"), find("code"), find("name")) else {
        return (Vec::new(), vec![error(1, None, "表头须包含 level、code、name 列（以及网格的 kind 列）")]);
    };
    let kind_at = find("kind");
    let boundary_at = find("boundary");
    let households_at = find("households");
    if let Some(unknown) = columns.iter().find(|c| !COLUMNS.contains(&c.as_str())) {
        errors.push(error(1, Some(unknown), format!("未知的列：{unknown}")));
    }
    let mut rows = Vec::new();
    for (line, raw) in lines {
        if raw.trim().is_empty() {
            continue;
        }
        if line as usize > MAX_LINES {
            errors.push(error(line, None, format!("文件不能超过 {MAX_LINES} 行")));
            break;
        }
        let Some(fields) = split_line(raw) else {
            errors.push(error(line, None, "引号不匹配"));
            continue;
        };
        if fields.len() != columns.len() {
            errors.push(error(line, None, format!("应有 {} 列，实有 {} 列", columns.len(), fields.len())));
            continue;
        }
        let before = errors.len();
        let level = PlaceLevel::parse(fields[level_at].trim());
        if level.is_none() {
            errors.push(error(line, Some("level"), "层级须为 district、street、community、grid 或 unit"));
        }
        let code = fields[code_at].trim().to_owned();
        if let Some(level) = level
            && (code.len() != level.code_len() || !code.bytes().all(|b| b.is_ascii_digit()) || code.ends_with("000"))
        {
            errors.push(error(
                line,
                Some("code"),
                format!("{}的编码须为 {} 位数字，末 3 位不为 000", level.label(), level.code_len()),
            ));
        }
        let name = parse_name(&fields[name_at]).map_err(|m| errors.push(error(line, Some("name"), m))).ok();
        let raw_kind = kind_at.map(|k| fields[k].trim()).unwrap_or("");
        let kind = match (level, raw_kind) {
            (Some(PlaceLevel::Grid), "") => {
                errors.push(error(line, Some("kind"), "网格须指明类型（comprehensive 或 dedicated）"));
                None
            }
            (_, "") => None,
            (Some(PlaceLevel::Grid), k) => {
                let kind = GridKind::parse(k);
                if kind.is_none() {
                    errors.push(error(line, Some("kind"), "网格类型须为 comprehensive 或 dedicated"));
                }
                kind
            }
            (_, _) => {
                errors.push(error(line, Some("kind"), "只有网格有类型"));
                None
            }
        };
        let raw_boundary = boundary_at.map(|k| fields[k].trim()).unwrap_or("");
        let boundary = match (level, raw_boundary) {
            (_, "") => None,
            (Some(PlaceLevel::Grid), raw) => serde_json::from_str::<GeoPolygon>(raw)
                .map_err(|_| "边界须为 GeoJSON Polygon 的 JSON 文本".into())
                .and_then(|polygon| check_boundary(&polygon).map_err(|e| e.message))
                .map_err(|m| errors.push(error(line, Some("boundary"), m)))
                .ok(),
            (_, _) => {
                errors.push(error(line, Some("boundary"), "只有网格有边界"));
                None
            }
        };
        let raw_households = households_at.map(|k| fields[k].trim()).unwrap_or("");
        let households = match (level, raw_households) {
            (_, "") => None,
            (Some(PlaceLevel::Unit), raw) => {
                let list: Vec<String> = raw.split([';', '；']).map(|h| h.trim().to_owned()).collect();
                check_households(&list).map_err(|e| errors.push(error(line, Some("households"), e.message))).ok()
            }
            (_, _) => {
                errors.push(error(line, Some("households"), "只有十联户有住户列表"));
                None
            }
        };
        if errors.len() == before
            && let (Some(level), Some(name)) = (level, name)
        {
            rows.push(ImportRow { line, level, code, name, kind, boundary, households });
        }
    }
    (rows, errors)
}

/// Every code the rows name or need as parents, for looking up what is stored.
pub fn codes_to_look_up(rows: &[ImportRow]) -> Vec<String> {
    let mut codes: Vec<String> =
        rows.iter().flat_map(|r| std::iter::once(r.code.clone()).chain(r.parent_code().map(str::to_owned))).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// Turns the rows into an ordered plan against the stored places (by code), or every error.
pub fn plan(
    rows: &[ImportRow],
    stored: &HashMap<String, PlaceRecord>,
    mut errors: Vec<LineError>,
) -> Result<(Vec<ImportOp>, ImportSummary), Vec<LineError>> {
    let mut in_file: HashMap<&str, &ImportRow> = HashMap::new();
    for row in rows {
        if let Some(first) = in_file.get(row.code.as_str()) {
            errors.push(error(row.line, Some("code"), format!("编码与第 {} 行重复", first.line)));
        } else {
            in_file.insert(&row.code, row);
        }
    }
    let mut summary = ImportSummary { created: 0, updated: 0, unchanged: 0 };
    let mut ops = Vec::new();
    for row in rows {
        if in_file.get(row.code.as_str()).is_some_and(|first| first.line != row.line) {
            continue;
        }
        if let Some(parent) = row.parent_code() {
            let parent_ok = in_file.contains_key(parent)
                || stored.get(parent).is_some_and(|p| p.retired_at.is_none() && row.level.parent() == Some(p.level));
            if !parent_ok {
                errors.push(error(row.line, Some("code"), format!("上级编码 {parent} 不存在或已撤销")));
                continue;
            }
        }
        match stored.get(&row.code) {
            Some(place) if place.level != row.level => {
                errors.push(error(row.line, Some("level"), format!("编码已属于一个{}", place.level.label())));
            }
            Some(place) if place.retired_at.is_some() => {
                errors.push(error(row.line, Some("code"), "该编码的地点已撤销，编码不再使用"));
            }
            Some(place)
                if place.name == row.name
                    && place.kind == row.kind
                    && (row.boundary.is_none() || place.boundary == row.boundary)
                    && (row.households.is_none() || place.households == row.households) =>
            {
                summary.unchanged += 1;
            }
            Some(place) => {
                summary.updated += 1;
                ops.push(ImportOp::Update {
                    id: place.id,
                    name: row.name.clone(),
                    kind: row.kind,
                    boundary: row.boundary.clone(),
                    households: row.households.clone(),
                });
            }
            None => {
                summary.created += 1;
                ops.push(ImportOp::Create {
                    place: NewPlace {
                        code: row.code.clone(),
                        name: row.name.clone(),
                        level: row.level,
                        kind: row.kind,
                        parent_id: None,
                        boundary: row.boundary.clone(),
                        households: row.households.clone(),
                    },
                    parent_code: row.parent_code().map(str::to_owned),
                });
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        if errors.len() > MAX_ERRORS {
            let more = errors.len() - MAX_ERRORS;
            errors.truncate(MAX_ERRORS);
            errors.push(error(0, None, format!("另有 {more} 处错误未列出")));
        }
        return Err(errors);
    }
    // Parents before children: codes grow by level, so creating by code length is top-down.
    ops.sort_by_key(|op| match op {
        ImportOp::Create { place, .. } => place.code.len(),
        ImportOp::Update { .. } => 0,
    });
    Ok((ops, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_may_hold_commas_and_quotes() {
        let expected: Vec<String> = vec!["a".into(), "b,c".into(), "d\"e".into()];
        assert_eq!(split_line(r#"a,"b,c","d""e""#), Some(expected));
        assert!(split_line(r#"a,"b"#).is_none());
    }

    #[test]
    fn every_bad_field_is_reported_with_its_line_and_column() {
        let (rows, errors) =
            parse("level,code,name,kind\ndistrict,520201,钟山区,\nstreet,52020,,\ngrid,520201001001001,网格,x\n");
        assert_eq!(rows.len(), 1);
        let at: Vec<(u64, Option<&str>)> = errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(at, vec![(3, Some("code")), (3, Some("name")), (4, Some("kind"))]);
    }
}
