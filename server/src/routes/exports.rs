//! CSV and XLSX downloads of the office's lists, and their signed links (docs/EXPORTS.md). The
//! handlers parse and render; the pipeline is `crate::exports`.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use bytes::Bytes;
use chrono::Utc;
use haolin_shared::api::{CreateExportLinkRequest, ErrorBody, ExportLink};
use tokio::io::AsyncReadExt;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::exports::{self, Format, Row, csv, link, sources::Kind, xlsx};
use crate::extract::ApiJson;
use crate::routes::Routes;
use crate::routes::wishes::query_map;
use crate::state::AppState;
use crate::views::rfc3339;

/// Registers the export routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(wishes_csv)
        .service(wishes_xlsx)
        .service(checkins_csv)
        .service(checkins_xlsx)
        .service(work_orders_csv)
        .service(work_orders_xlsx)
        .service(figures_csv)
        .service(figures_xlsx)
        .service(workload_csv)
        .service(workload_xlsx)
        .service(service_record_csv)
        .service(service_record_xlsx)
        .service(property_ratings_csv)
        .service(property_ratings_xlsx)
        .service(create_export_link);
}

/// The wishes as CSV: the filters of `GET /api/v1/wishes` (without `cursor`/`limit`).
#[utoipa::path(tag = "exports", params(
    ("status" = Option<haolin_shared::domain::WishStatus>, Query),
    ("community_id" = Option<String>, Query, description = "a community the caller manages (else 403)"),
    ("mine" = Option<bool>, Query), ("held" = Option<bool>, Query), ("filed" = Option<bool>, Query)),
    responses(
        (status = 200, description = "UTF-8 CSV with a byte-order mark, streamed", content_type = "text/csv", body = String),
        (status = 403, description = "not a dispatcher or admin, or another community", body = ErrorBody),
        (status = 422, description = "a bad filter, or more rows than the bound", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/wishes.csv")]
pub async fn wishes_csv(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::Wishes, Format::Csv).await
}

/// The wishes as an Excel workbook: the filters of `GET /api/v1/wishes`.
#[utoipa::path(tag = "exports", params(
    ("status" = Option<haolin_shared::domain::WishStatus>, Query),
    ("community_id" = Option<String>, Query, description = "a community the caller manages (else 403)"),
    ("mine" = Option<bool>, Query), ("held" = Option<bool>, Query), ("filed" = Option<bool>, Query)),
    responses(
        (status = 200, description = "an XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, description = "not a dispatcher or admin, or another community", body = ErrorBody),
        (status = 422, description = "a bad filter, or more rows than the bound", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/wishes.xlsx")]
pub async fn wishes_xlsx(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::Wishes, Format::Xlsx).await
}

/// The members' check-ins as CSV: the filters of `GET /api/v1/checkins`.
#[utoipa::path(tag = "exports", params(
    ("status" = Option<haolin_shared::domain::CheckinStatus>, Query),
    ("community_id" = Option<String>, Query, description = "a community the caller manages (else 403)")),
    responses(
        (status = 200, description = "UTF-8 CSV with a byte-order mark, streamed", content_type = "text/csv", body = String),
        (status = 403, description = "not a dispatcher or admin, or another community", body = ErrorBody),
        (status = 422, description = "a bad filter, or more rows than the bound", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/checkins.csv")]
pub async fn checkins_csv(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::Checkins, Format::Csv).await
}

/// The members' check-ins as an Excel workbook: the filters of `GET /api/v1/checkins`.
#[utoipa::path(tag = "exports", params(
    ("status" = Option<haolin_shared::domain::CheckinStatus>, Query),
    ("community_id" = Option<String>, Query, description = "a community the caller manages (else 403)")),
    responses(
        (status = 200, description = "an XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, description = "not a dispatcher or admin, or another community", body = ErrorBody),
        (status = 422, description = "a bad filter, or more rows than the bound", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/checkins.xlsx")]
pub async fn checkins_xlsx(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::Checkins, Format::Xlsx).await
}

/// The work orders as CSV: the filters of `GET /api/v1/work-orders` (without `cursor`/`limit`);
/// admins, dispatchers and street officers.
#[utoipa::path(tag = "exports", params(
    ("mine" = Option<bool>, Query), ("inbox" = Option<bool>, Query), ("community_id" = Option<String>, Query),
    ("street_id" = Option<String>, Query), ("grid_id" = Option<String>, Query),
    ("status" = Option<haolin_shared::domain::OrderStatus>, Query),
    ("overdue" = Option<bool>, Query), ("supervised" = Option<bool>, Query)),
    responses(
        (status = 200, description = "UTF-8 CSV with a byte-order mark, streamed", content_type = "text/csv", body = String),
        (status = 403, description = "not a dispatcher, street officer or admin", body = ErrorBody),
        (status = 422, description = "a bad filter, or more rows than the bound", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/work-orders.csv")]
pub async fn work_orders_csv(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::WorkOrders, Format::Csv).await
}

/// The work orders as an Excel workbook: the filters of `GET /api/v1/work-orders`.
#[utoipa::path(tag = "exports", params(
    ("mine" = Option<bool>, Query), ("inbox" = Option<bool>, Query), ("community_id" = Option<String>, Query),
    ("street_id" = Option<String>, Query), ("grid_id" = Option<String>, Query),
    ("status" = Option<haolin_shared::domain::OrderStatus>, Query),
    ("overdue" = Option<bool>, Query), ("supervised" = Option<bool>, Query)),
    responses(
        (status = 200, description = "an XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, description = "not a dispatcher, street officer or admin", body = ErrorBody),
        (status = 422, description = "a bad filter, or more rows than the bound", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/work-orders.xlsx")]
pub async fn work_orders_xlsx(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::WorkOrders, Format::Xlsx).await
}

/// The caller's own volunteer service record as CSV (every logged-in person).
#[utoipa::path(tag = "exports",
    responses(
        (status = 200, description = "UTF-8 CSV with a byte-order mark", content_type = "text/csv", body = String),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/service-record.csv")]
pub async fn service_record_csv(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::ServiceRecord, Format::Csv).await
}

/// The caller's own volunteer service record as an Excel workbook.
#[utoipa::path(tag = "exports",
    responses(
        (status = 200, description = "an XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/service-record.xlsx")]
pub async fn service_record_xlsx(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::ServiceRecord, Format::Xlsx).await
}

/// A place's figures by month and the total as CSV: the query of `GET /api/v1/figures`.
#[utoipa::path(tag = "exports", params(
    ("place" = Option<String>, Query), ("from" = Option<String>, Query, description = "YYYY-MM-DD"),
    ("to" = Option<String>, Query, description = "YYYY-MM-DD")),
    responses(
        (status = 200, description = "UTF-8 CSV with a byte-order mark", content_type = "text/csv", body = String),
        (status = 403, description = "a resident or member", body = ErrorBody),
        (status = 404, description = "a place the caller may not read", body = ErrorBody),
        (status = 422, description = "a bad place or range", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/figures.csv")]
pub async fn figures_csv(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::Figures, Format::Csv).await
}

/// A place's figures by month and the total as an Excel workbook: the query of `GET /api/v1/figures`.
#[utoipa::path(tag = "exports", params(
    ("place" = Option<String>, Query), ("from" = Option<String>, Query, description = "YYYY-MM-DD"),
    ("to" = Option<String>, Query, description = "YYYY-MM-DD")),
    responses(
        (status = 200, description = "an XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, description = "a resident or member", body = ErrorBody),
        (status = 404, description = "a place the caller may not read", body = ErrorBody),
        (status = 422, description = "a bad place or range", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/figures.xlsx")]
pub async fn figures_xlsx(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::Figures, Format::Xlsx).await
}

/// Every member's workload in a place, the busiest first, as CSV: the query of
/// `GET /api/v1/figures/workload` (every member, no `limit`).
#[utoipa::path(tag = "exports", params(
    ("place" = Option<String>, Query), ("from" = Option<String>, Query, description = "YYYY-MM-DD"),
    ("to" = Option<String>, Query, description = "YYYY-MM-DD")),
    responses(
        (status = 200, description = "UTF-8 CSV with a byte-order mark", content_type = "text/csv", body = String),
        (status = 403, description = "a resident or member", body = ErrorBody),
        (status = 404, description = "a place the caller may not read", body = ErrorBody),
        (status = 422, description = "a bad place or range", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/workload.csv")]
pub async fn workload_csv(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::Workload, Format::Csv).await
}

/// Every member's workload in a place as an Excel workbook: the query of
/// `GET /api/v1/figures/workload` (every member).
#[utoipa::path(tag = "exports", params(
    ("place" = Option<String>, Query), ("from" = Option<String>, Query, description = "YYYY-MM-DD"),
    ("to" = Option<String>, Query, description = "YYYY-MM-DD")),
    responses(
        (status = 200, description = "an XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, description = "a resident or member", body = ErrorBody),
        (status = 404, description = "a place the caller may not read", body = ErrorBody),
        (status = 422, description = "a bad place or range", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/workload.xlsx")]
pub async fn workload_xlsx(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::Workload, Format::Xlsx).await
}

/// A period's property-service results per estate as CSV, for the housing bureau: the rows of
/// `GET /api/v1/property/results` (docs/PROPERTY.md).
#[utoipa::path(tag = "exports", params(
    ("period" = Option<String>, Query, description = "YYYY-MM (YYYY-Qn with quarterly periods); default the current period")),
    responses(
        (status = 200, description = "UTF-8 CSV with a byte-order mark, streamed", content_type = "text/csv", body = String),
        (status = 403, description = "a caller who oversees no estate", body = ErrorBody),
        (status = 422, description = "a bad period", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/property-ratings.csv")]
pub async fn property_ratings_csv(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::PropertyRatings, Format::Csv).await
}

/// A period's property-service results per estate as an Excel workbook.
#[utoipa::path(tag = "exports", params(
    ("period" = Option<String>, Query, description = "YYYY-MM (YYYY-Qn with quarterly periods); default the current period")),
    responses(
        (status = 200, description = "an XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, description = "a caller who oversees no estate", body = ErrorBody),
        (status = 422, description = "a bad period", body = ErrorBody),
        (status = 503, description = "too many exports at once", body = ErrorBody)))]
#[get("/exports/property-ratings.xlsx")]
pub async fn property_ratings_xlsx(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    export(state, &req, Kind::PropertyRatings, Format::Xlsx).await
}

/// A short-lived signed link of an export (for a browser's plain download): bound to the caller's
/// account, session and the exact path and query; valid `exports.link_ttl` (60 s), once.
#[utoipa::path(tag = "exports", request_body = CreateExportLinkRequest, responses(
    (status = 200, body = ExportLink),
    (status = 403, description = "the caller may not run this export", body = ErrorBody),
    (status = 422, description = "not an export's path, or a bad filter", body = ErrorBody)))]
