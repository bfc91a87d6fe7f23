//! Photos: the upload, the picture and its thumbnail, and adding photos to a live wish. The rules
//! are `crate::photos`.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, web};
use haolin_shared::api::{AttachPhotosRequest, ErrorBody, Photo, PhotoStage, Wish};
use haolin_shared::domain::WishStatus;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, path_id};
use crate::photos::{self, Variant};
use crate::routes::Routes;
use crate::routes::wishes::{query_map, visible_wish};
use crate::state::AppState;
use crate::views;

/// The upload form, for the OpenAPI document (the handler streams the body itself).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct PhotoUpload {
    /// The image: JPEG, PNG or WebP.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Registers the photo routes.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(upload_photo).service(get_photo).service(thumbnail).service(add_wish_photos);
}

/// Uploads one photo (`multipart/form-data`, field `file`: JPEG, PNG or WebP, judged by its
/// bytes). It is checked, turned upright, stripped of every piece of metadata (EXIF with its GPS
/// position, XMP, comments) by encoding it again, and stored with a thumbnail; it stays
/// unattached (seen by its uploader only) until sent in `photos` with a wish, a fulfilment, a
/// report, a resolution or a call-back, and is deleted after a day otherwise.
#[utoipa::path(tag = "photos",
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = Photo),
        (status = 400, description = "not a well-formed multipart body", body = ErrorBody),
        (status = 413, description = "larger than the byte limit, or more pixels than allowed (`details.max`)", body = ErrorBody),
        (status = 415, description = "not multipart, or the file is not a JPEG, PNG or WebP by its bytes", body = ErrorBody),
        (status = 422, description = "`invalid_image`: truncated or damaged; `invalid_field`: no `file` part", body = ErrorBody),
        (status = 429, description = "the daily upload quota is used up (`Retry-After`)", body = ErrorBody)))]
#[post("/photos")]
pub async fn upload_photo(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let photo = photos::upload(&state, &caller, &req, payload).await?;
    Ok(HttpResponse::Created().json(photos::view(&photo)))
}

/// Serves one of a photo's images to whoever may see it: with a bearer token, its uploader or
/// anyone who may see its wish or work order; without one, the holder of the signed URL an API
/// body gave (`exp`, `sig`).
async fn serve(state: &AppState, req: &HttpRequest, raw_id: &str, variant: Variant) -> Result<HttpResponse, ApiError> {
    let id = path_id(raw_id)?;
    let query = query_map(req)?;
    let now = chrono::Utc::now().timestamp();
    let signed = match (query.get("exp"), query.get("sig")) {
        (Some(exp), Some(sig)) => {
            if !photos::verify(id, variant, exp, sig, now) {
                return Err(ApiError::new(
                    haolin_shared::api::ErrorCode::Forbidden,
                    "照片链接已过期或无效，请刷新页面",
                ));
            }
            true
        }
        _ => false,
    };
    let photo = state.store.photo(id).await?.ok_or_else(ApiError::not_found)?;
    if !signed {
        let caller = Caller::from_request(req, &mut Payload::None).await?;
        if !photos::may_see(state, &caller, &photo).await? {
            return Err(ApiError::not_found());
        }
    }
    let (sha, content_type, length) = match variant {
        Variant::Full => (photo.sha256.clone(), photo.record.content_type.clone(), photo.record.bytes),
        Variant::Thumb => (photo.thumb_sha256.clone(), "image/jpeg".to_owned(), photo.thumb_bytes),
    };
    let etag = format!("\"{}\"", &sha[..32.min(sha.len())]);
    // Private: only the browser that fetched it keeps it, never a shared cache.
    let cache = if signed { "private, max-age=600" } else { "private, max-age=600, must-revalidate" };
    if req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    let stream = state.files.get(&sha).await.map_err(|e| {
        tracing::error!(error = %e, "photo object read failed");
        ApiError::unavailable()
    })?;
    let Some(stream) = stream else {
        tracing::error!(photo_id = id, "photo object missing");
        return Err(ApiError::not_found());
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag))
        // Already compressed: the compression middleware leaves it alone.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        .no_chunking(u64::try_from(length).unwrap_or(0))
        .streaming(stream))
}

