//! Serving the built web app: static files, and `index.html` for client-side routes.
//!
//! The web app is two Trunk bundles in one folder: the main app (`index.html` and its files at the
//! top: residents' and members' everyday pages) and the office app in `office/` (its files under
//! `/office/`: staff pages and the member's check-in paperwork), so a resident's phone never loads
//! the office pages. A client route of the office app (`haolin_shared::bundles::is_office_route`)
//! falls back to `office/index.html` once it is built, any other to `index.html`.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::HttpResponse;
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header;
use haolin_shared::bundles;

use crate::error::ApiError;

/// The `index.html` that serves a client route: the office app's for its routes (when it is
/// built), else the main app's.
fn index_for(dir: &Path, path: &str) -> PathBuf {
    let office_index = dir.join(bundles::OFFICE_DIR).join("index.html");
    if bundles::is_office_route(path) && office_index.is_file() { office_index } else { dir.join("index.html") }
}

/// The static-file service for `dir`, falling back to the right `index.html` for unknown paths.
pub fn service(dir: PathBuf) -> Files {
    Files::new("/", dir.clone()).index_file("index.html").default_handler(fn_service(move |req: ServiceRequest| {
        let index = index_for(&dir, req.path());
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
