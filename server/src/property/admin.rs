//! Companies, estates and company staff: admins create and change them (each change in the audit
//! log); the estates are read by whoever oversees them.

use std::collections::BTreeSet;

use chrono::Utc;
use haolin_shared::api::{
    AuditAction, AuditTargetKind, CreatePropertyEstateRequest, ErrorCode, Page, PropertyCompany,
    PropertyCompanyRequest, PropertyEstate, UpdatePropertyEstateRequest,
};
use serde_json::json;

use super::{community_of_place, company_view, estate_view, scope};
use crate::audit;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{decode_cursor, field_id, keyset_page, page_limit, path_id};
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::property::EstateWrite;

/// The most places one estate may cover.
pub const MAX_ESTATE_PLACES: usize = 200;

/// A company or estate name: 1–50 characters on one line.
pub fn parse_name(raw: &str) -> Result<String, ApiError> {
    crate::places::parse_name(raw).map_err(|m| ApiError::invalid_field("name", m))
}

fn taken(e: StoreError, what: &'static str) -> ApiError {
    match e {
        StoreError::AlreadyExists("place_ids") => ApiError::invalid_field("place_ids", "有地点已属于另一个小区"),
        StoreError::AlreadyExists(_) => ApiError::new(ErrorCode::AlreadyExists, what),
        e => e.into(),
    }
}

