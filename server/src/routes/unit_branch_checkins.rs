//! A work-unit branch's own check-in to a community (单位报到): filed by an admin for the branch,
//! decided by the community's dispatchers. Approved ones count as the community's units checked in.
//! The handlers parse and render; the rules are `crate::checkins::branches`.

use actix_web::{HttpResponse, get, post, web};
use haolin_shared::api::{CreateUnitBranchCheckinRequest, ErrorBody, Items, RejectCheckinRequest, UnitBranchCheckin};
use haolin_shared::domain::{LetterRef, Reason};

use crate::auth::Caller;
use crate::checkins::{Decision, branches};
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

fn view(c: &BranchCheckinRecord) -> Result<UnitBranchCheckin, ApiError> {
    Ok(UnitBranchCheckin {
        id: c.id.to_string(),
        unit_branch_id: c.unit_branch_id.to_string(),
        community_id: c.community_id.to_string(),
        letter_ref: c.letter_ref.clone(),
        status: c.status,
        reason: c.reason.clone(),
        created_at: rfc3339(c.created_at),
        decided_at: c.decided_at.map(rfc3339),
    })
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
    let branch_id = path_id(&id)?;
    let community_id = field_id("community_id", &body.0.community_id)?;
    let letter = LetterRef::parse(&body.0.letter_ref).map_err(|e| ApiError::invalid_value("letter_ref", e))?;
    let stored = branches::file(&state, &caller, branch_id, community_id, &letter).await?;
    Ok(HttpResponse::Created().json(view(&stored)?))
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
    let rows = branches::list(&state, &caller, path_id(&id)?).await?;
    Ok(web::Json(Items { items: rows.iter().map(view).collect::<Result<_, _>>()? }))
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
    let now = branches::decide(&state, &caller, path_id(&path.0)?, path_id(&path.1)?, Decision::Approve).await?;
    Ok(web::Json(view(&now)?))
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
    let decision = Decision::Reject(reason);
    let now = branches::decide(&state, &caller, path_id(&path.0)?, path_id(&path.1)?, decision).await?;
    Ok(web::Json(view(&now)?))
}
