//! `/notices`: the notices for my places (the homes read a light line of each), one notice,
//! marking it read, and for staff posting, their posted notices and withdrawing.

use std::future::Future;

use haolin_shared::api::{CreateNoticeRequest, Notice, Page};

use super::{get, post};
use crate::error::ApiError;

/// `GET /notices?limit=…` as its JSON text, unread (the homes draw it: `components::notices`);
/// `None` when it failed.
pub async fn lines(limit: u32) -> Option<String> {
    match super::exchange("GET", format!("/notices?limit={limit}"), None, None).await {
        Ok((200, text)) => Some(text),
        _ => None,
    }
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
