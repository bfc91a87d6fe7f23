//! Photos: uploads (with their content-addressed blobs), attaching them to a wish or work order in
//! the transaction of the change they come with, and the clean-up of uploads never attached.

use haolin_shared::api::PhotoStage;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::sql_builder::SqlBuilder;
use super::wechat::Subject;
use super::{Store, StoreError};

/// A new upload: the processed picture and thumbnail, already hashed.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    /// The picture's SHA-256 (hex).
    pub sha256: String,
    /// The picture's size.
    pub bytes: i64,
    /// The thumbnail's SHA-256 (hex).
    pub thumb_sha256: String,
    /// The thumbnail's size.
    pub thumb_bytes: i64,
    /// `image/jpeg` or `image/png`.
    pub content_type: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// The uploader.
    pub uploaded_by: i64,
    /// Now (UTC ms).
    pub at: i64,
}

/// One stored upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoRow {
    /// The id.
    pub id: i64,
    /// The picture's SHA-256.
    pub sha256: String,
    /// The thumbnail's SHA-256.
    pub thumb_sha256: String,
    /// The thumbnail's size.
    pub thumb_bytes: i64,
    /// The uploader.
    pub uploaded_by: i64,
    /// What it is attached to.
    pub subject: Option<Subject>,
    /// The record shown in API bodies.
    pub record: PhotoRecord,
}

/// A photo as its subject's API body lists it (kept as JSON on the wish or order row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoRecord {
    /// The id.
    pub id: i64,
    /// Where it was attached.
    pub stage: PhotoStage,
    /// `image/jpeg` or `image/png`.
    pub content_type: String,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// Size in bytes.
    pub bytes: i64,
    /// When uploaded (UTC ms).
    pub created_at: i64,
}

/// Photos to attach with a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoAttach {
    /// Ids of the uploads (the caller's own, unattached).
    pub ids: Vec<i64>,
    /// Who attaches them (must be their uploader).
    pub owner: i64,
    /// The stage.
    pub stage: PhotoStage,
    /// The most photos of this stage group the subject may hold afterwards.
    pub max: usize,
}

/// Why photos could not be attached (nothing was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachFailure {
    /// One of them is not the caller's, is gone, or is attached already.
    Unavailable,
    /// The subject would hold more than allowed.
    TooMany(usize),
}

/// Decodes a subject's stored photo list.
pub fn photo_list(raw: &str) -> Vec<PhotoRecord> {
    serde_json::from_str(raw).unwrap_or_default()
}

const PHOTO_COLUMNS: &str = "id, sha256, thumb_sha256, content_type, width, height, bytes, uploaded_by, created_at, \
     subject_kind, subject_id, stage, \
     (SELECT b.bytes FROM photo_blobs b WHERE b.sha256 = photos.thumb_sha256) AS thumb_bytes";

fn photo_from_row(row: &AnyRow) -> Result<PhotoRow, sqlx::Error> {
    let kind: Option<String> = row.try_get("subject_kind")?;
    let subject_id: Option<i64> = row.try_get("subject_id")?;
    let stage: String = row.try_get("stage")?;
    Ok(PhotoRow {
        id: row.try_get("id")?,
        sha256: row.try_get("sha256")?,
        thumb_sha256: row.try_get("thumb_sha256")?,
        thumb_bytes: row.try_get::<Option<i64>, _>("thumb_bytes")?.unwrap_or(0),
        uploaded_by: row.try_get("uploaded_by")?,
        subject: match (kind.as_deref(), subject_id) {
            (Some("wish"), Some(id)) => Some(Subject::Wish(id)),
            (Some("order"), Some(id)) => Some(Subject::Order(id)),
            (Some("notice"), Some(id)) => Some(Subject::Notice(id)),
            _ => None,
        },
        record: PhotoRecord {
            id: row.try_get("id")?,
            stage: PhotoStage::parse(&stage)
                .ok_or_else(|| sqlx::Error::Decode(format!("bad photo stage {stage}").into()))?,
            content_type: row.try_get("content_type")?,
            width: row.try_get("width")?,
            height: row.try_get("height")?,
            bytes: row.try_get("bytes")?,
            created_at: row.try_get("created_at")?,
        },
    })
}

