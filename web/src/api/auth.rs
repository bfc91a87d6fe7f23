//! `/auth`: login, registration (no token needed) and logout. The refresh of tokens belongs to
//! [`crate::session`].

use std::future::Future;

use haolin_shared::api::{AuthResponse, LoginRequest, RegisterRequest};

use crate::error::ApiError;
use crate::{http, session};

/// `POST` a body without a token, decoded as the new session's tokens.
async fn authenticate(path: &'static str, body: Result<String, ApiError>) -> Result<AuthResponse, ApiError> {
    let (status, text) = http::send("POST", path, Some(&body?), None, None).await?;
    http::decode(status, &text)
}

/// `POST /auth/login`.
pub fn login(request: &LoginRequest) -> impl Future<Output = Result<AuthResponse, ApiError>> + use<> {
    authenticate("/auth/login", http::to_json(request))
}

/// `POST /auth/register`: a new resident account, logged in.
pub fn register(request: &RegisterRequest) -> impl Future<Output = Result<AuthResponse, ApiError>> + use<> {
    authenticate("/auth/register", http::to_json(request))
}

/// `POST /auth/logout`: ends the session on the server; failures are ignored.
pub async fn logout() {
    if let Some(token) = session::access_token() {
        let _ = http::send("POST", "/auth/logout", None, Some(&token), None).await;
    }
}
