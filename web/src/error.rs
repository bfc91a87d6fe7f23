//! What went wrong with an API call, and what the app does about it (pure, so it is unit tested).

use haolin_shared::api::{CurrentStatus, ErrorBody, ErrorCode, ErrorInfo};
use haolin_shared::domain::WishStatus;

use crate::i18n::MESSAGES;
use crate::json;

/// A failed API call.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer (offline, server down).
    Network,
    /// An error status; `info` is the server's error body when it sent one.
    Status {
        /// The HTTP status.
        status: u16,
        /// The parsed `{"error": …}` body.
        info: Option<ErrorInfo>,
    },
    /// A 2xx answer that is not the expected JSON.
    Decode,
}

/// What to do about a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// The access token expired: refresh once and retry.
    Expired,
    /// Any other 401 (revoked, forged, missing): the session is over; go to the login page.
    LoggedOut,
}

impl ApiError {
    /// Builds the error of a non-2xx answer from its status and body.
    pub fn from_response(status: u16, body: &str) -> Self {
        let info = json::from_str::<ErrorBody>(body).map(|b| b.error);
        Self::Status { status, info }
    }

    /// The API error code, if the server sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Status { info: Some(info), .. } => Some(info.code),
            _ => None,
        }
    }

    /// The HTTP status, if there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// What to do if this is a 401 on an authenticated call (login's `invalid_credentials` is not).
    pub fn auth_failure(&self) -> Option<AuthFailure> {
        match (self.status(), self.code()) {
            (Some(401), Some(ErrorCode::TokenExpired)) => Some(AuthFailure::Expired),
            (Some(401), Some(ErrorCode::InvalidCredentials)) => None,
            (Some(401), _) => Some(AuthFailure::LoggedOut),
            _ => None,
        }
    }

    /// Whether this is a claim that lost the race: 409 and the wish is now claimed.
    pub fn is_lost_race(&self) -> bool {
        matches!(self, Self::Status { status: 409, info: Some(info) } if info.details.status == Some(CurrentStatus::Wish(WishStatus::Claimed))
            && matches!(info.code, ErrorCode::InvalidState | ErrorCode::VersionConflict))
    }

    /// Whether the wish changed under the caller (reload it).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// The sentence to show: the server's own Chinese message when it sent one.
    pub fn message(&self) -> String {
        match self {
            Self::Network => MESSAGES.network_error.to_owned(),
            Self::Decode => MESSAGES.decode_error.to_owned(),
            Self::Status { info: Some(info), .. } if !info.message.is_empty() => info.message.clone(),
            Self::Status { .. } => MESSAGES.server_error.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOST: &str =
        r#"{"error":{"code":"invalid_state","message":"心愿已被认领","details":{"status":"claimed","version":3}}}"#;

    #[test]
    fn a_lost_claim_race_is_recognised() {
        let e = ApiError::from_response(409, LOST);
        assert!(e.is_lost_race());
        assert_eq!(e.message(), "心愿已被认领");
    }

    #[test]
    fn another_conflict_is_not_a_lost_race() {
        let body = r#"{"error":{"code":"invalid_state","message":"m","details":{"status":"cancelled"}}}"#;
        assert!(!ApiError::from_response(409, body).is_lost_race());
        let limit = r#"{"error":{"code":"claim_limit_reached","message":"m","details":{}}}"#;
        assert!(!ApiError::from_response(409, limit).is_lost_race());
    }

    #[test]
    fn an_expired_token_is_refreshed_and_other_401s_log_out() {
        let expired = r#"{"error":{"code":"token_expired","message":"m"}}"#;
        let revoked = r#"{"error":{"code":"invalid_token","message":"m"}}"#;
        let creds = r#"{"error":{"code":"invalid_credentials","message":"m"}}"#;
        assert_eq!(ApiError::from_response(401, expired).auth_failure(), Some(AuthFailure::Expired));
        assert_eq!(ApiError::from_response(401, revoked).auth_failure(), Some(AuthFailure::LoggedOut));
        assert_eq!(ApiError::from_response(401, "garbage").auth_failure(), Some(AuthFailure::LoggedOut));
        assert_eq!(ApiError::from_response(401, creds).auth_failure(), None);
        assert_eq!(ApiError::from_response(403, revoked).auth_failure(), None);
    }

    #[test]
    fn an_unreadable_error_falls_back_to_a_generic_message() {
        assert_eq!(ApiError::from_response(502, "<html>").message(), MESSAGES.server_error);
        assert_eq!(ApiError::Network.message(), MESSAGES.network_error);
    }
}