#[post("/exports/links")]
pub async fn create_export_link(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateExportLinkRequest>,
) -> Result<web::Json<ExportLink>, ApiError> {
    let raw = body.0.path.as_str();
    let bad = || ApiError::invalid_field("path", "path 须为导出地址，如 /api/v1/exports/wishes.xlsx?status=open");
    if raw.len() > 2000 || raw.contains(['#', ' ']) {
        return Err(bad());
    }
    let (path, query) = raw.split_once('?').unwrap_or((raw, ""));
    let (kind, _) = path
        .strip_prefix("/api/v1/exports/")
        .and_then(|file| file.rsplit_once('.'))
        .and_then(|(name, ext)| Some((Kind::parse(name)?, format(ext)?)))
        .ok_or_else(bad)?;
    let q = web::Query::<HashMap<String, String>>::from_query(query).map_err(|_| bad())?.into_inner();
    if link::RESERVED.iter().any(|k| q.contains_key(*k)) {
        return Err(ApiError::invalid_field("path", "path 不能含 expires、uid、sid、sig 或 access_token"));
    }
    // The filters and the caller's rights are checked now, and again when the link is used.
    kind.source(&state, &caller, &q).await?;
    let (url, expires) = link::sign(&state, &caller, path, query, Utc::now());
    Ok(web::Json(ExportLink { url, expires_at: rfc3339(expires) }))
}

