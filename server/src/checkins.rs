//! The dual check-in (双报到) workflow: load → relations (`Caller`) → the shared check-in state
//! machine → the store's conditional write. A write that finds the check-in moved on re-reads it,
//! so the caller is told its real status (409).
//!
//! Members' check-ins are here, with the withdrawal that gives back the wishes the member held in
//! the community; work-unit branches and their own check-ins are in [`branches`].

pub mod branches;

use chrono::Utc;
use haolin_shared::api::{CheckinFigures, ErrorCode, PlaceLevel, Role};
use haolin_shared::domain::checkin::{self, CheckinKind};
use haolin_shared::domain::{
    CertificateNo, CheckinAction, CheckinRefusal, CheckinRelations, CheckinStatus, LetterRef, Reason, WishAction,
    WishStatus,
};
use haolin_shared::labels::Label;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::checkins::{CheckinQuery, CheckinRecord, NewCheckin};
use crate::wishes::{ActionInput, Actor, act};

/// A member's check-in to file, its fields already parsed.
#[derive(Debug, Clone)]
pub struct CheckinFiling {
    /// The community.
    pub community_id: i64,
    /// The member's work-unit branch.
    pub unit_branch_id: Option<i64>,
    /// The service certificate number.
    pub certificate_no: CertificateNo,
    /// The introduction letter's reference.
    pub letter_ref: LetterRef,
}

/// A dispatcher's decision on a pending check-in.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Approve it.
    Approve,
    /// Reject it, saying why.
    Reject(Reason),
}

impl Decision {
    /// The state machine's action.
    pub fn action(&self) -> CheckinAction {
        match self {
            Self::Approve => CheckinAction::Approve,
            Self::Reject(_) => CheckinAction::Reject,
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            Self::Approve => None,
            Self::Reject(reason) => Some(reason.as_str()),
        }
    }
}

/// A status as stored, parsed where it leaves the store.
pub(crate) fn parse_status(raw: &str) -> Result<CheckinStatus, ApiError> {
    CheckinStatus::parse(raw).ok_or_else(|| {
        tracing::error!(status = raw, "unknown check-in status in the store");
        ApiError::internal()
    })
}

/// The API error for a refusal of the state machine.
pub(crate) fn refusal(r: CheckinRefusal, action: CheckinAction) -> ApiError {
    match r {
        CheckinRefusal::Forbidden => ApiError::forbidden(),
        CheckinRefusal::InvalidState { current } => {
            let what = if action == CheckinAction::Withdraw { "不能撤回" } else { "不能再审核" };
            ApiError::new(ErrorCode::InvalidState, format!("该报到当前状态为{}，{what}", current.label()))
        }
    }
}

/// Asks the state machine, with the status as stored.
pub(crate) fn decide_step(
    kind: CheckinKind,
    stored: &str,
    action: CheckinAction,
    who: &CheckinRelations,
) -> Result<CheckinStatus, ApiError> {
    checkin::transition(kind, parse_status(stored)?, action, who).map_err(|r| refusal(r, action))
}

/// Checks that `community_id` names a community in service (422 on `community_id` otherwise).
pub(crate) async fn community_in_service(state: &AppState, community_id: i64) -> Result<(), ApiError> {
    match state.store.place(community_id).await? {
        Some(p) if p.level == PlaceLevel::Community && p.retired_at.is_none() => Ok(()),
        _ => Err(ApiError::invalid_field("community_id", "社区不存在或已撤销")),
    }
}

/// Files the caller's check-in to a community, pending its dispatchers' decision.
pub async fn file(state: &AppState, caller: &Caller, filing: CheckinFiling) -> Result<CheckinRecord, ApiError> {
    community_in_service(state, filing.community_id).await?;
    if let Some(id) = filing.unit_branch_id
        && !branches::exists(state, id).await?
    {
        return Err(ApiError::invalid_field("unit_branch_id", "单位党支部不存在"));
    }
    let checkin = NewCheckin {
        member_id: caller.id(),
        community_id: filing.community_id,
        unit_branch_id: filing.unit_branch_id,
        certificate_no: filing.certificate_no.into_inner(),
        letter_ref: filing.letter_ref.into_inner(),
    };
    let id = state.store.create_checkin(checkin, Utc::now()).await?;
    tracing::info!(checkin_id = id, community_id = filing.community_id, "member checked in");
    state.store.checkin(id).await?.ok_or_else(ApiError::internal)
}

