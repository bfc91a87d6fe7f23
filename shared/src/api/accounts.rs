//! Account self-service beyond API.md's core: changing a password, the caller's sessions, and the
//! one-time reset codes a dispatcher or an admin issues for a resident who forgot their password.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /api/v1/me/password`: change the caller's password. Other sessions are signed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password now; omitted by an account created by WeChat login that has none yet.
    #[serde(default)]
    pub current_password: Option<String>,
    /// The new password, 8–128 characters (`domain::NewPassword`).
    pub new_password: String,
}

/// One of the caller's live sessions (`GET /api/v1/me/sessions`); never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionInfo {
    /// The session's id.
    pub id: String,
    /// When it was started (a login).
    pub created_at: String,
    /// When its refresh token was last exchanged; `null` if never.
    pub last_refreshed_at: Option<String>,
    /// Whether it is the session of the token that asked.
    pub current: bool,
}

/// `POST /api/v1/users/{id}/reset-codes` → 201: the code, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResetCodeResponse {
    /// The account the code resets.
    pub user_id: String,
    /// The one-time code (8 digits), to give to the resident; it is stored only as a hash.
    pub code: String,
    /// When it stops working.
    pub expires_at: String,
}

/// `POST /api/v1/auth/password-reset`: a resident sets a new password with a reset code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// The account's phone number.
    pub phone: String,
    /// The code the dispatcher or admin gave.
    pub code: String,
    /// The new password, 8–128 characters.
    pub new_password: String,
}
