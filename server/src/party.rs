//! Party organisations of the four-level architecture and where they may sit: a street committee
//! at a street, a community branch at a community, a grid branch or party group at a grid, a
//! central household at a ten-household unit. An organisation's parent is not stored: it is the
//! organisation in service at the place above, which must exist when a lower one is created. One
//! organisation is in service per place (the store's unique index); admins administer them.

use chrono::Utc;
use haolin_shared::api::{AuditAction, AuditTargetKind, ErrorCode, PartyOrgLevel};
use haolin_shared::labels::Label;
use serde_json::json;

use crate::audit;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::party::{NewPartyOrg, PartyOrgRecord};
use crate::store::places::PlaceRecord;

/// An organisation's place and the organisations in service along its place's path.
#[derive(Debug, Clone)]
pub struct Lineage {
    /// The organisation's place.
    pub place: PlaceRecord,
    /// The organisations in service at the places above, from the top, then the organisation.
    pub path: Vec<PartyOrgRecord>,
    /// Its parent: the organisation in service at the place directly above, if any.
    pub parent_id: Option<i64>,
}

/// Where `org` sits, and under whom.
pub async fn lineage(state: &AppState, org: &PartyOrgRecord) -> Result<Lineage, ApiError> {
    let mut places = state.store.place_path(org.place_id).await?;
    let place = places.pop().ok_or_else(ApiError::internal)?;
    let ids: Vec<i64> = places.iter().map(|p| p.id).collect();
    let live = state.store.live_party_orgs_at(&ids).await?;
    let mut path = Vec::new();
    let mut parent_id = None;
    for p in &places {
        if let Some(o) = live.iter().find(|o| o.place_id == p.id) {
            path.push(o.clone());
            parent_id = (Some(p.id) == place.parent_id).then_some(o.id);
        }
    }
    path.push(org.clone());
    Ok(Lineage { place, path, parent_id })
}

/// The organisations under the organisation `parent` (in service, at the places directly under
/// its place); every organisation at `place`, retired ones included, newest first; or, with
/// neither, every street committee.
pub async fn list(state: &AppState, parent: Option<i64>, place: Option<i64>) -> Result<Vec<PartyOrgRecord>, ApiError> {
    Ok(match (parent, place) {
        (Some(_), Some(_)) => return Err(ApiError::invalid_field("place_id", "parent_id 与 place_id 只能给出一个")),
        (Some(parent), None) => {
            let org = state
                .store
                .party_org(parent)
                .await?
                .ok_or_else(|| ApiError::invalid_field("parent_id", "上级党组织不存在"))?;
            state.store.party_orgs_under(org.place_id).await?
        }
        (None, Some(place)) => state.store.party_orgs_at(place).await?,
        (None, None) => state.store.party_orgs_of_level(PartyOrgLevel::StreetCommittee).await?,
    })
}

/// One organisation, or 404.
pub async fn get(state: &AppState, id: i64) -> Result<PartyOrgRecord, ApiError> {
    state.store.party_org(id).await?.ok_or_else(ApiError::not_found)
}

/// A leader named in a request, which must be an account.
async fn check_leader(state: &AppState, id: i64) -> Result<i64, ApiError> {
    match state.store.user_by_id(id).await? {
        Some(u) => Ok(u.id),
        None => Err(ApiError::invalid_field("leader_id", "账号不存在")),
    }
}

/// Checks that an organisation of `level` may sit at `place`: a place of the level's own, in
/// service, under a place that already has its organisation (except for a street committee).
async fn check_placement(state: &AppState, level: PartyOrgLevel, place: &PlaceRecord) -> Result<(), ApiError> {
    if place.level != level.place_level() {
        return Err(ApiError::invalid_field("place_id", "该层级的党组织须建在对应层级的地点上"));
    }
    if place.retired_at.is_some() {
        return Err(ApiError::new(ErrorCode::PlaceInUse, "该地点已撤销"));
    }
    if level != PartyOrgLevel::StreetCommittee {
        let above = place.parent_id.map(|p| vec![p]).unwrap_or_default();
        if state.store.live_party_orgs_at(&above).await?.is_empty() {
            return Err(ApiError::invalid_field("place_id", "上一级地点尚未建立党组织，须先建上级"));
        }
    }
    Ok(())
}

