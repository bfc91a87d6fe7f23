//! Wishes: posting (with the idempotency record), reading and listing, the conditional transition
//! write with its event and notifications, the live-update catch-up and the jobs' queries.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use haolin_shared::domain::WishAction;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::sql_builder::SqlBuilder;
use super::wechat::{Recipient, Subject};
use super::{
    Backend, EventRecord, IdempotencyWrite, IdempotentResponse, NewWish, Recorded, Store, StoreError,
    TransitionFailure, TransitionWrite, WishQuery, WishRecord, millis, opt_time, status, time, unique_violation,
};

/// The columns of a wish (`w`) with the names of its resident and member and its places' codes.
pub const WISH_COLUMNS: &str = "w.id, w.community_id, w.grid_id, w.resident_id, w.posted_by, r.name AS resident_name, \
     w.title, w.description, w.category, w.contact_phone, w.expected_by, w.status, w.version, w.member_id, \
     m.name AS member_name, w.claim_expires_at, w.fulfilled_at, w.fulfilment_note, w.rating, w.comment, \
     w.created_at, w.updated_at, w.flagged, c.code AS community_code, c.name AS community_name, \
     g.code AS grid_code, g.name AS grid_name, w.photos, w.credit_minutes, w.paid_minutes";

/// The joins that bring in the names and places of [`WISH_COLUMNS`].
const WISH_JOINS: &str = "JOIN users r ON r.id = w.resident_id LEFT JOIN users m ON m.id = w.member_id \
     LEFT JOIN places c ON c.id = w.community_id LEFT JOIN places g ON g.id = w.grid_id";

/// A wish with the names of its resident and member (add `WHERE w.…`).
pub static WISH_SELECT: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {WISH_COLUMNS} FROM wishes w {WISH_JOINS}"));

/// One wish by id (`$1`).
static WISH_BY_ID: LazyLock<String> = LazyLock::new(|| format!("{} WHERE w.id = $1", *WISH_SELECT));

/// A page of wishes: the ids first, from the index alone (`list_wishes` appends the filters, the
/// order and the limit, then [`WISH_PAGE_TAIL`]), then one join per row of the page. PostgreSQL
/// can then keep one generic plan for the page query instead of planning the joins every time.
pub const WISH_PAGE_HEAD: &str = "SELECT w.id FROM wishes w WHERE 1 = 1";

/// The end of a page query (see [`WISH_PAGE_HEAD`]).
pub static WISH_PAGE_TAIL: LazyLock<String> =
    LazyLock::new(|| format!(") page JOIN wishes w ON w.id = page.id {WISH_JOINS} ORDER BY w.id DESC"));

impl Store {
    pub(super) fn wish_from_row(row: &AnyRow) -> Result<WishRecord, sqlx::Error> {
        Ok(WishRecord {
            id: row.try_get("id")?,
            community_id: row.try_get("community_id")?,
            grid_id: row.try_get("grid_id")?,
            community_place: row.try_get::<Option<String>, _>("community_code")?.zip(row.try_get("community_name")?),
            grid_place: row.try_get::<Option<String>, _>("grid_code")?.zip(row.try_get("grid_name")?),
            resident_id: row.try_get("resident_id")?,
            posted_by: row.try_get("posted_by")?,
            resident_name: row.try_get("resident_name")?,
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            category: row.try_get("category")?,
            contact_phone: row.try_get("contact_phone")?,
            expected_by: row.try_get("expected_by")?,
            status: status(row.try_get("status")?)?,
            version: row.try_get("version")?,
            member_id: row.try_get("member_id")?,
            member_name: row.try_get("member_name")?,
            claim_expires_at: opt_time(row.try_get("claim_expires_at")?)?,
            fulfilled_at: opt_time(row.try_get("fulfilled_at")?)?,
            fulfilment_note: row.try_get("fulfilment_note")?,
            rating: row.try_get::<Option<i64>, _>("rating")?.and_then(|r| u8::try_from(r).ok()),
            comment: row.try_get("comment")?,
            created_at: time(row.try_get("created_at")?)?,
            updated_at: time(row.try_get("updated_at")?)?,
            flagged: row.try_get::<i64, _>("flagged")? != 0,
            photos: super::photos::photo_list(&row.try_get::<String, _>("photos")?),
            credit_minutes: row.try_get("credit_minutes")?,
            paid_minutes: row.try_get("paid_minutes")?,
        })
    }

