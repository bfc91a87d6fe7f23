//! A work-unit branch's own check-in to a community (单位报到): filed by an admin for the branch,
//! decided by the community's dispatchers. Approved ones count as the community's units checked in.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use haolin_shared::api::{
    CreateUnitBranchCheckinRequest, ErrorBody, ErrorCode, Items, PlaceLevel, RejectCheckinRequest, Role,
    UnitBranchCheckin,
};
use haolin_shared::domain::{LetterRef, Reason};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, field_id, path_id};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::checkins::BranchCheckinRecord;
use crate::views::rfc3339;

/// Registers the unit-branch check-in routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(create_branch_checkin)
        .service(list_branch_checkins)
        .service(approve_branch_checkin)
        .service(reject_branch_checkin);
}

fn view(c: &BranchCheckinRecord) -> UnitBranchCheckin {
    UnitBranchCheckin {
        id: c.id.to_string(),
        unit_branch_id: c.unit_branch_id.to_string(),
        community_id: c.community_id.to_string(),
        letter_ref: c.letter_ref.clone(),
        status: c.status.clone(),
        reason: c.reason.clone(),
        created_at: rfc3339(c.created_at),
        decided_at: c.decided_at.map(rfc3339),
    }
}

/// The branch of the path, which must exist.
async fn branch(state: &AppState, raw: &str) -> Result<i64, ApiError> {
    let id = path_id(raw)?;
    if state.store.unit_branches().await?.iter().any(|(b, _)| *b == id) { Ok(id) } else { Err(ApiError::not_found()) }
}

/// Files the branch's check-in to a community (admin, for the branch) as pending.
#[utoipa::path(tag = "checkins", params(("id" = String, Path)), request_body = CreateUnitBranchCheckinRequest,
    responses((status = 201, body = UnitBranchCheckin), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/unit-branches/{id}/checkins")]
pub async fn create_branch_checkin(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<CreateUnitBranchCheckinRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let branch_id = branch(&state, &id).await?;
    let community_id = field_id("community_id", &body.0.community_id)?;
    match state.store.place(community_id).await? {
        Some(p) if p.level == PlaceLevel::Community && p.retired_at.is_none() => {}
        _ => return Err(ApiError::invalid_field("community_id", "社区不存在或已撤销")),
    }
    let letter = LetterRef::parse(&body.0.letter_ref).map_err(|e| ApiError::invalid_value("letter_ref", e))?;
    let id = state.store.create_branch_checkin(branch_id, community_id, letter.as_str(), Utc::now()).await?;
    let stored = state.store.branch_checkin(id).await?.ok_or_else(ApiError::internal)?;
    Ok(HttpResponse::Created().json(view(&stored)))
}

/// The branch's check-ins: all for admins, those to their communities for dispatchers.
#[utoipa::path(tag = "checkins", params(("id" = String, Path)),
    responses((status = 200, body = Items<UnitBranchCheckin>), (status = 404, body = ErrorBody)))]
#[get("/unit-branches/{id}/checkins")]
pub async fn list_branch_checkins(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Items<UnitBranchCheckin>>, ApiError> {
    let branch_id = branch(&state, &id).await?;
    let admin = caller.has_role(Role::Admin);
    let rows = state.store.branch_checkins(branch_id).await?;
    let items =
        rows.iter().filter(|c| admin || caller.holds(Role::Dispatcher, c.community_id)).map(view).collect::<Vec<_>>();
    Ok(web::Json(Items { items }))
}

async fn decide(
    state: &AppState,
    caller: &Caller,
    path: &(String, String),
    approve: bool,
    reason: Option<String>,
) -> Result<web::Json<UnitBranchCheckin>, ApiError> {
    let branch_id = path_id(&path.0)?;
    let c = state.store.branch_checkin(path_id(&path.1)?).await?.ok_or_else(ApiError::not_found)?;
    if c.unit_branch_id != branch_id
        || !(caller.holds(Role::Dispatcher, c.community_id) || caller.has_role(Role::Admin))
    {
        return Err(ApiError::not_found());
    }
    if !caller.holds(Role::Dispatcher, c.community_id) {
        return Err(ApiError::forbidden());
    }
    if !state.store.decide_branch_checkin(c.id, approve, reason.as_deref(), caller.id(), Utc::now()).await? {
        return Err(ApiError::new(ErrorCode::InvalidState, format!("该报到当前状态为 {}，不能再审核", c.status)));
    }
    let now = state.store.branch_checkin(c.id).await?.ok_or_else(ApiError::internal)?;
    Ok(web::Json(view(&now)))
}

/// Approves a branch's pending check-in (a dispatcher of its community).
#[utoipa::path(tag = "checkins", params(("id" = String, Path), ("checkin_id" = String, Path)), responses(
    (status = 200, body = UnitBranchCheckin), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody)))]
#[post("/unit-branches/{id}/checkins/{checkin_id}/approve")]
pub async fn approve_branch_checkin(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<web::Json<UnitBranchCheckin>, ApiError> {
    decide(&state, &caller, &path, true, None).await
}

/// Rejects a branch's pending check-in with a reason (a dispatcher of its community).
#[utoipa::path(tag = "checkins", params(("id" = String, Path), ("checkin_id" = String, Path)),
    request_body = RejectCheckinRequest, responses(
    (status = 200, body = UnitBranchCheckin), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/unit-branches/{id}/checkins/{checkin_id}/reject")]
pub async fn reject_branch_checkin(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: ApiJson<RejectCheckinRequest>,
) -> Result<web::Json<UnitBranchCheckin>, ApiError> {
    let reason = Reason::parse(&body.0.reason).map_err(|e| ApiError::invalid_value("reason", e))?;
    decide(&state, &caller, &path, false, Some(reason.into_inner())).await
}
