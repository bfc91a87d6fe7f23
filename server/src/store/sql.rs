//! The SQL both backends share. SQLite and PostgreSQL run the same statements (`$n` parameters,
//! times as UTC milliseconds in BIGINT columns); [`sql_store!`] implements [`super::Store`] for a
//! backend's store type, so one text of each query serves both and they cannot drift apart.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use haolin_shared::domain::WishStatus;

/// The columns of a wish with the names of its resident and member.
pub const WISH_SELECT: &str = "SELECT w.id, w.community_id, w.grid_id, w.resident_id, w.posted_by, r.name AS resident_name, w.title, \
     w.description, w.category, w.contact_phone, w.expected_by, w.status, w.version, w.member_id, \
     m.name AS member_name, w.claim_expires_at, w.fulfilled_at, w.fulfilment_note, w.rating, w.comment, \
     w.created_at, w.updated_at, w.flagged, c.code AS community_code, c.name AS community_name, \
     g.code AS grid_code, g.name AS grid_name \
     FROM wishes w JOIN users r ON r.id = w.resident_id LEFT JOIN users m ON m.id = w.member_id \
     LEFT JOIN places c ON c.id = w.community_id LEFT JOIN places g ON g.id = w.grid_id";

/// The caller's columns: the account, and one role grant per row (null when it holds none).
const CALLER_COLUMNS: &str = "u.id AS caller_id, u.phone AS caller_phone, u.name AS caller_name, \
     u.password_hash AS caller_hash, g.role AS caller_role, g.community_id AS caller_community";
const CALLER_FROM: &str =
    "FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN role_grants g ON g.user_id = u.id";
const CALLER_WHERE: &str = "WHERE u.id = $1 AND s.id = $2 AND s.revoked_at IS NULL ORDER BY g.role, g.community_id";

/// The caller of a request: the account of a live session with its grants, one row per grant.
/// `$1` is the account, `$2` the session.
pub static CALLER_SELECT: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {CALLER_COLUMNS} {CALLER_FROM} {CALLER_WHERE}"));

/// The caller and, on every row, the wish `$3` (its columns null when there is none): what a wish
/// action reads before deciding, in one round trip.
pub static CALLER_WISH_SELECT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {CALLER_COLUMNS}, wq.* {CALLER_FROM} LEFT JOIN ({WISH_SELECT} WHERE w.id = $3) wq ON 1 = 1 {CALLER_WHERE}"
    )
});

/// A time as stored.
pub(super) fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A stored time.
pub(super) fn time(ms: i64) -> Result<DateTime<Utc>, sqlx::Error> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| sqlx::Error::Decode(format!("bad time {ms}").into()))
}

/// A stored optional time.
pub(super) fn opt_time(ms: Option<i64>) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    ms.map(time).transpose()
}

/// A stored status.
pub(super) fn status(raw: &str) -> Result<WishStatus, sqlx::Error> {
    WishStatus::parse(raw).ok_or_else(|| sqlx::Error::Decode(format!("bad status {raw}").into()))
}