    pub(super) async fn stored_response(
        &self,
        user_id: i64,
        key: &str,
    ) -> Result<Option<IdempotentResponse>, StoreError> {
        let row = sqlx::query("SELECT request_hash, wish_id FROM idempotency_keys WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(IdempotentResponse { request_hash: row.try_get("request_hash")?, wish_id: row.try_get("wish_id")? })
        })
        .transpose()
        .map_err(|e: sqlx::Error| e.into())
    }

    /// Inserts a wish and its `post` event, and the idempotency record (naming the new wish) if
    /// given, in one transaction. On a concurrent duplicate idempotency key, returns the record
    /// stored by the winner.
    pub async fn create_wish(
        &self,
        wish: NewWish,
        idempotency: Option<IdempotencyWrite>,
    ) -> Result<Result<Recorded, IdempotentResponse>, StoreError> {
        let at = millis(wish.at);
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO wishes (community_id, resident_id, posted_by, title, description, category, contact_phone, \
                 expected_by, status, version, created_at, updated_at, grid_id, flagged, credit_minutes, paid_minutes) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending_review', 1, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(wish.community_id)
        .bind(wish.resident_id)
        .bind(wish.posted_by)
        .bind(&wish.title)
        .bind(&wish.description)
        .bind(&wish.category)
        .bind(&wish.contact_phone)
        .bind(&wish.expected_by)
        .bind(at)
        .bind(at)
        .bind(wish.grid_id)
        .bind(i64::from(wish.flagged))
        .bind(wish.credit_minutes)
        .bind(wish.paid_minutes)
        .fetch_one(&mut *tx)
        .await?;
        let event_id: i64 = sqlx::query_scalar(
            "INSERT INTO wish_events (wish_id, community_id, at, actor_id, action, from_status, to_status) \
                 VALUES ($1, $2, $3, $4, 'post', NULL, 'pending_review') RETURNING id",
        )
        .bind(id)
        .bind(wish.community_id)
        .bind(at)
        .bind(wish.posted_by)
        .fetch_one(&mut *tx)
        .await?;
        Self::write_notices(&mut tx, &wish.notices, id, at).await?;
        if let Some(attach) = &wish.photos
            && let Err(refused) = Self::attach_photos(&mut tx, Subject::Wish(id), Some(event_id), attach, at).await?
        {
            tx.rollback().await?;
            return Err(StoreError::Photos(refused));
        }
        // The price is held last, so the resident's account row stays locked only for the end of
        // the transaction (many paid wishes posted at once wait on it in turn).
        if let Some(price) = wish.paid_minutes
            && let Err(refused) =
                super::time_bank::post_transfer(&mut tx, &super::time_bank::escrow_hold(&wish, id, price)).await?
        {
            tx.rollback().await?;
            return Err(StoreError::Ledger(refused));
        }
        let row = sqlx::query(WISH_BY_ID.as_str()).bind(id).fetch_one(&mut *tx).await?;
        let record = Self::wish_from_row(&row)?;
        if let Some(idem) = idempotency {
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, status, wish_id, created_at) \
                     VALUES ($1, $2, $3, 201, $4, $5)",
            )
            .bind(idem.user_id)
            .bind(&idem.key)
            .bind(&idem.request_hash)
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                Err(e) if unique_violation(&e) => {
                    tx.rollback().await?;
                    return match self.stored_response(idem.user_id, &idem.key).await? {
                        Some(first) => Ok(Err(first)),
                        None => Err(StoreError::Other(e)),
                    };
                }
                Err(e) => return Err(e.into()),
            }
        }
        tx.commit().await?;
        Ok(Ok(Recorded { wish: record, event_id }))
    }

    /// The response stored for an idempotency key.
    pub async fn idempotent_response(&self, user_id: i64, key: &str) -> Result<Option<IdempotentResponse>, StoreError> {
        self.stored_response(user_id, key).await
    }

    /// Deletes idempotency records older than `before`.
    pub async fn purge_idempotency(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(millis(before))
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// One wish.
    pub async fn wish(&self, id: i64) -> Result<Option<WishRecord>, StoreError> {
        let row = sqlx::query(WISH_BY_ID.as_str()).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(Self::wish_from_row).transpose()?)
    }

    /// A page of the wishes a caller may see, newest first.
    pub async fn list_wishes(&self, query: &WishQuery) -> Result<Vec<WishRecord>, StoreError> {
        let mut q = SqlBuilder::new(format!("SELECT {WISH_COLUMNS} FROM ({WISH_PAGE_HEAD}"));
        push_wish_filters(&mut q, query);
        q.push(" ORDER BY w.id DESC LIMIT ").push_bind(i64::from(query.limit)).push(&WISH_PAGE_TAIL);
        let rows = q.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(Self::wish_from_row).collect::<Result<_, _>>()?)
    }
}

