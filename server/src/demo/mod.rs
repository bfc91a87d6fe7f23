//! Demo data for a first look: a district down to ten-household units, one community with its
//! dispatcher, party organisations, members checked in (and one pending), a grid worker, a
//! household head, two residents with registered homes and a wish in every status; departments, a
//! street officer, department staff and a work order in every status; a volunteer team with a
//! confirmed activity, an upcoming one and hours in the time bank; six service points (红帆驿站).
//! Seeded only into an empty database.

mod orders;
mod pictures;
mod property;
mod service_points;
mod structure;
mod volunteers;

use chrono::Utc;
use haolin_shared::api::Role;
use haolin_shared::domain::WishAction;

use crate::auth::{Caller, password};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Grant, NewUser, NewWish, UserRecord};
use crate::wishes::{ActionInput, Actor, act};

/// The password of every demo account.
pub const PASSWORD: &str = "haolin123";

/// The demo accounts: phone, name, role (scoped to the demo community where it applies).
pub const ACCOUNTS: [(&str, &str, Role); 6] = [
    ("13800000000", "区管理员", Role::Admin),
    ("13800000001", "王派单", Role::Dispatcher),
    ("13800000002", "李党员", Role::Member),
    ("13800000003", "张党员", Role::Member),
    ("13800000011", "赵阿姨", Role::Resident),
    ("13800000012", "钱大爷", Role::Resident),
];

/// One action of the demo plan: who, what, with which input.
type Step<'a> = (&'a Caller, WishAction, ActionInput);

