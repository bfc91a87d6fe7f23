//! `/communities`: the communities, their figures and their members.

use std::future::Future;

use haolin_shared::api::{CheckinFigures, Community, CommunityStats, Items, Page, PersonRef};

use super::get;
use crate::error::ApiError;

/// The path of a page of communities (`limit` and `cursor` only when given).
fn list_path(limit: Option<u32>, cursor: Option<&str>) -> String {
    let mut path = "/communities".to_owned();
    let mut sep = '?';
    if let Some(limit) = limit {
        path.push_str(&format!("{sep}limit={limit}"));
        sep = '&';
    }
    if let Some(cursor) = cursor {
        path.push_str(&format!("{sep}cursor={cursor}"));
    }
    path
}

/// `GET /communities[?limit=…][&cursor=…]`: one page of communities.
pub fn list(
    limit: Option<u32>,
    cursor: Option<&str>,
) -> impl Future<Output = Result<Page<Community>, ApiError>> + use<> {
    get(list_path(limit, cursor))
}

/// `GET /communities/{id}/stats`: the community's wishes counted by status.
pub fn stats(id: &str) -> impl Future<Output = Result<CommunityStats, ApiError>> + use<> {
    get(format!("/communities/{id}/stats"))
}

/// `GET /communities/{id}/checkin-stats`: the community's dual check-in figures.
pub fn checkin_stats(id: &str) -> impl Future<Output = Result<CheckinFigures, ApiError>> + use<> {
    get(format!("/communities/{id}/checkin-stats"))
}

/// `GET /communities/{id}/members?q=…`: the party members of the community matching `query`.
pub fn members(id: &str, query: &str) -> impl Future<Output = Result<Items<PersonRef>, ApiError>> + use<> {
    get(format!("/communities/{id}/members?q={}", js_sys::encode_uri_component(query)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_and_cursor_are_added_only_when_given() {
        assert_eq!(list_path(None, None), "/communities");
        assert_eq!(list_path(Some(100), None), "/communities?limit=100");
        assert_eq!(list_path(Some(100), Some("c2")), "/communities?limit=100&cursor=c2");
    }
}
