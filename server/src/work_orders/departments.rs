//! Departments (职能部门): created by admins at the district or a street, with staff accounts
//! scoped to them (a staff account holds the department-officer role while on any staff).

use chrono::Utc;
use haolin_shared::api::{AuditAction, AuditTargetKind, CreateDepartmentRequest, Department, ErrorCode, PlaceLevel};
use serde_json::json;

use crate::audit;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{field_id, path_id};
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::work_orders::DepartmentRecord;

/// A department as the API shows it.
pub fn view(d: &DepartmentRecord) -> Department {
    Department { id: d.id.to_string(), name: d.name.clone(), place_id: d.place_id.to_string() }
}

/// Every department (public bodies' names: any signed-in caller; the whistle's picker uses it).
pub async fn list(state: &AppState, _caller: &Caller) -> Result<Vec<Department>, ApiError> {
    Ok(state.store.departments().await?.iter().map(view).collect())
}

/// Creates a department at a district or street in service.
pub async fn create(state: &AppState, caller: &Caller, req: &CreateDepartmentRequest) -> Result<Department, ApiError> {
    caller.require_admin()?;
    let name = crate::places::parse_name(&req.name).map_err(|m| ApiError::invalid_field("name", m))?;
    let place_id = field_id("place_id", &req.place_id)?;
    match state.store.place(place_id).await? {
        Some(p) if matches!(p.level, PlaceLevel::District | PlaceLevel::Street) && p.retired_at.is_none() => {}
        _ => return Err(ApiError::invalid_field("place_id", "部门须设在区或街道一级")),
    }
    let id = match state.store.create_department(&name, place_id, Utc::now().timestamp_millis()).await {
        Ok(id) => id,
        Err(StoreError::AlreadyExists(_)) => return Err(ApiError::new(ErrorCode::AlreadyExists, "该地点已有同名部门")),
        Err(e) => return Err(e.into()),
    };
    let entry = audit::entry(
        caller,
        AuditAction::DepartmentCreated,
        AuditTargetKind::Department,
        Some(id),
        json!({"name": name, "place_id": place_id.to_string()}),
    );
    audit::record_after(state, &entry).await?;
    Ok(Department { id: id.to_string(), name, place_id: place_id.to_string() })
}

/// Puts an account on a department's staff (`add`) or takes it off.
pub async fn staff(state: &AppState, caller: &Caller, raw_id: &str, raw_user: &str, add: bool) -> Result<(), ApiError> {
    caller.require_admin()?;
    let department = path_id(raw_id)?;
    state.store.department(department).await?.ok_or_else(ApiError::not_found)?;
    let user = field_id("user_id", raw_user)?;
    if state.store.user_by_id(user).await?.is_none() {
        return Err(ApiError::invalid_field("user_id", "账号不存在"));
    }
    let action = if add {
        state.store.add_department_staff(department, user, Utc::now().timestamp_millis()).await?;
        AuditAction::DepartmentStaffAdded
    } else {
        if !state.store.remove_department_staff(department, user).await? {
            return Err(ApiError::not_found());
        }
        AuditAction::DepartmentStaffRemoved
    };
    let entry = audit::entry(
        caller,
        action,
        AuditTargetKind::Department,
        Some(department),
        json!({"user_id": user.to_string()}),
    );
    audit::record_after(state, &entry).await
}
