//! `/notices`: the notices for my places (the homes read a light line of each), one notice,
//! marking it read, and for staff posting, their posted notices and withdrawing.

use std::future::Future;

use haolin_shared::api::{CreateNoticeRequest, Notice, Page};
use serde::Deserialize;

use super::{get, post};
use crate::error::ApiError;

/// What a home page shows of a notice (the rest of its JSON is not read).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NoticeLine {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// Shown first.
    pub pinned: bool,
    /// Not read by me yet.
    pub unread: bool,
}

/// The items of a page of notice lines.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NoticeLines {
    /// The notices, pinned first, then newest.
    pub items: Vec<NoticeLine>,
}

/// `GET /notices?limit=…` read as lines (the homes).
pub fn lines(limit: u32) -> impl Future<Output = Result<NoticeLines, ApiError>> {
    get(format!("/notices?limit={limit}"))
}

/// `GET /notices?cursor=…`: the notices for my places, whole.
pub fn list(cursor: Option<&str>) -> impl Future<Output = Result<Page<Notice>, ApiError>> + use<> {
    get(match cursor {
        Some(c) => format!("/notices?cursor={c}"),
        None => "/notices".to_owned(),
    })
}

/// `GET /notices/posted?cursor=…`: staff's posted notices and those of their places.
pub fn posted(cursor: Option<&str>) -> impl Future<Output = Result<Page<Notice>, ApiError>> + use<> {
    get(match cursor {
        Some(c) => format!("/notices/posted?cursor={c}"),
        None => "/notices/posted".to_owned(),
    })
}

/// `GET /notices/{id}`.
pub fn one(id: &str) -> impl Future<Output = Result<Notice, ApiError>> + use<> {
    get(format!("/notices/{id}"))
}

/// `POST /notices/{id}/read`.
pub fn read(id: &str) -> impl Future<Output = Result<Notice, ApiError>> + use<> {
    post(format!("/notices/{id}/read"), &super::Empty {})
}

/// `POST /notices/{id}/withdraw`.
pub fn withdraw(id: &str) -> impl Future<Output = Result<Notice, ApiError>> + use<> {
    post(format!("/notices/{id}/withdraw"), &super::Empty {})
}

/// `POST /notices`.
pub fn create(request: &CreateNoticeRequest) -> impl Future<Output = Result<Notice, ApiError>> + use<> {
    post("/notices".to_owned(), request)
}
