//! Volunteer teams (docs/TIME-BANK.md): who may create one, joining and the leaders' decisions,
//! and who sees a team's list. Activities, sign-ups and attendance are in `volunteers/activities.rs`.

pub mod activities;

use chrono::Utc;
use haolin_shared::api::{
    AuditAction, AuditTargetKind, CreateTeamRequest, ErrorCode, JoinTeamRequest, Page, PlaceLevel, Role, Team,
    TeamMember, TeamRole,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{decode_cursor, encode_cursor, field_id};
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::volunteers::{MemberChange, MemberOutcome, NewTeam, TeamRecord};
use crate::views;

/// Checks a text field by the one text rule (`shared::domain::text`): 1–`max` characters after
/// trimming, line breaks only when `multiline`.
pub(crate) fn text(field: &str, raw: &str, max: usize, multiline: bool) -> Result<String, ApiError> {
    haolin_shared::domain::parse_text_field(raw, max, multiline).map_err(|e| ApiError::invalid_value(field, e))
}

/// Creates a team: an admin anywhere, a street officer in their street (or a community of it), a
/// dispatcher in their community.
pub async fn create(state: &AppState, caller: &Caller, req: &CreateTeamRequest) -> Result<Team, ApiError> {
    let name = text("name", &req.name, 50, false)?;
    let description =
        req.description.as_deref().map(|d| text("description", d, 500, true)).transpose()?.unwrap_or_default();
    let place_id = field_id("place_id", &req.place_id)?;
    let leader_id = field_id("leader_id", &req.leader_id)?;
    let place = state
        .store
        .place(place_id)
        .await?
        .filter(|p| p.retired_at.is_none())
        .ok_or_else(|| ApiError::invalid_field("place_id", "没有这个地点，或已撤销"))?;
    if !matches!(place.level, PlaceLevel::District | PlaceLevel::Street | PlaceLevel::Community) {
        return Err(ApiError::invalid_field("place_id", "志愿服务队只能设在区、街道或社区"));
    }
    let streets: Vec<i64> = state
        .store
        .place_roles(caller.id())
        .await?
        .into_iter()
        .filter(|(r, _)| *r == Role::StreetOfficer)
        .map(|(_, p)| p)
        .collect();
    let allowed = caller.is_admin()
        || (place.level == PlaceLevel::Community && caller.dispatches_for(place.id))
        || streets.contains(&place.id)
        || (place.level == PlaceLevel::Community && place.parent_id.is_some_and(|s| streets.contains(&s)));
    if !allowed {
        return Err(ApiError::forbidden());
    }
    if state.store.user_by_id(leader_id).await?.is_none() {
        return Err(ApiError::invalid_field("leader_id", "没有这个账号"));
    }
    let new = NewTeam { name, description, place_id, created_by: caller.id(), leader_id, at: Utc::now() };
    let id = state.store.create_team(&new).await.map_err(|e| match e {
        StoreError::AlreadyExists(_) => ApiError::new(ErrorCode::AlreadyExists, "这里已有同名的志愿服务队"),
        other => other.into(),
    })?;
    let entry = crate::audit::entry(
        caller,
        AuditAction::TeamCreated,
        AuditTargetKind::Team,
        Some(id),
        serde_json::json!({ "name": new.name, "place_id": req.place_id, "leader_id": req.leader_id }),
    );
    crate::audit::record_after(state, &entry).await?;
    let team = state.store.team(id).await?.ok_or_else(ApiError::internal)?;
    let role = my_role(state, caller, id).await?;
    Ok(views::team(&team, role))
}

/// A team as the caller sees it (any signed-in person).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<Team, ApiError> {
    let team = state.store.team(id).await?.ok_or_else(ApiError::not_found)?;
    let role = my_role(state, caller, id).await?;
    Ok(views::team(&team, role))
}

async fn my_role(state: &AppState, caller: &Caller, team: i64) -> Result<Option<TeamRole>, ApiError> {
    Ok(state.store.team_roles(caller.id(), &[team]).await?.first().map(|(_, r)| *r))
}