/// A photo's picture (upright, without metadata).
#[utoipa::path(tag = "photos", security((), ("bearer" = [])), params(("id" = String, Path),
        ("exp" = Option<String>, Query, description = "of a signed URL"),
        ("sig" = Option<String>, Query, description = "of a signed URL")),
    responses(
        (status = 200, description = "the image", content_type = "image/jpeg"),
        (status = 304, description = "unchanged (`If-None-Match`)"),
        (status = 400, body = ErrorBody),
        (status = 401, description = "no signed URL and no bearer token", body = ErrorBody),
        (status = 403, description = "the signed URL expired or is forged", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
#[get("/photos/{id}")]
pub async fn get_photo(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &req, &id, Variant::Full).await
}

/// A photo's thumbnail (JPEG, longest side at most 320 px).
#[utoipa::path(tag = "photos", security((), ("bearer" = [])), params(("id" = String, Path),
        ("exp" = Option<String>, Query, description = "of a signed URL"),
        ("sig" = Option<String>, Query, description = "of a signed URL")),
    responses(
        (status = 200, description = "the image", content_type = "image/jpeg"),
        (status = 304, description = "unchanged (`If-None-Match`)"),
        (status = 400, body = ErrorBody),
        (status = 401, description = "no signed URL and no bearer token", body = ErrorBody),
        (status = 403, description = "the signed URL expired or is forged", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
#[get("/photos/{id}/thumb")]
pub async fn thumbnail(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &req, &id, Variant::Thumb).await
}

/// The statuses in which the resident may still add photos to a wish.
const LIVE: [WishStatus; 4] = [WishStatus::PendingReview, WishStatus::Open, WishStatus::Assigned, WishStatus::Claimed];

/// The resident (or whoever filed it for them) adds photos to a live wish.
#[utoipa::path(tag = "photos", params(("id" = String, Path)), request_body = AttachPhotosRequest,
    responses(
        (status = 200, body = Wish),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "the wish is no longer live (`details.status`)", body = ErrorBody),
        (status = 422, description = "`too_many_photos` (`details.max`), or a photo that is not the caller's unattached upload", body = ErrorBody)))]
#[post("/wishes/{id}/photos")]
pub async fn add_wish_photos(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<AttachPhotosRequest>,
) -> Result<web::Json<Wish>, ApiError> {
    let wish = visible_wish(&state, &caller, &id).await?;
    if wish.resident_id != caller.id() && wish.posted_by != caller.id() {
        return Err(ApiError::forbidden());
    }
    let conflict = |w: &crate::store::WishRecord| {
        ApiError::wish_conflict(haolin_shared::api::ErrorCode::InvalidState, w.status, w.version)
    };
    if !LIVE.contains(&wish.status) {
        return Err(conflict(&wish));
    }
    if body.0.photos.is_empty() {
        return Err(ApiError::invalid_field("photos", "请至少选择一张照片"));
    }
    let attach = photos::attachment(&state, &caller, Some(&body.0.photos), PhotoStage::Added)
        .await?
        .ok_or_else(|| ApiError::invalid_field("photos", "请至少选择一张照片"))?;
    let statuses: Vec<&str> = LIVE.iter().map(|s| s.as_str()).collect();
    let at = chrono::Utc::now().timestamp_millis();
    match state.store.add_wish_photos(wish.id, &statuses, &attach, at).await? {
        Ok(_) => {
            let now = state.store.wish(wish.id).await?.ok_or_else(ApiError::not_found)?;
            Ok(web::Json(views::wish(&caller, &now)))
        }
        Err(Some(refused)) => Err(photos::refusal(refused)),
        Err(None) => {
            let now = state.store.wish(wish.id).await?.ok_or_else(ApiError::not_found)?;
            Err(conflict(&now))
        }
    }
}
