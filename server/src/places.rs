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

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::field_id;
use crate::state::AppState;
use crate::store::places::PlaceRecord;

/// The longest place name, in characters.
pub const NAME_MAX: usize = 50;

/// Checks a place name: trimmed, 1–50 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    if name.is_empty() {
        Err("名称不能为空")
    } else if name.chars().count() > NAME_MAX {
        Err("名称不能超过 50 个字")
    } else if name.chars().any(char::is_control) {
        Err("名称不能包含控制字符")
    } else {
        Ok(name.to_owned())
    }
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
/// that grid is in the community. A wish filed for another resident (代办) needs a grid where the
/// caller is a grid worker or grid leader, or the caller to be the household head of the
/// ten-household unit the resident registered as home (403 otherwise); when the resident has
/// registered a home, the wish's grid must be the home's grid.
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
    let home = home_of(state, resident_id).await?;
    let home_grid = home.as_ref().filter(|h| h.community_id == Some(community_id)).map(|h| h.grid_id);
    if resident_id == caller.id() {
        return Ok(WishPlace { grid_id: named_grid.or(home_grid), resident_id, resident_phone: None });
    }
    let resident = state
        .store
        .user_by_id(resident_id)
        .await?
        .ok_or_else(|| ApiError::invalid_field("resident_id", "居民不存在"))?;
    let grid = named_grid
        .or(home_grid)
        .ok_or_else(|| ApiError::invalid_field("grid_id", "代居民发布心愿须指明居民所在网格"))?;
    if home.as_ref().is_some_and(|h| h.grid_id != grid) {
        return Err(ApiError::invalid_field("grid_id", "该居民登记的网格不是此网格"));
    }
    let roles = state.store.place_roles(caller.id()).await?;
    let grid_staff =
        roles.iter().any(|(role, place)| *place == grid && matches!(role, Role::GridWorker | Role::GridLeader));
    let unit_head = home
        .and_then(|h| h.unit_id)
        .is_some_and(|unit| roles.iter().any(|(role, place)| *place == unit && *role == Role::HouseholdHead));
    if !grid_staff && !unit_head {
        return Err(ApiError::forbidden());
    }
    Ok(WishPlace { grid_id: Some(grid), resident_id, resident_phone: Some(resident.phone) })
}

/// Where a resident registered their home.
#[derive(Debug, Clone, Copy)]
struct Home {
    /// The home's grid.
    grid_id: i64,
    /// The ten-household unit, when the home is one.
    unit_id: Option<i64>,
    /// The grid's community.
    community_id: Option<i64>,
}

async fn home_of(state: &AppState, user_id: i64) -> Result<Option<Home>, ApiError> {
    let Some(place_id) = state.store.home_place(user_id).await? else { return Ok(None) };
    let Some(place) = state.store.place(place_id).await? else { return Ok(None) };
    let (grid, unit_id) = match place.level {
        PlaceLevel::Grid => (place, None),
        PlaceLevel::Unit => match place.parent_id {
            Some(parent) => match state.store.place(parent).await? {
                Some(grid) => (grid, Some(place.id)),
                None => return Ok(None),
            },
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    if grid.retired_at.is_some() {
        return Ok(None);
    }
    Ok(Some(Home { grid_id: grid.id, unit_id, community_id: grid.parent_id }))
}

/// A community whose figures the caller may read: its dispatchers, admins, and the street
/// officers of its street; anything else is not found.
pub async fn overseen_community(state: &AppState, caller: &Caller, raw_id: &str) -> Result<i64, ApiError> {
    let id = crate::extract::path_id(raw_id)?;
    // Those who manage the community need no reads; a street officer's street is looked up.
    if caller.manages(id) {
        return Ok(id);
    }
    let roles = state.store.place_roles(caller.id()).await?;
    if !roles.iter().any(|(role, _)| *role == Role::StreetOfficer) {
        return Err(ApiError::not_found());
    }
    let street = state.store.place(id).await?.filter(|p| p.level == PlaceLevel::Community).and_then(|p| p.parent_id);
    if caller.oversees(id, street, &roles) { Ok(id) } else { Err(ApiError::not_found()) }
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
