//! Rules of the place hierarchy: names, unified codes derived from the parent's, and the bulk
//! CSV import (parsed and validated as a whole before anything is written).
//!
//! The code scheme (docs/PLACES.md): a district's code is its 6-digit administrative division
//! code; every other place's code is its parent's code followed by a 3-digit segment
//! (`001`–`999`): street 9 digits, community 12, grid 15, ten-household unit 18. Communities
//! created through the older `POST /admin/communities` keep the code they were given.

pub mod admin;
pub mod geo;
pub mod import;

use haolin_shared::api::{CreateWishRequest, ErrorCode, GridKind, PlaceLevel, Role};
use haolin_shared::domain::PlaceName;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::field_id;
use crate::residents;
use crate::state::AppState;
use crate::store::places::PlaceRecord;

/// Checks the name of a place, a household, a work-unit branch or a party organisation with the
/// shared text rule (`shared::domain::PlaceName`: trimmed, 1–50 characters, no control, bidi or
/// line-separator characters, not only invisible ones); the message names what is wrong.
pub fn parse_name(raw: &str) -> Result<String, String> {
    PlaceName::parse(raw).map(PlaceName::into_inner).map_err(|e| format!("名称{e}"))
}

/// Checks a district code: exactly 6 digits.
pub fn parse_district_code(raw: &str) -> Result<String, &'static str> {
    let code = raw.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err("区的编码须为 6 位行政区划代码")
    }
}

/// Checks a child's code: the parent's code followed by 3 digits other than `000`.
pub fn parse_child_code(parent_code: &str, raw: &str) -> Result<String, &'static str> {
    let code = raw.trim();
    match code.strip_prefix(parent_code) {
        Some(segment) if is_segment(segment) => Ok(code.to_owned()),
        _ => Err("编码须为上级编码加 3 位数字（001–999）"),
    }
}

/// Whether `s` is a 3-digit segment `001`–`999`.
fn is_segment(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()) && s != "000"
}

