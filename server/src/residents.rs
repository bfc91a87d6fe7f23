//! Resident records (居民档案) and who serves whom. A grid worker or grid leader records a person
//! who has no phone or no account of their own (name, home, optional phone) so that wishes can be
//! filed for them (代办); the record is a resident account that cannot log in. Filing a wish for
//! another resident is allowed only for residents whose registered home is in a place the filer
//! serves — the rule is [`serves`], used by `places::wish_place`.

use haolin_shared::api::{AuditAction, AuditTargetKind, ErrorCode, PlaceLevel, Role};
use haolin_shared::domain::{PersonName, PhoneNumber};
use rand::Rng;

use crate::audit;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::places::PlaceRecord;
use crate::store::{Grant, NewUser, StoreError, UserRecord};

/// Stands in the password column of a resident record: no argon2 hash, so no password matches it
/// (a record with a phone can be given a password later with a reset code).
pub const NO_LOGIN: &str = "!resident-record";

/// A new resident record, its fields already checked.
#[derive(Debug, Clone)]
pub struct NewRecord {
    /// The resident's name.
    pub name: PersonName,
    /// Their home: a grid or unit id.
    pub home_id: i64,
    /// Their phone number, if they have one.
    pub phone: Option<PhoneNumber>,
}

/// Where a resident registered their home.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Home {
    /// The home place (a grid or a unit).
    pub place_id: i64,
    /// The home's grid.
    pub grid_id: i64,
    /// The ten-household unit, when the home is one.
    pub unit_id: Option<i64>,
    /// The grid's community.
    pub community_id: Option<i64>,
}

/// The home registered by account `user_id`, if it is a grid or unit in service.
pub async fn home_of(state: &AppState, user_id: i64) -> Result<Option<Home>, ApiError> {
    let Some(place_id) = state.store.home_place(user_id).await? else { return Ok(None) };
    let Some(place) = state.store.place(place_id).await? else { return Ok(None) };
    home_at(state, &place).await
}

