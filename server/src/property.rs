//! Property service ratings (红色物业, docs/PROPERTY.md): who sees which estates, and how records
//! become API bodies. property/admin.rs: companies, estates and staff (admins);
//! property/import.rs: the CSV import; property/ratings.rs: a resident's rating of their estate;
//! property/results.rs: a period's figures, grades, the red and black lists and the comments.

pub mod admin;
pub mod import;
pub mod ratings;
pub mod results;

use chrono::{DateTime, Utc};
use haolin_shared::api::{
    PlaceLevel, PropertyCompany, PropertyEstate, PropertyEstateRef, PropertyPeriod, PropertyRating, Role,
};
use haolin_shared::domain::property::Period;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::property::{CompanyRecord, EstateRecord, EstateScope, RatingRecord};
use crate::views::rfc3339;

/// The estates the caller oversees: all for admins; those of the communities they dispatch for,
/// of the streets they are officers of, and of the companies they are on the staff of.
pub async fn scope(state: &AppState, caller: &Caller) -> Result<EstateScope, ApiError> {
    let mut scope =
        EstateScope { all: caller.is_admin(), communities: caller.communities(Role::Dispatcher), ..Default::default() };
    if scope.all {
        return Ok(scope);
    }
    scope.streets = state
        .store
        .place_grants_of(caller.id())
        .await?
        .into_iter()
        .filter(|(role, _)| *role == Role::StreetOfficer)
        .map(|(_, place)| place)
        .collect();
    scope.companies = state.store.property_companies_of(caller.id()).await?;
    Ok(scope)
}

/// The current period by the settings.
pub fn current_period(state: &AppState, now: DateTime<Utc>) -> Period {
    Period::containing(now.timestamp_millis(), state.settings.property.period)
}

/// Parses a `period` given in a query or body (`YYYY-MM`, or `YYYY-Qn` with quarterly periods).
pub fn parse_period(state: &AppState, raw: &str) -> Result<Period, ApiError> {
    Period::parse(raw.trim(), state.settings.property.period).ok_or_else(|| {
        let hint = match state.settings.property.period {
            haolin_shared::domain::property::PeriodLength::Month => "YYYY-MM",
            haolin_shared::domain::property::PeriodLength::Quarter => "YYYY-Qn",
        };
        ApiError::invalid_field("period", format!("评价周期格式须为 {hint}"))
    })
}

/// A period as the API shows it.
pub fn period_view(p: &Period) -> PropertyPeriod {
    PropertyPeriod {
        key: p.key(),
        first_day: p.first_day().to_string(),
        last_day: p.last_day().to_string(),
        closes_at: rfc3339(DateTime::from_timestamp_millis(p.closes_at_ms()).unwrap_or_default()),
    }
}

/// A company as the API shows it.
pub fn company_view(c: &CompanyRecord) -> PropertyCompany {
    PropertyCompany { id: c.id.to_string(), name: c.name.clone() }
}

/// An estate as the API shows it.
pub fn estate_view(e: &EstateRecord) -> PropertyEstate {
    PropertyEstate {
        id: e.id.to_string(),
        name: e.name.clone(),
        company: company_view(&e.company),
        community_id: e.community_id.to_string(),
        place_ids: e.place_ids.iter().map(i64::to_string).collect(),
    }
}

/// An estate named in a result or comment.
pub fn estate_ref(id: i64, name: &str, community_id: i64) -> PropertyEstateRef {
    PropertyEstateRef { id: id.to_string(), name: name.to_owned(), community_id: community_id.to_string() }
}

/// A rating as its resident reads it.
pub fn rating_view(r: &RatingRecord) -> PropertyRating {
    let at = |ms: i64| rfc3339(DateTime::from_timestamp_millis(ms).unwrap_or_default());
    PropertyRating {
        estate_id: r.estate_id.to_string(),
        period: r.period.clone(),
        security: r.stars[0],
        cleaning: r.stars[1],
        greening: r.stars[2],
        orderly: r.stars[3],
        repair: r.stars[4],
        comment: r.comment.clone(),
        created_at: at(r.created_at),
        updated_at: at(r.updated_at),
    }
}

/// The community and street of a grid or unit in service; `None` for any other place.
pub async fn community_of_place(state: &AppState, place_id: i64) -> Result<Option<(i64, Option<i64>)>, ApiError> {
    let path = state.store.place_path(place_id).await?;
    let Some(last) = path.last() else { return Ok(None) };
    if last.retired_at.is_some() || !matches!(last.level, PlaceLevel::Grid | PlaceLevel::Unit) {
        return Ok(None);
    }
    let community = path.iter().find(|p| p.level == PlaceLevel::Community).map(|p| p.id);
    let street = path.iter().find(|p| p.level == PlaceLevel::Street).map(|p| p.id);
    Ok(community.map(|c| (c, street)))
}
