//! A period's figures per estate and per company (averages, satisfaction, points), the grade by
//! the configured thresholds, the red and black lists by the district's rules, and the comments
//! without who wrote them. Read by admins, the street's officers, the community's dispatchers and
//! the company's staff (docs/PROPERTY.md).

use chrono::Utc;
use haolin_shared::api::{DutyAverages, Page, PropertyComment, PropertyList, PropertyResult};
use haolin_shared::domain::property::{Period, StarSums};

use super::{company_view, current_period, estate_ref, parse_period, scope};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{decode_cursor, field_id, keyset_page, page_limit};
use crate::settings::PropertySettings;
use crate::state::AppState;
use crate::store::property::{CompanyRecord, EstateScope};
use crate::views::rfc3339;

/// What a results or comments read asks for (raw query values).
#[derive(Debug, Clone, Default)]
pub struct ResultQuery {
    /// `period`: default the current one.
    pub period: Option<String>,
    /// `estate_id`: one estate.
    pub estate_id: Option<String>,
    /// `cursor`.
    pub cursor: Option<String>,
    /// `limit`, 1–100.
    pub limit: Option<String>,
}

/// The grade of `points` by the thresholds; `None` with no raters.
pub fn grade(settings: &PropertySettings, sums: &StarSums) -> Option<String> {
    if sums.raters == 0 {
        return None;
    }
    let p = sums.points();
    let g = if p >= settings.grade_a {
        "A"
    } else if p >= settings.grade_b {
        "B"
    } else if p >= settings.grade_c {
        "C"
    } else {
        "D"
    };
    Some(g.to_owned())
}

/// The list a result goes on: none below the fewest raters; red at the red points; black below
/// the black points or with any duty's average below the black average.
pub fn list(settings: &PropertySettings, sums: &StarSums) -> Option<PropertyList> {
    if sums.raters < settings.list_min_raters {
        return None;
    }
    let points = sums.points();
    if points < settings.black_below_points || sums.averages().iter().any(|a| *a < settings.black_below_duty_average) {
        Some(PropertyList::Black)
    } else if points >= settings.red_min_points {
        Some(PropertyList::Red)
    } else {
        None
    }
}

/// A result line.
pub fn result(
    settings: &PropertySettings,
    period: &str,
    company: &CompanyRecord,
    estate: Option<(i64, &str, i64)>,
    sums: &StarSums,
) -> PropertyResult {
    let a = sums.averages();
    PropertyResult {
        period: period.to_owned(),
        estate: estate.map(|(id, name, community)| estate_ref(id, name, community)),
        company: company_view(company),
        raters: sums.raters,
        averages: DutyAverages { security: a[0], cleaning: a[1], greening: a[2], orderly: a[3], repair: a[4] },
        satisfaction: sums.satisfaction(),
        points: sums.points(),
        grade: grade(settings, sums),
        list: list(settings, sums),
    }
}

/// The caller's scope, refusing (403) a caller who oversees no estate.
async fn overseen(state: &AppState, caller: &Caller) -> Result<EstateScope, ApiError> {
    let scope = scope(state, caller).await?;
    if scope.is_empty() { Err(ApiError::forbidden()) } else { Ok(scope) }
}

/// The `estate_id` filter: 404 for an estate the caller does not oversee (as if absent).
async fn estate_filter(state: &AppState, scope: &EstateScope, raw: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let id = field_id("estate_id", raw)?;
    match state.store.property_estate(id).await? {
        Some(e) if scope.covers(&e) => Ok(Some(id)),
        _ => Err(ApiError::not_found()),
    }
}

fn period_of(state: &AppState, raw: Option<&str>) -> Result<Period, ApiError> {
    match raw {
        Some(raw) => parse_period(state, raw),
        None => Ok(current_period(state, Utc::now())),
    }
}

/// One page of a period's results per estate the caller oversees (every estate, rated or not), by id.
pub async fn estates(state: &AppState, caller: &Caller, q: &ResultQuery) -> Result<Page<PropertyResult>, ApiError> {
    let scope = overseen(state, caller).await?;
    let period = period_of(state, q.period.as_deref())?.key();
    let estate = estate_filter(state, &scope, q.estate_id.as_deref()).await?;
    let after = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = page_limit(q.limit.as_deref())?;
    let rows = state.store.property_estate_sums(&period, &scope, estate, after, limit + 1).await?;
    let (rows, next_cursor) = keyset_page(rows, limit, |r| r.estate.id);
    let settings = &state.settings.property;
    let items = rows
        .iter()
        .map(|r| {
            result(
                settings,
                &period,
                &r.estate.company,
                Some((r.estate.id, &r.estate.name, r.estate.community_id)),
                &r.sums,
            )
        })
        .collect();
    Ok(Page { items, next_cursor })
}

/// One page of a period's results per company over all its estates: every company for admins,
/// the caller's own for company staff, and for dispatchers and street officers the companies
/// serving an estate they oversee.
pub async fn companies(state: &AppState, caller: &Caller, q: &ResultQuery) -> Result<Page<PropertyResult>, ApiError> {
    let scope = overseen(state, caller).await?;
    let period = period_of(state, q.period.as_deref())?.key();
    let after = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = page_limit(q.limit.as_deref())?;
    let rows = state.store.property_company_sums(&period, &scope, after, limit + 1).await?;
    let (rows, next_cursor) = keyset_page(rows, limit, |(c, _)| c.id);
    let settings = &state.settings.property;
    let items = rows.iter().map(|(c, sums)| result(settings, &period, c, None, sums)).collect();
    Ok(Page { items, next_cursor })
}

/// One page of a period's comments on the estates the caller oversees, newest first, with the
/// stars given with each and never who wrote it.
pub async fn comments(state: &AppState, caller: &Caller, q: &ResultQuery) -> Result<Page<PropertyComment>, ApiError> {
    let scope = overseen(state, caller).await?;
    let period = period_of(state, q.period.as_deref())?.key();
    let estate = estate_filter(state, &scope, q.estate_id.as_deref()).await?;
    let before = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = page_limit(q.limit.as_deref())?;
    let rows = state.store.property_comments(&period, &scope, estate, before, limit + 1).await?;
    let (rows, next_cursor) = keyset_page(rows, limit, |r| r.rating.id);
    let items = rows
        .iter()
        .map(|r| PropertyComment {
            id: r.rating.id.to_string(),
            estate: estate_ref(r.rating.estate_id, &r.estate_name, r.community_id),
            period: r.rating.period.clone(),
            stars: r.rating.stars.to_vec(),
            comment: r.rating.comment.clone().unwrap_or_default(),
            updated_at: rfc3339(chrono::DateTime::from_timestamp_millis(r.rating.updated_at).unwrap_or_default()),
        })
        .collect();
    Ok(Page { items, next_cursor })
}
