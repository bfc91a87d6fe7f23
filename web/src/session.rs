//! The logged-in session and its only owner: the tokens (kept in `localStorage`), every
//! authenticated exchange, and the one decision to refresh them — shortly before the access token
//! expires, when a call meets an expired token, or when the event stream is refused near expiry.
//! One refresh runs at a time (refresh tokens are single use); a call retries once after it.
//!
//! The layers above learn what happened through [`on_event`]: new tokens (re-open the live
//! stream) or a session the server ended (back to the login page).

use std::cell::{Cell, RefCell};
use std::future::Future;

use haolin_shared::api::{AuthResponse, RefreshRequest, Role};
use leptos::prelude::{TimeoutHandle, set_timeout_with_handle};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, AuthFailure};
use crate::{http, json, time};

/// Refresh this long before the access token expires.
const REFRESH_MARGIN_MS: f64 = 60_000.0;
/// Never schedule a refresh sooner than this (a token with a very short life).
const MIN_REFRESH_DELAY_MS: f64 = 1_000.0;
/// A refused event stream is blamed on the token when it expires within this long.
const STREAM_EXPIRY_MARGIN_MS: f64 = 90_000.0;
/// After a failed scheduled refresh (offline), try again this much later.
const RETRY_REFRESH_MS: i32 = 10_000;

const TOKENS_KEY: &str = "haolin.session";
const ROLE_KEY: &str = "haolin.role";

/// The token pair of the session and when its access token expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// The bearer token.
    pub access_token: String,
    /// The single-use refresh token.
    pub refresh_token: String,
    /// When `access_token` expires, in milliseconds since the epoch (browser clock).
    pub expires_at_ms: f64,
}

impl Tokens {
    /// The tokens of a login, register or refresh answer received at `now_ms`.
    pub fn from_auth(auth: &AuthResponse, now_ms: f64) -> Self {
        Self {
            access_token: auth.access_token.clone(),
            refresh_token: auth.refresh_token.clone(),
            expires_at_ms: now_ms + auth.expires_in as f64 * 1000.0,
        }
    }
}

/// How long to wait, from `now_ms`, before refreshing tokens that expire at `expires_at_ms`: a
/// minute early, but at most half the remaining life for short-lived tokens, and never negative.
pub fn refresh_delay_ms(expires_at_ms: f64, now_ms: f64) -> f64 {
    let remaining = expires_at_ms - now_ms;
    let margin = REFRESH_MARGIN_MS.min(remaining / 2.0);
    (remaining - margin).max(MIN_REFRESH_DELAY_MS.min(remaining.max(0.0)))
}

/// What happened to the session, for the layers above (see [`on_event`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEvent {
    /// New tokens arrived.
    Refreshed,
    /// The server ended the session (a 401 other than an expired token), or a call found none;
    /// the tokens are forgotten. `had_tokens`: whether there was a session to lose.
    Over {
        /// Whether tokens were held until now.
        had_tokens: bool,
    },
}

thread_local! {
    static TOKENS: RefCell<Option<Tokens>> = const { RefCell::new(None) };
    static REFRESHING: Cell<bool> = const { Cell::new(false) };
    static REFRESH_TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    static LISTENER: Cell<Option<fn(SessionEvent)>> = const { Cell::new(None) };
}

/// Calls `f` with every [`SessionEvent`] (one listener: the app state; a second call replaces it).
pub fn on_event(f: fn(SessionEvent)) {
    LISTENER.with(|l| l.set(Some(f)));
}

fn announce(event: SessionEvent) {
    if let Some(f) = LISTENER.with(Cell::get) {
        f(event);
    }
}

fn tokens() -> Option<Tokens> {
    TOKENS.with(|t| t.borrow().clone())
}

/// The current access token, if logged in.
pub fn access_token() -> Option<String> {
    TOKENS.with(|t| t.borrow().as_ref().map(|t| t.access_token.clone()))
}

/// Replaces the tokens in memory and in `localStorage` (forgetting them forgets the role too).
fn store_tokens(tokens: Option<Tokens>) {
    if let Some(storage) = storage() {
        let _ = match &tokens {
            Some(t) => match json::to_string(t) {
                Some(text) => storage.set_item(TOKENS_KEY, &text),
                None => Ok(()),
            },
            None => storage.remove_item(TOKENS_KEY).and_then(|()| storage.remove_item(ROLE_KEY)),
        };
    }
    TOKENS.with(|t| *t.borrow_mut() = tokens);
}

/// Resumes the session saved by an earlier visit, planning its refresh; says whether there was one.
pub fn resume() -> bool {
    let saved =
        storage().and_then(|s| s.get_item(TOKENS_KEY).ok().flatten()).and_then(|text| json::from_str::<Tokens>(&text));
    let found = saved.is_some();
    TOKENS.with(|t| *t.borrow_mut() = saved);
    if found {
        schedule_refresh();
    }
    found
}

/// Starts the session of a login or registration answer received at `started_ms`.
pub fn begin(auth: &AuthResponse, started_ms: f64) {
    store_tokens(Some(Tokens::from_auth(auth, started_ms)));
    schedule_refresh();
}

/// Forgets the session here: no more refreshes, no tokens (the caller logs out on the server first).
pub fn end() {
    REFRESH_TIMER.with(|t| {
        if let Some(h) = t.borrow_mut().take() {
            h.clear();
        }
    });
    store_tokens(None);
}