/// The next free code under a parent: one past the highest segment in use (retired places keep
/// theirs, so codes are never reused), or `None` when all 999 are taken.
pub fn next_child_code(parent_code: &str, siblings: &[String]) -> Option<String> {
    let highest = siblings
        .iter()
        .filter_map(|c| c.strip_prefix(parent_code))
        .filter(|s| is_segment(s))
        .filter_map(|s| s.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    (highest < 999).then(|| format!("{parent_code}{:03}", highest + 1))
}

/// Checks that `parent` may hold a place of `level`: in service and one level up.
pub fn check_parent(level: PlaceLevel, parent: &PlaceRecord) -> Result<(), ApiError> {
    if Some(parent.level) != level.parent() {
        return Err(ApiError::invalid_field("parent_id", "上级的层级不符（区→街道→社区→网格→十联户）"));
    }
    if parent.retired_at.is_some() {
        return Err(ApiError::new(haolin_shared::api::ErrorCode::PlaceInUse, "上级已撤销，不能再添加下级"));
    }
    Ok(())
}

/// Where a new wish goes and whom it is for, from `grid_id` and `resident_id` of the request.
#[derive(Debug, Clone)]
pub struct WishPlace {
    /// The resident's grid.
    pub grid_id: Option<i64>,
    /// The resident the wish is for (the caller unless a grid worker files it for someone).
    pub resident_id: i64,
    /// That resident's phone, when filed on their behalf (the default contact).
    pub resident_phone: Option<String>,
}

/// Checks a new wish's community is in service and its grid (if any) is a grid in service of
/// that community. Without a grid, the wish takes the grid of the resident's registered home when
/// that grid is in the community. A wish filed for another resident (代办) needs a resident whose
/// registered home the caller serves (`residents::serves`: grid staff of its grid, the household
/// head of its unit; one 403 otherwise), and takes the home's grid. A resident without a phone of
/// their own gets the filer's as the contact.
pub async fn wish_place(
    state: &AppState,
    caller: &Caller,
    community_id: i64,
    req: &CreateWishRequest,
) -> Result<WishPlace, ApiError> {
    if state.store.place(community_id).await?.is_some_and(|c| c.retired_at.is_some()) {
        return Err(ApiError::new(ErrorCode::PlaceInUse, "该社区已撤销，不再受理心愿"));
    }
    let named_grid = match &req.grid_id {
        None => None,
        Some(raw) => {
            let id = field_id("grid_id", raw)?;
            match state.store.place(id).await? {
                Some(g)
                    if g.level == PlaceLevel::Grid && g.parent_id == Some(community_id) && g.retired_at.is_none() =>
                {
                    Some(g.id)
                }
                _ => return Err(ApiError::invalid_field("grid_id", "网格不存在，或不属于该社区")),
            }
        }
    };
    let resident_id = match &req.resident_id {
        None => caller.id(),
        Some(raw) => field_id("resident_id", raw)?,
    };
    let home = residents::home_of(state, resident_id).await?;
    if resident_id == caller.id() {
        let home_grid = home.filter(|h| h.community_id == Some(community_id)).map(|h| h.grid_id);
        return Ok(WishPlace { grid_id: named_grid.or(home_grid), resident_id, resident_phone: None });
    }
    // Filing for someone else: only for a resident whose registered home the caller serves. Every
    // other case — no such account, no home, a home elsewhere — is the same refusal, so it tells
    // nothing about which accounts exist or where anyone lives.
    let roles = state.store.place_roles(caller.id()).await?;
    let Some(home) = home.filter(|h| residents::serves(&roles, h)) else {
        return Err(ApiError::new(ErrorCode::Forbidden, "只能为您服务的网格或十联户登记住所的居民代办心愿"));
    };
    if home.community_id != Some(community_id) {
        return Err(ApiError::invalid_field("community_id", "该居民登记的住所不在此社区"));
    }
    if named_grid.is_some_and(|g| g != home.grid_id) {
        return Err(ApiError::invalid_field("grid_id", "该居民登记的网格不是此网格"));
    }
    let resident = state.store.user_by_id(resident_id).await?.ok_or_else(ApiError::internal)?;
    let phone = Some(resident.phone).filter(|p| !crate::accounts::is_placeholder_phone(p));
    Ok(WishPlace { grid_id: Some(home.grid_id), resident_id, resident_phone: phone })
}

/// A community whose figures the caller may read: its dispatchers, admins, and the street
/// officers of its street; anything else is not found.
pub async fn overseen_community(state: &AppState, caller: &Caller, raw_id: &str) -> Result<i64, ApiError> {
    let id = crate::extract::path_id(raw_id)?;
    // Those who manage the community need no more reads; a street officer's street is looked up.
    if caller.manages(id) {
        return existing_community(state, caller, id).await;
    }
    let roles = state.store.place_roles(caller.id()).await?;
    if !roles.iter().any(|(role, _)| *role == Role::StreetOfficer) {
        return Err(ApiError::not_found());
    }
    let street = state.store.place(id).await?.filter(|p| p.level == PlaceLevel::Community).and_then(|p| p.parent_id);
    if caller.oversees(id, street, &roles) { Ok(id) } else { Err(ApiError::not_found()) }
}

/// A community the caller dispatches for (admins: any existing one); anything else is not found.
pub async fn managed_community(state: &AppState, caller: &Caller, raw_id: &str) -> Result<i64, ApiError> {
    let id = crate::extract::path_id(raw_id)?;
    if !caller.manages(id) {
        return Err(ApiError::not_found());
    }
    existing_community(state, caller, id).await
}

/// `id` if it names a community. A dispatcher's grant names one by construction; an admin manages
/// every community, so for them the id is looked up (an unknown one is 404, not a page of zeros).
async fn existing_community(state: &AppState, caller: &Caller, id: i64) -> Result<i64, ApiError> {
    if caller.dispatches_for(id) || state.store.count_communities(&[id]).await? == 1 {
        Ok(id)
    } else {
        Err(ApiError::not_found())
    }
}

/// The grid in service whose boundary holds `[lng, lat]`.
pub async fn grid_at(state: &AppState, point: [f64; 2]) -> Result<Option<i64>, ApiError> {
    for (id, stored) in state.store.grid_boundaries().await? {
        if geo::boundary_of(Some(&stored)).is_some_and(|b| geo::contains(&b, point)) {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Checks the kind against the level: grids need one, other levels have none.
pub fn check_kind(level: PlaceLevel, kind: Option<GridKind>) -> Result<(), ApiError> {
    match (level, kind) {
        (PlaceLevel::Grid, None) => {
            Err(ApiError::invalid_field("kind", "网格须指明类型（comprehensive 或 dedicated）"))
        }
        (PlaceLevel::Grid, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(ApiError::invalid_field("kind", "只有网格有类型")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_code_follows_the_highest_segment_in_use() {
        let siblings = vec!["520201001".to_owned(), "520201007".to_owned(), "TC0001".to_owned()];
        assert_eq!(next_child_code("520201", &siblings).as_deref(), Some("520201008"));
        assert_eq!(next_child_code("520201", &[]).as_deref(), Some("520201001"));
        assert_eq!(next_child_code("520201", &["520201999".to_owned()]), None);
    }

    #[test]
    fn a_child_code_must_extend_its_parents_by_three_digits() {
        assert!(parse_child_code("520201", "520201003").is_ok());
        assert!(parse_child_code("520201", "520201000").is_err());
        assert!(parse_child_code("520201", "52020100").is_err());
        assert!(parse_child_code("520201", "520202003").is_err());
        assert!(parse_child_code("520201", "52020100a").is_err());
    }
}
