//! The demo's place tree, party organisations, check-ins and homes: enough of issue #5's
//! structure that every page has something to show.

use chrono::Utc;
use haolin_shared::api::{GeoPolygon, GridKind, PartyOrgLevel, PlaceLevel, Role};
use haolin_shared::domain::CheckinStatus;

use crate::error::ApiError;
use crate::places::geo::{check_boundary, check_households};
use crate::state::AppState;
use crate::store::checkins::NewCheckin;
use crate::store::party::NewPartyOrg;
use crate::store::places::NewPlace;
use crate::store::{Grant, NewUser};

/// The demo district.
pub const DISTRICT_CODE: &str = "520201";
/// The demo district's street, under which the demo community is created.
pub const STREET_CODE: &str = "520201001";

/// The extra demo accounts of the structure: phone, name, what they do.
pub const ACCOUNTS: [(&str, &str, &str); 3] = [
    ("13800000004", "孙网格员", "grid_worker of 第一网格"),
    ("13800000005", "周党员", "party member, check-in to 和平社区 pending"),
    ("13800000006", "吴联户长", "household_head of 1栋十联户"),
];

fn place(code: &str, name: &str, level: PlaceLevel, parent: Option<i64>) -> NewPlace {
    NewPlace {
        code: code.into(),
        name: name.into(),
        level,
        kind: None,
        parent_id: parent,
        boundary: None,
        households: None,
    }
}

/// The district and street above the demo community.
pub async fn seed_district(state: &AppState) -> Result<(), ApiError> {
    let now = Utc::now();
    let district =
        state.store.create_place(place(DISTRICT_CODE, "钟山区", PlaceLevel::District, None), now, None).await?;
    state.store.create_place(place(STREET_CODE, "荷泉街道", PlaceLevel::Street, Some(district.id)), now, None).await?;
    Ok(())
}

/// Grids and units of the demo community, its party organisations, a work-unit branch checked
/// in, the members' check-ins, a pending one, a grid worker, a household head and the residents'
/// homes. `people` are the dispatcher, the two members and the two residents of the demo. Returns
/// the id of 第一网格, where the demo residents live.
pub async fn seed_places(state: &AppState, community: i64, people: [i64; 5]) -> Result<i64, ApiError> {
    let [dispatcher, li, zhang, zhao, qian] = people;
    let now = Utc::now();
    let ring = vec![[106.828, 26.588], [106.837, 26.588], [106.837, 26.597], [106.828, 26.597], [106.828, 26.588]];
    let boundary = GeoPolygon { kind: "Polygon".into(), coordinates: vec![ring] };
    let mut grid = place("520201001001001", "第一网格", PlaceLevel::Grid, Some(community));
    grid.kind = Some(GridKind::Comprehensive);
    grid.boundary = Some(check_boundary(&boundary)?);
    let grid = state.store.create_place(grid, now, None).await?;
    let mut market = place("520201001001002", "万达广场专属网格", PlaceLevel::Grid, Some(community));
    market.kind = Some(GridKind::Dedicated);
    state.store.create_place(market, now, None).await?;
    let mut unit = place("520201001001001001", "1栋十联户", PlaceLevel::Unit, Some(grid.id));
    let households: Vec<String> = (1..=10).map(|n| format!("1栋{}单元{}01", 1 + n / 6, n % 6 + 1)).collect();
    unit.households = Some(check_households(&households)?);
    let unit = state.store.create_place(unit, now, None).await?;
    state
        .store
        .create_place(place("520201001001001002", "2栋十联户", PlaceLevel::Unit, Some(grid.id)), now, None)
        .await?;

    let street = state.store.place_by_code(STREET_CODE).await?.ok_or_else(ApiError::internal)?;
    let orgs = [
        ("荷泉街道党工委", PartyOrgLevel::StreetCommittee, street.id, None),
        ("和平社区党支部", PartyOrgLevel::CommunityBranch, community, None),
        ("第一网格党小组", PartyOrgLevel::PartyGroup, grid.id, None),
        ("李党员家党员中心户", PartyOrgLevel::CentralHousehold, unit.id, Some(li)),
    ];
    for (name, level, place_id, leader_id) in orgs {
        state.store.create_party_org(NewPartyOrg { name: name.into(), level, place_id, leader_id }, now).await?;
    }

    let branch = state.store.create_unit_branch("区卫生健康局机关党支部", now).await?;
    let branch_checkin = state.store.create_branch_checkin(branch, community, "钟卫健函〔2026〕12号", now).await?;
    state
        .store
        .decide_branch_checkin(branch_checkin, CheckinStatus::Pending, CheckinStatus::Approved, None, dispatcher, now)
        .await?;
    for (member, n) in [(li, 1), (zhang, 2)] {
        let checkin = NewCheckin {
            member_id: member,
            community_id: community,
            unit_branch_id: Some(branch),
            certificate_no: format!("ZS-2026-{n:04}"),
            letter_ref: format!("钟卫健介〔2026〕{n}号"),
        };
        let id = state.store.create_checkin(checkin, now).await?;
        state
            .store
            .decide_checkin(id, CheckinStatus::Pending, CheckinStatus::Approved, None, dispatcher, now, None)
            .await?;
    }

    let hash = crate::auth::password::hash(super::PASSWORD.to_owned()).await?;
    let mut extra = Vec::new();
    for (phone, name, _) in ACCOUNTS {
        let grants = vec![Grant { role: Role::Resident, community_id: None }];
        let user = NewUser { phone: phone.into(), name: name.into(), password_hash: hash.clone(), grants };
        extra.push(state.store.create_user(user, None).await?.id);
    }
    let [worker, zhou, head] = extra[..] else { return Err(ApiError::internal()) };
    state.store.grant_place_role(worker, Role::GridWorker, grid.id, now).await?;
    state.store.grant_place_role(head, Role::HouseholdHead, unit.id, now).await?;
    let pending = NewCheckin {
        member_id: zhou,
        community_id: community,
        unit_branch_id: Some(branch),
        certificate_no: "ZS-2026-0003".into(),
        letter_ref: "钟卫健介〔2026〕3号".into(),
    };
    state.store.create_checkin(pending, now).await?;
    state.store.set_home_place(zhao, Some(unit.id)).await?;
    state.store.set_home_place(qian, Some(grid.id)).await?;
    Ok(grid.id)
}