/// Appends the filters of a wish list (visibility, then the caller's filters and the keyset
/// cursor) to a statement reading `wishes w` (the list's page and the export's bound share them).
pub(super) fn push_wish_filters(q: &mut SqlBuilder<'_>, query: &WishQuery) {
    if !query.sees_all {
        q.push(" AND (w.resident_id = ").push_bind(query.viewer_id);
        q.push(" OR w.member_id = ").push_bind(query.viewer_id);
        if !query.dispatcher_of.is_empty() {
            q.push(" OR w.community_id IN (");
            q.push_binds(query.dispatcher_of.iter().copied());
            q.push(")");
        }
        if !query.member_of.is_empty() {
            q.push(" OR (w.status = 'open' AND w.community_id IN (");
            q.push_binds(query.member_of.iter().copied());
            q.push("))");
        }
        q.push(")");
    }
    if query.mine {
        q.push(" AND w.resident_id = ").push_bind(query.viewer_id);
    }
    if query.held {
        q.push(" AND w.member_id = ").push_bind(query.viewer_id);
    }
    if query.filed {
        q.push(" AND w.posted_by = ").push_bind(query.viewer_id).push(" AND w.posted_by <> w.resident_id");
    }
    if let Some(status) = query.status {
        q.push(" AND w.status = ").push_bind(status.as_str());
    }
    if let Some(community) = query.community_id {
        q.push(" AND w.community_id = ").push_bind(community);
    }
    if let Some(before) = query.before_id {
        q.push(" AND w.id < ").push_bind(before);
    }
}

