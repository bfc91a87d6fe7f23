//! `/notifications`: the in-app inbox.

use std::future::Future;

use haolin_shared::inbox::{NotificationList, UnreadCount};

use super::{get, post};
use crate::error::ApiError;

/// `GET /notifications?limit=…`: my latest notifications, newest first.
pub fn list(limit: u32) -> impl Future<Output = Result<NotificationList, ApiError>> {
    get(format!("/notifications?limit={limit}"))
}

/// `GET /notifications/unread-count`.
pub fn unread_count() -> impl Future<Output = Result<UnreadCount, ApiError>> {
    get("/notifications/unread-count".to_owned())
}

/// `POST /notifications/read-all`.
pub fn read_all() -> impl Future<Output = Result<(), ApiError>> {
    post("/notifications/read-all".to_owned(), &())
}

/// `POST /notifications/{id}/read`.
pub fn read(id: &str) -> impl Future<Output = Result<(), ApiError>> + use<> {
    post(format!("/notifications/{id}/read"), &())
}
