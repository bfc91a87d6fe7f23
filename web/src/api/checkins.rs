//! `/checkins`: the party members' dual check-ins (双报到), filed, withdrawn and decided.

use std::future::Future;

use haolin_shared::api::{Checkin, CreateCheckinRequest, Items, RejectCheckinRequest};

use super::{get, post};
use crate::error::ApiError;

/// The check-ins of one status, for [`list`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinStatus {
    /// Waiting for a dispatcher's decision.
    Pending,
    /// Approved: the certificate may be printed.
    Approved,
}

impl CheckinStatus {
    /// The API's name of the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_have_the_api_names() {
        assert_eq!(CheckinStatus::Pending.as_str(), "pending");
        assert_eq!(CheckinStatus::Approved.as_str(), "approved");
    }
}