impl Store {
    /// A wish's events, oldest first.
    pub async fn wish_events(&self, wish_id: i64) -> Result<Vec<EventRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, wish_id, at, actor_id, action, from_status, to_status, reason FROM wish_events \
                 WHERE wish_id = $1 ORDER BY id",
        )
        .bind(wish_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let action: String = row.try_get("action")?;
                let from: Option<String> = row.try_get("from_status")?;
                Ok(EventRecord {
                    id: row.try_get("id")?,
                    wish_id: row.try_get("wish_id")?,
                    at: time(row.try_get("at")?)?,
                    actor_id: row.try_get("actor_id")?,
                    action: WishAction::parse(&action)
                        .ok_or_else(|| sqlx::Error::Decode(format!("bad action {action}").into()))?,
                    from: from.as_deref().map(status).transpose()?,
                    to: status(row.try_get("to_status")?)?,
                    reason: row.try_get("reason")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Applies a transition if the wish is still at the expected version, with its event and
    /// notifications, atomically.
    ///
    /// PostgreSQL runs it as one statement ([`transition_statement`]); a write bound by a member's
    /// live-claim limit first locks the member's row in the `BEGIN` round trip, so two instances
    /// cannot both let one member exceed it. SQLite, whose writers are serialised, runs the same
    /// parts as separate statements in one transaction.
    pub async fn transition_wish(&self, write: TransitionWrite) -> Result<Recorded, TransitionFailure> {
        let written = match (self.backend, write.live_claim_limit, &write.after) {
            // One statement, nothing to lock or read back: no transaction around it.
            (Backend::Postgres, None, Some(after)) if write.photos.is_none() && write.ledger.is_none() => {
                transition_statement(&write)
                    .build_scalar()
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|event_id| Recorded { wish: after.clone(), event_id })
            }
            (backend, limit, _) => {
                let mut tx = match (backend, limit) {
                    (Backend::Postgres, Some((member, _))) => self.pool.begin_with(member_lock_begin(member)).await?,
                    _ => self.pool.begin().await?,
                };
                match self.write_transition(&mut tx, &write).await? {
                    Some(event_id) => {
                        let mut wish = self.after_write(&write, &mut tx).await?;
                        if let Some(attach) = &write.photos {
                            let at = millis(write.at);
                            match Self::attach_photos(&mut tx, Subject::Wish(write.wish_id), Some(event_id), attach, at)
                                .await?
                            {
                                Ok(list) => wish.photos = list,
                                Err(refused) => {
                                    tx.rollback().await?;
                                    return Err(TransitionFailure::Store(StoreError::Photos(refused)));
                                }
                            }
                        }
                        if let Some(settlement) = &write.ledger {
                            super::time_bank::settle_wish(&mut tx, write.wish_id, settlement, write.actor_id).await?;
                        }
                        tx.commit().await?;
                        Some(Recorded { wish, event_id })
                    }
                    None => {
                        tx.rollback().await?;
                        None
                    }
                }
            }
        };
        match written {
            Some(recorded) => Ok(recorded),
            None => match self.wish(write.wish_id).await? {
                None => Err(TransitionFailure::Missing),
                Some(now) if now.version != write.expected_version || now.status != write.from => {
                    Err(TransitionFailure::Stale(Box::new(now)))
                }
                Some(_) => Err(TransitionFailure::LimitReached),
            },
        }
    }

    /// Writes a transition inside `tx`: its event id, or `None` when the conditional update
    /// matched nothing (and nothing was written). PostgreSQL runs [`transition_statement`]; SQLite
    /// runs the conditional update first (so the transaction takes the write lock at once, with no
    /// upgrade race), then the event and the notifications.
    pub(super) async fn write_transition(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        write: &TransitionWrite,
    ) -> Result<Option<i64>, StoreError> {
        if self.backend == Backend::Postgres {
            return Ok(transition_statement(write).build_scalar().fetch_optional(&mut **tx).await?);
        }
        let at = millis(write.at);
        let mut update = SqlBuilder::new("");
        push_update(&mut update, write);
        if update.build().execute(&mut **tx).await?.rows_affected() == 0 {
            return Ok(None);
        }
        let event_id: i64 = sqlx::query_scalar(
            "INSERT INTO wish_events (wish_id, community_id, at, actor_id, action, from_status, to_status, reason) \
             SELECT id, community_id, $1, $2, $3, $4, $5, $6 FROM wishes WHERE id = $7 RETURNING id",
        )
        .bind(at)
        .bind(write.actor_id)
        .bind(write.action.as_str())
        .bind(write.from.as_str())
        .bind(write.changes.status.as_str())
        .bind(&write.reason)
        .bind(write.wish_id)
        .fetch_one(&mut **tx)
        .await?;
        Self::write_notices(tx, &write.notices, write.wish_id, at).await?;
        Ok(Some(event_id))
    }

    /// The wish as the write left it: as the caller computed it, or read back in the transaction.
    pub(super) async fn after_write(
        &self,
        write: &TransitionWrite,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ) -> Result<WishRecord, StoreError> {
        Ok(match &write.after {
            Some(after) => after.clone(),
            None => {
                let row = sqlx::query(WISH_BY_ID.as_str()).bind(write.wish_id).fetch_one(&mut **tx).await?;
                Self::wish_from_row(&row)?
            }
        })
    }

    /// Every wish changed by an event after `after_event_id`, as it is now, with its latest event
    /// id, in event order (for replaying missed live updates).
    pub async fn wishes_changed_since(&self, after_event_id: i64, limit: u32) -> Result<Vec<Recorded>, StoreError> {
        let sql = format!(
            "{} JOIN (SELECT wish_id, MAX(id) AS last_event_id FROM wish_events WHERE id > $1 GROUP BY wish_id) e \
                 ON e.wish_id = w.id ORDER BY e.last_event_id LIMIT $2",
            WISH_SELECT.replacen("SELECT ", "SELECT e.last_event_id, ", 1)
        );
        let rows = sqlx::query(&sql).bind(after_event_id).bind(i64::from(limit)).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|row| Ok(Recorded { wish: Self::wish_from_row(row)?, event_id: row.try_get("last_event_id")? }))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// Claimed wishes whose deadline has passed: `(id, version)`.
    pub async fn expired_claims(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<(i64, i64)>, StoreError> {
        self.due(
            "SELECT id, version FROM wishes WHERE status = 'claimed' AND claim_expires_at <= $1 \
             ORDER BY claim_expires_at LIMIT $2",
            now,
            limit,
        )
        .await
    }

    /// Fulfilled wishes fulfilled before `cutoff`: `(id, version)`.
    pub async fn unanswered_fulfilments(
        &self,
        cutoff: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        self.due(
            "SELECT id, version FROM wishes WHERE status = 'fulfilled' AND fulfilled_at <= $1 \
             ORDER BY fulfilled_at LIMIT $2",
            cutoff,
            limit,
        )
        .await
    }

    /// `(id, version)` of the wishes a job's query (`$1` a time, `$2` a limit) finds due.
    async fn due(&self, sql: &str, at: DateTime<Utc>, limit: u32) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query(sql).bind(millis(at)).bind(i64::from(limit)).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("version")?))).collect::<Result<_, sqlx::Error>>()?)
    }
}

