//! Liveness and readiness.

use actix_web::{HttpResponse, get, web};

use crate::error::ApiError;
use crate::state::AppState;

/// The process is up.
#[utoipa::path(tag = "health", security(()), responses((status = 200, description = "up")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The database answers. `details.calendar` names the years around now that lack holiday data
/// (their working days are counted Monday–Friday until an admin uploads the year).
#[utoipa::path(tag = "health", security(()), responses((status = 200, description = "ready"), (status = 503, body = haolin_shared::api::ErrorBody)))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.store.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        ApiError::unavailable()
    })?;
    let fallback = match crate::work_orders::deadlines::calendar(&state).await {
        Ok(calendar) => crate::work_orders::deadlines::fallback_years(&calendar),
        Err(_) => Vec::new(),
    };
    let calendar = if fallback.is_empty() {
        serde_json::json!({"fallback_years": fallback})
    } else {
        serde_json::json!({"fallback_years": fallback, "note": "no holiday data: working days counted Monday to Friday"})
    };
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ready", "details": {"calendar": calendar}})))
}
