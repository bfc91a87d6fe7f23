//! The typed client of the Haolin API, on the browser's own `fetch`.
//!
//! Authenticated calls carry the session's bearer token. An expired token is refreshed once (one
//! refresh at a time: refresh tokens are single use) and the call retried; any other 401 ends the
//! session and sends the user to the login page.

use std::cell::Cell;

use haolin_shared::api::{AuthResponse, RefreshRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use crate::error::{ApiError, AuthFailure};
use crate::session::{self, Tokens};
use crate::{state, time};

const BASE: &str = "/api/v1";

thread_local! {
    static REFRESHING: Cell<bool> = const { Cell::new(false) };
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// One HTTP exchange: the status and body text of the answer.
async fn send(
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
    idempotency_key: Option<&str>,
) -> Result<(u16, String), ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| ApiError::Network)?;
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&JsValue::from_str(body));
    }
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    if let Some(key) = idempotency_key {
        let _ = headers.set("Idempotency-Key", key);
    }
    init.set_headers(&headers);
    let url = format!("{BASE}{path}");
    let request = Request::new_with_str_and_init(&url, &init).map_err(|_| ApiError::Network)?;
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let response = JsFuture::from(window.fetch_with_request(&request)).await.map_err(|_| ApiError::Network)?;
    let response: Response = response.dyn_into().map_err(|_| ApiError::Network)?;
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok((response.status(), text))
}

/// Turns an answer into `T` or an [`ApiError`].
fn decode<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, ApiError> {
    if !(200..300).contains(&status) {
        return Err(ApiError::from_response(status, text));
    }
    let text = if text.is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|_| ApiError::Decode)
}

/// An authenticated exchange, refreshing an expired token once: the final status and body text.
/// Not generic, so its code exists once however many types the app decodes.
async fn exchange(
    method: &str,
    path: &str,
    body: Option<String>,
    idempotency_key: Option<&str>,
) -> Result<(u16, String), ApiError> {
    let mut retried = false;
    loop {
        let Some(token) = session::access_token() else {
            state::session_over();
            return Err(ApiError::Status { status: 401, info: None });
        };
        let (status, text) = send(method, path, body.as_deref(), Some(&token), idempotency_key).await?;
        let failure = if status == 401 { ApiError::from_response(status, &text).auth_failure() } else { None };
        match failure {
            Some(AuthFailure::Expired) if !retried => {
                retried = true;
                // Someone else may have refreshed while this call was in flight.
                if session::access_token().as_deref() == Some(token.as_str()) {
                    refresh().await?;
                }
            }
            Some(_) => {
                state::session_over();
                return Ok((status, text));
            }
            None => return Ok((status, text)),
        }
    }
}

/// An authenticated call decoded into `T`.
async fn authed<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<String>,
    idempotency_key: Option<&str>,
) -> Result<T, ApiError> {
    let (status, text) = exchange(method, path, body, idempotency_key).await?;
    decode(status, &text)
}

/// `GET` an authenticated path (below `/api/v1`).
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    authed("GET", path, None, None).await
}

/// `POST` a JSON body to an authenticated path.
pub async fn post<T: DeserializeOwned, B: Serialize>(path: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    authed("POST", path, Some(json), None).await
}

/// `PUT` a JSON body to an authenticated path.
pub async fn put<T: DeserializeOwned, B: Serialize>(path: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    authed("PUT", path, Some(json), None).await
}

/// `PATCH` a JSON body to an authenticated path.
pub async fn patch<T: DeserializeOwned, B: Serialize>(path: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    authed("PATCH", path, Some(json), None).await
}

/// `POST` an already serialized JSON body to an authenticated path.
pub async fn post_json<T: DeserializeOwned>(path: &str, json: String) -> Result<T, ApiError> {
    authed("POST", path, Some(json), None).await
}

/// `POST` a JSON body with an `Idempotency-Key`, so a retried creation is not doubled.
pub async fn post_once<T: DeserializeOwned, B: Serialize>(path: &str, body: &B, key: &str) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    authed("POST", path, Some(json), Some(key)).await
}

/// `POST` without a token (login, register).
pub async fn post_public<T: DeserializeOwned, B: Serialize>(path: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::Decode)?;
    let (status, text) = send("POST", path, Some(&json), None, None).await?;
    decode(status, &text)
}

/// Ends the session on the server (`POST /auth/logout`); failures are ignored.
pub async fn logout() {
    if let Some(token) = session::access_token() {
        let _ = send("POST", "/auth/logout", None, Some(&token), None).await;
    }
}

/// Buys a new token pair with the refresh token. Only one refresh runs at a time; a caller that
/// arrives during one waits for it.
pub async fn refresh() -> Result<(), ApiError> {
    if REFRESHING.with(Cell::get) {
        for _ in 0..200 {
            sleep(50).await;
            if !REFRESHING.with(Cell::get) {
                break;
            }
        }
        return if session::tokens().is_some() { Ok(()) } else { Err(ApiError::Network) };
    }
    let Some(tokens) = session::tokens() else { return Err(ApiError::Status { status: 401, info: None }) };
    REFRESHING.with(|r| r.set(true));
    let started = time::now_ms();
    let result =
        post_public::<AuthResponse, _>("/auth/refresh", &RefreshRequest { refresh_token: tokens.refresh_token }).await;
    REFRESHING.with(|r| r.set(false));
    match result {
        Ok(auth) => {
            session::store_tokens(Some(Tokens::from_auth(&auth, started)));
            state::tokens_refreshed();
            Ok(())
        }
        Err(e) => {
            if e.status() == Some(401) {
                state::session_over();
            }
            Err(e)
        }
    }
}
