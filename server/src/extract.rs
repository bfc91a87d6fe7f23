//! Request extraction with API.md's errors: bodies, cursors and ids.
//!
//! [`ApiJson`] replaces `web::Json` so that malformed JSON is a 400, a wrong type, missing or
//! unknown field is a 422 naming the field, an oversized body is a 413 and a non-JSON body is a 415.

use std::future::Future;
use std::pin::Pin;

use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use haolin_shared::api::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body deserialised with field-level errors. An empty body reads as `{}` on a POST (an
/// action without options) and is a 400 on any other method.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(|v| {
            let essence = v.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        });
        let req_method = req.method().clone();
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = bytes.await.map_err(|e| match e.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => ApiError::new(ErrorCode::PayloadTooLarge, "请求内容过大"),
                _ => ApiError::malformed("无法读取请求内容"),
            })?;
            if body.iter().all(u8::is_ascii_whitespace) {
                // Action endpoints (POST) take an empty body; a PATCH, PUT or DELETE without one
                // would change nothing while answering success.
                if req_method != actix_web::http::Method::POST {
                    return Err(ApiError::malformed("缺少请求内容"));
                }
                return parse(b"{}").map(ApiJson);
            }
            if json_type != Some(true) {
                return Err(ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    "请求内容须为 JSON（Content-Type: application/json）",
                ));
            }
            parse(&body).map(ApiJson)
        })
    }
}

/// Deserialises `body`, mapping serde's errors onto API.md's codes: first the syntax (400), then
/// the shape (422 naming the field), so a truncated body is malformed whatever it starts with.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| ApiError::malformed("请求内容不是合法的 JSON"))?;
    // Every body is an object: serde would read a struct from an array too (`[null, null]`).
    if !value.is_object() {
        return Err(ApiError::malformed("请求内容须为 JSON 对象"));
    }
    integral_numbers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        let field = field_of(&path, &message);
        ApiError::invalid_field(field.clone(), format!("字段 {field} 无效：{}", data_message(&message)))
    })
}

/// Writes every number with no fractional part (`5.0`) as an integer, as JSON Schema counts it:
/// an integer field takes `5.0` like `5` (a float field takes either anyway).
fn integral_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                // Exact: |f| < 2^53.
                #[allow(clippy::cast_possible_truncation)]
                let int = f as i64;
                *value = serde_json::Value::from(int);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// The field a serde data error is about: its path, or the name in "missing/unknown field `x`".
fn field_of(path: &str, message: &str) -> String {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    match (path, named) {
        (".", Some(name)) => name.to_owned(),
        (parent, Some(name)) if message.starts_with("missing") => format!("{parent}.{name}"),
        (_, Some(name)) if path.ends_with(name) => path.to_owned(),
        (parent, Some(name)) => format!("{parent}.{name}"),
        (path, None) => path.to_owned(),
    }
}

/// A short Chinese rendering of serde's message.
fn data_message(message: &str) -> &'static str {
    if message.starts_with("missing field") {
        "缺少必填字段"
    } else if message.starts_with("unknown field") {
        "不认识的字段"
    } else if message.starts_with("invalid type") {
        "类型不正确"
    } else {
        "取值不正确"
    }
}

/// Parses a path id; anything that is not one of our ids is simply not found.
pub fn path_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(ApiError::not_found)
}

/// Parses an id given in a body or query field.
pub fn field_id(field: &str, raw: &str) -> Result<i64, ApiError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::invalid_field(field, format!("{field} 不是有效的编号")))
}

/// Encodes a keyset cursor (the last id of a page).
pub fn encode_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("k{id}"))
}

/// The longest cursor [`encode_cursor`] writes: `k` and up to 19 digits (any positive `i64`), 20
/// bytes in unpadded base64; the OpenAPI document says the same (`routes::doc_rules`).
pub const CURSOR_MAX_LENGTH: usize = 27;

/// Decodes a keyset cursor.
pub fn decode_cursor(raw: &str) -> Result<i64, ApiError> {
    if raw.len() > CURSOR_MAX_LENGTH {
        return Err(ApiError::malformed("cursor 无效"));
    }
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix('k').and_then(|n| n.parse::<i64>().ok()))
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::malformed("cursor 无效"))
}

/// A keyset page from rows read with `limit + 1`: the first `limit` rows, and the cursor of the
/// next page (the last row's `id`) when there was one more.
pub fn keyset_page<T>(mut rows: Vec<T>, limit: u32, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<String>) {
    let limit = limit as usize;
    if rows.len() <= limit {
        return (rows, None);
    }
    rows.truncate(limit);
    let next = rows.last().map(|row| encode_cursor(id(row)));
    (rows, next)
}

/// Parses `limit` (1–100, default 20).
pub fn page_limit(raw: Option<&str>) -> Result<u32, ApiError> {
    match raw {
        None => Ok(20),
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiError::invalid_field("limit", "limit 须为 1 到 100 的整数")),
    }
}

/// Parses a boolean query flag (`true`/`false`/`1`/`0`).
pub fn flag(field: &str, raw: Option<&str>) -> Result<bool, ApiError> {
    match raw {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(ApiError::invalid_field(field, format!("{field} 须为 true 或 false"))),
    }
}

/// The client's address: the peer, or the first `X-Forwarded-For` hop when the deployment says a
/// trusted proxy sets it.
pub fn client_ip(req: &HttpRequest, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for && let Some(ip) = req.connection_info().realip_remote_addr() {
        return ip.to_owned();
    }
    req.peer_addr().map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
}

/// The `Idempotency-Key` header: 1–255 visible ASCII characters (trimmed), or none.
pub fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("Idempotency-Key") else { return Ok(None) };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(|k| Some(k.to_owned()))
        .ok_or_else(|| ApiError::invalid_field("Idempotency-Key", "Idempotency-Key 须为 1 到 255 个可见字符"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_of_a_missing_or_unknown_key_is_named() {
        assert_eq!(field_of(".", "missing field `title` at line 1 column 2"), "title");
        assert_eq!(field_of(".", "unknown field `x`, expected one of `a`"), "x");
        assert_eq!(field_of("roles[0]", "unknown variant `boss`"), "roles[0]");
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(42)).ok(), Some(42));
        assert!(decode_cursor("not-a-cursor").is_err());
    }
}