/// Seeds the demo data if the database has no community yet; returns whether it did.
pub async fn seed(state: &AppState) -> Result<bool, ApiError> {
    if !state.store.list_communities(None, 1).await?.is_empty() {
        return Ok(false);
    }
    structure::seed_district(state).await?;
    let community =
        state.store.create_community("和平社区", "520201001001", Some(structure::STREET_CODE), None).await?;
    let hash = password::hash(PASSWORD.to_owned()).await?;
    let mut people: Vec<Caller> = Vec::new();
    for (phone, name, role) in ACCOUNTS {
        let mut grants = vec![Grant { role: Role::Resident, community_id: None }];
        if role != Role::Resident {
            let scope = role.is_community_scoped().then_some(community.id);
            grants.push(Grant { role, community_id: scope });
        }
        let user = match state.store.user_by_phone(phone).await? {
            Some(existing) => existing,
            None => {
                let new = NewUser { phone: phone.into(), name: name.into(), password_hash: hash.clone(), grants };
                state.store.create_user(new, None).await?
            }
        };
        people.push(caller(user));
    }
    let [_, dispatcher, li, zhang, zhao, qian] = &people[..] else {
        return Err(ApiError::internal());
    };
    let ids = [dispatcher.id(), li.id(), zhang.id(), zhao.id(), qian.id()];
    let grid = structure::seed_places(state, community.id, ids).await?;
    let post = |resident: &Caller, title: &str, description: &str, category: &str| NewWish {
        community_id: community.id,
        resident_id: resident.id(),
        posted_by: resident.id(),
        title: title.into(),
        description: description.into(),
        category: category.into(),
        contact_phone: resident.user.phone.clone(),
        expected_by: None,
        grid_id: Some(grid),
        at: Utc::now(),
        notices: Vec::new(),
        flagged: false,
        photos: None,
        credit_minutes: state.settings.time_bank.wish_minutes,
        paid_minutes: None,
    };
    let plan: Vec<(NewWish, Vec<Step>)> = vec![
        (post(zhao, "帮忙取快递", "腿脚不便，快递放在小区门口驿站，想请人帮忙取一下。", "生活帮扶"), vec![]),
        (
            post(qian, "代买彩票", "想请人帮忙买几注彩票。", "其他"),
            vec![(dispatcher, WishAction::Reject, with_reason("不属于微心愿服务范围"))],
        ),
        (
            post(zhao, "陪同去医院复查", "下周二上午需要去市人民医院复查，希望有人陪同。", "助老助残"),
            vec![(dispatcher, WishAction::Approve, ActionInput::default())],
        ),
        (
            NewWish {
                photos: Some(pictures::tap_photo(state, qian.id()).await?),
                ..post(qian, "修理漏水的水龙头", "厨房水龙头一直滴水，想请懂维修的党员帮忙看看。", "生活帮扶")
            },
            vec![(dispatcher, WishAction::Approve, ActionInput::default())],
        ),
        (
            post(qian, "孙子的作业辅导", "孙子上四年级，数学作业需要有人辅导，每周两次。", "儿童关爱"),
            vec![(
                dispatcher,
                WishAction::Dispatch,
                ActionInput { member_id: Some(li.id()), ..ActionInput::default() },
            )],
        ),
        (
            post(zhao, "智能手机使用教学", "想学会用手机视频通话和扫码付款。", "生活帮扶"),
            vec![
                (dispatcher, WishAction::Approve, ActionInput::default()),
                (zhang, WishAction::Claim, ActionInput::default()),
            ],
        ),
        (
            post(qian, "帮忙搬运旧家具", "旧衣柜需要搬到楼下回收点。", "生活帮扶"),
            vec![
                (dispatcher, WishAction::Approve, ActionInput::default()),
                (li, WishAction::Claim, ActionInput::default()),
                (li, WishAction::Fulfil, ActionInput { note: Some("已搬到回收点".into()), ..ActionInput::default() }),
            ],
        ),
        (
            post(zhao, "咨询养老保险政策", "想了解灵活就业人员养老保险怎么缴纳。", "法律咨询"),
            vec![
                (dispatcher, WishAction::Approve, ActionInput::default()),
                (zhang, WishAction::Claim, ActionInput::default()),
                (
                    zhang,
                    WishAction::Fulfil,
                    ActionInput { note: Some("已上门讲解缴费办法".into()), ..ActionInput::default() },
                ),
                (
                    zhao,
                    WishAction::Confirm,
                    ActionInput {
                        rating: Some(5),
                        comment: Some("讲得很清楚，谢谢！".into()),
                        ..ActionInput::default()
                    },
                ),
            ],
        ),
        (
            post(zhao, "借用轮椅", "家里老人临时需要轮椅，已经借到了。", "助老助残"),
            vec![(zhao, WishAction::Cancel, with_reason("已从亲戚家借到"))],
        ),
    ];
    for (wish, steps) in plan {
        let Ok(record) = state.store.create_wish(wish, None).await? else {
            return Err(ApiError::internal());
        };
        for (who, action, input) in steps {
            act(state, Actor::Person(who), record.wish.id, action, &input).await?;
        }
    }
    orders::seed_orders(state, grid).await?;
    volunteers::seed_volunteers(state, community.id, grid, [dispatcher, li, zhang, zhao, qian]).await?;
    service_points::seed_points(state, community.id, grid).await?;
    property::seed_property(state, &people[0], community.id, grid, [zhao, qian]).await?;
    Ok(true)
}

fn with_reason(reason: &str) -> ActionInput {
    ActionInput { reason: Some(reason.into()), ..ActionInput::default() }
}

fn caller(user: UserRecord) -> Caller {
    Caller { user, session_id: 0, origin: crate::auth::Origin::default() }
}

/// The credentials to print at start-up.
pub fn credentials() -> String {
    let mut out = String::from("demo accounts (password haolin123):\n");
    for (phone, name, role) in ACCOUNTS {
        out.push_str(&format!("  {phone}  {name}  {}\n", role.as_str()));
    }
    for (phone, name, what) in structure::ACCOUNTS.into_iter().chain(orders::ACCOUNTS) {
        out.push_str(&format!("  {phone}  {name}  {what}\n"));
    }
    for (phone, name, what) in property::ACCOUNTS {
        out.push_str(&format!("  {phone}  {name}  {what}\n"));
    }
    out
}
