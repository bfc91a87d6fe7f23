//! The property-ratings export for the housing bureau (docs/PROPERTY.md): a period's results per
//! estate the caller oversees, the rows of `GET /api/v1/property/results`, read in keyset pages.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::Utc;

use super::{Cell, PAGE_ROWS, Row, Source};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::property::results::result;
use crate::property::{current_period, parse_period, scope};
use crate::state::AppState;
use crate::store::property::EstateScope;

const HEADER: &[&str] = &[
    "评价周期",
    "街道",
    "社区",
    "小区",
    "物业服务企业",
    "参评人数",
    "保安",
    "保洁",
    "保绿",
    "保序",
    "保修",
    "满意度",
    "得分",
    "等级",
    "榜单",
];

/// A period's results per estate in the caller's scope.
pub struct PropertyRatings {
    scope: EstateScope,
    period: String,
    after: Option<i64>,
    done: bool,
    /// Place names read so far (streets and communities).
    names: HashMap<i64, String>,
}

impl PropertyRatings {
    /// The export of `period` (default the current one) for `caller`: 403 for a caller who
    /// oversees no estate, 422 for a bad period.
    pub async fn new<'a>(
        state: &AppState,
        caller: &Caller,
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Self, ApiError> {
        let scope = scope(state, caller).await?;
        if scope.is_empty() {
            return Err(ApiError::new(
                haolin_shared::api::ErrorCode::Forbidden,
                "只有管理员、街道、社区派单员和物业企业员工可以导出物业评价",
            ));
        }
        let period = match get("period") {
            Some(raw) => parse_period(state, raw)?,
            None => current_period(state, Utc::now()),
        };
        Ok(Self { scope, period: period.key(), after: None, done: false, names: HashMap::new() })
    }

    async fn name(&mut self, state: &AppState, id: Option<i64>) -> Result<Cell, ApiError> {
        let Some(id) = id else { return Ok(Cell::Empty) };
        if let std::collections::hash_map::Entry::Vacant(slot) = self.names.entry(id) {
            slot.insert(state.store.place(id).await?.map(|p| p.name).unwrap_or_default());
        }
        Ok(Cell::text(self.names.get(&id).cloned()))
    }
}

#[async_trait]
impl Source for PropertyRatings {
    fn title(&self) -> &'static str {
        "物业服务评价"
    }

    fn ascii_name(&self) -> &'static str {
        "property-ratings"
    }

    fn header(&self) -> &'static [&'static str] {
        HEADER
    }

    async fn exceeds(&self, state: &AppState, bound: u64) -> Result<bool, ApiError> {
        Ok(state.store.property_estate_count(&self.scope).await? > bound)
    }

    async fn next_page(&mut self, state: &AppState) -> Result<Option<Vec<Row>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let page = state.store.property_estate_sums(&self.period, &self.scope, None, self.after, PAGE_ROWS).await?;
        self.done = page.len() < PAGE_ROWS as usize;
        self.after = page.last().map(|r| r.estate.id);
        if page.is_empty() {
            return Ok(None);
        }
        let settings = state.settings.property.clone();
        let mut rows = Vec::with_capacity(page.len());
        for r in page {
            let e = &r.estate;
            let line = result(&settings, &self.period, &e.company, Some((e.id, &e.name, e.community_id)), &r.sums);
            let street = self.name(state, e.street_id).await?;
            let community = self.name(state, Some(e.community_id)).await?;
            let a = &line.averages;
            let rated = r.sums.raters > 0;
            let number = |x: f64| if rated { Cell::Number(x) } else { Cell::Empty };
            rows.push(vec![
                Cell::Text(self.period.clone()),
                street,
                community,
                Cell::Text(e.name.clone()),
                Cell::Text(e.company.name.clone()),
                Cell::Int(r.sums.raters),
                number(a.security),
                number(a.cleaning),
                number(a.greening),
                number(a.orderly),
                number(a.repair),
                number(line.satisfaction),
                number(line.points),
                Cell::text(line.grade.clone()),
                Cell::text(line.list.map(|l| match l {
                    haolin_shared::api::PropertyList::Red => "红榜",
                    haolin_shared::api::PropertyList::Black => "黑榜",
                })),
            ]);
        }
        Ok(Some(rows))
    }
}
