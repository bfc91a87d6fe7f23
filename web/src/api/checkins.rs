//! `/checkins`: the party members' dual check-ins (双报到), filed, withdrawn and decided.

use std::future::Future;

use haolin_shared::api::{Checkin, CreateCheckinRequest, Items, RejectCheckinRequest};
use haolin_shared::domain::CheckinStatus;

use super::{get, post};
use crate::error::ApiError;

/// `GET /checkins[?status=…]`: my check-ins, and those to the communities I dispatch for.
pub fn list(status: Option<CheckinStatus>) -> impl Future<Output = Result<Items<Checkin>, ApiError>> {
    get(match status {
        Some(s) => format!("/checkins?status={}", s.as_str()),
        None => "/checkins".to_owned(),
    })
}

/// `POST /checkins`: files a new check-in.
pub fn file(request: &CreateCheckinRequest) -> impl Future<Output = Result<Checkin, ApiError>> + use<> {
    post("/checkins".to_owned(), request)
}

/// `POST /checkins/{id}/withdraw`.
pub fn withdraw(id: &str) -> impl Future<Output = Result<Checkin, ApiError>> + use<> {
    post(format!("/checkins/{id}/withdraw"), &())
}

/// `POST /checkins/{id}/approve`.
pub fn approve(id: &str) -> impl Future<Output = Result<Checkin, ApiError>> + use<> {
    post(format!("/checkins/{id}/approve"), &())
}

/// `POST /checkins/{id}/reject` with the reason.
pub fn reject(id: &str, reason: String) -> impl Future<Output = Result<Checkin, ApiError>> + use<> {
    post(format!("/checkins/{id}/reject"), &RejectCheckinRequest { reason })
}
