//! Administering the place tree (admins): creating a place with its code, renaming, changing a
//! grid's kind, moving under another parent (new codes for it and everything under it),
//! retiring, applying a CSV import as a whole, and creating a community (`/admin/communities`).
//! Each is recorded in the audit log (`crate::audit`).

use std::collections::HashMap;

use chrono::Utc;
use haolin_shared::api::{
    AuditAction, AuditTargetKind, CreatePlaceRequest, ErrorCode, GeoPolygon, ImportSummary, PlaceLevel,
    UpdatePlaceRequest,
};
use serde_json::json;

use super::{
    check_kind, check_parent, geo, import, next_child_code, parse_child_code, parse_district_code, parse_name,
};
use crate::audit;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::field_id;
use crate::state::AppState;
use crate::store::CommunityRecord;
use crate::store::places::{NewPlace, PlaceChange, PlaceRecord};

/// A parent named in a request, which must exist.
async fn parent_of(state: &AppState, raw: &str) -> Result<PlaceRecord, ApiError> {
    let id = field_id("parent_id", raw)?;
    state.store.place(id).await?.ok_or_else(|| ApiError::invalid_field("parent_id", "上级不存在"))
}

/// Creates a place (admins); returns its id. A district needs its 6-digit code; other places
/// need a parent one level up, and take the given code (the parent's plus 3 digits) or the next
/// free one.
pub async fn create(state: &AppState, caller: &Caller, req: &CreatePlaceRequest) -> Result<i64, ApiError> {
    caller.require_admin()?;
    let name = parse_name(&req.name).map_err(|m| ApiError::invalid_field("name", m))?;
    check_kind(req.level, req.kind)?;
    let (parent_id, code) = match (req.level, &req.parent_id) {
        (PlaceLevel::District, Some(_)) => return Err(ApiError::invalid_field("parent_id", "区没有上级")),
        (PlaceLevel::District, None) => {
            let raw =
                req.code.as_deref().ok_or_else(|| ApiError::invalid_field("code", "区须给出 6 位行政区划代码"))?;
            (None, parse_district_code(raw).map_err(|m| ApiError::invalid_field("code", m))?)
        }
        (_, None) => return Err(ApiError::invalid_field("parent_id", "须指明上级")),
        (level, Some(raw)) => {
            let parent = parent_of(state, raw).await?;
            check_parent(level, &parent)?;
            let code = match &req.code {
                Some(raw) => parse_child_code(&parent.code, raw).map_err(|m| ApiError::invalid_field("code", m))?,
                None => next_child_code(&parent.code, &state.store.child_codes(parent.id).await?)
                    .ok_or_else(|| ApiError::invalid_field("parent_id", "上级下的编码已用完"))?,
            };
            (Some(parent.id), code)
        }
    };
    let (boundary, households) = extras(req.level, req.boundary.as_ref(), req.households.as_deref())?;
    let place = NewPlace { code, name, level: req.level, kind: req.kind, parent_id, boundary, households };
    let details = json!({
        "level": place.level.as_str(), "name": place.name, "code": place.code,
        "kind": place.kind.map(|k| k.as_str()), "parent_id": place.parent_id.map(|p| p.to_string()),
    });
    let entry = audit::entry(caller, AuditAction::PlaceCreated, AuditTargetKind::Place, None, details);
    Ok(state.store.create_place(place, Utc::now(), Some(&entry)).await?.id)
}

/// A grid's boundary and a unit's households, checked against the level.
fn extras(
    level: PlaceLevel,
    boundary: Option<&GeoPolygon>,
    households: Option<&[String]>,
) -> Result<(Option<String>, Option<String>), ApiError> {
    if boundary.is_some() && level != PlaceLevel::Grid {
        return Err(ApiError::invalid_field("boundary", "只有网格有边界"));
    }
    if households.is_some() && level != PlaceLevel::Unit {
        return Err(ApiError::invalid_field("households", "只有十联户列住户"));
    }
    Ok((boundary.map(geo::check_boundary).transpose()?, households.map(geo::check_households).transpose()?))
}

