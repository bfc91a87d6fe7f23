//! Calls to the Haolin server, made with the browser's own `fetch`.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// Whether the server answered its liveness probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// `GET /healthz` answered with a 2xx status.
    Up,
    /// The request failed or the server answered with an error status.
    Down,
}

/// Asks the server whether it is up (`GET /healthz`, same origin).
pub async fn check_health() -> Health {
    match fetch_status("/healthz").await {
        Some(status) if (200..300).contains(&status) => Health::Up,
        _ => Health::Down,
    }
}

/// Fetches `path` and returns the response's HTTP status, or `None` if no response arrived.
async fn fetch_status(path: &str) -> Option<u16> {
    let window = web_sys::window()?;
    let response = JsFuture::from(window.fetch_with_str(path)).await.ok()?;
    let response: Response = response.dyn_into().ok()?;
    Some(response.status())
}
