//! The dual check-in (双报到) workflow: load → relations (`Caller`) → the shared check-in state
//! machine → the store's conditional write. A write that finds the check-in moved on re-reads it,
//! so the caller is told its real status (409).
//!
//! Members' check-ins are here, with the withdrawal that gives back the wishes the member held in
//! the community; work-unit branches and their own check-ins are in [`branches`].

pub mod branches;

use chrono::Utc;
use haolin_shared::api::{AuditAction, AuditTargetKind, CheckinFigures, ErrorCode, PlaceLevel, Role};
use haolin_shared::domain::checkin::{self, CheckinKind};
use haolin_shared::domain::{
    CertificateNo, CheckinAction, CheckinRefusal, CheckinRelations, CheckinStatus, LetterRef, Reason, WishAction,
    WishStatus,
};
use haolin_shared::labels::Label;

use crate::audit;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::checkins::{CheckinQuery, CheckinRecord, CheckinWithdrawal, NewCheckin};
use crate::wishes::{self, ActionInput, Actor};

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

/// The API error for a refusal of the state machine.
pub(crate) fn refusal(r: CheckinRefusal, action: CheckinAction) -> ApiError {
    match r {
        CheckinRefusal::Forbidden => ApiError::forbidden(),
        CheckinRefusal::OwnCheckin => ApiError::new(ErrorCode::Forbidden, "不能审核自己的报到，请由社区其他调度员处理"),
        CheckinRefusal::InvalidState { current } => {
            let what = if action == CheckinAction::Withdraw { "不能撤回" } else { "不能再审核" };
            ApiError::new(ErrorCode::InvalidState, format!("该报到当前状态为{}，{what}", current.label()))
        }
    }
}

/// Asks the state machine where `action` takes a check-in at `status`.
pub(crate) fn decide_step(
    kind: CheckinKind,
    status: CheckinStatus,
    action: CheckinAction,
    who: &CheckinRelations,
) -> Result<CheckinStatus, ApiError> {
    checkin::transition(kind, status, action, who).map_err(|r| refusal(r, action))
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
        status,
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
        Ok(Some(now)) => refusal(CheckinRefusal::InvalidState { current: now.status }, action),
        Ok(None) => ApiError::not_found(),
        Err(e) => e.into(),
    }
}

/// A dispatcher of the check-in's community approves it (the member may then see and claim the
/// community's wishes) or rejects it with a reason.
pub async fn decide(state: &AppState, caller: &Caller, id: i64, decision: Decision) -> Result<CheckinRecord, ApiError> {
    let c = visible(state, caller, id).await?;
    let action = decision.action();
    let to = decide_step(CheckinKind::Member, c.status, action, &caller.checkin_relations(&c))?;
    let what =
        if action == CheckinAction::Approve { AuditAction::CheckinApproved } else { AuditAction::CheckinRejected };
    let details = serde_json::json!({
        "member_id": c.member_id.to_string(), "community_id": c.community_id.to_string(), "reason": decision.reason(),
    });
    let entry = audit::entry(caller, what, AuditTargetKind::Checkin, Some(c.id), details);
    let now = Utc::now();
    if !state.store.decide_checkin(c.id, c.status, to, decision.reason(), caller.id(), now, Some(&entry)).await? {
        return Err(lost_race(state, c.id, action).await);
    }
    tracing::info!(checkin_id = c.id, to = to.as_str(), "check-in decided");
    state.store.checkin(c.id).await?.ok_or_else(ApiError::internal)
}

/// How many times a withdrawal that lost a race is planned again before giving up.
const ATTEMPTS: usize = 3;

/// The member withdraws their check-in. An approved one ends their membership of the community,
/// and every wish they hold there goes back (an assignment declined, a claim released, each
/// decided by the wish state machine and recorded as an event) in the same transaction: either
/// all of it happens or none of it does.
pub async fn withdraw(state: &AppState, caller: &Caller, id: i64) -> Result<CheckinRecord, ApiError> {
    let input =
        ActionInput { reason: Some("党员撤回报到，心愿退回待认领".to_owned()), ..ActionInput::default() };
    for _ in 0..ATTEMPTS {
        let c = visible(state, caller, id).await?;
        decide_step(CheckinKind::Member, c.status, CheckinAction::Withdraw, &caller.checkin_relations(&c))?;
        let held = match c.status {
            CheckinStatus::Approved => state.store.held_wishes_in(c.member_id, c.community_id).await?,
            _ => Vec::new(),
        };
        let mut releases = Vec::with_capacity(held.len());
        for wish in &held {
            let action = done_action(wish.status);
            releases.push(wishes::plan(state, Actor::Person(caller), wish, action, &input, false).await?);
        }
        let withdrawal = CheckinWithdrawal {
            id: c.id,
            member_id: c.member_id,
            community_id: c.community_id,
            expected: c.status,
            at: Utc::now(),
            releases,
        };
        if let Some(released) = state.store.withdraw_checkin(withdrawal).await? {
            for (done, before) in released.iter().zip(held) {
                wishes::publish(state, done, done_action(before.status), before);
            }
            tracing::info!(checkin_id = c.id, released = released.len(), "check-in withdrawn");
            return state.store.checkin(c.id).await?.ok_or_else(ApiError::internal);
        }
    }
    Err(lost_race(state, id, CheckinAction::Withdraw).await)
}

/// The action that gave back a wish held at `status`.
fn done_action(status: WishStatus) -> WishAction {
    if status == WishStatus::Assigned { WishAction::Decline } else { WishAction::Release }
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
