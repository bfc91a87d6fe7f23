//! What every request goes through for the operators: a request id on its log lines and its
//! response, and its count and latency in the metrics.
//!
//! [`RequestSpan`] (the root-span builder of `tracing-actix-web`'s `TracingLogger`) takes the
//! request's `X-Request-Id` when it is sane (1–128 printable ASCII characters without spaces),
//! else makes a new one (32 hex digits), stores it in the request's extensions and records it as
//! the `request_id` field of the request's root span, so every log line written while the request
//! is served carries it. [`Observe`], inside `TracingLogger`, sets the `X-Request-Id` response
//! header, counts the request by route pattern and status ([`crate::metrics`]) and writes the
//! access line: at `debug` for most answers (`RUST_LOG=info,haolin::access=debug` shows every
//! request), at `warn` for 5xx.

use std::future::{Ready, ready};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{Error, HttpMessage, web};
use rand::RngCore;
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

use crate::metrics;
use crate::state::AppState;

/// The header carrying the request id, both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The longest request id taken from a client.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// The request's id, in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(HeaderValue);

impl RequestId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }
}

/// Whether a client's request id may be used as is: 1–128 visible ASCII characters.
pub fn is_sane(value: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&value.len()) && value.iter().all(u8::is_ascii_graphic)
}

/// A new id: 128 random bits as 32 lowercase hex digits.
fn generate() -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut raw = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut raw);
    let mut text = [0u8; 32];
    for (i, b) in raw.iter().enumerate() {
        text[2 * i] = HEX[usize::from(b >> 4)];
        text[2 * i + 1] = HEX[usize::from(b & 0x0f)];
    }
    HeaderValue::from_bytes(&text).unwrap_or_else(|_| HeaderValue::from_static("0"))
}

/// The client's address as the rate limits see it: `X-Forwarded-For` only when trusted.
fn client_ip(req: &ServiceRequest) -> String {
    let trust = req.app_data::<web::Data<AppState>>().is_some_and(|s| s.settings.http.trust_forwarded_for);
    crate::extract::client_ip(req.request(), trust)
}

/// The root span of every request, with its request id.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(req: &ServiceRequest) -> Span {
        let id = req.headers().get(&REQUEST_ID).filter(|v| is_sane(v.as_bytes())).cloned().unwrap_or_else(generate);
        let id = RequestId(id);
        // The path without the query: a query may hold a token (`?access_token=` on the stream).
        let span = tracing::info_span!(
            "HTTP request",
            request_id = %id.as_str(),
            http.method = %req.method(),
            http.target = %req.path(),
            http.client_ip = %client_ip(req),
            http.status_code = Empty,
            otel.status_code = Empty,
            exception.message = Empty,
            exception.details = Empty,
        );
        req.extensions_mut().insert(id);
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// The middleware setting `X-Request-Id` and counting requests; wrap it inside `TracingLogger`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Observe;

impl<S, B> Transform<S, ServiceRequest> for Observe
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = ObserveMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ObserveMiddleware { service }))
    }
}

/// [`Observe`] around one service.
#[derive(Debug)]
pub struct ObserveMiddleware<S> {
    service: S,
}

impl<S, B> Service<ServiceRequest> for ObserveMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = ObserveFuture<S::Future>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        // No clone of the request is kept: routing needs to be its only owner.
        ObserveFuture {
            fut: self.service.call(req),
            started: Instant::now(),
            _in_flight: metrics::global().request_started(),
        }
    }
}

pin_project_lite::pin_project! {
    /// The response of [`ObserveMiddleware`].
    pub struct ObserveFuture<F> {
        #[pin]
        fut: F,
        started: Instant,
        _in_flight: metrics::InFlightGuard,
    }
}

impl<F, B> Future for ObserveFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
    B: MessageBody,
{
    type Output = Result<ServiceResponse<B>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match this.fut.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(mut res)) => {
                finish(&mut res, this.started.elapsed());
                Poll::Ready(Ok(res))
            }
            // Handlers' errors are responses by now; an error here comes from a middleware and
            // becomes a response further out (the app's own middleware never fail).
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        }
    }
}

/// Sets the header, counts the request and writes the access line.
fn finish<B>(res: &mut ServiceResponse<B>, elapsed: std::time::Duration) {
    let id = res.request().extensions().get::<RequestId>().map(|id| id.0.clone());
    if let Some(id) = id {
        res.headers_mut().insert(REQUEST_ID, id);
    }
    let status = res.status().as_u16();
    let pattern = res.request().match_pattern();
    let route = match pattern.as_deref() {
        None => metrics::UNMATCHED,
        Some("") => "/",
        Some(p) => p,
    };
    metrics::global().record_request(res.request().method(), route, status, elapsed);
    let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    if status >= 500 {
        tracing::warn!(target: "haolin::access", status, route, micros, "request answered");
    } else {
        tracing::debug!(target: "haolin::access", status, route, micros, "request answered");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_ids_are_visible_ascii_up_to_128() {
        assert!(is_sane(b"abc-123_XYZ.:/"));
        assert!(is_sane(&[b'a'; 128]));
        assert!(!is_sane(&[b'a'; 129]));
        assert!(!is_sane(b""));
        assert!(!is_sane(b"has space"));
        assert!(!is_sane(b"tab\there"));
        assert!(!is_sane("中文".as_bytes()));
    }

    #[test]
    fn generated_ids_are_32_hex_digits_and_differ() {
        let a = generate();
        let b = generate();
        assert_eq!(a.len(), 32);
        assert!(a.as_bytes().iter().all(u8::is_ascii_hexdigit));
        assert_ne!(a, b);
    }
}
