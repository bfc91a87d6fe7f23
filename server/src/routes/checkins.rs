//! Dual check-in (双报到): work-unit branches, members' check-ins to communities, the
//! community's decision, the member's withdrawal, and the community's figures. The handlers parse
//! and render; the rules are `crate::checkins`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use haolin_shared::api::{
    Checkin, CheckinFigures, CreateCheckinRequest, CreateUnitBranchRequest, ErrorBody, Items, PersonRef,
    RejectCheckinRequest, UnitBranch,
};
use haolin_shared::domain::{CertificateNo, CheckinStatus, LetterRef, Reason};

use crate::auth::Caller;
use crate::checkins::{self, CheckinFiling, Decision, branches};
use crate::error::ApiError;
use crate::extract::{ApiJson, field_id, path_id};
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::store::checkins::CheckinRecord;
use crate::views::rfc3339;

/// Registers the check-in routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(create_unit_branch)
        .service(list_unit_branches)
        .service(create_checkin)
        .service(list_checkins)
        .service(approve_checkin)
        .service(reject_checkin)
        .service(withdraw_checkin)
        .service(checkin_figures);
}

fn view(c: &CheckinRecord) -> Result<Checkin, ApiError> {
    Ok(Checkin {
        id: c.id.to_string(),
        status: c.status,
        member: PersonRef { id: c.member_id.to_string(), name: c.member_name.clone() },
        community_id: c.community_id.to_string(),
        unit_branch_id: c.unit_branch_id.map(|u| u.to_string()),
        certificate_no: c.certificate_no.clone(),
        letter_ref: c.letter_ref.clone(),
        reason: c.reason.clone(),
        created_at: rfc3339(c.created_at),
        decided_at: c.decided_at.map(rfc3339),
    })
}

/// Registers a work-unit party branch (admin).
#[utoipa::path(tag = "checkins", request_body = CreateUnitBranchRequest, responses(
    (status = 201, body = UnitBranch), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/unit-branches")]
pub async fn create_unit_branch(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateUnitBranchRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, name) = branches::register(&state, &caller, &body.0.name).await?;
    Ok(HttpResponse::Created().json(UnitBranch { id: id.to_string(), name }))
}

/// Every work-unit branch, by name (for the check-in form).
#[utoipa::path(tag = "checkins", responses((status = 200, body = Items<UnitBranch>)))]
#[get("/unit-branches")]
pub async fn list_unit_branches(
    state: web::Data<AppState>,
    _caller: Caller,
) -> Result<web::Json<Items<UnitBranch>>, ApiError> {
    let rows = branches::all(&state).await?;
    Ok(web::Json(Items { items: rows.into_iter().map(|(id, name)| UnitBranch { id: id.to_string(), name }).collect() }))
}

/// A party member checks in to a community with the service certificate and introduction letter
/// (一证一信); it waits, `pending`, for the community.
#[utoipa::path(tag = "checkins", request_body = CreateCheckinRequest, responses(
    (status = 201, body = Checkin), (status = 409, description = "already pending or approved there", body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[post("/checkins")]
pub async fn create_checkin(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateCheckinRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.0;
    let filing = CheckinFiling {
        community_id: field_id("community_id", &req.community_id)?,
        unit_branch_id: req.unit_branch_id.as_deref().map(|raw| field_id("unit_branch_id", raw)).transpose()?,
        certificate_no: CertificateNo::parse(&req.certificate_no)
            .map_err(|e| ApiError::invalid_value("certificate_no", e))?,
        letter_ref: LetterRef::parse(&req.letter_ref).map_err(|e| ApiError::invalid_value("letter_ref", e))?,
    };
    let stored = checkins::file(&state, &caller, filing).await?;
    Ok(HttpResponse::Created().json(view(&stored)?))
}

/// The check-ins the caller may see: their own, their communities' (dispatchers), all (admins).
#[utoipa::path(tag = "checkins", params(("community_id" = Option<String>, Query), ("status" = Option<String>, Query)),
    responses((status = 200, body = Items<Checkin>), (status = 422, body = ErrorBody)))]
#[get("/checkins")]
pub async fn list_checkins(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<Items<Checkin>>, ApiError> {
    let q = query_map(&req)?;
    let status = q
        .get("status")
        .map(|s| {
            CheckinStatus::parse(s)
                .ok_or_else(|| ApiError::invalid_field("status", "状态须为 pending、approved、rejected 或 withdrawn"))
        })
        .transpose()?;
    let community_id = q.get("community_id").map(|raw| field_id("community_id", raw)).transpose()?;
    let rows = checkins::list(&state, &caller, community_id, status).await?;
    Ok(web::Json(Items { items: rows.iter().map(view).collect::<Result<_, _>>()? }))
}

/// Approves a pending check-in (a dispatcher of its community): the member may now see and claim
/// the community's wishes.
#[utoipa::path(tag = "checkins", params(("id" = String, Path)), responses(
    (status = 200, body = Checkin), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody)))]
#[post("/checkins/{id}/approve")]
pub async fn approve_checkin(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Checkin>, ApiError> {
    let now = checkins::decide(&state, &caller, path_id(&id)?, Decision::Approve).await?;
    Ok(web::Json(view(&now)?))
}

/// Rejects a pending check-in with a reason (a dispatcher of its community).
#[utoipa::path(tag = "checkins", params(("id" = String, Path)), request_body = RejectCheckinRequest, responses(
    (status = 200, body = Checkin), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/checkins/{id}/reject")]
pub async fn reject_checkin(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<RejectCheckinRequest>,
) -> Result<web::Json<Checkin>, ApiError> {
    let reason = Reason::parse(&body.0.reason).map_err(|e| ApiError::invalid_value("reason", e))?;
    let now = checkins::decide(&state, &caller, path_id(&id)?, Decision::Reject(reason)).await?;
    Ok(web::Json(view(&now)?))
}

/// The member withdraws their check-in; if it was approved, their membership of the community
/// ends and the wishes they hold there go back to the pool (each release recorded as an event).
#[utoipa::path(tag = "checkins", params(("id" = String, Path)), responses(
    (status = 200, body = Checkin), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody)))]
#[post("/checkins/{id}/withdraw")]
pub async fn withdraw_checkin(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Checkin>, ApiError> {
    let now = checkins::withdraw(&state, &caller, path_id(&id)?).await?;
    Ok(web::Json(view(&now)?))
}

/// The community's check-in figures (its dispatchers, its street's officers and admins): unit branches and members
/// checked in, and the wishes those members claimed and fulfilled.
#[utoipa::path(tag = "checkins", params(("id" = String, Path)), responses(
    (status = 200, body = CheckinFigures), (status = 404, body = ErrorBody)))]
#[get("/communities/{id}/checkin-stats")]
pub async fn checkin_figures(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<CheckinFigures>, ApiError> {
    Ok(web::Json(checkins::figures(&state, &caller, &id).await?))
}
