//! Serving the built web app: static files, and `index.html` for client-side routes.
//!
//! The web app is two Trunk bundles in one folder: the main app (`index.html` and its files at the
//! top: residents' and members' everyday pages) and the office app in `office/` (its files under
//! `/office/`: staff pages and the member's check-in paperwork), so a resident's phone never loads
//! the office pages, the orders app in `orders/` (the work-order pages, files under `/orders/`)
//! the volunteer app in `volunteer/` (volunteer service and the time bank, files under
//! `/volunteer/`), the figures app in `figures/` (统计, files under `/figures/`) and the
//! neighbourhood app in `neighbourhood/` (property ratings, service points, notices, files under
//! `/neighbourhood/`). A client route of the orders, office, volunteer, figures or neighbourhood app
//! (`haolin_shared::bundles::is_orders_route`, `is_office_route`, `is_volunteer_route`,
//! `is_figures_route`, `is_neighbourhood_route`) falls
//! back to its `index.html` once built, any other to `index.html`. The entry point
//! (`/`, `/login`, `/register`) is the login page in `login/` once it is built: plain HTML, no
//! wasm, which sends each role on to its own bundle.

//!
//! Files are sent as built: `scripts/build-web.sh` compresses each once (brotli at its highest
//! level and gzip) into `.br` and `.gz` twins, and the twin the client accepts is sent with its
//! `Content-Encoding` (and `Vary: Accept-Encoding`), so nothing here is compressed on the fly.
//! Hashed files (`name-<hash>.js`, `…_bg.wasm`, `…css`) are cached for a year as immutable; every
//! `index.html`, whichever path serves it, is `no-cache`, so a release is picked up at once.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::dev::HttpServiceFactory;
use actix_web::http::header::ContentEncoding;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, guard, web};
use haolin_shared::bundles;

use crate::error::ApiError;

/// The login page (`login/index.html`) for `/`, `/login` and `/register` once it is built.
fn login_page_for(dir: &Path, path: &str) -> Option<PathBuf> {
    let login_index = dir.join(bundles::LOGIN_DIR).join("index.html");
    (bundles::is_login_route(path) && login_index.is_file()).then_some(login_index)
}

/// The `index.html` that serves a client route: the orders app's, the office app's or the
/// volunteer app's, the figures app's or the neighbourhood app's for their routes (when built), else the main app's.
fn index_for(dir: &Path, path: &str) -> PathBuf {
    let orders_index = dir.join(bundles::ORDERS_DIR).join("index.html");
    let office_index = dir.join(bundles::OFFICE_DIR).join("index.html");
    let volunteer_index = dir.join(bundles::VOLUNTEER_DIR).join("index.html");
    let figures_index = dir.join(bundles::FIGURES_DIR).join("index.html");
    let neighbourhood_index = dir.join(bundles::NEIGHBOURHOOD_DIR).join("index.html");
    if bundles::is_neighbourhood_route(path) && neighbourhood_index.is_file() {
        neighbourhood_index
    } else if bundles::is_figures_route(path) && figures_index.is_file() {
        figures_index
    } else if bundles::is_volunteer_route(path) && volunteer_index.is_file() {
        volunteer_index
    } else if bundles::is_orders_route(path) && orders_index.is_file() {
        orders_index
    } else if bundles::is_office_route(path) && office_index.is_file() {
        office_index
    } else {
        dir.join("index.html")
    }
}

/// The file under `dir` that the URL path names, if it is one: no `..`, no hidden files, no
/// backslashes; a folder means its `index.html`.
fn file_for(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = url_path.trim_start_matches('/');
    if rel.contains('\\') {
        return None;
    }
    let rel = Path::new(rel);
    if rel.components().any(|c| !matches!(c, Component::Normal(s) if !s.to_string_lossy().starts_with('.'))) {
        return None;
    }
    let path = dir.join(rel);
    if path.is_dir() {
        let index = path.join("index.html");
        return index.is_file().then_some(index);
    }
    path.is_file().then_some(path)
}

/// Whether a file name carries Trunk's content hash (`name-<hex>.ext` or `name-<hex>_bg.ext`):
/// such a file never changes under its name.
fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether the request's `Accept-Encoding` accepts `coding` (with a quality above zero).
fn accepts(req: &HttpRequest, coding: &str) -> bool {
    req.headers().get_all(header::ACCEPT_ENCODING).filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0)));
            (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
        },
    )
}

/// Sends `file` as the client accepts it: its brotli or gzip twin when there is one and the client
/// takes it, else as it is; with the caching the file's kind calls for.
async fn send(req: &HttpRequest, file: &Path) -> Result<HttpResponse, ApiError> {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = file.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    let twin = |suffix: &str| {
        let mut p = file.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    let (path, encoding) = [("br", ".br", ContentEncoding::Brotli), ("gzip", ".gz", ContentEncoding::Gzip)]
        .into_iter()
        .map(|(coding, suffix, enc)| (coding, twin(suffix), enc))
        .find(|(coding, twin, _)| accepts(req, coding) && twin.is_file())
        .map_or((file.to_path_buf(), ContentEncoding::Identity), |(_, twin, enc)| (twin, enc));
    let named = NamedFile::open_async(&path).await.map_err(|_| ApiError::not_found())?;
    let hashed = is_hashed(&name) && name != "index.html";
    // Every header is paid for on a phone's first load: no `Content-Disposition` (a page's files
    // are shown inline anyway), and a hashed file, never revalidated, carries no validators.
    let named = named
        .set_content_type(actix_files::file_extension_to_mime(&ext))
        .disable_content_disposition()
        .use_etag(!hashed)
        .use_last_modified(!hashed)
        .set_content_encoding(encoding);
    let mut res = named.into_response(req);
    let headers = res.headers_mut();
    // Always set, so the compression middleware leaves the response as it is.
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding.as_str()));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let cache = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(res)
}

/// Serves a GET or HEAD for the web app: the login page at the entry point, else the named file,
/// else the `index.html` of the client route.
async fn asset(req: HttpRequest, dir: web::Data<WebDir>) -> Result<HttpResponse, ApiError> {
    let file = login_page_for(&dir.0, req.path())
        .or_else(|| file_for(&dir.0, req.path()))
        .unwrap_or_else(|| index_for(&dir.0, req.path()));
    send(&req, &file).await
}

/// The folder the web app was built into.
#[derive(Debug, Clone)]
struct WebDir(PathBuf);

/// The web app's service for `dir`: every GET or HEAD path not taken by the API.
pub fn service(dir: PathBuf) -> impl HttpServiceFactory {
    // Guarded on the resource, so any other method goes on to the app's default service (405 with
    // `Allow` for a documented path, else 404) instead of stopping here.
    web::resource("/{path:.*}")
        .guard(guard::Any(guard::Get()).or(guard::Head()))
        .app_data(web::Data::new(WebDir(dir)))
        .route(web::get().to(asset))
        .route(web::head().to(asset))
}

/// What `/` answers when the web app has not been built.
pub async fn not_built() -> HttpResponse {
    HttpResponse::NotFound().content_type("text/html; charset=utf-8").body(
        "<!doctype html><meta charset=utf-8><title>好邻</title><p>网页应用尚未构建：请运行 scripts/build-web.sh。</p>",
    )
}