fn format(ext: &str) -> Option<Format> {
    match ext {
        "csv" => Some(Format::Csv),
        "xlsx" => Some(Format::Xlsx),
        _ => None,
    }
}

/// Runs an export: the caller (Bearer or signed link), the filters and the scope, the bound on
/// exports at once and on rows, the first page: every refusal comes before any byte of the file.
async fn export(
    state: web::Data<AppState>,
    req: &HttpRequest,
    kind: Kind,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    let caller = link::caller(&state, req).await?;
    let q = query_map(req)?;
    let permit = exports::admit(&state)?;
    let mut source = exports::prepare(&state, &caller, kind, &q).await?;
    let first = source.next_page(&state).await?;
    let disposition = exports::disposition(&*source, format, Utc::now());
    let max_rows = state.settings.exports.max_rows;
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, format.content_type()))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    match format {
        Format::Csv => {
            let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
            actix_web::rt::spawn(async move {
                let _permit = permit;
                let mut buf = csv::header(source.header());
                let mut page = first;
                let mut written: u64 = 0;
                while let Some(rows) = page {
                    csv::rows(&mut buf, &rows);
                    written += rows.len() as u64;
                    if tx.send(Ok(Bytes::from(std::mem::take(&mut buf)))).await.is_err() || written >= max_rows {
                        return;
                    }
                    page = match source.next_page(&state).await {
                        Ok(p) => p,
                        Err(e) => {
                            tracing::error!(error = %e, "an export stopped");
                            let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                            return;
                        }
                    };
                }
                if !buf.is_empty() {
                    let _ = tx.send(Ok(Bytes::from(buf))).await;
                }
            });
            let body = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
            Ok(response.streaming(body))
        }
        Format::Xlsx => {
            let file = write_xlsx(&state, source, first, max_rows).await?;
            drop(permit);
            let len = file.metadata().await.map_err(io_error)?.len();
            let body = futures_util::stream::unfold(file, |mut file| async move {
                let mut buf = vec![0u8; 64 * 1024];
                match file.read(&mut buf).await {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        Some((Ok::<_, std::io::Error>(Bytes::from(buf)), file))
                    }
                    Err(e) => Some((Err(e), file)),
                }
            });
            Ok(response.no_chunking(len).streaming(body))
        }
    }
}

