//! The demo's property service (红色物业, docs/PROPERTY.md): 黔城物业 serving 和平小区 (第一网格,
//! where 赵阿姨 and 钱大爷 live) with 黄物业 on its staff, 万达物业 serving 万达广场 (the dedicated
//! grid), and three months of ratings: 钱大爷 rated this month, 赵阿姨 has not yet (she can try).

use chrono::Utc;
use haolin_shared::api::{AuditAction, AuditTargetKind, Role};
use serde_json::json;

use crate::audit;
use crate::auth::{Caller, Origin};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::property::EstateWrite;
use crate::store::{Grant, NewUser};

/// The company staff account of the demo.
pub const ACCOUNTS: [(&str, &str, &str); 1] = [("13800000031", "黄物业", "staff of 黔城物业 (property company)")];

/// The demo's companies, estates, staff and ratings.
pub async fn seed_property(
    state: &AppState,
    admin: &Caller,
    community: i64,
    grid: i64,
    [zhao, qian]: [&Caller; 2],
) -> Result<(), ApiError> {
    let at = Utc::now().timestamp_millis();
    let street = state.store.place_by_code(super::structure::STREET_CODE).await?.map(|p| p.id);
    let market = state.store.place_by_code("520201001001002").await?.ok_or_else(ApiError::internal)?;
    let entry = |action, kind, details| audit::entry_by(admin.id(), &Origin::default(), action, kind, None, details);
    let mut estates = Vec::new();
    for (company, estate, place) in
        [("黔城物业服务有限公司", "和平小区", grid), ("万达物业服务有限公司", "万达广场", market.id)]
    {
        let created =
            entry(AuditAction::PropertyCompanyCreated, AuditTargetKind::PropertyCompany, json!({"name": company}));
        let company_id = state.store.create_property_company(company, at, &created).await?;
        let write = EstateWrite {
            name: estate.into(),
            company_id,
            community_id: community,
            street_id: street,
            place_ids: vec![place],
        };
        let created =
            entry(AuditAction::PropertyEstateCreated, AuditTargetKind::PropertyEstate, json!({"name": estate}));
        estates.push((company_id, state.store.write_property_estate(None, &write, at, &created).await?));
    }
    let [(qiancheng, heping), _] = estates[..] else { return Err(ApiError::internal()) };

    let hash = crate::auth::password::hash(super::PASSWORD.to_owned()).await?;
    for (phone, name, _) in ACCOUNTS {
        let grants = vec![Grant { role: Role::Resident, community_id: None }];
        let user = NewUser { phone: phone.into(), name: name.into(), password_hash: hash.clone(), grants };
        let staff = state.store.create_user(user, None).await?.id;
        let added = entry(
            AuditAction::PropertyStaffAdded,
            AuditTargetKind::PropertyCompany,
            json!({"user_id": staff.to_string()}),
        );
        state.store.set_property_staff(qiancheng, staff, true, at, &added).await?;
    }

    let this = crate::property::current_period(state, Utc::now());
    let last = this.previous();
    let ratings: [(&Caller, _, [i64; 5], Option<&str>); 4] = [
        (qian, last.previous(), [4, 5, 4, 4, 3], Some("保修要等好几天")),
        (zhao, last, [5, 5, 4, 5, 4], Some("楼道打扫得很干净")),
        (qian, last, [4, 4, 5, 4, 4], None),
        (qian, this, [5, 4, 4, 5, 4], Some("电梯维修及时，点赞")),
    ];
    for (who, period, stars, comment) in ratings {
        state.store.upsert_property_rating(heping, who.id(), &period.key(), stars, comment, at).await?;
    }
    Ok(())
}