/// Renames a place, changes a grid's kind, or moves it under another parent of its parent's level
/// (admins); a move gives it (and everything under it) new codes. A retired place stays as it was.
pub async fn update(state: &AppState, caller: &Caller, id: i64, req: &UpdatePlaceRequest) -> Result<(), ApiError> {
    caller.require_admin()?;
    let place = state.store.place(id).await?.ok_or_else(ApiError::not_found)?;
    if place.retired_at.is_some() {
        return Err(ApiError::new(ErrorCode::PlaceInUse, "该地点已撤销，不能再修改"));
    }
    let mut change = PlaceChange {
        name: req.name.as_deref().map(parse_name).transpose().map_err(|m| ApiError::invalid_field("name", m))?,
        ..PlaceChange::default()
    };
    (change.boundary, change.households) = extras(place.level, req.boundary.as_ref(), req.households.as_deref())?;
    if let Some(kind) = req.kind {
        check_kind(place.level, Some(kind))?;
        change.kind = Some(kind);
    }
    if let Some(raw) = &req.parent_id {
        if place.level == PlaceLevel::District {
            return Err(ApiError::invalid_field("parent_id", "区没有上级"));
        }
        let parent = parent_of(state, raw).await?;
        check_parent(place.level, &parent)?;
        if place.parent_id != Some(parent.id) {
            let code = next_child_code(&parent.code, &state.store.child_codes(parent.id).await?)
                .ok_or_else(|| ApiError::invalid_field("parent_id", "上级下的编码已用完"))?;
            change.moved = Some((parent.id, code));
        }
    }
    let details = json!({
        "name": change.name, "kind": change.kind.map(|k| k.as_str()),
        "parent_id": change.moved.as_ref().map(|(p, _)| p.to_string()),
        "code": change.moved.as_ref().map(|(_, c)| c.clone()),
        "boundary_changed": change.boundary.is_some(), "households_changed": change.households.is_some(),
    });
    let entry = audit::entry(caller, AuditAction::PlaceUpdated, AuditTargetKind::Place, Some(place.id), details);
    Ok(state.store.update_place(place.id, change, &entry).await?)
}

/// Retires a place (admins): it stays (with its code, never reused) for history and takes no new
/// work. Refused while places under it are in service, it has unfinished wishes, or a party
/// organisation in service sits at it; retiring twice answers the first retirement.
pub async fn retire(state: &AppState, caller: &Caller, id: i64) -> Result<(), ApiError> {
    caller.require_admin()?;
    let place = state.store.place(id).await?.ok_or_else(ApiError::not_found)?;
    if place.retired_at.is_none() && !state.store.retire_place(place.id, Utc::now()).await? {
        let work = state.store.place_open_work(place.id).await?;
        let message = if work.children > 0 {
            format!("该地点下还有 {} 个在用的下级，须先撤销或迁走", work.children)
        } else if work.wishes > 0 {
            format!("该地点还有 {} 个未办结的心愿，不能撤销", work.wishes)
        } else {
            "该地点还有在用的党组织，须先撤销该党组织".to_owned()
        };
        return Err(ApiError::new(ErrorCode::PlaceInUse, message));
    }
    if place.retired_at.is_none() {
        let details = json!({"level": place.level.as_str(), "code": place.code, "name": place.name});
        let entry = audit::entry(caller, AuditAction::PlaceRetired, AuditTargetKind::Place, Some(place.id), details);
        audit::record_after(state, &entry).await?;
    }
    Ok(())
}

/// Imports a CSV file (docs/PLACES.md, admins): all of it in one transaction, or nothing with
/// every error by line and column.
pub async fn import_csv(state: &AppState, caller: &Caller, text: &str) -> Result<ImportSummary, ApiError> {
    caller.require_admin()?;
    let (rows, errors) = import::parse(text);
    let codes = import::codes_to_look_up(&rows);
    let stored: HashMap<String, PlaceRecord> =
        state.store.places_by_codes(&codes).await?.into_iter().map(|p| (p.code.clone(), p)).collect();
    let (ops, summary) = import::plan(&rows, &stored, errors).map_err(|errors| {
        let mut e =
            ApiError::new(ErrorCode::InvalidImport, format!("导入文件有 {} 处错误，未做任何更改", errors.len()));
        e.details.errors = Some(errors);
        e
    })?;
    let details = json!({"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged});
    let entry = audit::entry(caller, AuditAction::PlacesImported, AuditTargetKind::PlaceImport, None, details);
    if ops.is_empty() {
        audit::record_after(state, &entry).await?;
    } else {
        state.store.apply_import(ops, Utc::now(), &entry).await?;
    }
    tracing::info!(
        created = summary.created,
        updated = summary.updated,
        unchanged = summary.unchanged,
        "places imported"
    );
    Ok(summary)
}

/// Creates a community (admins): a place of level `community` under the street of `street_code`
/// when one is in service, recorded in the audit log in the same transaction.
pub async fn create_community(
    state: &AppState,
    caller: &Caller,
    name: &str,
    code: &str,
    street_code: Option<&str>,
) -> Result<CommunityRecord, ApiError> {
    caller.require_admin()?;
    let details = json!({"name": name, "code": code, "street_code": street_code});
    let entry = audit::entry(caller, AuditAction::CommunityCreated, AuditTargetKind::Community, None, details);
    Ok(state.store.create_community(name, code, street_code, Some(&entry)).await?)
}