/// `place` as a home: a grid, or a unit with its grid; `None` for anything else or a retired grid.
async fn home_at(state: &AppState, place: &PlaceRecord) -> Result<Option<Home>, ApiError> {
    let (grid, unit_id) = match place.level {
        PlaceLevel::Grid => (place.clone(), None),
        PlaceLevel::Unit => match place.parent_id {
            Some(parent) => match state.store.place(parent).await? {
                Some(grid) => (grid, Some(place.id)),
                None => return Ok(None),
            },
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    if grid.retired_at.is_some() || place.retired_at.is_some() {
        return Ok(None);
    }
    Ok(Some(Home { place_id: place.id, grid_id: grid.id, unit_id, community_id: grid.parent_id }))
}

/// Whether someone holding `roles` (`(role, place id)`) serves a resident living at `home`: a grid
/// worker or grid leader of its grid, or the household head of its unit.
pub fn serves(roles: &[(Role, i64)], home: &Home) -> bool {
    roles.iter().any(|(role, place)| match role {
        Role::GridWorker | Role::GridLeader => *place == home.grid_id,
        Role::HouseholdHead => Some(*place) == home.unit_id,
        _ => false,
    })
}

/// The places whose residents someone holding `roles` serves: grids as grid staff, units as
/// household head.
fn served_places(roles: &[(Role, i64)]) -> Vec<i64> {
    roles
        .iter()
        .filter(|(role, _)| matches!(role, Role::GridWorker | Role::GridLeader | Role::HouseholdHead))
        .map(|(_, place)| *place)
        .collect()
}

/// What stands in the phone column of a record without a phone: unique, never a valid number.
fn record_phone() -> String {
    format!("rec:{:016x}", rand::thread_rng().r#gen::<u64>())
}

/// Records a resident at a home in a grid the caller serves as grid worker or grid leader.
pub async fn create(state: &AppState, caller: &Caller, record: NewRecord) -> Result<(UserRecord, Home), ApiError> {
    let place = state.store.place(record.home_id).await?;
    let home = match &place {
        Some(p) => home_at(state, p).await?,
        None => None,
    };
    let home = home.ok_or_else(|| ApiError::invalid_field("home_id", "请选择一个在用的网格或十联户"))?;
    let roles = state.store.place_roles(caller.id()).await?;
    let grid_staff =
        roles.iter().any(|(role, place)| *place == home.grid_id && matches!(role, Role::GridWorker | Role::GridLeader));
    if !grid_staff {
        return Err(ApiError::new(ErrorCode::Forbidden, "只能为本人服务的网格建立居民档案"));
    }
    let user = NewUser {
        phone: record.phone.map_or_else(record_phone, PhoneNumber::into_inner),
        name: record.name.into_inner(),
        password_hash: NO_LOGIN.to_owned(),
        grants: vec![Grant { role: Role::Resident, community_id: None }],
    };
    let details = serde_json::json!({"name": user.name, "home_id": home.place_id, "has_phone": !crate::accounts::is_placeholder_phone(&user.phone)});
    let entry = audit::entry(caller, AuditAction::ResidentRecorded, AuditTargetKind::User, None, details);
    match state.store.create_user_at_home(user, home.place_id, &entry).await {
        Ok(user) => {
            tracing::info!(user_id = user.id, place_id = home.place_id, "resident record created");
            Ok((user, home))
        }
        Err(StoreError::AlreadyExists(_)) => {
            Err(ApiError::new(ErrorCode::AlreadyExists, "该手机号已有账号，请居民本人在“我的住所”登记后再为其代办"))
        }
        Err(e) => Err(e.into()),
    }
}

/// The residents living in the places the caller serves (grid staff: their grids and the units in
/// them; household heads: their units), newest first: `(account, home place)`.
pub async fn served(
    state: &AppState,
    caller: &Caller,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<(UserRecord, PlaceRecord)>, ApiError> {
    let places = served_places(&state.store.place_roles(caller.id()).await?);
    if places.is_empty() {
        return Err(ApiError::forbidden());
    }
    // A page's residents share a few homes: each is read once.
    let rows = state.store.residents_at(&places, before, limit).await?;
    let mut homes: Vec<PlaceRecord> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (user, place_id) in rows {
        let home = match homes.iter().find(|p| p.id == place_id) {
            Some(p) => Some(p.clone()),
            None => state.store.place(place_id).await?.inspect(|p| homes.push(p.clone())),
        };
        if let Some(home) = home {
            out.push((user, home));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(unit: Option<i64>) -> Home {
        Home { place_id: unit.unwrap_or(10), grid_id: 10, unit_id: unit, community_id: Some(1) }
    }

    #[test]
    fn grid_staff_serve_their_grid_and_its_units() {
        for role in [Role::GridWorker, Role::GridLeader] {
            assert!(serves(&[(role, 10)], &home(None)));
            assert!(serves(&[(role, 10)], &home(Some(11))));
            assert!(!serves(&[(role, 12)], &home(Some(11))));
        }
    }

    #[test]
    fn a_household_head_serves_their_unit_only() {
        assert!(serves(&[(Role::HouseholdHead, 11)], &home(Some(11))));
        assert!(!serves(&[(Role::HouseholdHead, 11)], &home(None)));
        assert!(!serves(&[(Role::HouseholdHead, 10)], &home(Some(11))));
    }

    #[test]
    fn other_roles_serve_nobody() {
        for role in [Role::Dispatcher, Role::Member, Role::Admin, Role::StreetOfficer, Role::Resident] {
            assert!(!serves(&[(role, 10), (role, 11)], &home(Some(11))));
        }
    }

    #[test]
    fn a_record_phone_is_never_a_phone_number() {
        let p = record_phone();
        assert!(crate::accounts::is_placeholder_phone(&p));
        assert!(PhoneNumber::parse(&p).is_err());
        assert_ne!(p, record_phone());
    }
}
