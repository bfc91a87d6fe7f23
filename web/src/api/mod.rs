//! The typed client of the Haolin API: one function per endpoint, grouped by resource, each
//! building its path from typed arguments — no page spells a URL. Authenticated calls go through
//! [`session::exchange`] (the token, its refresh and the end of a session live there); login and
//! registration go straight to [`http`].
//!
//! An endpoint function builds its request at once and returns the future of the one shared
//! call, so each endpoint adds no state machine of its own to the bundle.

pub mod auth;
pub mod checkins;
pub mod communities;
pub mod events;
pub mod exports;
pub mod figures;
pub mod me;
pub mod notices;
pub mod notifications;
pub mod photos;
pub mod places;
pub mod points;
pub mod property;
pub mod time_bank;
pub mod unit_branches;
pub mod volunteers;
pub mod wishes;
pub mod work_orders;

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The body `{}` of an action without options.
#[derive(Serialize)]
struct Empty {}

use crate::error::ApiError;
use crate::{http, session};

/// The exchange of an authenticated call, before decoding: not generic, so its code exists once.
/// `body` is the request's JSON, or why it could not be written.
async fn exchange(
    method: &'static str,
    path: String,
    body: Option<Result<String, ApiError>>,
    idempotency_key: Option<String>,
) -> Result<(u16, String), ApiError> {
    let body = body.transpose()?;
    session::exchange(method, &path, body, idempotency_key.as_deref()).await
}

/// An authenticated call decoded into `T` (see [`exchange`]).
async fn call<T: DeserializeOwned>(
    method: &'static str,
    path: String,
    body: Option<Result<String, ApiError>>,
    idempotency_key: Option<String>,
) -> Result<T, ApiError> {
    let (status, text) = exchange(method, path, body, idempotency_key).await?;
    http::decode(status, &text)
}

/// `GET` an authenticated path.
fn get<T: DeserializeOwned>(path: String) -> impl Future<Output = Result<T, ApiError>> {
    call("GET", path, None, None)
}

/// `method` (`POST`, `PUT`, `PATCH`) a JSON body to an authenticated path.
fn send<T: DeserializeOwned, B: Serialize>(
    method: &'static str,
    path: String,
    body: &B,
) -> impl Future<Output = Result<T, ApiError>> + use<T, B> {
    call(method, path, Some(http::to_json(body)), None)
}

/// `POST` a JSON body to an authenticated path.
fn post<T: DeserializeOwned, B: Serialize>(
    path: String,
    body: &B,
) -> impl Future<Output = Result<T, ApiError>> + use<T, B> {
    send("POST", path, body)
}
