//! The demo's volunteer service: a team of the demo community led by 李党员 with 张党员 in it and
//! 赵阿姨 asking to join; last week's visit to the nursing home, attended and confirmed (so 张党员
//! has hours, a service record and a certificate to print); tomorrow morning's clean-up with seats
//! taken; and hours minted into the community's pool.

use chrono::{Duration, Utc};
use haolin_shared::api::TransferKind;
use haolin_shared::domain::calendar::{shanghai_date, shanghai_instant};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::time_bank::{Account, NewTransfer};
use crate::store::volunteers::{MemberChange, NewActivity, NewTeam};

/// The demo's team, activities, attendance and pool.
pub async fn seed_volunteers(
    state: &AppState,
    community: i64,
    grid: i64,
    [dispatcher, li, zhang, zhao, qian]: [&Caller; 5],
) -> Result<(), ApiError> {
    let now = Utc::now();
    let team = state
        .store
        .create_team(&NewTeam {
            name: "红马甲志愿服务队".into(),
            description: "和平社区党员志愿者：助老、清洁家园、文明劝导。".into(),
            place_id: community,
            created_by: dispatcher.id(),
            leader_id: li.id(),
            at: now,
        })
        .await?;
    state.store.request_join(team, zhang.id(), Some("周末有空，会修水电"), now).await?;
    state.store.change_member(team, zhang.id(), MemberChange::Approve, now).await?;
    state.store.request_join(team, zhao.id(), Some("想参加助老活动"), now).await?;

    // Last week's visit, 09:00–11:00 China time seven days ago, attended and confirmed.
    let day = |days_ahead: i64, minute: u32| {
        let date = shanghai_date((now + Duration::days(days_ahead)).timestamp_millis());
        chrono::DateTime::from_timestamp_millis(shanghai_instant(date, minute)).unwrap_or(now)
    };
    let visit = NewActivity {
        team_id: team,
        title: "敬老院慰问演出".into(),
        description: "到荷泉敬老院陪老人聊天、表演节目。".into(),
        place_id: community,
        community_id: Some(community),
        address: "荷泉敬老院（和平路 18 号）".into(),
        starts_at: day(-7, 9 * 60),
        ends_at: day(-7, 11 * 60),
        capacity: 10,
        skills: vec!["文艺表演".into()],
        organiser_id: li.id(),
        at: now - Duration::days(10),
    };
    let visit_id = state.store.create_activity(&visit).await?;
    let (signup, _) = state.store.sign_up(visit_id, zhang.id(), visit.at).await?.map_err(|_| ApiError::internal())?;
    let arrived = visit.starts_at + Duration::minutes(5);
    let minutes = (visit.ends_at - arrived).num_minutes();
    state.store.record_attendance(signup.id, (None, None), Some(arrived), Some(visit.ends_at), Some(minutes)).await?;
    let credited_at = visit.ends_at + Duration::hours(1);
    let (to, title) = (Account::Person(zhang.id()), visit.title.clone());
    let credit = NewTransfer {
        activity_id: Some(visit_id),
        actor_id: Some(li.id()),
        at: Some(credited_at),
        ..NewTransfer::new(TransferKind::ActivityCredit, Account::Issue, to, minutes, title)
    }
    .credit(format!("activity:{visit_id}:{}", zhang.id()), state.settings.time_bank.cap_minutes());
    state.store.confirm_attendance(signup.id, visit_id, li.id(), &credit).await?;

    // Tomorrow's clean-up in the grid, with seats taken.
    let cleanup = NewActivity {
        team_id: team,
        title: "周末清洁家园".into(),
        description: "清理楼道杂物和小广告，请穿方便活动的衣服。工具由社区提供。".into(),
        place_id: grid,
        community_id: Some(community),
        address: "和平小区中心广场集合".into(),
        starts_at: day(1, 9 * 60),
        ends_at: day(1, 11 * 60),
        capacity: 20,
        skills: vec!["体力劳动".into()],
        organiser_id: li.id(),
        at: now,
    };
    let cleanup_id = state.store.create_activity(&cleanup).await?;
    for person in [zhang, qian] {
        state.store.sign_up(cleanup_id, person.id(), now).await?.map_err(|_| ApiError::internal())?;
    }

    let memo = "发放：社区时间银行年度预算".to_owned();
    let mint = NewTransfer::new(TransferKind::Mint, Account::Issue, Account::Pool(community), 6000, memo);
    state.store.post_alone(&mint, None, None).await?.map_err(crate::time_bank::refusal)?;
    Ok(())
}
