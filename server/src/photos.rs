//! Photos on wishes and work orders (docs/PHOTOS.md).
//!
//! - [`upload`]: a multipart upload streamed to a temporary file, checked and re-encoded
//!   ([`picture`]), stored content-addressed ([`files`]) and recorded, unattached.
//! - [`attachment`]: the ids a request sends with a change, checked before the change's
//!   transaction attaches them (`store::photos`).
//! - [`serve`]: who may fetch a photo (its uploader; whoever may see its wish or work order; the
//!   holder of a short-lived signed URL), and the bytes with their headers.
//! - [`sweep`]: the job deleting uploads never attached, and blobs nothing names any more.

pub mod files;
pub mod picture;
mod upload;

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use haolin_shared::api::{ErrorCode, Photo, PhotoStage};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::photos::{AttachFailure, PhotoAttach, PhotoRecord, PhotoRow};
use crate::store::wechat::Subject;

pub use files::Files;
pub use upload::{clear_temp, keep, upload};

/// Which of a photo's two images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The picture.
    Full,
    /// The thumbnail.
    Thumb,
}

impl Variant {
    fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Thumb => "thumb",
        }
    }
}

/// A job for the decode threads.
type DecodeJob = Box<dyn FnOnce() + Send>;

/// A fixed set of threads that decode and encode pictures, taking jobs in turn. Their number
/// bounds the decodes at once (each holds one decoded picture), and running every decode on the
/// same few threads (rather than on whichever of the runtime's many blocking threads is free)
/// keeps the memory the allocator holds on to after a 20 MB picture to those threads' arenas.
pub struct Decoders {
    jobs: std::sync::mpsc::Sender<DecodeJob>,
}

impl Decoders {
    /// Starts `threads` decode threads (at least one).
    pub fn start(threads: usize) -> Self {
        let (jobs, rx) = std::sync::mpsc::channel::<DecodeJob>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for n in 0..threads.max(1) {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new().name(format!("photo-decode-{n}")).spawn(move || {
                loop {
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a photo decode thread");
            }
        }
        Self { jobs }
    }

    /// Runs `work` on a decode thread once one is free; its result, or `None` if the threads are
    /// gone.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(work());
            }))
            .ok()?;
        rx.await.ok()
    }
}

static SIGNING_KEY: OnceLock<[u8; 32]> = OnceLock::new();

/// Sets the key of signed photo URLs (derived from the token secret, so every instance agrees).
pub fn init_signing(secret: &[u8]) {
    let key: [u8; 32] = Sha256::new().chain_update(b"haolin photo urls\0").chain_update(secret).finalize().into();
    let _ = SIGNING_KEY.set(key);
}