/// Appends a transition's conditional `UPDATE … WHERE id AND version AND status [AND live claims
/// under the limit]` to `q`.
fn push_update(q: &mut SqlBuilder<'_>, write: &TransitionWrite) {
    let c = &write.changes;
    q.push("UPDATE wishes SET status = ")
        .push_bind(c.status.as_str())
        .push(", version = version + 1, member_id = ")
        .push_bind(c.member_id)
        .push(", claim_expires_at = ")
        .push_bind(c.claim_expires_at.map(millis))
        .push(", fulfilled_at = ")
        .push_bind(c.fulfilled_at.map(millis))
        .push(", fulfilment_note = ")
        .push_bind(c.fulfilment_note.clone())
        .push(", rating = ")
        .push_bind(c.rating.map(i64::from))
        .push(", comment = ")
        .push_bind(c.comment.clone())
        .push(if write.flag { ", flagged = 1" } else { "" })
        .push(", updated_at = ")
        .push_bind(millis(write.at))
        .push(" WHERE id = ")
        .push_bind(write.wish_id)
        .push(" AND version = ")
        .push_bind(write.expected_version)
        .push(" AND status = ")
        .push_bind(write.from.as_str());
    if let Some((member, limit)) = write.live_claim_limit {
        q.push(" AND (SELECT COUNT(*) FROM wishes h WHERE h.member_id = ")
            .push_bind(member)
            .push(" AND h.status IN ('assigned', 'claimed')) < ")
            .push_bind(i64::from(limit));
    }
}