/// Teams at a place, or the caller's (`mine`), by id.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    place_id: Option<i64>,
    mine: bool,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<Team>, ApiError> {
    let after = cursor.map(decode_cursor).transpose()?;
    let mut teams: Vec<TeamRecord> = state.store.teams(place_id, mine.then(|| caller.id()), after, limit).await?;
    let next = if teams.len() > limit as usize {
        teams.truncate(limit as usize);
        teams.last().map(|t| encode_cursor(t.id))
    } else {
        None
    };
    let ids: Vec<i64> = teams.iter().map(|t| t.id).collect();
    let roles = state.store.team_roles(caller.id(), &ids).await?;
    let items =
        teams.iter().map(|t| views::team(t, roles.iter().find(|(id, _)| *id == t.id).map(|(_, r)| *r))).collect();
    Ok(Page { items, next_cursor: next })
}

/// Asks to join a team (again: nothing changes).
pub async fn join(state: &AppState, caller: &Caller, id: i64, req: &JoinTeamRequest) -> Result<Team, ApiError> {
    let team = state.store.team(id).await?.ok_or_else(ApiError::not_found)?;
    let note = req.note.as_deref().map(|n| text("note", n, 200, true)).transpose()?;
    state.store.request_join(id, caller.id(), note.as_deref(), Utc::now()).await?;
    let role = my_role(state, caller, id).await?;
    Ok(views::team(&team, role))
}

/// A leader's decision about a person on the list (`approve`, `refuse`, `leader`, `remove`), or a
/// member leaving (`remove` of themselves).
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    team_id: i64,
    user_id: i64,
    change: MemberChange,
) -> Result<Option<TeamMember>, ApiError> {
    state.store.team(team_id).await?.ok_or_else(ApiError::not_found)?;
    let leaving = change == MemberChange::Remove && user_id == caller.id();
    if !leaving && my_role(state, caller, team_id).await? != Some(TeamRole::Leader) {
        return Err(ApiError::forbidden());
    }
    match state.store.change_member(team_id, user_id, change, Utc::now()).await? {
        MemberOutcome::Done => {}
        MemberOutcome::NotApplicable => {
            let message = match change {
                MemberChange::Approve | MemberChange::Refuse => "没有这位的入队申请",
                MemberChange::MakeLeader => "只能把已入队的队员设为队长",
                MemberChange::Remove => "这位不在队里",
            };
            return Err(ApiError::new(ErrorCode::InvalidState, message));
        }
        MemberOutcome::LastLeader => {
            return Err(ApiError::new(ErrorCode::InvalidState, "队伍至少要有一位队长，请先设立新队长"));
        }
    }
    if matches!(change, MemberChange::Refuse | MemberChange::Remove) {
        return Ok(None);
    }
    let list = state.store.team_members(team_id, &[TeamRole::Member, TeamRole::Leader], 0, 10_000).await?;
    Ok(list.iter().find(|m| m.user_id == user_id).map(views::team_member))
}

/// A team's list: members see members and leaders; leaders also the pending requests.
pub async fn members(
    state: &AppState,
    caller: &Caller,
    team_id: i64,
    role: Option<TeamRole>,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<TeamMember>, ApiError> {
    state.store.team(team_id).await?.ok_or_else(ApiError::not_found)?;
    let mine = my_role(state, caller, team_id).await?;
    let visible: Vec<TeamRole> = match mine {
        Some(TeamRole::Leader) => vec![TeamRole::Leader, TeamRole::Member, TeamRole::Pending],
        Some(TeamRole::Member) => vec![TeamRole::Leader, TeamRole::Member],
        _ if caller.is_admin() => vec![TeamRole::Leader, TeamRole::Member, TeamRole::Pending],
        _ => return Err(ApiError::forbidden()),
    };
    let roles: Vec<TeamRole> = match role {
        Some(r) if visible.contains(&r) => vec![r],
        Some(_) => return Err(ApiError::forbidden()),
        None => visible,
    };
    // The cursor is the offset into the ordered list (leaders, members, then requests by time).
    let offset = cursor.map(decode_cursor).transpose()?.unwrap_or(0);
    let mut list = state.store.team_members(team_id, &roles, offset, limit).await?;
    let next = if list.len() > limit as usize {
        list.truncate(limit as usize);
        Some(encode_cursor(offset + i64::from(limit)))
    } else {
        None
    };
    Ok(Page { items: list.iter().map(views::team_member).collect(), next_cursor: next })
}
