//! Signed download links: a browser cannot put a Bearer header on a plain link, so the office asks
//! for a link (`POST /api/v1/exports/links`) and follows it. The link is bound to the account, its
//! session and the exact path and query; it lives `exports.link_ttl` (60 s) and works once. When
//! it is used, the session must still be live and the caller's rights are checked again.
//!
//! The link is `{path}?{query}&expires=E&uid=U&sid=S&sig=X`, where `X` is the HMAC (the server's
//! [`crate::time_bank::Signer`] key) of `export-link`, the path, and everything after `?` up to
//! `&sig=`.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use actix_web::{FromRequest, HttpRequest, http::header};
use chrono::{DateTime, Utc};
use haolin_shared::api::ErrorCode;

use crate::auth::Caller;
use crate::auth::Origin;
use crate::error::ApiError;
use crate::state::AppState;

/// The query keys a link adds (a path to sign must not carry them).
pub const RESERVED: [&str; 5] = ["expires", "uid", "sid", "sig", "access_token"];

/// Signatures already used, with their expiry (seconds), so a link works once on this instance.
static USED: LazyLock<Mutex<HashMap<String, i64>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn signature(state: &AppState, path: &str, signed_query: &str) -> String {
    let mac = state.signer.mac(&format!("export-link\0{path}?{signed_query}"));
    mac.iter().map(|b| format!("{b:02x}")).collect()
}

/// The signed link of `path_and_query` for `caller`, and when it expires.
pub fn sign(state: &AppState, caller: &Caller, path: &str, query: &str, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
    let ttl = chrono::Duration::from_std(state.settings.exports.link_ttl).unwrap_or(chrono::Duration::seconds(60));
    let expires = now + ttl;
    let sep = if query.is_empty() { "" } else { "&" };
    let signed_query =
        format!("{query}{sep}expires={}&uid={}&sid={}", expires.timestamp(), caller.id(), caller.session_id);
    let sig = signature(state, path, &signed_query);
    (format!("{path}?{signed_query}&sig={sig}"), expires)
}

fn refused() -> ApiError {
    ApiError::new(ErrorCode::InvalidToken, "下载链接无效、已过期或已使用，请重新点击下载")
}

/// The caller of an export request: the Bearer token when there is one, else the signed link.
pub async fn caller(state: &AppState, req: &HttpRequest) -> Result<Caller, ApiError> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        return Caller::extract(req).await;
    }
    let query = req.query_string();
    let Some((signed_query, sig)) = query.rsplit_once("&sig=") else {
        return Err(ApiError::new(ErrorCode::MissingToken, "请先登录"));
    };
    let q = crate::routes::wishes::query_map(req)?;
    let number = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
    let (Some(expires), Some(uid), Some(sid)) = (number("expires"), number("uid"), number("sid")) else {
        return Err(refused());
    };
    let now = Utc::now().timestamp();
    let expected = signature(state, req.uri().path(), signed_query);
    let genuine =
        expected.len() == sig.len() && expected.bytes().zip(sig.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !genuine || expires < now {
        return Err(refused());
    }
    {
        let mut used = USED.lock().map_err(|_| ApiError::internal())?;
        used.retain(|_, exp| *exp >= now);
        if used.insert(sig.to_owned(), expires).is_some() {
            return Err(refused());
        }
    }
    let user = state.store.user_of_session(uid, sid).await?.ok_or_else(refused)?;
    Ok(Caller { user, session_id: sid, origin: Origin::of(req, state.settings.http.trust_forwarded_for) })
}
