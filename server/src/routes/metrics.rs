//! `GET /metrics`: the Prometheus text exposition for operators (see `crate::metrics`).
//!
//! An operator endpoint, not part of the client API: it is registered by `startup` directly and is
//! not in the OpenAPI document. On the main listener it needs the metrics token (404 without the
//! setting, 401 with a missing or wrong token); the separate metrics listener serves it openly.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::metrics;
use crate::state::AppState;

/// The content type of the text format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `/metrics` on the main listener, behind the bearer token.
pub async fn scrape(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let authorization = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    metrics::authorize(&state, authorization)?;
    Ok(exposition(&state).await)
}

/// `/metrics` on the separate metrics listener, open to whoever reaches it.
pub async fn scrape_open(state: web::Data<AppState>) -> HttpResponse {
    exposition(&state).await
}

async fn exposition(state: &AppState) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(metrics::render(state).await)
}