fn subject_parts(subject: Subject) -> (&'static str, i64, &'static str) {
    match subject {
        Subject::Wish(id) => ("wish", id, "wishes"),
        Subject::Order(id) => ("order", id, "work_orders"),
        Subject::Notice(id) => ("notice", id, "notices"),
    }
}

/// Upserts a blob row, touching it (the sweeper leaves a touched blob alone for an hour).
async fn touch_blob(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    sha256: &str,
    bytes: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO photo_blobs (sha256, bytes, last_used_at) VALUES ($1, $2, $3) \
         ON CONFLICT (sha256) DO UPDATE SET last_used_at = $3",
    )
    .bind(sha256)
    .bind(bytes)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Records an upload and touches its blobs, in one transaction; its id. The caller writes the
    /// objects after this commits (so a blob row always exists, touched, while its object is
    /// written, and the sweeper cannot delete it under the upload).
    pub async fn insert_photo(&self, p: &NewPhoto) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        touch_blob(&mut tx, &p.sha256, p.bytes, p.at).await?;
        if p.thumb_sha256 != p.sha256 {
            touch_blob(&mut tx, &p.thumb_sha256, p.thumb_bytes, p.at).await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO photos (sha256, thumb_sha256, content_type, width, height, bytes, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&p.sha256)
        .bind(&p.thumb_sha256)
        .bind(&p.content_type)
        .bind(p.width)
        .bind(p.height)
        .bind(p.bytes)
        .bind(p.uploaded_by)
        .bind(p.at)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One upload.
    pub async fn photo(&self, id: i64) -> Result<Option<PhotoRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {PHOTO_COLUMNS} FROM photos WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(photo_from_row).transpose()?)
    }

    /// Uploads by id (those that exist).
    pub async fn photos_by_ids(&self, ids: &[i64]) -> Result<Vec<PhotoRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = SqlBuilder::new(format!("SELECT {PHOTO_COLUMNS} FROM photos WHERE id IN ("));
        q.push_binds(ids.iter().copied()).push(")");
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(photo_from_row).collect::<Result<_, _>>()?)
    }

    /// How many photos an account uploaded since a time (the daily quota).
    pub async fn uploads_since(&self, user_id: i64, since: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM photos WHERE uploaded_by = $1 AND created_at >= $2")
            .bind(user_id)
            .bind(since)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Attaches uploads to a subject inside the transaction of the change they come with (whose
    /// event, if any, they name), and rewrites the subject's photo list. The subject's row must
    /// already be written (locked) by this transaction, so two attachments to one subject are
    /// serialised. `Ok(Err(_))`: refused; the caller rolls back.
    pub(super) async fn attach_photos(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        subject: Subject,
        event_id: Option<i64>,
        attach: &PhotoAttach,
        at: i64,
    ) -> Result<Result<Vec<PhotoRecord>, AttachFailure>, sqlx::Error> {
        let (kind, subject_id, table) = subject_parts(subject);
        let mut update = SqlBuilder::new("UPDATE photos SET subject_kind = ");
        update
            .push_bind(kind)
            .push(", subject_id = ")
            .push_bind(subject_id)
            .push(", stage = ")
            .push_bind(attach.stage.as_str())
            .push(", event_id = ")
            .push_bind(event_id)
            .push(", attached_at = ")
            .push_bind(at)
            .push(" WHERE uploaded_by = ")
            .push_bind(attach.owner)
            .push(" AND subject_kind IS NULL AND id IN (")
            .push_binds(attach.ids.iter().copied())
            .push(")");
        let updated = update.build().execute(&mut **tx).await?.rows_affected();
        if updated != attach.ids.len() as u64 {
            return Ok(Err(AttachFailure::Unavailable));
        }
        let rows = sqlx::query(&format!(
            "SELECT {PHOTO_COLUMNS} FROM photos WHERE subject_kind = $1 AND subject_id = $2 ORDER BY id"
        ))
        .bind(kind)
        .bind(subject_id)
        .fetch_all(&mut **tx)
        .await?;
        let list: Vec<PhotoRecord> =
            rows.iter().map(|r| photo_from_row(r).map(|p| p.record)).collect::<Result<_, _>>()?;
        let group = |s: PhotoStage| if s.is_residents() { PhotoStage::Post } else { s };
        let in_group = list.iter().filter(|p| group(p.stage) == group(attach.stage)).count();
        // A wish's own pictures share one quota; other stages count per action.
        let counted = if attach.stage.is_residents() { in_group } else { attach.ids.len() };
        if counted > attach.max {
            return Ok(Err(AttachFailure::TooMany(attach.max)));
        }
        sqlx::query(&format!("UPDATE {table} SET photos = $1 WHERE id = $2"))
            .bind(serde_json::to_string(&list).unwrap_or_else(|_| "[]".into()))
            .bind(subject_id)
            .execute(&mut **tx)
            .await?;
        Ok(Ok(list))
    }

    /// Adds the resident's photos to a live wish (one of `statuses`); the wish's photos after,
    /// `Ok(Err(None))` when the wish is not live, `Ok(Err(Some(_)))` when the photos are refused.
    pub async fn add_wish_photos(
        &self,
        wish_id: i64,
        statuses: &[&str],
        attach: &PhotoAttach,
        at: i64,
    ) -> Result<Result<Vec<PhotoRecord>, Option<AttachFailure>>, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Writing the wish row first takes its lock: concurrent additions to one wish queue here.
        let mut touch = SqlBuilder::new("UPDATE wishes SET updated_at = ");
        touch.push_bind(at).push(" WHERE id = ").push_bind(wish_id).push(" AND status IN (");
        touch.push_binds(statuses.iter().copied()).push(")");
        if touch.build().execute(&mut *tx).await?.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(Err(None));
        }
        match Self::attach_photos(&mut tx, Subject::Wish(wish_id), None, attach, at).await? {
            Ok(list) => {
                tx.commit().await?;
                Ok(Ok(list))
            }
            Err(refused) => {
                tx.rollback().await?;
                Ok(Err(Some(refused)))
            }
        }
    }

    /// The photos of a subject with the event each came with, oldest first.
    pub async fn photo_events(&self, subject: Subject) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
        let (kind, id, _) = subject_parts(subject);
        let rows =
            sqlx::query("SELECT id, event_id FROM photos WHERE subject_kind = $1 AND subject_id = $2 ORDER BY id")
                .bind(kind)
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .iter()
            .map(|r| Ok::<_, sqlx::Error>((r.try_get("id")?, r.try_get("event_id")?)))
            .collect::<Result<_, _>>()?)
    }

    /// Uploads never attached and older than `before`, oldest first.
    pub async fn stale_uploads(&self, before: i64, limit: u32) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM photos WHERE subject_kind IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2",
        )
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Deletes an upload if it is still unattached and older than `before` (one instance wins);
    /// the SHA-256s of its picture and thumbnail.
    pub async fn delete_stale_upload(&self, id: i64, before: i64) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM photos WHERE id = $1 AND subject_kind IS NULL AND created_at < $2 \
             RETURNING sha256, thumb_sha256",
        )
        .bind(id)
        .bind(before)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| Ok::<_, sqlx::Error>((r.try_get("sha256")?, r.try_get("thumb_sha256")?))).transpose()?)
    }

    /// Deletes a blob no photo names and nobody touched since `untouched_since`: its row, then
    /// (`delete_object`, still inside the transaction, so an upload touching the same blob waits
    /// for it) its object. Whether it was deleted.
    pub async fn sweep_blob<F, Fut>(
        &self,
        sha256: &str,
        untouched_since: i64,
        delete_object: F,
    ) -> Result<bool, StoreError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        let mut tx = self.pool.begin().await?;
        let gone = sqlx::query(
            "DELETE FROM photo_blobs WHERE sha256 = $1 AND last_used_at < $2 \
             AND NOT EXISTS (SELECT 1 FROM photos WHERE sha256 = $1 OR thumb_sha256 = $1)",
        )
        .bind(sha256)
        .bind(untouched_since)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !gone {
            tx.rollback().await?;
            return Ok(false);
        }
        if let Err(e) = delete_object().await {
            tracing::warn!(sha256, error = %e, "photo object not deleted; kept for the next sweep");
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Blobs no photo names, untouched since `before` (the sweeper's candidates).
    pub async fn orphan_blobs(&self, before: i64, limit: u32) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT b.sha256 FROM photo_blobs b WHERE b.last_used_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = b.sha256 OR p.thumb_sha256 = b.sha256) LIMIT $2",
        )
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }
}
