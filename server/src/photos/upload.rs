//! One upload: the daily quota, the body streamed to a temporary file (never held whole in
//! memory, refused past the size limit), then, with at most a few decodes at once, the checks and
//! the re-encoding, the record, and the objects.

use std::path::{Path, PathBuf};

use actix_multipart::Multipart;
use actix_web::{HttpRequest, web};
use futures_util::TryStreamExt;
use haolin_shared::api::{ErrorCode, PhotoStage};
use haolin_shared::domain::calendar::{shanghai_date, shanghai_instant};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::picture::{self, Refusal};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::photos::{NewPhoto, PhotoRecord};

/// The temporary folder of uploads in progress (inside the data directory).
pub fn temp_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("uploads-in-progress")
}

/// Removes what uploads cut short by a crash left behind; run at start-up.
pub fn clear_temp(data_dir: &Path) -> std::io::Result<()> {
    let dir = temp_dir(data_dir);
    if dir.is_dir() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)
}

/// Deletes its file when dropped (a refused or failed upload leaves nothing).
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn too_large(max: u64, what: &str) -> ApiError {
    let mut e = ApiError::new(ErrorCode::PayloadTooLarge, format!("照片过大：{what}"));
    e.details.field = Some("file".into());
    e.details.max = Some(u32::try_from(max).unwrap_or(u32::MAX));
    e
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The quota: uploads since midnight in China, against the setting; 429 until midnight.
async fn check_quota(state: &AppState, caller: &Caller, now: i64) -> Result<(), ApiError> {
    let midnight = shanghai_instant(shanghai_date(now), 0);
    let used = state.store.uploads_since(caller.id(), midnight).await?;
    if used >= i64::from(state.settings.files.daily_uploads) {
        let mut e = ApiError::new(ErrorCode::RateLimited, "今天上传的照片已达上限，请明天再试");
        e.retry_after = Some(u32::try_from((midnight + 86_400_000 - now) / 1000).unwrap_or(60).max(1));
        return Err(e);
    }
    Ok(())
}

/// Streams the `file` part to a temporary file; its path and size. Other parts are read and
/// dropped. Past `max` bytes the rest is drained (so the client reads the answer) and refused.
async fn receive(state: &AppState, req: &HttpRequest, payload: web::Payload) -> Result<(TempFile, u64), ApiError> {
    let max = state.settings.files.max_bytes;
    let is_multipart = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::new(ErrorCode::UnsupportedMediaType, "请以 multipart/form-data 上传，文件字段名为 file"));
    }
    // A declared body far beyond the limit is refused before reading it.
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let drain_cap = max.saturating_mul(2).saturating_add(1 << 20);
    if declared.is_some_and(|len| len > drain_cap) {
        return Err(too_large(max, "超过大小上限"));
    }
    let malformed = |_| ApiError::malformed("上传内容格式不正确（multipart/form-data）");
    let mut parts = Multipart::new(req.headers(), payload);
    let mut received: Option<(TempFile, u64)> = None;
    let mut total: u64 = 0;
    let mut over = false;
    while let Some(mut field) = parts.try_next().await.map_err(malformed)? {
        let is_file = field.name() == Some("file") && received.is_none();
        let mut sink = if is_file {
            let path = super::upload::temp_dir(&state.settings.data_dir)
                .join(format!("{}.part", rand::Rng::r#gen::<u64>(&mut rand::thread_rng())));
            let file = tokio::fs::File::create(&path).await.map_err(|e| {
                tracing::error!(error = %e, "upload temp file");
                ApiError::internal()
            })?;
            Some((TempFile(path), file, 0u64))
        } else {
            None
        };
        while let Some(chunk) = field.try_next().await.map_err(malformed)? {
            total += chunk.len() as u64;
            if total > drain_cap {
                return Err(too_large(max, "超过大小上限"));
            }
            if let Some((_, file, size)) = sink.as_mut() {
                *size += chunk.len() as u64;
                if *size > max {
                    over = true;
                }
                if !over {
                    file.write_all(&chunk).await.map_err(|e| {
                        tracing::error!(error = %e, "upload temp write");
                        ApiError::internal()
                    })?;
                }
            }
        }
        if let Some((temp, mut file, size)) = sink {
            file.flush().await.map_err(|_| ApiError::internal())?;
            received = Some((temp, size));
        }
    }
    if over {
        return Err(too_large(max, "超过大小上限"));
    }
    received.ok_or_else(|| ApiError::invalid_field("file", "请选择要上传的照片（字段名 file）"))
}

/// Receives, checks, re-encodes and stores one upload for `caller`; the new, unattached photo.
pub async fn upload(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<PhotoRecord, ApiError> {
    let now = chrono::Utc::now().timestamp_millis();
    check_quota(state, caller, now).await?;
    let (temp, size) = receive(state, req, payload).await?;
    if size == 0 {
        return Err(ApiError::new(ErrorCode::InvalidImage, "照片是空的"));
    }
    let path = temp.0.clone();
    let row = keep(state, caller.id(), now, move || std::fs::read(&path)).await;
    drop(temp);
    row
}

/// Checks, re-encodes and stores a picture for `uploader` (the bytes read by `load` only once a
/// decode may start); the new, unattached photo. The demo data stores its pictures with it too.
pub async fn keep(
    state: &AppState,
    uploader: i64,
    now: i64,
    load: impl FnOnce() -> std::io::Result<Vec<u8>> + Send + 'static,
) -> Result<PhotoRecord, ApiError> {
    // On one of the few decode threads, in turn: memory stays bounded however many phones upload.
    let max_pixels = state.settings.files.max_pixels;
    let processed = state.decodes.run(move || load().map(|bytes| picture::process(bytes, max_pixels)));
    let processed = processed.await.ok_or_else(ApiError::internal)?.map_err(|e| {
        tracing::error!(error = %e, "upload temp read");
        ApiError::internal()
    })?;
    let processed = processed.map_err(|refusal| match refusal {
        Refusal::NotAnImage => ApiError::new(ErrorCode::UnsupportedMediaType, "只能上传 JPEG、PNG 或 WebP 格式的照片"),
        Refusal::TooManyPixels { max, .. } => too_large(max, "像素过多"),
        Refusal::Undecodable(why) => {
            tracing::info!(why, "upload refused: does not decode");
            ApiError::new(ErrorCode::InvalidImage, "照片已损坏或不完整，无法读取")
        }
    })?;
    let (picture, thumb) = (processed.picture, processed.thumb);
    let new = NewPhoto {
        sha256: hex(&picture.bytes),
        bytes: picture.bytes.len() as i64,
        thumb_sha256: hex(&thumb.bytes),
        thumb_bytes: thumb.bytes.len() as i64,
        content_type: picture.content_type.to_owned(),
        width: i64::from(picture.width),
        height: i64::from(picture.height),
        uploaded_by: uploader,
        at: now,
    };
    let id = state.store.insert_photo(&new).await?;
    // After the record (which touched the blobs, so no sweep deletes them meanwhile). Writing the
    // same bytes again is harmless; an object store write is atomic.
    let store_err = |e: object_store::Error| {
        tracing::error!(error = %e, "photo object write failed");
        ApiError::unavailable()
    };
    state.files.put(&new.sha256, picture.bytes).await.map_err(store_err)?;
    if new.thumb_sha256 != new.sha256 {
        state.files.put(&new.thumb_sha256, thumb.bytes).await.map_err(store_err)?;
    }
    tracing::info!(photo_id = id, bytes = new.bytes, "photo uploaded");
    Ok(PhotoRecord {
        id,
        stage: PhotoStage::Unattached,
        content_type: new.content_type,
        width: new.width,
        height: new.height,
        bytes: new.bytes,
        created_at: now,
    })
}
