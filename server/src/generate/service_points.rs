//! The generated district's service points (红帆驿站, docs/SERVICE-POINTS.md) and the grid
//! boundaries the map draws them over: every grid a square of about 400 m on a lattice, a
//! community's grids side by side, and the points spread over the communities (in their grids),
//! with realistic hours — the party-service centres keep office hours and follow the working-day
//! calendar, the convenience stations open every day, a few never close — services and contacts.

use haolin_shared::api::GeoPolygon;

use super::{GIVEN, Rng, SURNAMES};
use crate::store::DynStore;
use crate::store::StoreError;
use crate::store::service_points::PointFields;

/// The lattice's south-west corner and step (degrees).
const ORIGIN: [f64; 2] = [106.74, 26.52];
const STEP: f64 = 0.004;
const COLUMNS: usize = 26;

/// The hours of the kinds of point: a name suffix, the weekly hours and whether they follow the
/// calendar.
const KINDS: [(&str, [&[&str]; 7], bool); 4] = [
    ("党群服务站", [OFFICE, OFFICE, OFFICE, OFFICE, OFFICE, &[], &[]], true),
    ("红帆驿站", [DAY, DAY, DAY, DAY, DAY, DAY, DAY], false),
    ("便民服务点", [SHOP, SHOP, SHOP, SHOP, SHOP, SHOP, &[]], true),
    ("爱心驿站", [ALL, ALL, ALL, ALL, ALL, ALL, ALL], false),
];
const OFFICE: &[&str] = &["08:30-12:00", "14:00-17:30"];
const DAY: &[&str] = &["08:00-20:00"];
const SHOP: &[&str] = &["09:00-18:00"];
const ALL: &[&str] = &["00:00-24:00"];
const SERVICES: [&str; 12] = [
    "代收快递",
    "休息饮水",
    "手机充电",
    "应急药箱",
    "雨伞借用",
    "政策咨询",
    "法律咨询",
    "微波炉加热",
    "老年助餐",
    "图书阅览",
    "工具借用",
    "心理疏导",
];
const ROADS: [&str; 8] = ["人民路", "钟山大道", "荷城路", "凤凰路", "建设路", "解放路", "红岩路", "水西路"];

/// The square boundary of lattice cell `n` (row-major from the south-west).
fn cell(n: usize) -> GeoPolygon {
    #[allow(clippy::cast_precision_loss)]
    let (x, y) = ((n % COLUMNS) as f64, (n / COLUMNS) as f64);
    let (w, s) = (ORIGIN[0] + x * STEP, ORIGIN[1] + y * STEP);
    let (e, n) = (w + STEP * 0.96, s + STEP * 0.96);
    GeoPolygon { kind: "Polygon".into(), coordinates: vec![vec![[w, s], [e, s], [e, n], [w, n], [w, s]]] }
}

/// Gives every generated grid a boundary (a community's grids side by side) and writes `count`
/// points spread over the communities; returns how many points were written.
pub async fn write(
    store: &DynStore,
    rng: &mut Rng,
    grids: &[(i64, usize)],
    community_ids: &[i64],
    community_names: &[String],
    count: usize,
    now_ms: i64,
) -> Result<usize, StoreError> {
    let mut ordered: Vec<(i64, usize)> = grids.to_vec();
    ordered.sort_by_key(|(id, c)| (*c, *id));
    let cells: Vec<(i64, usize, GeoPolygon)> =
        ordered.iter().enumerate().map(|(n, (id, c))| (*id, *c, cell(n))).collect();
    let boundaries: Vec<(i64, String)> =
        cells.iter().map(|(id, _, b)| (*id, serde_json::to_string(b).unwrap_or_default())).collect();
    store.set_grid_boundaries(&boundaries).await?;

    let mut points = Vec::with_capacity(count);
    for i in 0..count {
        let c = i % community_ids.len().max(1);
        let in_community: Vec<&(i64, usize, GeoPolygon)> = cells.iter().filter(|(_, gc, _)| *gc == c).collect();
        let Some((grid, _, square)) = in_community.get((i / community_ids.len().max(1)) % in_community.len().max(1))
        else {
            continue;
        };
        let [w, s] = square.coordinates[0][0];
        #[allow(clippy::cast_precision_loss)]
        let (dx, dy) = ((rng.below(80) + 10) as f64 / 100.0, (rng.below(80) + 10) as f64 / 100.0);
        let (suffix, weekly, follows) = KINDS[i % KINDS.len()];
        let mut services: Vec<String> = Vec::new();
        for _ in 0..(2 + rng.below(4)) {
            let s = (*rng.pick(&SERVICES)).to_owned();
            if !services.contains(&s) {
                services.push(s);
            }
        }
        let name = format!(
            "{}{}{}",
            community_names.get(c).map_or("", String::as_str).trim_end_matches("社区"),
            suffix,
            i / community_ids.len().max(1) + 1
        );
        let hours = serde_json::json!({
            "weekly": weekly.iter().map(|d| d.to_vec()).collect::<Vec<_>>(),
            "follows_calendar": follows,
        });
        points.push((
            community_ids.get(c).copied().unwrap_or_default(),
            PointFields {
                grid_id: Some(*grid),
                name: name.chars().take(50).collect(),
                address: format!("{}{}号", rng.pick(&ROADS), 1 + rng.below(300)),
                location: [w + STEP * 0.96 * dx, s + STEP * 0.96 * dy],
                hours: hours.to_string(),
                services: serde_json::to_string(&services).unwrap_or_default(),
                contact_name: format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN)),
                contact_phone: format!("0858-8{:06}", rng.below(1_000_000)),
            },
        ));
    }
    store.insert_service_points(&points, now_ms).await
}
