//! Work-unit party branches (机关企事业单位党支部) and their own check-ins to communities
//! (单位报到): registered and filed by admins, decided by the community's dispatchers with the
//! same state machine as members' check-ins. Approved ones count as the community's units.

use chrono::Utc;
use haolin_shared::api::{AuditAction, AuditTargetKind};
use haolin_shared::domain::CheckinAction;
use haolin_shared::domain::checkin::{self, CheckinKind};
use haolin_shared::domain::{CheckinRefusal, CheckinRelations, LetterRef};
use serde_json::json;

use super::{Decision, community_in_service, decide_step, refusal};
use crate::audit;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::places::parse_name;
use crate::state::AppState;
use crate::store::checkins::BranchCheckinRecord;

/// Whether a unit branch with this id exists.
pub async fn exists(state: &AppState, id: i64) -> Result<bool, ApiError> {
    Ok(state.store.unit_branch_exists(id).await?)
}

/// Registers a work-unit branch (admins); returns its id and its name as stored.
pub async fn register(state: &AppState, caller: &Caller, raw_name: &str) -> Result<(i64, String), ApiError> {
    caller.require_admin()?;
    let name = parse_name(raw_name).map_err(|m| ApiError::invalid_field("name", m))?;
    let id = state.store.create_unit_branch(&name, Utc::now()).await?;
    let entry = audit::entry(
        caller,
        AuditAction::UnitBranchCreated,
        AuditTargetKind::UnitBranch,
        Some(id),
        json!({"name": name}),
    );
    audit::record_after(state, &entry).await?;
    Ok((id, name))
}

/// Every work-unit branch, by name (for the check-in form).
pub async fn all(state: &AppState) -> Result<Vec<(i64, String)>, ApiError> {
    Ok(state.store.unit_branches().await?)
}

/// The branch of a path, which must exist (404 otherwise).
async fn existing(state: &AppState, id: i64) -> Result<i64, ApiError> {
    if exists(state, id).await? { Ok(id) } else { Err(ApiError::not_found()) }
}

/// Files a branch's check-in to a community (an admin, for the branch), pending the community's
/// dispatchers.
pub async fn file(
    state: &AppState,
    caller: &Caller,
    branch_id: i64,
    community_id: i64,
    letter_ref: &LetterRef,
) -> Result<BranchCheckinRecord, ApiError> {
    let who = CheckinRelations { admin: caller.is_admin(), ..CheckinRelations::default() };
    if !checkin::may_file(CheckinKind::UnitBranch, &who) {
        return Err(ApiError::forbidden());
    }
    let branch_id = existing(state, branch_id).await?;
    community_in_service(state, community_id).await?;
    let id = state.store.create_branch_checkin(branch_id, community_id, letter_ref.as_str(), Utc::now()).await?;
    let details = json!({
        "unit_branch_id": branch_id.to_string(), "community_id": community_id.to_string(),
        "letter_ref": letter_ref.as_str(),
    });
    let entry = audit::entry(
        caller,
        AuditAction::UnitBranchCheckinFiled,
        AuditTargetKind::UnitBranchCheckin,
        Some(id),
        details,
    );
    audit::record_after(state, &entry).await?;
    state.store.branch_checkin(id).await?.ok_or_else(ApiError::internal)
}

/// The branch's check-ins the caller may see: all for admins, those to their communities for
/// dispatchers.
pub async fn list(state: &AppState, caller: &Caller, branch_id: i64) -> Result<Vec<BranchCheckinRecord>, ApiError> {
    let branch_id = existing(state, branch_id).await?;
    let rows = state.store.branch_checkins(branch_id).await?;
    Ok(rows.into_iter().filter(|c| caller.can_see_branch_checkin(c)).collect())
}

/// A dispatcher of the community approves or rejects a branch's pending check-in. A check-in of
/// another branch, or one the caller may not see, is not found.
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    branch_id: i64,
    checkin_id: i64,
    decision: Decision,
) -> Result<BranchCheckinRecord, ApiError> {
    let c = state.store.branch_checkin(checkin_id).await?.ok_or_else(ApiError::not_found)?;
    if c.unit_branch_id != branch_id || !caller.can_see_branch_checkin(&c) {
        return Err(ApiError::not_found());
    }
    let action = decision.action();
    let to = decide_step(CheckinKind::UnitBranch, c.status, action, &caller.branch_checkin_relations(&c))?;
    if !state.store.decide_branch_checkin(c.id, c.status, to, decision.reason(), caller.id(), Utc::now()).await? {
        let now = state.store.branch_checkin(c.id).await?.ok_or_else(ApiError::not_found)?;
        return Err(refusal(CheckinRefusal::InvalidState { current: now.status }, action));
    }
    tracing::info!(branch_checkin_id = c.id, to = to.as_str(), "branch check-in decided");
    let what = if action == CheckinAction::Approve {
        AuditAction::UnitBranchCheckinApproved
    } else {
        AuditAction::UnitBranchCheckinRejected
    };
    let details = json!({
        "unit_branch_id": c.unit_branch_id.to_string(), "community_id": c.community_id.to_string(),
        "reason": decision.reason(),
    });
    let entry = audit::entry(caller, what, AuditTargetKind::UnitBranchCheckin, Some(c.id), details);
    audit::record_after(state, &entry).await?;
    state.store.branch_checkin(c.id).await?.ok_or_else(ApiError::internal)
}
