//! `/wishes`: the feeds, one wish with its timeline, posting, and the actions of the workflow.

use std::future::Future;

use haolin_shared::api::{CreateWishRequest, Items, Page, ReasonRequest, VersionGuard, Wish, WishEvent};
use haolin_shared::domain::{WishAction, WishStatus};

use super::{call, post};
use crate::error::ApiError;
use crate::http;

/// Which wishes a feed lists (`GET /wishes?…`); the default lists every wish the caller may see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WishQuery {
    /// Only wishes in this status.
    pub status: Option<WishStatus>,
    /// Only the wishes I posted.
    pub mine: bool,
    /// Only the wishes I hold (claimed or assigned to me).
    pub held: bool,
    /// At most this many per page.
    pub limit: Option<u32>,
}

impl WishQuery {
    /// The query string of the feed (without `?`).
    fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(status) = self.status {
            parts.push(format!("status={}", status.as_str()));
        }
        if self.mine {
            parts.push("mine=true".to_owned());
        }
        if self.held {
            parts.push("held=true".to_owned());
        }
        if let Some(limit) = self.limit {
            parts.push(format!("limit={limit}"));
        }
        parts.join("&")
    }
}

/// The path of one page of a feed.
fn list_path(query: &WishQuery, cursor: Option<&str>) -> String {
    let mut path = format!("/wishes?{}", query.to_query());
    if let Some(c) = cursor {
        path.push_str("&cursor=");
        path.push_str(c);
    }
    path
}

/// `GET /wishes?…[&cursor=…]`: one page of the feed `query`, newest first.
pub fn list(query: &WishQuery, cursor: Option<&str>) -> impl Future<Output = Result<Page<Wish>, ApiError>> + use<> {
    super::get(list_path(query, cursor))
}

/// `GET /wishes/{id}`.
pub fn get(id: &str) -> impl Future<Output = Result<Wish, ApiError>> + use<> {
    super::get(format!("/wishes/{id}"))
}

/// `GET /wishes/{id}/events`: the wish's timeline, oldest first.
pub fn events(id: &str) -> impl Future<Output = Result<Items<WishEvent>, ApiError>> + use<> {
    super::get(format!("/wishes/{id}/events"))
}

/// `POST /wishes` with an `Idempotency-Key`, so a retried post is not doubled.
pub fn create(request: &CreateWishRequest, key: &str) -> impl Future<Output = Result<Wish, ApiError>> + use<> {
    call("POST", "/wishes".to_owned(), Some(http::to_json(request)), Some(key.to_owned()))
}

/// `POST /wishes/{id}/claim`, only while the wish is at `version` if one is given.
pub fn claim(id: &str, version: Option<i64>) -> impl Future<Output = Result<Wish, ApiError>> + use<> {
    post(format!("/wishes/{id}/claim"), &VersionGuard { version })
}

/// `POST /wishes/{id}/approve` (a dispatcher's review), only while the wish is at `version`.
pub fn approve(id: &str, version: i64) -> impl Future<Output = Result<Wish, ApiError>> + use<> {
    post(format!("/wishes/{id}/approve"), &VersionGuard { version: Some(version) })
}

/// `POST /wishes/{id}/reject` with the reason, only while the wish is at `version`.
pub fn reject(id: &str, reason: String, version: i64) -> impl Future<Output = Result<Wish, ApiError>> + use<> {
    post(format!("/wishes/{id}/reject"), &ReasonRequest { reason, version: Some(version) })
}

/// `POST /wishes/{id}/{action}` with the action's JSON body, already written and checked.
pub fn act(id: &str, action: WishAction, body: String) -> impl Future<Output = Result<Wish, ApiError>> + use<> {
    call("POST", format!("/wishes/{id}/{}", action.as_str()), Some(Ok(body)), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_feed_asks_for_what_it_shows() {
        let q = |query: WishQuery| list_path(&query, None);
        assert_eq!(q(WishQuery { status: Some(WishStatus::Open), ..Default::default() }), "/wishes?status=open");
        assert_eq!(
            q(WishQuery { status: Some(WishStatus::PendingReview), ..Default::default() }),
            "/wishes?status=pending_review"
        );
        assert_eq!(q(WishQuery { mine: true, ..Default::default() }), "/wishes?mine=true");
        assert_eq!(q(WishQuery { held: true, ..Default::default() }), "/wishes?held=true");
        let all = WishQuery { limit: Some(20), ..Default::default() };
        assert_eq!(list_path(&all, Some("abc")), "/wishes?limit=20&cursor=abc");
    }
}
