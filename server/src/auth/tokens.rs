//! Access tokens (HS256 JWTs, algorithm pinned) and refresh tokens (random, stored hashed).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use haolin_shared::api::ErrorCode;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The account's id.
    pub sub: String,
    /// The session's id; revoking the session invalidates the token.
    pub sid: i64,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expires at (seconds).
    pub exp: i64,
}

/// Signs and checks access tokens with one HS256 key.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_secs: i64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys").field("ttl_secs", &self.ttl_secs).finish_non_exhaustive()
    }
}

impl TokenKeys {
    /// Keys from a secret, issuing tokens valid for `ttl_secs`.
    pub fn new(secret: &[u8], ttl_secs: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_secs,
        }
    }

    /// How long issued tokens live, in seconds.
    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// Issues an access token for a session.
    pub fn issue(&self, user_id: i64, session_id: i64) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims { sub: user_id.to_string(), sid: session_id, iat: now, exp: now + self.ttl_secs };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| {
            tracing::error!(error = %e, "token signing failed");
            ApiError::internal()
        })
    }

    /// Checks a token's signature, algorithm, expiry and issue time.
    pub fn verify(&self, token: &str) -> Result<(i64, i64), ApiError> {
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ApiError::new(ErrorCode::TokenExpired, "登录已过期，请刷新或重新登录"),
                _ => invalid_token(),
            })?;
        if data.claims.iat > Utc::now().timestamp() + 60 {
            return Err(invalid_token());
        }
        let user_id = data.claims.sub.parse::<i64>().map_err(|_| invalid_token())?;
        Ok((user_id, data.claims.sid))
    }
}

/// 401 for any token that is not one of ours.
pub fn invalid_token() -> ApiError {
    ApiError::new(ErrorCode::InvalidToken, "登录凭证无效，请重新登录")
}

/// A new refresh token and the hash to store.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

/// The stored form of a refresh token.
pub fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}
