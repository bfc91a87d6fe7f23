//! The CSV import of companies and estates (docs/PROPERTY.md), with the places import's
//! conventions: a header naming the columns `company`, `estate` and `places` (in any order), one
//! estate per line, `places` the codes of its grids or units separated by `;`. The whole file is
//! checked and every bad line reported; only a file without errors is applied, in one
//! transaction. Companies are found or created by name, estates by community and name; an estate
//! already as the line says is unchanged, so importing the same file twice changes nothing.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use haolin_shared::api::{AuditAction, AuditTargetKind, ErrorCode, ImportSummary, LineError};
use serde_json::json;

use super::admin::MAX_ESTATE_PLACES;
use super::community_of_place;
use crate::audit;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::places::import::split_line;
use crate::state::AppState;
use crate::store::property::EstateWrite;

/// The most lines a file may have.
pub const MAX_LINES: usize = 10_000;

fn error(line: u64, column: Option<&str>, message: impl Into<String>) -> LineError {
    LineError { line, column: column.map(str::to_owned), message: message.into() }
}

/// One estate line, checked.
struct Line {
    line: u64,
    company: String,
    estate: String,
    write: EstateWrite,
}

/// Imports the file (admins): all of it, or nothing and 422 with every error.
pub async fn import_csv(state: &AppState, caller: &Caller, text: &str) -> Result<ImportSummary, ApiError> {
    caller.require_admin()?;
    let mut errors = Vec::new();
    let lines = check(state, text, &mut errors).await?;
    if !errors.is_empty() {
        let mut e =
            ApiError::new(ErrorCode::InvalidImport, format!("导入文件有 {} 处错误，未做任何更改", errors.len()));
        e.details.errors = Some(errors);
        return Err(e);
    }
    let mut summary = ImportSummary { created: 0, updated: 0, unchanged: 0 };
    let known: BTreeSet<String> =
        state.store.property_companies(None, u32::MAX).await?.into_iter().map(|c| c.name).collect();
    let new_companies: Vec<String> = lines
        .iter()
        .map(|l| l.company.clone())
        .filter(|c| !known.contains(c))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    summary.created += new_companies.len() as u64;
    let mut writes = Vec::new();
    for l in lines {
        let existing = state.store.property_estate_by_name(l.write.community_id, &l.estate).await?;
        match existing {
            Some(id) => {
                let current = state.store.property_estate(id).await?.ok_or_else(ApiError::not_found)?;
                if current.company.name == l.company && current.place_ids == l.write.place_ids {
                    summary.unchanged += 1;
                    continue;
                }
                summary.updated += 1;
            }
            None => summary.created += 1,
        }
        writes.push((existing, l.company, l.write));
    }
    let details = json!({"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged});
    let entry = audit::entry(caller, AuditAction::PropertyImported, AuditTargetKind::PropertyImport, None, details);
    if new_companies.is_empty() && writes.is_empty() {
        audit::record_after(state, &entry).await?;
    } else {
        state.store.apply_property_import(&new_companies, &writes, Utc::now().timestamp_millis(), &entry).await?;
    }
    Ok(summary)
}

/// Reads and checks every line, adding an error for each fault.
async fn check(state: &AppState, text: &str, errors: &mut Vec<LineError>) -> Result<Vec<Line>, ApiError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = text.lines().enumerate().map(|(i, l)| (i as u64 + 1, l.trim_end_matches('\r')));
    let Some((_, header)) = rows.next() else {
        errors.push(error(1, None, "文件为空：第一行须为表头 company,estate,places"));
        return Ok(Vec::new());
    };
    let columns: Vec<String> = split_line(header).unwrap_or_default().iter().map(|c| c.trim().to_owned()).collect();
    let find = |name: &str| columns.iter().position(|c| c == name);
    let (Some(company_at), Some(estate_at), Some(places_at)) = (find("company"), find("estate"), find("places")) else {
        errors.push(error(1, None, "表头须包含 company、estate、places 三列"));
        return Ok(Vec::new());
    };
    let mut lines = Vec::new();
    let mut seen_places: HashMap<i64, u64> = HashMap::new();
    let mut seen_estates: HashMap<(i64, String), u64> = HashMap::new();
    for (n, raw) in rows {
        if raw.trim().is_empty() {
            continue;
        }
        if n as usize > MAX_LINES + 1 {
            errors.push(error(n, None, format!("文件不能超过 {MAX_LINES} 行")));
            break;
        }
        let Some(fields) = split_line(raw) else {
            errors.push(error(n, None, "引号不配对"));
            continue;
        };
        let field = |at: usize| fields.get(at).map(|f| f.trim().to_owned()).unwrap_or_default();
        let company = crate::places::parse_name(&field(company_at)).map_err(|m| error(n, Some("company"), m));
        let estate = crate::places::parse_name(&field(estate_at)).map_err(|m| error(n, Some("estate"), m));
        let codes: Vec<String> =
            field(places_at).split(';').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
        let places = if codes.is_empty() || codes.len() > MAX_ESTATE_PLACES {
            Err(error(n, Some("places"), format!("须列出 1 到 {MAX_ESTATE_PLACES} 个网格或十联户编码，用“;”分隔")))
        } else {
            check_codes(state, n, &codes, &mut seen_places).await?
        };
        match (company, estate, places) {
            (Ok(company), Ok(estate), Ok(write)) => {
                if let Some(first) = seen_estates.insert((write.community_id, estate.clone()), n) {
                    errors.push(error(n, Some("estate"), format!("与第 {first} 行是同一社区的同名小区")));
                    continue;
                }
                lines.push(Line {
                    line: n,
                    company,
                    estate: estate.clone(),
                    write: EstateWrite { name: estate, ..write },
                });
            }
            (company, estate, places) => {
                errors.extend([company.err(), estate.err(), places.err()].into_iter().flatten())
            }
        }
    }
    // A place already in a stored estate may only stay in that same estate.
    for l in &lines {
        let stored_here = state.store.property_estate_by_name(l.write.community_id, &l.estate).await?;
        for (place, estate) in state.store.estates_of_places(&l.write.place_ids).await? {
            if Some(estate) != stored_here {
                errors.push(error(l.line, Some("places"), format!("地点 {place} 已属于另一个小区")));
            }
        }
    }
    Ok(lines)
}

/// Checks a line's codes: each a grid or unit in service, all of one community, none on an
/// earlier line.
async fn check_codes(
    state: &AppState,
    n: u64,
    codes: &[String],
    seen: &mut HashMap<i64, u64>,
) -> Result<Result<EstateWrite, LineError>, ApiError> {
    let found: HashMap<String, i64> =
        state.store.places_by_codes(codes).await?.into_iter().map(|p| (p.code, p.id)).collect();
    let mut ids = BTreeSet::new();
    let mut community = None;
    for code in codes {
        let Some(&id) = found.get(code) else {
            return Ok(Err(error(n, Some("places"), format!("编码 {code} 不存在"))));
        };
        let Some(here) = community_of_place(state, id).await? else {
            return Ok(Err(error(n, Some("places"), format!("编码 {code} 不是在用的网格或十联户"))));
        };
        if community.is_some_and(|c| c != here) {
            return Ok(Err(error(n, Some("places"), "一个小区的地点须在同一个社区内")));
        }
        community = Some(here);
        if let Some(first) = seen.insert(id, n).filter(|first| *first != n) {
            return Ok(Err(error(n, Some("places"), format!("编码 {code} 已在第 {first} 行的小区中"))));
        }
        ids.insert(id);
    }
    let Some((community_id, street_id)) = community else {
        return Ok(Err(error(n, Some("places"), "不能为空")));
    };
    Ok(Ok(EstateWrite {
        name: String::new(),
        company_id: 0,
        community_id,
        street_id,
        place_ids: ids.into_iter().collect(),
    }))
}