/// The server ended the session: forget it and say so.
fn over() {
    let had_tokens = TOKENS.with(|t| t.borrow().is_some());
    end();
    announce(SessionEvent::Over { had_tokens });
}

/// The role chosen on an earlier visit.
pub fn stored_role() -> Option<Role> {
    storage().and_then(|s| s.get_item(ROLE_KEY).ok().flatten()).and_then(|r| Role::parse(&r))
}

/// Remembers the chosen role.
pub fn store_role(role: Role) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(ROLE_KEY, role.as_str());
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// An authenticated exchange with `path` (below `/api/v1`): the final status and body text (see
/// [`authorized`]). Not generic, so its code exists once however many types the app decodes.
pub async fn exchange(
    method: &str,
    path: &str,
    body: Option<String>,
    idempotency_key: Option<&str>,
) -> Result<(u16, String), ApiError> {
    let body = body.as_deref();
    authorized(|token| async move { http::send(method, path, body, Some(&token), idempotency_key).await }).await
}

/// Runs `send` with the access token: an expired token is refreshed once and `send` run again
/// with the new one; any other 401 ends the session. The final status and body text.
pub async fn authorized<F>(send: impl Fn(String) -> F) -> Result<(u16, String), ApiError>
where
    F: Future<Output = Result<(u16, String), ApiError>>,
{
    let mut retried = false;
    loop {
        let Some(token) = access_token() else {
            over();
            return Err(ApiError::Status { status: 401, info: None });
        };
        let (status, text) = send(token.clone()).await?;
        let failure = if status == 401 { ApiError::from_response(status, &text).auth_failure() } else { None };
        match failure {
            Some(AuthFailure::Expired) if !retried => {
                retried = true;
                // Someone else may have refreshed while this call was in flight.
                if access_token().as_deref() == Some(token.as_str()) {
                    refresh().await?;
                }
            }
            Some(_) => {
                over();
                return Ok((status, text));
            }
            None => return Ok((status, text)),
        }
    }
}

/// Buys a new token pair with the refresh token. Only one refresh runs at a time; a caller that
/// arrives during one waits for it.
async fn refresh() -> Result<(), ApiError> {
    if REFRESHING.with(Cell::get) {
        for _ in 0..200 {
            time::sleep(50).await;
            if !REFRESHING.with(Cell::get) {
                break;
            }
        }
        return if tokens().is_some() { Ok(()) } else { Err(ApiError::Network) };
    }
    let Some(tokens) = tokens() else { return Err(ApiError::Status { status: 401, info: None }) };
    REFRESHING.with(|r| r.set(true));
    let started = time::now_ms();
    let result = match http::to_json(&RefreshRequest { refresh_token: tokens.refresh_token }) {
        Ok(json) => match http::send("POST", "/auth/refresh", Some(&json), None, None).await {
            Ok((status, text)) => http::decode::<AuthResponse>(status, &text),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    REFRESHING.with(|r| r.set(false));
    match result {
        Ok(auth) => {
            store_tokens(Some(Tokens::from_auth(&auth, started)));
            schedule_refresh();
            announce(SessionEvent::Refreshed);
            Ok(())
        }
        Err(e) => {
            if e.status() == Some(401) {
                over();
            }
            Err(e)
        }
    }
}

/// The event stream was refused: if the access token is about to expire (the likely reason),
/// refreshes it — [`SessionEvent::Refreshed`] then re-opens the stream — and says it did.
pub async fn refresh_if_expiring() -> bool {
    let expiring = tokens().is_some_and(|t| t.expires_at_ms - time::now_ms() < STREAM_EXPIRY_MARGIN_MS);
    if expiring {
        let _ = refresh().await;
    }
    expiring
}

/// Plans a refresh shortly before the access token expires.
fn schedule_refresh() {
    let Some(tokens) = tokens() else { return };
    let delay = refresh_delay_ms(tokens.expires_at_ms, time::now_ms());
    let handle = set_timeout_with_handle(
        || {
            leptos::task::spawn_local(async {
                if let Err(e) = refresh().await
                    && e.status() != Some(401)
                {
                    // Offline for now: try again in a while (an expired token is refreshed on use too).
                    time::sleep(RETRY_REFRESH_MS).await;
                    schedule_refresh();
                }
            });
        },
        std::time::Duration::from_millis(delay as u64),
    )
    .ok();
    REFRESH_TIMER.with(|t| {
        if let Some(old) = t.borrow_mut().take() {
            old.clear();
        }
        *t.borrow_mut() = handle;
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use haolin_shared::api::User;

    #[test]
    fn tokens_are_refreshed_a_minute_before_they_expire() {
        assert_eq!(refresh_delay_ms(1_000_000.0 + 900_000.0, 1_000_000.0), 840_000.0);
    }

    #[test]
    fn short_lived_tokens_are_refreshed_halfway() {
        assert_eq!(refresh_delay_ms(10_000.0, 0.0), 5_000.0);
    }

    #[test]
    fn expired_tokens_are_refreshed_at_once() {
        assert_eq!(refresh_delay_ms(0.0, 5_000.0), 0.0);
    }

    #[test]
    fn the_expiry_comes_from_expires_in() {
        let user = User {
            id: "1".into(),
            name: "x".into(),
            phone: "13800000001".into(),
            roles: vec![],
            community_ids: vec![],
            grants: vec![],
        };
        let auth = AuthResponse { user, access_token: "a".into(), expires_in: 900, refresh_token: "r".into() };
        assert_eq!(Tokens::from_auth(&auth, 1000.0).expires_at_ms, 901_000.0);
    }
}
