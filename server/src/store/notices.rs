//! Notices (通知公告): the notice rows, who they reach (the audience, computed in SQL from homes
//! and members' communities), the read marks, and the posting transaction that writes the notice,
//! its photos, its audit entry, an in-app notification for everyone in the audience and the
//! subscribe messages, all in bulk statements (a street may have thousands of residents).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::AuditEntry;
use super::photos::{PhotoAttach, PhotoRecord, photo_list};
use super::sql_builder::SqlBuilder;
use super::wechat::{OutboxMessage, Subject};
use super::{Store, StoreError};
use haolin_shared::api::PlaceLevel;

/// The accounts a notice addressed to place `$1` reaches: residents whose home (a grid or a unit)
/// is the place or lies under it (a unit's ancestors are at most three levels up), and members
/// checked in to a community that is the place or one of its communities.
pub const AUDIENCE_SQL: &str = "SELECT u.id AS user_id FROM users u JOIN places h ON h.id = u.home_place_id \
     LEFT JOIN places p1 ON p1.id = h.parent_id LEFT JOIN places p2 ON p2.id = p1.parent_id \
     LEFT JOIN places p3 ON p3.id = p2.parent_id \
     WHERE h.id = $1 OR p1.id = $1 OR p2.id = $1 OR p3.id = $1 \
     UNION SELECT g.user_id FROM role_grants g JOIN places c ON c.id = g.community_id \
     WHERE g.role = 'member' AND c.level = 'community' AND (c.id = $1 OR c.parent_id = $1)";

const NOTICE_SELECT: &str = "SELECT n.id, n.place_id, p.code AS place_code, p.name AS place_name, \
     p.level AS place_level, n.title, n.body, n.pinned, n.ends_at, n.posted_by, u.name AS poster_name, n.photos, \
     n.created_at, n.updated_at, n.withdrawn_at";
const NOTICE_FROM: &str = " FROM notices n JOIN places p ON p.id = n.place_id JOIN users u ON u.id = n.posted_by";

/// A stored notice.
#[derive(Debug, Clone)]
pub struct NoticeRecord {
    /// The id.
    pub id: i64,
    /// The place addressed.
    pub place_id: i64,
    /// Its code.
    pub place_code: String,
    /// Its name.
    pub place_name: String,
    /// Its level.
    pub place_level: PlaceLevel,
    /// The title.
    pub title: String,
    /// The text.
    pub body: String,
    /// Shown first.
    pub pinned: bool,
    /// When it stops being shown (UTC ms).
    pub ends_at: i64,
    /// The poster.
    pub posted_by: i64,
    /// The poster's name.
    pub poster_name: String,
    /// Its photos.
    pub photos: Vec<PhotoRecord>,
    /// When posted (UTC ms).
    pub created_at: i64,
    /// When last changed (UTC ms).
    pub updated_at: i64,
    /// When withdrawn (UTC ms).
    pub withdrawn_at: Option<i64>,
    /// When the reader read it (UTC ms), for reads on behalf of one reader.
    pub read_at: Option<i64>,
}

impl NoticeRecord {
    /// Whether it is shown to its audience at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        self.withdrawn_at.is_none() && self.ends_at > now
    }
}

fn notice_from_row(row: &AnyRow, with_read: bool) -> Result<NoticeRecord, sqlx::Error> {
    let level: String = row.try_get("place_level")?;
    let photos: String = row.try_get("photos")?;
    Ok(NoticeRecord {
        id: row.try_get("id")?,
        place_id: row.try_get("place_id")?,
        place_code: row.try_get("place_code")?,
        place_name: row.try_get("place_name")?,
        place_level: PlaceLevel::parse(&level)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad level {level}").into()))?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        pinned: row.try_get::<i64, _>("pinned")? != 0,
        ends_at: row.try_get("ends_at")?,
        posted_by: row.try_get("posted_by")?,
        poster_name: row.try_get("poster_name")?,
        photos: photo_list(&photos),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        withdrawn_at: row.try_get("withdrawn_at")?,
        read_at: if with_read { row.try_get("read_at")? } else { None },
    })
}