fn signature(id: i64, variant: Variant, exp: i64) -> String {
    let key = SIGNING_KEY.get_or_init(|| {
        let mut k = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut k);
        k
    });
    // HMAC pads a key shorter than the hash's block with zeros; this is that block.
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    let mut mac = Hmac::<Sha256>::new(&block.into());
    mac.update(format!("{id}:{}:{exp}", variant.as_str()).as_bytes());
    let bytes = mac.finalize().into_bytes();
    bytes[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// How long signed URLs live: at least `ttl`, and the same URL for ten minutes at a time so a
/// browser's cache keeps working across pages.
static URL_TTL: OnceLock<Duration> = OnceLock::new();

/// Sets the signed URLs' lifetime.
pub fn init_url_ttl(ttl: Duration) {
    let _ = URL_TTL.set(ttl);
}

/// A signed URL of a photo.
fn signed_url(id: i64, variant: Variant, now_secs: i64) -> String {
    const STEP: i64 = 600;
    let ttl = URL_TTL.get().map_or(1800, |t| i64::try_from(t.as_secs()).unwrap_or(1800));
    let exp = (now_secs / STEP + 1) * STEP + ttl;
    let path = match variant {
        Variant::Full => format!("/api/v1/photos/{id}"),
        Variant::Thumb => format!("/api/v1/photos/{id}/thumb"),
    };
    format!("{path}?exp={exp}&sig={}", signature(id, variant, exp))
}

/// Whether a signed URL's query is genuine and unexpired.
pub fn verify(id: i64, variant: Variant, exp: &str, sig: &str, now_secs: i64) -> bool {
    let Ok(exp) = exp.parse::<i64>() else { return false };
    if exp < now_secs {
        return false;
    }
    let expected = signature(id, variant, exp);
    // Constant-time comparison.
    expected.len() == sig.len() && expected.bytes().zip(sig.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// A photo as an API body shows it, with signed URLs.
pub fn view(p: &PhotoRecord) -> Photo {
    let now = chrono::Utc::now().timestamp();
    Photo {
        id: p.id.to_string(),
        stage: p.stage,
        content_type: p.content_type.clone(),
        width: u32::try_from(p.width).unwrap_or(0),
        height: u32::try_from(p.height).unwrap_or(0),
        bytes: u64::try_from(p.bytes).unwrap_or(0),
        url: signed_url(p.id, Variant::Full, now),
        thumb_url: signed_url(p.id, Variant::Thumb, now),
        created_at: crate::views::rfc3339(
            chrono::DateTime::from_timestamp_millis(p.created_at).unwrap_or_else(chrono::Utc::now),
        ),
    }
}

/// The API error for photos refused inside a change's transaction.
pub fn refusal(refused: AttachFailure) -> ApiError {
    match refused {
        AttachFailure::Unavailable => ApiError::invalid_field("photos", "照片不存在、不是您上传的，或已被使用"),
        AttachFailure::TooMany(max) => too_many(max),
    }
}

fn too_many(max: usize) -> ApiError {
    let mut e = ApiError::new(ErrorCode::TooManyPhotos, format!("最多只能附 {max} 张照片"));
    e.details.field = Some("photos".into());
    e.details.max = Some(u32::try_from(max).unwrap_or(u32::MAX));
    e
}

/// Checks the photo ids a request sends with a change (the caller's own uploads, unattached, at
/// most the configured number, no repeats) and returns what the change's transaction attaches.
/// `None` when none were sent. The transaction checks ownership and the total again, so a race
/// changes nothing.
pub async fn attachment(
    state: &AppState,
    caller: &Caller,
    raw: Option<&[String]>,
    stage: PhotoStage,
) -> Result<Option<PhotoAttach>, ApiError> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else { return Ok(None) };
    let max = state.settings.files.max_per_subject;
    if raw.len() > max {
        return Err(too_many(max));
    }
    let mut ids = Vec::with_capacity(raw.len());
    for r in raw {
        let id = crate::extract::field_id("photos", r)?;
        if ids.contains(&id) {
            return Err(ApiError::invalid_field("photos", "同一张照片不能重复添加"));
        }
        ids.push(id);
    }
    let found = state.store.photos_by_ids(&ids).await?;
    let usable = |p: &PhotoRow| p.uploaded_by == caller.id() && p.subject.is_none();
    if found.len() != ids.len() || !found.iter().all(usable) {
        return Err(refusal(AttachFailure::Unavailable));
    }
    Ok(Some(PhotoAttach { ids, owner: caller.id(), stage, max }))
}

/// The photo ids attached with each event of a subject's log, keyed by event id.
pub async fn by_event(state: &AppState, subject: Subject) -> Result<HashMap<i64, Vec<String>>, ApiError> {
    let mut map: HashMap<i64, Vec<String>> = HashMap::new();
    for (photo, event) in state.store.photo_events(subject).await? {
        if let Some(event) = event {
            map.entry(event).or_default().push(photo.to_string());
        }
    }
    Ok(map)
}

/// Whether `caller` may see photo `p`: its uploader, or whoever may see its wish or work order.
pub async fn may_see(state: &AppState, caller: &Caller, p: &PhotoRow) -> Result<bool, ApiError> {
    if p.uploaded_by == caller.id() {
        return Ok(true);
    }
    match p.subject {
        None => Ok(false),
        Some(Subject::Wish(id)) => Ok(state.store.wish(id).await?.is_some_and(|w| caller.can_see(&w))),
        Some(Subject::Order(id)) => {
            let Some(order) = state.store.order(id).await? else { return Ok(false) };
            let viewer = crate::work_orders::Viewer::load(state, caller).await?;
            Ok(viewer.can_see(&order))
        }
        Some(Subject::Notice(id)) => crate::notices::may_read(state, caller, id).await,
    }
}

/// Deletes uploads left unattached longer than the setting, then blobs that nothing names and
/// nobody touched for an hour. Each deletion is one conditional write, so several instances may
/// run it at once. How many uploads were deleted.
pub async fn sweep(state: &AppState) -> Result<usize, crate::store::StoreError> {
    let now = chrono::Utc::now().timestamp_millis();
    let ttl = i64::try_from(state.settings.files.unattached_ttl.as_millis()).unwrap_or(i64::MAX);
    let before = now.saturating_sub(ttl);
    let mut deleted = 0;
    for id in state.store.stale_uploads(before, 500).await? {
        if state.store.delete_stale_upload(id, before).await?.is_some() {
            deleted += 1;
        }
    }
    let grace = i64::try_from(state.settings.files.blob_grace.as_millis()).unwrap_or(i64::MAX);
    let untouched_since = now.saturating_sub(grace);
    for sha in state.store.orphan_blobs(untouched_since, 500).await? {
        let files = state.files.clone();
        let sha_owned = sha.clone();
        state
            .store
            .sweep_blob(&sha, untouched_since, move || async move {
                files.delete(&sha_owned).await.map_err(|e| e.to_string())
            })
            .await?;
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_url_holds_until_it_expires_and_only_for_its_photo_and_image() {
        init_signing(b"a test secret of some length, at least thirty-two bytes");
        let url = signed_url(7, Variant::Thumb, 1_000_000);
        let query = url.split_once('?').unwrap().1;
        let (exp, sig) = query.split_once("&sig=").unwrap();
        let exp = exp.trim_start_matches("exp=");
        assert!(url.starts_with("/api/v1/photos/7/thumb?"));
        assert!(verify(7, Variant::Thumb, exp, sig, 1_000_000));
        let exp_secs: i64 = exp.parse().unwrap();
        assert!(exp_secs >= 1_000_000 + 1800, "lives at least the setting");
        assert!(!verify(7, Variant::Thumb, exp, sig, exp_secs + 1), "expired");
        assert!(!verify(8, Variant::Thumb, exp, sig, 1_000_000), "another photo");
        assert!(!verify(7, Variant::Full, exp, sig, 1_000_000), "the other image");
        assert!(!verify(7, Variant::Thumb, &(exp_secs + 3600).to_string(), sig, 1_000_000), "a longer life");
        assert!(!verify(7, Variant::Thumb, "soon", sig, 1_000_000));
        // The same URL for ten minutes at a time, so caches keep working.
        assert_eq!(signed_url(7, Variant::Thumb, 1_000_000 + 1), url);
    }
}