/// A whole transition as one PostgreSQL statement: the conditional update, its event and each
/// notice (with its subscribe message for recipients who can receive one) as data-modifying
/// `WITH` parts that write nothing when the update matched nothing. Returns the event's id, or no
/// row.
fn transition_statement(write: &TransitionWrite) -> SqlBuilder<'static> {
    let c = &write.changes;
    let at = millis(write.at);
    let mut q = SqlBuilder::new("WITH w AS (");
    push_update(&mut q, write);
    q.push(
        " RETURNING id, community_id), e AS (INSERT INTO wish_events (wish_id, community_id, at, actor_id, action, \
            from_status, to_status, reason) SELECT id, community_id, ",
    )
    .push_bind(at)
    .push(", ")
    .push_bind(write.actor_id)
    .push(", ")
    .push_bind(write.action.as_str())
    .push(", ")
    .push_bind(write.from.as_str())
    .push(", ")
    .push_bind(c.status.as_str())
    .push(", ")
    .push_bind(write.reason.clone())
    .push(" FROM w RETURNING id)");
    for (i, notice) in write.notices.iter().enumerate() {
        q.push(&format!(", n{i} AS (INSERT INTO notifications (user_id, wish_id, kind, title, body, created_at) "));
        match notice.to {
            Recipient::User(user) => {
                q.push("SELECT ").push_bind(user);
            }
            Recipient::Dispatchers { .. } | Recipient::PlaceRole { .. } | Recipient::DepartmentStaff { .. } => {
                q.push("SELECT DISTINCT g.user_id");
            }
        }
        q.push(", w.id, ")
            .push_bind(notice.kind)
            .push(", ")
            .push_bind(notice.title.clone())
            .push(", ")
            .push_bind(notice.body.clone())
            .push(", ")
            .push_bind(at)
            .push(" FROM w");
        match notice.to {
            Recipient::User(_) => {}
            Recipient::Dispatchers { community_id, except } => {
                q.push(" JOIN role_grants g ON g.role = 'dispatcher' AND g.community_id = ")
                    .push_bind(community_id)
                    .push(" AND g.user_id <> ")
                    .push_bind(except.unwrap_or(0));
            }
            Recipient::PlaceRole { role, place_id, except } => {
                q.push(" JOIN place_grants g ON g.role = ")
                    .push_bind(role)
                    .push(" AND g.place_id = ")
                    .push_bind(place_id)
                    .push(" AND g.user_id <> ")
                    .push_bind(except.unwrap_or(0));
            }
            Recipient::DepartmentStaff { department_id, except } => {
                q.push(" JOIN department_staff g ON g.department_id = ")
                    .push_bind(department_id)
                    .push(" AND g.user_id <> ")
                    .push_bind(except.unwrap_or(0));
            }
        }
        q.push(" RETURNING id, user_id)");
        if let Some(message) = &notice.message {
            q.push(&format!(
                ", o{i} AS (INSERT INTO outbox (user_id, notification_id, template_id, payload, status, attempts, \
                 next_attempt_at, created_at) SELECT n.user_id, n.id, "
            ))
            .push_bind(message.template_id.clone())
            .push(", ")
            .push_bind(message.payload.clone())
            .push(", 'pending', 0, ")
            .push_bind(at)
            .push(", ")
            .push_bind(at)
            .push(&format!(
                " FROM n{i} n WHERE EXISTS (SELECT 1 FROM wechat_identities i WHERE i.user_id = n.user_id) \
                 AND EXISTS (SELECT 1 FROM subscription_credits s WHERE s.user_id = n.user_id AND s.template_id = "
            ))
            .push_bind(message.template_id.clone())
            .push(" AND s.credits > 0))");
        }
    }
    q.push(" SELECT id FROM e");
    q
}

/// The text of [`transition_statement`] for `write`: what `haolin-bench` runs directly as the
/// database's own claim, binding the same values in the order they appear.
pub fn transition_sql(write: &TransitionWrite) -> String {
    transition_statement(write).sql().to_owned()
}

/// The `BEGIN` of a PostgreSQL transaction that first locks member `member`'s row, in the same
/// round trip (the id is an integer, so it is safe to spell out). `haolin-bench` begins its direct
/// claims with it too.
pub fn member_lock_begin(member: i64) -> String {
    format!("BEGIN; SELECT id FROM users WHERE id = {member} FOR UPDATE")
}
