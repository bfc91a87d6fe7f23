//! One HTTP exchange with the Haolin API on the browser's own `fetch`, and reading its answer.
//! Knows nothing of sessions: the caller passes the bearer token, if any.

use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use crate::error::ApiError;
use crate::json;

/// Where the API lives; every path passed here is below it.
pub const BASE: &str = "/api/v1";

/// One HTTP exchange with `path` (below [`BASE`]): the status and body text of the answer.
pub async fn send(
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
pub fn decode<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, ApiError> {
    if !(200..300).contains(&status) {
        return Err(ApiError::from_response(status, text));
    }
    let text = if text.is_empty() { "null" } else { text };
    json::from_str(text).ok_or(ApiError::Decode)
}

/// The JSON text of a request body.
pub fn to_json<B: serde::Serialize>(body: &B) -> Result<String, ApiError> {
    json::to_string(body).ok_or(ApiError::Decode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_success_decodes_as_unit_and_an_error_keeps_its_code() {
        assert_eq!(decode::<()>(204, ""), Ok(()));
        let body = r#"{"error":{"code":"token_expired","message":"m"}}"#;
        assert_eq!(
            decode::<()>(401, body).err().and_then(|e| e.code()),
            Some(haolin_shared::api::ErrorCode::TokenExpired)
        );
        assert_eq!(decode::<u32>(200, "x"), Err(ApiError::Decode));
    }
}
