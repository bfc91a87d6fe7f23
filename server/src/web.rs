//! Serving the built web app: static files, and `index.html` for client-side routes.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::HttpResponse;
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header;

use crate::error::ApiError;

/// The static-file service for `dir`, falling back to `index.html` for unknown paths.
pub fn service(dir: PathBuf) -> Files {
    let index = dir.join("index.html");
    Files::new("/", dir).index_file("index.html").default_handler(fn_service(move |req: ServiceRequest| {
        let index = index.clone();
        async move {
            let (req, _) = req.into_parts();
            let res = match NamedFile::open_async(&index).await {
                Ok(file) => {
                    let mut res = file.into_response(&req);
                    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
                    res
                }
                Err(_) => actix_web::ResponseError::error_response(&ApiError::not_found()),
            };
            Ok(ServiceResponse::new(req, res))
        }
    }))
}

/// What `/` answers when the web app has not been built.
pub async fn not_built() -> HttpResponse {
    HttpResponse::NotFound().content_type("text/html; charset=utf-8").body(
        "<!doctype html><meta charset=utf-8><title>好邻</title><p>网页应用尚未构建：请运行 scripts/build-web.sh。</p>",
    )
}

/// JSON 404 for any unknown API path.
pub async fn api_not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found())
}
