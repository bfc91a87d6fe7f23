//! `/property/…`: the resident's rating of their estate's property service and the results and
//! comments for those who oversee estates (docs/PROPERTY.md). Used by the neighbourhood bundle.

use std::future::Future;

use haolin_shared::api::{MyProperty, Page, PropertyComment, PropertyRating, PropertyResult, RatePropertyRequest};

use super::{get, send};
use crate::error::ApiError;

/// `?period=…` when a period is chosen.
fn period_query(period: Option<&str>) -> String {
    period.map(|p| format!("&period={}", js_sys::encode_uri_component(p))).unwrap_or_default()
}

/// `GET /property/mine`: my home's estate, the current period and my rating of it.
pub fn mine() -> impl Future<Output = Result<MyProperty, ApiError>> + use<> {
    get("/property/mine".to_owned())
}

/// `PUT /property/estates/{id}/rating`: rate (or change my rating of) my estate this period.
pub fn rate(
    estate: &str,
    body: &RatePropertyRequest,
) -> impl Future<Output = Result<PropertyRating, ApiError>> + use<> {
    send("PUT", format!("/property/estates/{}/rating", js_sys::encode_uri_component(estate)), body)
}

/// `GET /property/results`: a period's results per estate I oversee (the first 100).
pub fn results(period: Option<&str>) -> impl Future<Output = Result<Page<PropertyResult>, ApiError>> + use<> {
    get(format!("/property/results?limit=100{}", period_query(period)))
}

/// `GET /property/company-results`: a period's results per company (the first 100).
pub fn company_results(period: Option<&str>) -> impl Future<Output = Result<Page<PropertyResult>, ApiError>> + use<> {
    get(format!("/property/company-results?limit=100{}", period_query(period)))
}

/// `GET /property/comments`: a period's newest comments, without names (the first 50).
pub fn comments(period: Option<&str>) -> impl Future<Output = Result<Page<PropertyComment>, ApiError>> + use<> {
    get(format!("/property/comments?limit=50{}", period_query(period)))
}
