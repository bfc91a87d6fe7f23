//! The generator's property service (docs/PROPERTY.md): four companies per street, an estate per
//! comprehensive grid served by one of its street's companies, and a year of monthly ratings (the
//! current month included): each month about one resident in six rates their estate, the stars
//! drawn around the estate's own quality so grades and both lists appear, one rating in eight with
//! a comment.

use haolin_shared::domain::property::{Period, PeriodLength};

use super::Rng;
use crate::store::StoreError;
use crate::store::bulk::{BulkLoader, BulkTable, text};

const DAY: i64 = 86_400_000;
/// Months of ratings, the current one included.
const MONTHS: usize = 12;
/// One resident in this many rates their estate in a given month.
const RATE_ONE_IN: usize = 6;
const COMPANY_NAMES: [&str; 4] =
    ["红色物业服务有限公司", "安居物业管理有限公司", "凉都物业服务有限公司", "和美物业管理有限公司"];
const COMMENTS: [&str; 6] =
    ["保安巡逻很认真", "楼道保洁不够及时", "绿化修剪得很好", "车辆乱停没人管", "报修后第二天就来修了", "垃圾清运太慢"];

/// The district as the property generator needs it.
pub struct Area<'a> {
    /// Streets: `(id, name)`.
    pub streets: &'a [(i64, String)],
    /// Communities: `(id, index of its street)`.
    pub communities: &'a [(i64, usize)],
    /// Comprehensive grids: `(id, index of its community)`.
    pub grids: &'a [(i64, usize)],
    /// Residents: `(id, home grid id)`.
    pub residents: &'a [(i64, i64)],
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Made {
    /// Companies.
    pub companies: usize,
    /// Estates.
    pub estates: usize,
    /// Ratings.
    pub ratings: usize,
    /// Seconds taken.
    pub seconds: f64,
}

/// Writes the companies, estates and ratings.
pub async fn generate_property(bulk: &BulkLoader, area: &Area<'_>, seed: u64, now_ms: i64) -> Result<Made, StoreError> {
    let started = std::time::Instant::now();
    let mut rng = Rng(seed ^ 0x5052_4F50_4552_5459);
    let mut made = Made::default();
    let first_company = bulk.max_id(BulkTable::PropertyCompanies).await? + 1;
    let mut companies = bulk.table(BulkTable::PropertyCompanies);
    for (s, (_, street)) in area.streets.iter().enumerate() {
        for (k, name) in COMPANY_NAMES.iter().enumerate() {
            let id = first_company + (s * COMPANY_NAMES.len() + k) as i64;
            companies.row(format!("({id}, {}, {now_ms})", text(&format!("{street}{name}")))).await?;
        }
    }
    made.companies = companies.finish().await?;

    let first_estate = bulk.max_id(BulkTable::PropertyEstates).await? + 1;
    let mut estates = bulk.table(BulkTable::PropertyEstates);
    let mut estate_places = bulk.table(BulkTable::PropertyEstatePlaces);
    let mut estate_of_grid = std::collections::HashMap::new();
    // Each estate's quality: the chance, in percent, that a duty gets 4 or 5 stars.
    let mut quality = Vec::with_capacity(area.grids.len());
    for (e, (grid, c)) in area.grids.iter().enumerate() {
        let (community, s) = area.communities[*c];
        let street = area.streets[s].0;
        let company = first_company + (s * COMPANY_NAMES.len() + rng.below(COMPANY_NAMES.len())) as i64;
        let id = first_estate + e as i64;
        let name = format!("第{}小区", e + 1);
        estates.row(format!("({id}, {}, {company}, {community}, {street}, {now_ms})", text(&name))).await?;
        estate_places.row(format!("({grid}, {id})")).await?;
        estate_of_grid.insert(*grid, id);
        quality.push(30 + rng.below(66));
    }
    made.estates = estates.finish().await?;
    estate_places.finish().await?;

    let mut period = Period::containing(now_ms, PeriodLength::Month);
    let mut periods = Vec::with_capacity(MONTHS);
    for _ in 0..MONTHS {
        periods.push(period);
        period = period.previous();
    }
    let mut next_rating = bulk.max_id(BulkTable::PropertyRatings).await? + 1;
    let mut ratings = bulk.table(BulkTable::PropertyRatings);
    for period in &periods {
        let opens = period.opens_at_ms();
        let span = (period.closes_at_ms().min(now_ms) - opens).max(DAY);
        let key = period.key();
        for (resident, grid) in area.residents {
            let Some(estate) = estate_of_grid.get(grid) else { continue };
            if rng.below(RATE_ONE_IN) != 0 {
                continue;
            }
            let q = quality[(*estate - first_estate) as usize];
            let stars: Vec<String> = (0..5)
                .map(|_| if rng.below(100) < q { 4 + rng.below(2) } else { 1 + rng.below(3) })
                .map(|s| s.to_string())
                .collect();
            let comment = if rng.below(8) == 0 { text(COMMENTS[rng.below(COMMENTS.len())]) } else { "NULL".to_owned() };
            let at = opens + (rng.next() % span as u64) as i64;
            ratings
                .row(format!(
                    "({next_rating}, {estate}, {resident}, '{key}', {}, {comment}, {at}, {at})",
                    stars.join(", ")
                ))
                .await?;
            next_rating += 1;
        }
    }
    made.ratings = ratings.finish().await?;
    made.seconds = started.elapsed().as_secs_f64();
    Ok(made)
}
