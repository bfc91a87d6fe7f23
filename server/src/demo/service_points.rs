//! The demo's service points (红帆驿站): six points of the demo community in and around its first
//! grid — the party-service centre on office hours following the working-day calendar, convenience
//! stations open every day, one that never closes — with their services and public contacts.

use chrono::Utc;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::service_points::PointFields;

const OFFICE: &str = r#"{"weekly": [["08:30-12:00", "14:00-17:30"], ["08:30-12:00", "14:00-17:30"], ["08:30-12:00", "14:00-17:30"], ["08:30-12:00", "14:00-17:30"], ["08:30-12:00", "14:00-17:30"], [], []], "follows_calendar": true}"#;
const DAILY: &str = r#"{"weekly": [["08:00-20:00"], ["08:00-20:00"], ["08:00-20:00"], ["08:00-20:00"], ["08:00-20:00"], ["08:00-20:00"], ["08:00-20:00"]], "follows_calendar": false}"#;
const SHOP: &str = r#"{"weekly": [["09:00-18:00"], ["09:00-18:00"], ["09:00-18:00"], ["09:00-18:00"], ["09:00-18:00"], ["09:00-18:00"], []], "follows_calendar": true}"#;
const ALWAYS: &str = r#"{"weekly": [["00:00-24:00"], ["00:00-24:00"], ["00:00-24:00"], ["00:00-24:00"], ["00:00-24:00"], ["00:00-24:00"], ["00:00-24:00"]], "follows_calendar": false}"#;

/// A demo point: name, address, location, hours, services, contact, phone, whether in the grid.
type DemoPoint<'a> = (&'a str, &'a str, [f64; 2], &'a str, &'a [&'a str], &'a str, &'a str, bool);

/// Seeds the demo community's points (in its first grid where they stand in it).
pub async fn seed_points(state: &AppState, community: i64, grid: i64) -> Result<(), ApiError> {
    let points: [DemoPoint; 6] = [
        (
            "和平社区党群服务中心",
            "和平路 18 号",
            [106.8325, 26.5925],
            OFFICE,
            &["政策咨询", "法律咨询", "代收快递", "休息饮水"],
            "刘主任",
            "0858-8221001",
            true,
        ),
        (
            "和平小区红帆驿站",
            "和平小区中心广场东侧",
            [106.8301, 26.5904],
            DAILY,
            &["代收快递", "休息饮水", "手机充电", "雨伞借用"],
            "陈站长",
            "13800001201",
            true,
        ),
        (
            "万达广场爱心驿站",
            "万达广场一楼服务台旁",
            [106.8412, 26.5951],
            ALWAYS,
            &["休息饮水", "应急药箱", "手机充电"],
            "杨经理",
            "0858-8221002",
            false,
        ),
        (
            "荷泉路便民服务点",
            "荷泉路 66 号",
            [106.8352, 26.5962],
            SHOP,
            &["工具借用", "微波炉加热", "老年助餐"],
            "黄师傅",
            "13800001202",
            true,
        ),
        (
            "和平卫生服务站驿站",
            "和平路 45 号",
            [106.8243, 26.5858],
            OFFICE,
            &["应急药箱", "心理疏导", "政策咨询"],
            "林医生",
            "0858-8221003",
            false,
        ),
        (
            "和平书屋红帆驿站",
            "和平小区 5 栋一楼",
            [106.8336, 26.5893],
            DAILY,
            &["图书阅览", "休息饮水"],
            "何阿姨",
            "13800001203",
            true,
        ),
    ];
    let rows: Vec<(i64, PointFields)> = points
        .iter()
        .map(|(name, address, location, hours, services, contact, phone, in_grid)| {
            let services: Vec<&str> = services.to_vec();
            (
                community,
                PointFields {
                    grid_id: in_grid.then_some(grid),
                    name: (*name).into(),
                    address: (*address).into(),
                    location: *location,
                    hours: (*hours).into(),
                    services: serde_json::to_string(&services).unwrap_or_default(),
                    contact_name: (*contact).into(),
                    contact_phone: (*phone).into(),
                },
            )
        })
        .collect();
    state.store.insert_service_points(&rows, Utc::now().timestamp_millis()).await?;
    Ok(())
}