/// Creates an organisation (admins) where [`check_placement`] allows; a central household needs
/// its leader, the party member of the household.
pub async fn create(state: &AppState, caller: &Caller, org: NewPartyOrg) -> Result<PartyOrgRecord, ApiError> {
    caller.require_admin()?;
    let place =
        state.store.place(org.place_id).await?.ok_or_else(|| ApiError::invalid_field("place_id", "地点不存在"))?;
    check_placement(state, org.level, &place).await?;
    let leader_id = match org.leader_id {
        Some(id) => Some(check_leader(state, id).await?),
        None if org.level == PartyOrgLevel::CentralHousehold => {
            let message = format!("{}须指明户主党员", PartyOrgLevel::CentralHousehold.label());
            return Err(ApiError::invalid_field("leader_id", message));
        }
        None => None,
    };
    let details = json!({
        "name": org.name, "level": org.level.as_str(), "place_id": org.place_id.to_string(),
        "leader_id": leader_id.map(|l| l.to_string()),
    });
    let id = state
        .store
        .create_party_org(NewPartyOrg { leader_id, ..org }, Utc::now())
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::PlaceInUse, "该地点已撤销"))?;
    let entry = audit::entry(caller, AuditAction::PartyOrgCreated, AuditTargetKind::PartyOrg, Some(id), details);
    audit::record_after(state, &entry).await?;
    state.store.party_org(id).await?.ok_or_else(ApiError::internal)
}

/// Renames an organisation or changes its leader (admins); a retired one stays as it was.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    name: Option<String>,
    leader_id: Option<i64>,
) -> Result<PartyOrgRecord, ApiError> {
    caller.require_admin()?;
    let org = get(state, id).await?;
    let leader_id = match leader_id {
        Some(id) => Some(check_leader(state, id).await?),
        None => None,
    };
    if org.retired_at.is_some() {
        return Err(ApiError::new(ErrorCode::PlaceInUse, "该党组织已撤销，不能再修改"));
    }
    state.store.update_party_org(org.id, name.as_deref(), leader_id).await?;
    let details = json!({"name": name, "leader_id": leader_id.map(|l| l.to_string())});
    let entry = audit::entry(caller, AuditAction::PartyOrgUpdated, AuditTargetKind::PartyOrg, Some(org.id), details);
    audit::record_after(state, &entry).await?;
    state.store.party_org(org.id).await?.ok_or_else(ApiError::internal)
}

/// Retires an organisation (admins); it stays for history. Refused while organisations are in
/// service under it; retiring twice answers the first retirement.
pub async fn retire(state: &AppState, caller: &Caller, id: i64) -> Result<PartyOrgRecord, ApiError> {
    caller.require_admin()?;
    let org = get(state, id).await?;
    if org.retired_at.is_none() && !state.store.retire_party_org(org.id, Utc::now()).await? {
        let under = state.store.party_orgs_under(org.place_id).await?.len();
        return Err(ApiError::new(ErrorCode::PlaceInUse, format!("该党组织下还有 {under} 个在用的下级组织，须先撤销")));
    }
    if org.retired_at.is_none() {
        let details = json!({"name": org.name, "level": org.level.as_str(), "place_id": org.place_id.to_string()});
        let entry =
            audit::entry(caller, AuditAction::PartyOrgRetired, AuditTargetKind::PartyOrg, Some(org.id), details);
        audit::record_after(state, &entry).await?;
    }
    state.store.party_org(org.id).await?.ok_or_else(ApiError::internal)
}