/// A notice to post, with everything its transaction writes.
#[derive(Debug, Clone)]
pub struct NewNotice {
    /// The place addressed.
    pub place_id: i64,
    /// The title (validated).
    pub title: String,
    /// The text (validated).
    pub body: String,
    /// Shown first.
    pub pinned: bool,
    /// When it stops being shown (UTC ms).
    pub ends_at: i64,
    /// The poster.
    pub posted_by: i64,
    /// Photos to attach.
    pub photos: Option<PhotoAttach>,
    /// The in-app notification's kind and title.
    pub notification: (&'static str, String),
    /// The subscribe message, for readers with a WeChat identity and a credit.
    pub message: Option<OutboxMessage>,
    /// The audit entry.
    pub audit: AuditEntry,
    /// Now (UTC ms).
    pub at: i64,
}

/// A change to a notice by its poster or an admin.
#[derive(Debug, Clone)]
pub struct NoticeChange {
    /// New title.
    pub title: Option<String>,
    /// New text.
    pub body: Option<String>,
    /// New pin.
    pub pinned: Option<bool>,
    /// New end (UTC ms).
    pub ends_at: Option<i64>,
    /// Withdraw it.
    pub withdraw: bool,
    /// The audit entry.
    pub audit: AuditEntry,
    /// Now (UTC ms).
    pub at: i64,
}

/// A keyset position in a list ordered pinned first, then newest.
#[derive(Debug, Clone, Copy)]
pub struct NoticeAfter {
    /// The last notice's pin.
    pub pinned: bool,
    /// The last notice's id.
    pub id: i64,
}

impl Store {
    /// Posts a notice: the row, its photos, its audit entry, one notification per reader (not the
    /// poster) and their subscribe messages, in one transaction; the notice's id and how many were
    /// notified.
    pub async fn post_notice(&self, new: &NewNotice) -> Result<(i64, u64), StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO notices (place_id, title, body, pinned, ends_at, posted_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(new.place_id)
        .bind(&new.title)
        .bind(&new.body)
        .bind(i64::from(new.pinned))
        .bind(new.ends_at)
        .bind(new.posted_by)
        .bind(new.at)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(attach) = &new.photos
            && let Err(refused) = Self::attach_photos(&mut tx, Subject::Notice(id), None, attach, new.at).await?
        {
            tx.rollback().await?;
            return Err(StoreError::Photos(refused));
        }
        Self::insert_audit(&mut tx, &new.audit, Some(id)).await?;
        let notified = sqlx::query(&format!(
            "INSERT INTO notifications (user_id, notice_id, kind, title, body, created_at) \
             SELECT a.user_id, $2, $3, $4, '', $5 FROM ({AUDIENCE_SQL}) a WHERE a.user_id <> $6"
        ))
        .bind(new.place_id)
        .bind(id)
        .bind(new.notification.0)
        .bind(&new.notification.1)
        .bind(new.at)
        .bind(new.posted_by)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if let Some(message) = &new.message {
            sqlx::query(
                "INSERT INTO outbox (user_id, notification_id, template_id, payload, status, attempts, \
                 next_attempt_at, created_at) \
                 SELECT n.user_id, n.id, $2, $3, 'pending', 0, $4, $4 FROM notifications n \
                 WHERE n.notice_id = $1 \
                 AND EXISTS (SELECT 1 FROM wechat_identities w WHERE w.user_id = n.user_id) \
                 AND EXISTS (SELECT 1 FROM subscription_credits s \
                             WHERE s.user_id = n.user_id AND s.template_id = $2 AND s.credits > 0)",
            )
            .bind(id)
            .bind(&message.template_id)
            .bind(message.payload.replace(crate::notify::NOTICE_ID_SLOT, &id.to_string()))
            .bind(new.at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((id, notified))
    }

    /// One notice, with `reader`'s read mark.
    pub async fn notice(&self, id: i64, reader: i64) -> Result<Option<NoticeRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "{NOTICE_SELECT}, r.read_at{NOTICE_FROM} \
             LEFT JOIN notice_reads r ON r.notice_id = n.id AND r.user_id = $2 WHERE n.id = $1"
        ))
        .bind(id)
        .bind(reader)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(|r| notice_from_row(r, true)).transpose()?)
    }

    /// Whether a notice addressed to `place_id` reaches `user_id`.
    pub async fn notice_reaches(&self, place_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar(&format!("SELECT a.user_id FROM ({AUDIENCE_SQL}) a WHERE a.user_id = $2"))
                .bind(place_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// The places whose notices reach `user_id`: their home and the places above it, and the
    /// communities they are a member of with those communities' streets.
    pub async fn notice_places(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
        let home = sqlx::query(
            "SELECT h.id AS a, p1.id AS b, p2.id AS c, p3.id AS d FROM users u JOIN places h ON h.id = u.home_place_id \
             LEFT JOIN places p1 ON p1.id = h.parent_id LEFT JOIN places p2 ON p2.id = p1.parent_id \
             LEFT JOIN places p3 ON p3.id = p2.parent_id WHERE u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        let mut out = Vec::new();
        if let Some(row) = home {
            for col in ["a", "b", "c", "d"] {
                if let Some(id) = row.try_get::<Option<i64>, _>(col)? {
                    out.push(id);
                }
            }
        }
        let rows = sqlx::query(
            "SELECT c.id, c.parent_id FROM role_grants g JOIN places c ON c.id = g.community_id \
             WHERE g.user_id = $1 AND g.role = 'member' AND c.level = 'community'",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            out.push(row.try_get("id")?);
            if let Some(parent) = row.try_get::<Option<i64>, _>("parent_id")? {
                out.push(parent);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The live notices of `places` for `reader` at `now`, pinned first, then newest; at most
    /// `limit` after `after`.
    pub async fn notices_for(
        &self,
        places: &[i64],
        reader: i64,
        now: i64,
        after: Option<NoticeAfter>,
        limit: u32,
    ) -> Result<Vec<NoticeRecord>, StoreError> {
        if places.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = SqlBuilder::new(format!("{NOTICE_SELECT}, r.read_at{NOTICE_FROM} "));
        q.push("LEFT JOIN notice_reads r ON r.notice_id = n.id AND r.user_id = ")
            .push_bind(reader)
            .push(" WHERE n.withdrawn_at IS NULL AND n.ends_at > ")
            .push_bind(now)
            .push(" AND n.place_id IN (")
            .push_binds(places.iter().copied())
            .push(")");
        push_after(&mut q, after);
        q.push(" ORDER BY n.pinned DESC, n.id DESC LIMIT ").push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| notice_from_row(r, true)).collect::<Result<_, _>>()?)
    }

    /// Notices for staff: those `poster` posted, or (with `places`) addressed to one of `places`,
    /// or every notice when both are `None`; withdrawn and ended ones included.
    pub async fn notices_posted(
        &self,
        poster: Option<i64>,
        places: Option<&[i64]>,
        after: Option<NoticeAfter>,
        limit: u32,
    ) -> Result<Vec<NoticeRecord>, StoreError> {
        let mut q = SqlBuilder::new(format!("{NOTICE_SELECT}{NOTICE_FROM} WHERE (1 = 0"));
        match (poster, places) {
            (None, None) => {
                q.push(" OR 1 = 1");
            }
            (poster, places) => {
                if let Some(poster) = poster {
                    q.push(" OR n.posted_by = ").push_bind(poster);
                }
                if let Some(places) = places.filter(|p| !p.is_empty()) {
                    q.push(" OR n.place_id IN (").push_binds(places.iter().copied()).push(")");
                }
            }
        }
        q.push(")");
        push_after(&mut q, after);
        q.push(" ORDER BY n.pinned DESC, n.id DESC LIMIT ").push_bind(i64::from(limit));
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| notice_from_row(r, false)).collect::<Result<_, _>>()?)
    }

    /// The places within `roots` (streets or communities) and up to two levels below them.
    pub async fn places_under(&self, roots: &[i64]) -> Result<Vec<i64>, StoreError> {
        if roots.is_empty() {
            return Ok(Vec::new());
        }
        let mut q =
            SqlBuilder::new("SELECT p.id FROM places p LEFT JOIN places q ON q.id = p.parent_id WHERE p.id IN (");
        q.push_binds(roots.iter().copied()).push(") OR p.parent_id IN (");
        q.push_binds(roots.iter().copied()).push(") OR q.parent_id IN (");
        q.push_binds(roots.iter().copied()).push(")");
        Ok(q.build_scalar::<i64>().fetch_all(&self.pool).await?)
    }

    /// Marks a notice read by `user_id` (once: the first time stays), and their notification of it.
    pub async fn mark_notice_read(&self, notice_id: i64, user_id: i64, at: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO notice_reads (notice_id, user_id, read_at) VALUES ($1, $2, $3) \
             ON CONFLICT (notice_id, user_id) DO NOTHING",
        )
        .bind(notice_id)
        .bind(user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE notifications SET read_at = $3 WHERE notice_id = $1 AND user_id = $2 AND read_at IS NULL")
            .bind(notice_id)
            .bind(user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes or withdraws a notice not withdrawn yet, with its audit entry; false when it was
    /// withdrawn meanwhile.
    pub async fn change_notice(&self, id: i64, change: &NoticeChange) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut q = SqlBuilder::new("UPDATE notices SET updated_at = ");
        q.push_bind(change.at);
        if let Some(title) = &change.title {
            q.push(", title = ").push_bind(title.clone());
        }
        if let Some(body) = &change.body {
            q.push(", body = ").push_bind(body.clone());
        }
        if let Some(pinned) = change.pinned {
            q.push(", pinned = ").push_bind(i64::from(pinned));
        }
        if let Some(ends_at) = change.ends_at {
            q.push(", ends_at = ").push_bind(ends_at);
        }
        if change.withdraw {
            q.push(", withdrawn_at = ").push_bind(change.at);
        }
        q.push(" WHERE id = ").push_bind(id).push(" AND withdrawn_at IS NULL");
        if q.build().execute(&mut *tx).await?.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        Self::insert_audit(&mut tx, &change.audit, Some(id)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The highest notice id (where the live feed starts).
    pub async fn last_notice_id(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM notices")
            .fetch_one(&self.pool)
            .await?
            .unwrap_or(0))
    }

    /// Notices posted after id `after`, oldest first: `(id, place_id)`.
    pub async fn notices_after(&self, after: i64, limit: u32) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query("SELECT id, place_id FROM notices WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("place_id")?))).collect::<Result<_, sqlx::Error>>()?)
    }
}

fn push_after(q: &mut SqlBuilder<'_>, after: Option<NoticeAfter>) {
    if let Some(after) = after {
        let pinned = i64::from(after.pinned);
        q.push(" AND (n.pinned < ")
            .push_bind(pinned)
            .push(" OR (n.pinned = ")
            .push_bind(pinned)
            .push(" AND n.id < ")
            .push_bind(after.id)
            .push("))");
    }
}