/// A page of the companies (their names are public: any signed-in caller).
pub async fn companies(
    state: &AppState,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> Result<Page<PropertyCompany>, ApiError> {
    let after = cursor.map(decode_cursor).transpose()?;
    let limit = page_limit(limit)?;
    let rows = state.store.property_companies(after, limit + 1).await?;
    let (rows, next_cursor) = keyset_page(rows, limit, |c| c.id);
    Ok(Page { items: rows.iter().map(company_view).collect(), next_cursor })
}

/// Creates a company.
pub async fn create_company(
    state: &AppState,
    caller: &Caller,
    req: &PropertyCompanyRequest,
) -> Result<PropertyCompany, ApiError> {
    caller.require_admin()?;
    let name = parse_name(&req.name)?;
    let entry = audit::entry(
        caller,
        AuditAction::PropertyCompanyCreated,
        AuditTargetKind::PropertyCompany,
        None,
        json!({"name": name}),
    );
    let id = state
        .store
        .create_property_company(&name, Utc::now().timestamp_millis(), &entry)
        .await
        .map_err(|e| taken(e, "已有同名物业企业"))?;
    Ok(PropertyCompany { id: id.to_string(), name })
}

/// Renames a company.
pub async fn rename_company(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    req: &PropertyCompanyRequest,
) -> Result<PropertyCompany, ApiError> {
    caller.require_admin()?;
    let id = path_id(raw_id)?;
    let name = parse_name(&req.name)?;
    let entry = audit::entry(
        caller,
        AuditAction::PropertyCompanyUpdated,
        AuditTargetKind::PropertyCompany,
        Some(id),
        json!({"name": name}),
    );
    if !state.store.rename_property_company(id, &name, &entry).await.map_err(|e| taken(e, "已有同名物业企业"))?
    {
        return Err(ApiError::not_found());
    }
    Ok(PropertyCompany { id: id.to_string(), name })
}

/// Puts an account on a company's staff (`add`) or takes it off.
pub async fn staff(state: &AppState, caller: &Caller, raw_id: &str, raw_user: &str, add: bool) -> Result<(), ApiError> {
    caller.require_admin()?;
    let company = path_id(raw_id)?;
    state.store.property_company(company).await?.ok_or_else(ApiError::not_found)?;
    let user = field_id("user_id", raw_user)?;
    if state.store.user_by_id(user).await?.is_none() {
        return Err(ApiError::invalid_field("user_id", "账号不存在"));
    }
    let action = if add { AuditAction::PropertyStaffAdded } else { AuditAction::PropertyStaffRemoved };
    let entry = audit::entry(
        caller,
        action,
        AuditTargetKind::PropertyCompany,
        Some(company),
        json!({"user_id": user.to_string()}),
    );
    if !state.store.set_property_staff(company, user, add, Utc::now().timestamp_millis(), &entry).await? {
        return Err(ApiError::not_found());
    }
    Ok(())
}

/// Checks an estate's places: 1–200 distinct grids or units in service, all in one community;
/// returns them with the community and its street.
pub async fn check_places(state: &AppState, raw: &[String]) -> Result<EstateWriteParts, ApiError> {
    if raw.is_empty() || raw.len() > MAX_ESTATE_PLACES {
        return Err(ApiError::invalid_field("place_ids", format!("须有 1 到 {MAX_ESTATE_PLACES} 个网格或十联户")));
    }
    let mut ids = BTreeSet::new();
    let mut community = None;
    for (i, raw) in raw.iter().enumerate() {
        let field = format!("place_ids[{i}]");
        let id = field_id(&field, raw)?;
        let Some(found) = community_of_place(state, id).await? else {
            return Err(ApiError::invalid_field(field, "须为在用的网格或十联户"));
        };
        if community.is_some_and(|c| c != found) {
            return Err(ApiError::invalid_field(field, "一个小区的地点须在同一个社区内"));
        }
        community = Some(found);
        ids.insert(id);
    }
    let (community_id, street_id) = community.ok_or_else(|| ApiError::invalid_field("place_ids", "不能为空"))?;
    Ok(EstateWriteParts { place_ids: ids.into_iter().collect(), community_id, street_id })
}

/// An estate's checked places and where they lie.
#[derive(Debug, Clone)]
pub struct EstateWriteParts {
    /// The places, distinct, by id.
    pub place_ids: Vec<i64>,
    /// Their community.
    pub community_id: i64,
    /// Its street.
    pub street_id: Option<i64>,
}

async fn company_id(state: &AppState, raw: &str) -> Result<i64, ApiError> {
    let id = field_id("company_id", raw)?;
    state.store.property_company(id).await?.ok_or_else(|| ApiError::invalid_field("company_id", "物业企业不存在"))?;
    Ok(id)
}

/// Creates an estate.
pub async fn create_estate(
    state: &AppState,
    caller: &Caller,
    req: &CreatePropertyEstateRequest,
) -> Result<PropertyEstate, ApiError> {
    caller.require_admin()?;
    let name = parse_name(&req.name)?;
    let company_id = company_id(state, &req.company_id).await?;
    let parts = check_places(state, &req.place_ids).await?;
    let write = EstateWrite {
        name,
        company_id,
        community_id: parts.community_id,
        street_id: parts.street_id,
        place_ids: parts.place_ids,
    };
    let details = json!({"name": write.name, "company_id": company_id.to_string(), "places": write.place_ids.len()});
    let entry =
        audit::entry(caller, AuditAction::PropertyEstateCreated, AuditTargetKind::PropertyEstate, None, details);
    let id = state
        .store
        .write_property_estate(None, &write, Utc::now().timestamp_millis(), &entry)
        .await
        .map_err(|e| taken(e, "该社区已有同名小区"))?;
    estate(state, id).await
}

/// Changes an estate's name, company or places.
pub async fn update_estate(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    req: &UpdatePropertyEstateRequest,
) -> Result<PropertyEstate, ApiError> {
    caller.require_admin()?;
    let id = path_id(raw_id)?;
    let current = state.store.property_estate(id).await?.ok_or_else(ApiError::not_found)?;
    let name = req.name.as_deref().map(parse_name).transpose()?.unwrap_or(current.name.clone());
    let company_id = match &req.company_id {
        Some(raw) => company_id(state, raw).await?,
        None => current.company.id,
    };
    let parts = match &req.place_ids {
        Some(raw) => check_places(state, raw).await?,
        None => EstateWriteParts {
            place_ids: current.place_ids.clone(),
            community_id: current.community_id,
            street_id: current.street_id,
        },
    };
    let write = EstateWrite {
        name,
        company_id,
        community_id: parts.community_id,
        street_id: parts.street_id,
        place_ids: parts.place_ids,
    };
    let details = json!({"name": write.name, "company_id": company_id.to_string(), "places": write.place_ids.len()});
    let entry =
        audit::entry(caller, AuditAction::PropertyEstateUpdated, AuditTargetKind::PropertyEstate, Some(id), details);
    state
        .store
        .write_property_estate(Some(id), &write, Utc::now().timestamp_millis(), &entry)
        .await
        .map_err(|e| taken(e, "该社区已有同名小区"))?;
    estate(state, id).await
}

async fn estate(state: &AppState, id: i64) -> Result<PropertyEstate, ApiError> {
    Ok(estate_view(&state.store.property_estate(id).await?.ok_or_else(ApiError::not_found)?))
}

/// An estate the caller oversees (404 otherwise, as if absent).
pub async fn get_estate(state: &AppState, caller: &Caller, raw_id: &str) -> Result<PropertyEstate, ApiError> {
    let id = path_id(raw_id)?;
    let estate = state.store.property_estate(id).await?.ok_or_else(ApiError::not_found)?;
    if !scope(state, caller).await?.covers(&estate) {
        return Err(ApiError::not_found());
    }
    Ok(estate_view(&estate))
}

/// A page of the estates the caller oversees (403 for a caller who oversees none), by id.
pub async fn estates(
    state: &AppState,
    caller: &Caller,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> Result<Page<PropertyEstate>, ApiError> {
    let scope = scope(state, caller).await?;
    if scope.is_empty() {
        return Err(ApiError::forbidden());
    }
    let after = cursor.map(decode_cursor).transpose()?;
    let limit = page_limit(limit)?;
    let rows = state.store.property_estates(&scope, after, limit + 1).await?;
    let (rows, next_cursor) = keyset_page(rows, limit, |e| e.id);
    let mut items = Vec::with_capacity(rows.len());
    for e in rows {
        items.push(estate(state, e.id).await?);
    }
    Ok(Page { items, next_cursor })
}
