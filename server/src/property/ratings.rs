//! A resident's rating of their estate's property service: who may rate (an account whose home
//! lies in the estate, not on its company's staff), the period (only the current one; a closed
//! period refuses changes), the stars and the comment (length, content check), and the write
//! (one rating per resident, estate and period; changing it replaces it).

use chrono::Utc;
use haolin_shared::api::{ErrorCode, MyProperty, PropertyRating, RatePropertyRequest};
use haolin_shared::domain::property::Duty;
use haolin_shared::domain::{Rating, parse_text_field};

use super::{current_period, estate_view, parse_period, period_view, rating_view};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::path_id;
use crate::state::AppState;
use crate::store::property::EstateRecord;
use crate::wechat::content::{self, SCENE_COMMENT};

/// The estate of the path if it is the caller's own: 404 when there is no such estate, 403 when
/// the caller lives elsewhere (or nowhere registered).
async fn own_estate(state: &AppState, caller: &Caller, raw_id: &str) -> Result<EstateRecord, ApiError> {
    let id = path_id(raw_id)?;
    let estate = state.store.property_estate(id).await?.ok_or_else(ApiError::not_found)?;
    let home = match state.store.home_place(caller.id()).await? {
        Some(place) => state.store.estate_of_place(place).await?,
        None => None,
    };
    if home != Some(estate.id) {
        return Err(ApiError::new(ErrorCode::Forbidden, "只有登记住在该小区的居民才能评价它的物业服务"));
    }
    Ok(estate)
}

/// The caller's home and estate, the current period and their rating of it.
pub async fn mine(state: &AppState, caller: &Caller) -> Result<MyProperty, ApiError> {
    let period = current_period(state, Utc::now());
    let home = state.store.home_place(caller.id()).await?;
    let estate = match home {
        Some(place) => match state.store.estate_of_place(place).await? {
            Some(id) => state.store.property_estate(id).await?,
            None => None,
        },
        None => None,
    };
    let rating = match &estate {
        Some(e) => state.store.property_rating(e.id, caller.id(), &period.key()).await?,
        None => None,
    };
    Ok(MyProperty {
        home_place_id: home.map(|h| h.to_string()),
        estate: estate.as_ref().map(estate_view),
        period: period_view(&period),
        rating: rating.as_ref().map(rating_view),
    })
}

/// The caller's rating of their estate for a period (default the current one); 404 if none.
pub async fn get(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    period: Option<&str>,
) -> Result<PropertyRating, ApiError> {
    let estate = own_estate(state, caller, raw_id).await?;
    let period = match period {
        Some(raw) => parse_period(state, raw)?,
        None => current_period(state, Utc::now()),
    };
    let rating = state.store.property_rating(estate.id, caller.id(), &period.key()).await?;
    rating.as_ref().map(rating_view).ok_or_else(ApiError::not_found)
}

/// Rates the caller's estate for the current period, or changes their rating of it; `true` when
/// the rating is new.
pub async fn rate(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    req: &RatePropertyRequest,
) -> Result<(PropertyRating, bool), ApiError> {
    let estate = own_estate(state, caller, raw_id).await?;
    if state.store.property_companies_of(caller.id()).await?.contains(&estate.company.id) {
        return Err(ApiError::new(ErrorCode::Forbidden, "物业企业员工不能评价本企业的服务"));
    }
    let now = Utc::now();
    let current = current_period(state, now);
    if let Some(raw) = &req.period {
        let asked = parse_period(state, raw)?;
        if asked < current {
            let mut e =
                ApiError::new(ErrorCode::InvalidState, format!("{} 的评价已截止，不能再提交或修改", asked.key()));
            e.details.field = Some("period".into());
            return Err(e);
        }
        if asked > current {
            return Err(ApiError::invalid_field("period", format!("{} 的评价尚未开始", asked.key())));
        }
    }
    let raw = [req.security, req.cleaning, req.greening, req.orderly, req.repair];
    let mut stars = [0i64; 5];
    for ((duty, value), star) in Duty::ALL.iter().zip(raw).zip(stars.iter_mut()) {
        *star = i64::from(Rating::parse(value).map_err(|e| ApiError::invalid_value(duty.as_str(), e))?.get());
    }
    let comment = match req.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(text) => Some(
            parse_text_field(text, state.settings.property.comment_max, true)
                .map_err(|e| ApiError::invalid_value("comment", e))?,
        ),
        None => None,
    };
    if let Some(text) = &comment {
        content::check(state, caller.id(), &[("comment", text.as_str(), SCENE_COMMENT)]).await?;
    }
    let (rating, created) = state
        .store
        .upsert_property_rating(
            estate.id,
            caller.id(),
            &current.key(),
            stars,
            comment.as_deref(),
            now.timestamp_millis(),
        )
        .await?;
    tracing::info!(estate_id = estate.id, period = %rating.period, created, "property rated");
    Ok((rating_view(&rating), created))
}
