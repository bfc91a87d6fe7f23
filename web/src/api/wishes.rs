//! `/wishes`: the feeds, one wish with its timeline, posting, and the actions of the workflow.

use std::future::Future;

use haolin_shared::api::{CreateWishRequest, Items, Page, ReasonRequest, VersionGuard, Wish, WishEvent};
use haolin_shared::domain::WishAction;

use super::{call, post};
use crate::error::ApiError;
use crate::http;

/// A feed of wishes (`GET /wishes?…`), as the pages list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WishFeed {
    /// The open wishes of my communities (the member's pool).
    Open,
    /// The wishes I hold: claimed by or assigned to me.
    Held,
    /// The wishes I posted.
    Mine,
    /// The wishes waiting for a dispatcher's review.
    PendingReview,
    /// Every wish I may see, 20 a page (the dispatcher's community list).
    Visible,
}

impl WishFeed {
    /// The feed's query string (without `?`).
    fn query(self) -> &'static str {
        match self {
            Self::Open => "status=open",
            Self::Held => "held=true",
            Self::Mine => "mine=true",
            Self::PendingReview => "status=pending_review",
            Self::Visible => "limit=20",
        }
    }
}

/// The path of one page of a feed.
fn list_path(feed: WishFeed, cursor: Option<&str>) -> String {
    let mut path = format!("/wishes?{}", feed.query());
    if let Some(c) = cursor {
        path.push_str("&cursor=");
        path.push_str(c);
    }
    path
}

/// `GET /wishes?…[&cursor=…]`: one page of `feed`, newest first.
pub fn list(feed: WishFeed, cursor: Option<&str>) -> impl Future<Output = Result<Page<Wish>, ApiError>> + use<> {
    super::get(list_path(feed, cursor))
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
        assert_eq!(list_path(WishFeed::Open, None), "/wishes?status=open");
        assert_eq!(list_path(WishFeed::PendingReview, None), "/wishes?status=pending_review");
        assert_eq!(list_path(WishFeed::Mine, None), "/wishes?mine=true");
        assert_eq!(list_path(WishFeed::Held, None), "/wishes?held=true");
        assert_eq!(list_path(WishFeed::Visible, Some("abc")), "/wishes?limit=20&cursor=abc");
    }
}