/// The check-ins the caller may see (their own, their communities' as dispatcher, all as admin),
/// newest first, narrowed to a community and a status.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    community_id: Option<i64>,
    status: Option<CheckinStatus>,
) -> Result<Vec<CheckinRecord>, ApiError> {
    let query = CheckinQuery {
        sees_all: caller.is_admin(),
        viewer_id: caller.id(),
        dispatcher_of: caller.communities(Role::Dispatcher),
        community_id,
        status: status.map(|s| s.as_str().to_owned()),
    };
    Ok(state.store.list_checkins(&query).await?)
}

/// A check-in the caller may see, or 404.
pub async fn visible(state: &AppState, caller: &Caller, id: i64) -> Result<CheckinRecord, ApiError> {
    let c = state.store.checkin(id).await?.ok_or_else(ApiError::not_found)?;
    if caller.can_see_checkin(&c) { Ok(c) } else { Err(ApiError::not_found()) }
}

/// The check-in read again after a conditional write found it moved on: the refusal names the
/// status it has now.
async fn lost_race(state: &AppState, id: i64, action: CheckinAction) -> ApiError {
    match state.store.checkin(id).await {
        Ok(Some(now)) => match parse_status(&now.status) {
            Ok(current) => refusal(CheckinRefusal::InvalidState { current }, action),
            Err(e) => e,
        },
        Ok(None) => ApiError::not_found(),
        Err(e) => e.into(),
    }
}

/// A dispatcher of the check-in's community approves it (the member may then see and claim the
/// community's wishes) or rejects it with a reason.
pub async fn decide(state: &AppState, caller: &Caller, id: i64, decision: Decision) -> Result<CheckinRecord, ApiError> {
    let c = visible(state, caller, id).await?;
    let action = decision.action();
    decide_step(CheckinKind::Member, &c.status, action, &caller.checkin_relations(&c))?;
    let approve = action == CheckinAction::Approve;
    if !state.store.decide_checkin(c.id, approve, decision.reason(), caller.id(), Utc::now()).await? {
        return Err(lost_race(state, c.id, action).await);
    }
    tracing::info!(checkin_id = c.id, approve, "check-in decided");
    state.store.checkin(c.id).await?.ok_or_else(ApiError::internal)
}

/// The member withdraws their check-in. An approved one ends their membership of the community,
/// and the wishes they hold there go back to the pool (each release recorded as an event).
pub async fn withdraw(state: &AppState, caller: &Caller, id: i64) -> Result<CheckinRecord, ApiError> {
    let c = visible(state, caller, id).await?;
    decide_step(CheckinKind::Member, &c.status, CheckinAction::Withdraw, &caller.checkin_relations(&c))?;
    let Some(was) = state.store.withdraw_checkin(c.id, Utc::now()).await? else {
        return Err(lost_race(state, c.id, CheckinAction::Withdraw).await);
    };
    if parse_status(&was)? == CheckinStatus::Approved {
        release_held_wishes(state, caller, c.community_id).await?;
    }
    tracing::info!(checkin_id = c.id, "check-in withdrawn");
    state.store.checkin(c.id).await?.ok_or_else(ApiError::internal)
}

/// Gives back every wish of the community the member holds: an assignment is declined, a claim
/// released, each through the wish workflow.
async fn release_held_wishes(state: &AppState, member: &Caller, community_id: i64) -> Result<(), ApiError> {
    let input =
        ActionInput { reason: Some("党员撤回报到，心愿退回待认领".to_owned()), ..ActionInput::default() };
    for wish_id in state.store.live_claims_in(member.id(), community_id).await? {
        let Some(wish) = state.store.wish(wish_id).await? else { continue };
        let action = if wish.status == WishStatus::Assigned { WishAction::Decline } else { WishAction::Release };
        // A wish that moved on meanwhile (fulfilled, revoked) is no longer held: nothing to release.
        if let Err(e) = act(state, Actor::Person(member), wish_id, action, &input).await {
            tracing::info!(wish_id, code = ?e.code, "held wish not released on withdrawal");
        }
    }
    Ok(())
}

/// The check-in figures of a community the caller oversees (`places::overseen_community`): unit
/// branches and members checked in, and the wishes those members claimed and fulfilled.
pub async fn figures(state: &AppState, caller: &Caller, raw_id: &str) -> Result<CheckinFigures, ApiError> {
    let id = crate::places::overseen_community(state, caller, raw_id).await?;
    let (units, members, claimed, fulfilled) = state.store.checkin_figures(id).await?;
    Ok(CheckinFigures {
        community_id: id.to_string(),
        units_checked_in: units,
        members_checked_in: members,
        wishes_claimed: claimed,
        wishes_fulfilled: fulfilled,
    })
}