/// Whether the error is a unique-constraint violation.
pub(super) fn unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Implements [`super::Store`] for `$store` (a struct with a `pool` field) on database `$db` with
/// rows `$row`. `$member_lock` is the statement (if any) that locks a member's row before a write
/// that must respect their live-claim limit; SQLite needs none, its writers being serialised.
macro_rules! sql_store {
    ($store:ident, $db:ty, $row:ty, $member_lock:expr) => {
        impl $store {
            /// Inserts an account and its roles inside `tx`; a taken phone is
            /// `AlreadyExists(taken)`.
            async fn insert_user(
                tx: &mut sqlx::Transaction<'_, $db>,
                user: &NewUser,
                now: i64,
                taken: &'static str,
            ) -> Result<i64, StoreError> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (phone, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&user.phone)
                .bind(&user.name)
                .bind(&user.password_hash)
                .bind(now)
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| if unique_violation(&e) { StoreError::AlreadyExists(taken) } else { e.into() })?;
                for grant in &user.grants {
                    sqlx::query(
                        "INSERT INTO role_grants (user_id, role, community_id, created_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id)
                    .bind(grant.role.as_str())
                    .bind(grant.community_id)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(id)
            }

            fn wish_from_row(row: &$row) -> Result<WishRecord, sqlx::Error> {
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
                })
            }

        async fn grants_of(&self, user_id: i64) -> Result<Vec<Grant>, StoreError> {
            let rows =
                sqlx::query("SELECT role, community_id FROM role_grants WHERE user_id = $1 ORDER BY role, community_id")
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?;
            rows.iter()
                .map(|row| {
                    let raw: String = row.try_get("role")?;
                    let role = Role::parse(&raw).ok_or_else(|| sqlx::Error::Decode(format!("bad role {raw}").into()))?;
                    Ok(Grant { role, community_id: row.try_get("community_id")? })
                })
                .collect::<Result<_, sqlx::Error>>()
                .map_err(Into::into)
        }

        /// The caller from the rows of [`CALLER_SELECT`] or [`CALLER_WISH_SELECT`] (none: no live
        /// session).
        fn caller_from_rows(rows: &[$row]) -> Result<Option<UserRecord>, sqlx::Error> {
            let Some(first) = rows.first() else { return Ok(None) };
            let mut grants = Vec::with_capacity(rows.len());
            for row in rows {
                if let Some(raw) = row.try_get::<Option<String>, _>("caller_role")? {
                    let role = Role::parse(&raw).ok_or_else(|| sqlx::Error::Decode(format!("bad role {raw}").into()))?;
                    grants.push(Grant { role, community_id: row.try_get("caller_community")? });
                }
            }
            Ok(Some(UserRecord {
                id: first.try_get("caller_id")?,
                phone: first.try_get("caller_phone")?,
                name: first.try_get("caller_name")?,
                password_hash: first.try_get("caller_hash")?,
                grants,
            }))
        }

        async fn user_where(&self, sql: &str, a: i64, b: Option<i64>) -> Result<Option<UserRecord>, StoreError> {
            let mut q = sqlx::query(sql).bind(a);
            if let Some(b) = b {
                q = q.bind(b);
            }
            let Some(row) = q.fetch_optional(&self.pool).await? else {
                return Ok(None);
            };
            self.user_from_row(&row).await.map(Some)
        }

        async fn user_from_row(&self, row: &$row) -> Result<UserRecord, StoreError> {
            let id: i64 = row.try_get("id")?;
            Ok(UserRecord {
                id,
                phone: row.try_get("phone")?,
                name: row.try_get("name")?,
                password_hash: row.try_get("password_hash")?,
                grants: self.grants_of(id).await?,
            })
        }

        async fn stored_response(&self, user_id: i64, key: &str) -> Result<Option<IdempotentResponse>, StoreError> {
            let row = sqlx::query("SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2")
                .bind(user_id)
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|row| {
                Ok(IdempotentResponse {
                    request_hash: row.try_get("request_hash")?,
                    status: u16::try_from(row.try_get::<i64, _>("status")?).unwrap_or(201),
                    body: row.try_get("body")?,
                })
            })
            .transpose()
            .map_err(|e: sqlx::Error| e.into())
        }

        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
        async fn ping(&self) -> Result<(), StoreError> {
            sqlx::query("SELECT 1").execute(&self.pool).await?;
            Ok(())
        }

        async fn create_user(&self, user: NewUser) -> Result<UserRecord, StoreError> {
            let now = millis(Utc::now());
            let mut tx = self.pool.begin().await?;
            let id = Self::insert_user(&mut tx, &user, now, "phone").await?;
            tx.commit().await?;
            Ok(UserRecord {
                id,
                phone: user.phone,
                name: user.name,
                password_hash: user.password_hash,
                grants: user.grants,
            })
        }

        async fn user_by_phone(&self, phone: &str) -> Result<Option<UserRecord>, StoreError> {
            let Some(row) = sqlx::query("SELECT id, phone, name, password_hash FROM users WHERE phone = $1")
                .bind(phone)
                .fetch_optional(&self.pool)
                .await?
            else {
                return Ok(None);
            };
            self.user_from_row(&row).await.map(Some)
        }

        async fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, StoreError> {
            self.user_where("SELECT id, phone, name, password_hash FROM users WHERE id = $1", id, None).await
        }

        async fn user_of_session(&self, user_id: i64, session_id: i64) -> Result<Option<UserRecord>, StoreError> {
            // Every request makes this call: the account and its grants in one round trip.
            let rows = sqlx::query($crate::store::CALLER_SELECT.as_str())
                .bind(user_id)
                .bind(session_id)
                .fetch_all(&self.pool)
                .await?;
            Ok(Self::caller_from_rows(&rows)?)
        }

        async fn caller_and_wish(
            &self,
            user_id: i64,
            session_id: i64,
            wish_id: i64,
        ) -> Result<Option<(UserRecord, Option<WishRecord>)>, StoreError> {
            let rows = sqlx::query($crate::store::CALLER_WISH_SELECT.as_str())
                .bind(user_id)
                .bind(session_id)
                .bind(wish_id)
                .fetch_all(&self.pool)
                .await?;
            let Some(user) = Self::caller_from_rows(&rows)? else { return Ok(None) };
            let wish = match rows.first() {
                Some(row) if row.try_get::<Option<i64>, _>("id")?.is_some() => Some(Self::wish_from_row(row)?),
                _ => None,
            };
            Ok(Some((user, wish)))
        }

        async fn has_grant(&self, user_id: i64, role: Role, community_id: i64) -> Result<bool, StoreError> {
            let found: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM role_grants WHERE user_id = $1 AND role = $2 AND community_id = $3")
                    .bind(user_id)
                    .bind(role.as_str())
                    .bind(community_id)
                    .fetch_one(&self.pool)
                    .await?;
            Ok(found > 0)
        }

        async fn count_users(&self) -> Result<i64, StoreError> {
            Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?)
        }

        async fn create_session(
            &self,
            user_id: i64,
            refresh_hash: &[u8],
            expires_at: DateTime<Utc>,
        ) -> Result<i64, StoreError> {
            let mut tx = self.pool.begin().await?;
            let id: i64 = sqlx::query_scalar("INSERT INTO sessions (user_id, created_at) VALUES ($1, $2) RETURNING id")
                .bind(user_id)
                .bind(millis(Utc::now()))
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)")
                .bind(refresh_hash)
                .bind(id)
                .bind(millis(expires_at))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(id)
        }

        async fn rotate_refresh(
            &self,
            old_hash: &[u8],
            new_hash: &[u8],
            expires_at: DateTime<Utc>,
            now: DateTime<Utc>,
        ) -> Result<Rotation, StoreError> {
            let mut tx = self.pool.begin().await?;
            let used = sqlx::query(
                "UPDATE refresh_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
                   AND session_id IN (SELECT id FROM sessions WHERE revoked_at IS NULL) \
                 RETURNING session_id",
            )
            .bind(millis(now))
            .bind(old_hash)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = used {
                let session_id: i64 = row.try_get("session_id")?;
                let user_id: i64 = sqlx::query_scalar("SELECT user_id FROM sessions WHERE id = $1")
                    .bind(session_id)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(new_hash)
                    .bind(session_id)
                    .bind(millis(expires_at))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                return Ok(Rotation::Rotated { user_id, session_id });
            }
            // A token that was already used is a sign of theft: end the whole session.
            let reused = sqlx::query(
                "UPDATE sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND id = \
                 (SELECT session_id FROM refresh_tokens WHERE token_hash = $2 AND used_at IS NOT NULL)",
            )
            .bind(millis(now))
            .bind(old_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            Ok(if reused > 0 { Rotation::Reused } else { Rotation::Invalid })
        }

        async fn revoke_session(&self, session_id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(millis(now))
                .bind(session_id)
                .execute(&self.pool)
                .await?;
            Ok(())
        }

        async fn create_community(
            &self,
            name: &str,
            code: &str,
            street_code: Option<&str>,
        ) -> Result<CommunityRecord, StoreError> {
            // A community is a place: the place row comes first and lends the community its id,
            // under the street of that code when there is one in service.
            let now = millis(Utc::now());
            let mut tx = self.pool.begin().await?;
            let street: Option<i64> = match street_code {
                Some(street_code) => sqlx::query_scalar(
                    "SELECT id FROM places WHERE code = $1 AND level = 'street' AND retired_at IS NULL",
                )
                .bind(street_code)
                .fetch_optional(&mut *tx)
                .await?,
                None => None,
            };
            let taken = |e: sqlx::Error| if unique_violation(&e) { StoreError::AlreadyExists("code") } else { e.into() };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO places (code, name, level, parent_id, created_at) \
                 VALUES ($1, $2, 'community', $3, $4) RETURNING id",
            )
            .bind(code)
            .bind(name)
            .bind(street)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(taken)?;
            sqlx::query("INSERT INTO communities (id, name, code, street_code, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(name)
                .bind(code)
                .bind(street_code)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(taken)?;
            tx.commit().await?;
            Ok(CommunityRecord {
                id,
                name: name.to_owned(),
                code: code.to_owned(),
                street_code: street_code.map(str::to_owned),
            })
        }

        async fn list_communities(&self, after_id: Option<i64>, limit: u32) -> Result<Vec<CommunityRecord>, StoreError> {
            let rows = sqlx::query("SELECT id, name, code, street_code FROM communities WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after_id.unwrap_or(0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(CommunityRecord {
                        id: row.try_get("id")?,
                        name: row.try_get("name")?,
                        code: row.try_get("code")?,
                        street_code: row.try_get("street_code")?,
                    })
                })
                .collect::<Result<_, sqlx::Error>>()
                .map_err(Into::into)
        }

        async fn community_members(
            &self,
            community_id: i64,
            name_part: &str,
            limit: u32,
        ) -> Result<Vec<(i64, String)>, StoreError> {
            let pattern = format!("%{}%", name_part.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            let rows = sqlx::query(
                "SELECT u.id, u.name FROM role_grants g JOIN users u ON u.id = g.user_id \
                 WHERE g.community_id = $1 AND g.role = 'member' AND u.name LIKE $2 ESCAPE '\\' \
                 ORDER BY u.name, u.id LIMIT $3",
            )
            .bind(community_id)
            .bind(pattern)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).collect::<Result<_, sqlx::Error>>()?)
        }

        async fn wish_counts(&self, community_id: i64) -> Result<Vec<(WishStatus, i64)>, StoreError> {
            let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM wishes WHERE community_id = $1 GROUP BY status")
                .bind(community_id)
                .fetch_all(&self.pool)
                .await?;
            Ok(rows
                .iter()
                .map(|r| Ok((status(r.try_get("status")?)?, r.try_get("n")?)))
                .collect::<Result<_, sqlx::Error>>()?)
        }

        async fn count_communities(&self, ids: &[i64]) -> Result<i64, StoreError> {
            if ids.is_empty() {
                return Ok(0);
            }
            let mut q = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM communities WHERE id IN (");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(")");
            Ok(q.build_query_scalar().fetch_one(&self.pool).await?)
        }

        async fn create_wish(
            &self,
            wish: NewWish,
            idempotency: Option<IdempotencyWrite>,
            render: RenderCreated,
        ) -> Result<Result<Recorded, IdempotentResponse>, StoreError> {
            let at = millis(wish.at);
            let mut tx = self.pool.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO wishes (community_id, resident_id, posted_by, title, description, category, contact_phone, \
                 expected_by, status, version, created_at, updated_at, grid_id, flagged) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending_review', 1, $9, $10, $11, $12) RETURNING id",
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
            Self::write_notices(&mut *tx, &wish.notices, id, at).await?;
            let row = sqlx::query(&format!("{WISH_SELECT} WHERE w.id = $1")).bind(id).fetch_one(&mut *tx).await?;
            let record = Self::wish_from_row(&row)?;
            if let Some(idem) = idempotency {
                let inserted = sqlx::query(
                    "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) \
                     VALUES ($1, $2, $3, 201, $4, $5)",
                )
                .bind(idem.user_id)
                .bind(&idem.key)
                .bind(&idem.request_hash)
                .bind(render(&record))
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

        async fn idempotent_response(&self, user_id: i64, key: &str) -> Result<Option<IdempotentResponse>, StoreError> {
            self.stored_response(user_id, key).await
        }

        async fn purge_idempotency(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
            Ok(sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                .bind(millis(before))
                .execute(&self.pool)
                .await?
                .rows_affected())
        }

        async fn wish(&self, id: i64) -> Result<Option<WishRecord>, StoreError> {
            let row = sqlx::query(&format!("{WISH_SELECT} WHERE w.id = $1")).bind(id).fetch_optional(&self.pool).await?;
            Ok(row.as_ref().map(Self::wish_from_row).transpose()?)
        }

        async fn list_wishes(&self, query: &WishQuery) -> Result<Vec<WishRecord>, StoreError> {
            let mut q = QueryBuilder::<$db>::new(WISH_SELECT);
            q.push(" WHERE 1 = 1");
            if !query.sees_all {
                q.push(" AND (w.resident_id = ").push_bind(query.viewer_id);
                q.push(" OR w.member_id = ").push_bind(query.viewer_id);
                if !query.dispatcher_of.is_empty() {
                    q.push(" OR w.community_id IN (");
                    let mut list = q.separated(", ");
                    for id in &query.dispatcher_of {
                        list.push_bind(*id);
                    }
                    q.push(")");
                }
                if !query.member_of.is_empty() {
                    q.push(" OR (w.status = 'open' AND w.community_id IN (");
                    let mut list = q.separated(", ");
                    for id in &query.member_of {
                        list.push_bind(*id);
                    }
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
            q.push(" ORDER BY w.id DESC LIMIT ").push_bind(i64::from(query.limit));
            let rows = q.build().fetch_all(&self.pool).await?;
            Ok(rows.iter().map(Self::wish_from_row).collect::<Result<_, _>>()?)
        }

        async fn wish_events(&self, wish_id: i64) -> Result<Vec<EventRecord>, StoreError> {
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

        async fn transition_wish(&self, write: TransitionWrite) -> Result<Recorded, TransitionFailure> {
            let c = &write.changes;
            let at = millis(write.at);
            let mut tx = self.pool.begin().await?;
            if let (Some((member, _)), Some(lock)) = (write.live_claim_limit, $member_lock) {
                sqlx::query(lock).bind(member).execute(&mut *tx).await?;
            }
            // The write comes first, so the transaction takes the write lock at once (no upgrade race).
            let mut q = QueryBuilder::<$db>::new("UPDATE wishes SET status = ");
            q.push_bind(c.status.as_str())
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
                .push_bind(at)
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
            let updated = q.build().execute(&mut *tx).await?.rows_affected();
            if updated == 0 {
                tx.rollback().await?;
                return match self.wish(write.wish_id).await? {
                    None => Err(TransitionFailure::Missing),
                    Some(now) if now.version != write.expected_version || now.status != write.from => {
                        Err(TransitionFailure::Stale(Box::new(now)))
                    }
                    Some(_) => Err(TransitionFailure::LimitReached),
                };
            }
            let event_id: i64 = sqlx::query_scalar(
                "INSERT INTO wish_events (wish_id, community_id, at, actor_id, action, from_status, to_status, reason) \
                 SELECT id, community_id, $1, $2, $3, $4, $5, $6 FROM wishes WHERE id = $7 RETURNING id",
            )
            .bind(at)
            .bind(write.actor_id)
            .bind(write.action.as_str())
            .bind(write.from.as_str())
            .bind(c.status.as_str())
            .bind(&write.reason)
            .bind(write.wish_id)
            .fetch_one(&mut *tx)
            .await?;
            Self::write_notices(&mut *tx, &write.notices, write.wish_id, at).await?;
            let record = match write.after {
                Some(after) => after,
                None => {
                    let row =
                        sqlx::query(&format!("{WISH_SELECT} WHERE w.id = $1")).bind(write.wish_id).fetch_one(&mut *tx).await?;
                    Self::wish_from_row(&row)?
                }
            };
            tx.commit().await?;
            Ok(Recorded { wish: record, event_id })
        }

        async fn wishes_changed_since(&self, after_event_id: i64, limit: u32) -> Result<Vec<Recorded>, StoreError> {
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

        async fn expired_claims(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<(i64, i64)>, StoreError> {
            let rows = sqlx::query(
                "SELECT id, version FROM wishes WHERE status = 'claimed' AND claim_expires_at <= $1 \
                 ORDER BY claim_expires_at LIMIT $2",
            )
            .bind(millis(now))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("version")?))).collect::<Result<_, sqlx::Error>>()?)
        }

        async fn unanswered_fulfilments(&self, cutoff: DateTime<Utc>, limit: u32) -> Result<Vec<(i64, i64)>, StoreError> {
            let rows = sqlx::query(
                "SELECT id, version FROM wishes WHERE status = 'fulfilled' AND fulfilled_at <= $1 \
                 ORDER BY fulfilled_at LIMIT $2",
            )
            .bind(millis(cutoff))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("version")?))).collect::<Result<_, sqlx::Error>>()?)
        }

        }
    };
}

pub(super) use sql_store;
