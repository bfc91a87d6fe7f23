//! Dual check-in (双报到): work-unit branches, members' check-ins to communities, the
//! community's decision, the member's withdrawal (which releases their live claims there), and
//! the community's figures.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use haolin_shared::api::{
    Checkin, CheckinFigures, CreateCheckinRequest, CreateUnitBranchRequest, ErrorBody, ErrorCode, Items, PersonRef,
    RejectCheckinRequest, Role, UnitBranch,
};
use haolin_shared::domain::{CertificateNo, LetterRef, Reason, WishAction};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, field_id, path_id};
use crate::places::parse_name;
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::store::checkins::{CheckinQuery, CheckinRecord, NewCheckin};
use crate::views::rfc3339;
use crate::wishes::{ActionInput, Actor, act};

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

fn view(c: &CheckinRecord) -> Checkin {
    Checkin {
        id: c.id.to_string(),
        status: c.status.clone(),
        member: PersonRef { id: c.member_id.to_string(), name: c.member_name.clone() },
        community_id: c.community_id.to_string(),
        unit_branch_id: c.unit_branch_id.map(|u| u.to_string()),
        certificate_no: c.certificate_no.clone(),
        letter_ref: c.letter_ref.clone(),
        reason: c.reason.clone(),
        created_at: rfc3339(c.created_at),
        decided_at: c.decided_at.map(rfc3339),
    }
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
    caller.require_admin()?;
    let name = parse_name(&body.0.name).map_err(|m| ApiError::invalid_field("name", m))?;
    let id = state.store.create_unit_branch(&name, Utc::now()).await?;
    Ok(HttpResponse::Created().json(UnitBranch { id: id.to_string(), name }))
}

/// Every work-unit branch, by name (for the check-in form).
#[utoipa::path(tag = "checkins", responses((status = 200, body = Items<UnitBranch>)))]
#[get("/unit-branches")]
pub async fn list_unit_branches(
    state: web::Data<AppState>,
    _caller: Caller,
) -> Result<web::Json<Items<UnitBranch>>, ApiError> {
    let rows = state.store.unit_branches().await?;
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
    let community_id = field_id("community_id", &req.community_id)?;
    match state.store.place(community_id).await? {
        Some(p) if p.level == haolin_shared::api::PlaceLevel::Community && p.retired_at.is_none() => {}
        _ => return Err(ApiError::invalid_field("community_id", "社区不存在或已撤销")),
    }
    let unit_branch_id = match &req.unit_branch_id {
        None => None,
        Some(raw) => {
            let id = field_id("unit_branch_id", raw)?;
            if !state.store.unit_branches().await?.iter().any(|(u, _)| *u == id) {
                return Err(ApiError::invalid_field("unit_branch_id", "单位党支部不存在"));
            }
            Some(id)
        }
    };
    let checkin = NewCheckin {
        member_id: caller.id(),
        community_id,
        unit_branch_id,
        certificate_no: CertificateNo::parse(&req.certificate_no)
            .map_err(|e| ApiError::invalid_value("certificate_no", e))?
            .into_inner(),
        letter_ref: LetterRef::parse(&req.letter_ref)
            .map_err(|e| ApiError::invalid_value("letter_ref", e))?
            .into_inner(),
    };
    let id = state.store.create_checkin(checkin, Utc::now()).await?;
    let stored = state.store.checkin(id).await?.ok_or_else(ApiError::internal)?;
    tracing::info!(checkin_id = id, community_id, "member checked in");
    Ok(HttpResponse::Created().json(view(&stored)))
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
    let status = q.get("status").cloned();
    if status.as_deref().is_some_and(|s| !["pending", "approved", "rejected", "withdrawn"].contains(&s)) {
        return Err(ApiError::invalid_field("status", "状态须为 pending、approved、rejected 或 withdrawn"));
    }
    let query = CheckinQuery {
        sees_all: caller.has_role(Role::Admin),
        viewer_id: caller.id(),
        dispatcher_of: caller.communities(Role::Dispatcher),
        community_id: q.get("community_id").map(|raw| field_id("community_id", raw)).transpose()?,
        status,
    };
    let rows = state.store.list_checkins(&query).await?;
    Ok(web::Json(Items { items: rows.iter().map(view).collect() }))
}

/// A check-in the caller may see: its member, the community's dispatchers, admins; else 404.
async fn visible(state: &AppState, caller: &Caller, raw: &str) -> Result<CheckinRecord, ApiError> {
    let c = state.store.checkin(path_id(raw)?).await?.ok_or_else(ApiError::not_found)?;
    if c.member_id == caller.id() || caller.holds(Role::Dispatcher, c.community_id) || caller.has_role(Role::Admin) {
        Ok(c)
    } else {
        Err(ApiError::not_found())
    }
}

fn not_pending(c: &CheckinRecord) -> ApiError {
    ApiError::new(ErrorCode::InvalidState, format!("该报到当前状态为 {}，不能再审核", c.status))
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
    decide(&state, &caller, &id, true, None).await
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
    decide(&state, &caller, &id, false, Some(reason.into_inner())).await
}

async fn decide(
    state: &AppState,
    caller: &Caller,
    raw: &str,
    approve: bool,
    reason: Option<String>,
) -> Result<web::Json<Checkin>, ApiError> {
    let c = visible(state, caller, raw).await?;
    if !caller.holds(Role::Dispatcher, c.community_id) {
        return Err(ApiError::forbidden());
    }
    if !state.store.decide_checkin(c.id, approve, reason.as_deref(), caller.id(), Utc::now()).await? {
        return Err(not_pending(&c));
    }
    tracing::info!(checkin_id = c.id, approve, "check-in decided");
    let now = state.store.checkin(c.id).await?.ok_or_else(ApiError::internal)?;
    Ok(web::Json(view(&now)))
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
    let c = visible(&state, &caller, &id).await?;
    if c.member_id != caller.id() {
        return Err(ApiError::forbidden());
    }
    let Some(was) = state.store.withdraw_checkin(c.id, Utc::now()).await? else {
        return Err(ApiError::new(ErrorCode::InvalidState, format!("该报到当前状态为 {}，不能撤回", c.status)));
    };
    if was == "approved" {
        let reason = Some("党员撤回报到，心愿退回待认领".to_owned());
        for wish_id in state.store.live_claims_in(caller.id(), c.community_id).await? {
            let Some(wish) = state.store.wish(wish_id).await? else { continue };
            let action = if wish.status == haolin_shared::domain::WishStatus::Assigned {
                WishAction::Decline
            } else {
                WishAction::Release
            };
            let input = ActionInput { reason: reason.clone(), ..ActionInput::default() };
            // A wish that moved on meanwhile (fulfilled, revoked) is no longer held: nothing to release.
            if let Err(e) = act(&state, Actor::Person(&caller), wish_id, action, &input).await {
                tracing::info!(wish_id, code = ?e.code, "held wish not released on withdrawal");
            }
        }
    }
    tracing::info!(checkin_id = c.id, "check-in withdrawn");
    let now = state.store.checkin(c.id).await?.ok_or_else(ApiError::internal)?;
    Ok(web::Json(view(&now)))
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
    let id = crate::places::overseen_community(&state, &caller, &id).await?;
    let (units, members, claimed, fulfilled) = state.store.checkin_figures(id).await?;
    Ok(web::Json(CheckinFigures {
        community_id: id.to_string(),
        units_checked_in: units,
        members_checked_in: members,
        wishes_claimed: claimed,
        wishes_fulfilled: fulfilled,
    }))
}