fn io_error(e: std::io::Error) -> ApiError {
    tracing::error!(error = %e, "an export's file failed");
    ApiError::internal()
}

/// Writes the workbook on a blocking thread (CPU-bound work off the actix workers) fed page by
/// page; answers the finished file, opened and already unlinked (it goes when the download ends).
async fn write_xlsx(
    state: &AppState,
    mut source: Box<dyn exports::Source>,
    first: Option<Vec<Row>>,
    max_rows: u64,
) -> Result<tokio::fs::File, ApiError> {
    let dir = state.settings.data_dir.join("exports");
    tokio::fs::create_dir_all(&dir).await.map_err(io_error)?;
    let path = dir.join(format!("{}-{:016x}.xlsx", source.ascii_name(), rand::random::<u64>()));
    let guard = xlsx::TempFile(path.clone());
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<Row>>(2);
    let header = source.header();
    let writer = tokio::task::spawn_blocking({
        let (path, dir) = (path.clone(), dir.clone());
        move || xlsx::write(&path, &dir, header, rx)
    });
    let mut page = first;
    let mut written: u64 = 0;
    let mut failure = None;
    while let Some(rows) = page {
        written += rows.len() as u64;
        if tx.send(rows).await.is_err() || written >= max_rows {
            break;
        }
        page = match source.next_page(state).await {
            Ok(p) => p,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
    }
    drop(tx);
    let outcome = writer.await;
    if let Some(e) = failure {
        return Err(e);
    }
    match outcome {
        Ok(Ok(_rows)) => {}
        Ok(Err(e)) => {
            tracing::error!(error = %e, "an XLSX export failed");
            return Err(ApiError::internal());
        }
        Err(e) => {
            tracing::error!(error = %e, "an XLSX export's thread failed");
            return Err(ApiError::internal());
        }
    }
    let file = tokio::fs::File::open(&path).await.map_err(io_error)?;
    drop(guard);
    Ok(file)
}
