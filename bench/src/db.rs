//! Direct database access: fast set-based seeding, the claim exactly as
//! `server/src/store/wishes.rs` runs it, and EXPLAIN of the feed queries. One SQL text serves both
//! backends, as in the server (`$n` parameters, BIGINT millisecond times).

use std::str::FromStr;
use std::time::Duration;

use haolin::store::CALLER_WISH_SELECT;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Row, SqlitePool};

/// A pool on one of the two backends.
#[derive(Clone)]
pub enum Db {
    /// SQLite, opened like the server opens it.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Pg(PgPool),
}

/// Runs `$body` with `$p` bound to the concrete pool: one text, both backends.
macro_rules! on_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            Db::Sqlite($p) => $body,
            Db::Pg($p) => $body,
        }
    };
}

/// An in-app notification, as `write_notices` writes it on SQLite.
const NOTIFICATION_INSERT: &str = "INSERT INTO notifications (user_id, wish_id, kind, title, body, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";

/// The title of a claim's notification.
const CLAIM_TITLE: &str = "心愿有党员接单";

/// The server's one-statement transition for a claim of `wish` by `member` with a live-claim limit
/// and the resident's notification (bound in the order `Db::claim` binds them).
fn claim_statement(wish: i64, member: i64, at: i64) -> String {
    use haolin::store::wechat::{Notice, Recipient};
    use haolin::store::{TransitionWrite, WishChanges};
    use haolin_shared::domain::{WishAction, WishStatus};
    let time = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    haolin::store::transition_sql(&TransitionWrite {
        wish_id: wish,
        from: WishStatus::Open,
        expected_version: 1,
        changes: WishChanges {
            status: WishStatus::Claimed,
            member_id: Some(member),
            claim_expires_at: Some(time(at + 72 * 3_600_000)),
            fulfilled_at: None,
            fulfilment_note: None,
            rating: None,
            comment: None,
        },
        action: WishAction::Claim,
        actor_id: Some(member),
        reason: None,
        live_claim_limit: Some((member, 1_000_000)),
        ledger: None,
        at: time(at),
        notices: vec![Notice {
            to: Recipient::User(member),
            kind: "wish_claimed",
            title: CLAIM_TITLE.to_owned(),
            body: String::new(),
            message: None,
        }],
        flag: false,
        after: None,
        photos: None,
    })
}

/// The claim's conditional write (as `transition_wish` builds it for a claim with a live-claim limit).
const CLAIM_UPDATE: &str = "UPDATE wishes SET status = $1, version = version + 1, member_id = $2, \
     claim_expires_at = $3, fulfilled_at = $4, fulfilment_note = $5, rating = $6, comment = $7, updated_at = $8 \
     WHERE id = $9 AND version = $10 AND status = $11 \
     AND (SELECT COUNT(*) FROM wishes h WHERE h.member_id = $12 AND h.status IN ('assigned', 'claimed')) < $13";

/// The event row of a transition.
const EVENT_INSERT: &str = "INSERT INTO wish_events (wish_id, community_id, at, actor_id, action, from_status, \
     to_status, reason) SELECT id, community_id, $1, $2, $3, $4, $5, $6 FROM wishes WHERE id = $7 RETURNING id";

/// Opens `url` with the server's own pool settings (SQLite: WAL, NORMAL sync, 10 s busy timeout,
/// 8 connections; PostgreSQL: 16 connections, the server's default, a connection idle for over
/// `IDLE_PING_AFTER` pinged before use).
pub async fn connect(url: &str) -> Result<Db, String> {
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| e.to_string())?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool =
            SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(|e| e.to_string())?;
        Ok(Db::Sqlite(pool))
    } else {
        let options = PgConnectOptions::from_str(url).map_err(|e| e.to_string())?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > haolin::store::IDLE_PING_AFTER {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| e.to_string())?;
        Ok(Db::Pg(pool))
    }
}

fn err(e: sqlx::Error) -> String {
    e.to_string()
}

/// Milliseconds since the epoch now.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A series 1..=n as a recursive CTE both backends understand.
const SERIES: &str = "WITH RECURSIVE s(n) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT n + 1 FROM s \
     WHERE n < CAST($1 AS BIGINT))";

impl Db {
    /// Closes the pool.
    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }

    /// Inserts a community; returns its id.
    pub async fn community(&self, code: &str) -> Result<i64, String> {
        let sql =
            "INSERT INTO communities (name, code, street_code, created_at) VALUES ($1, $2, NULL, $3) RETURNING id";
        on_pool!(self, p => sqlx::query_scalar(sql).bind(format!("社区{code}")).bind(code).bind(now_ms())
            .fetch_one(p).await.map_err(err))
    }

    /// Inserts `n` accounts (phones from `phone_base + 1`) with `role` in `community` (if any);
    /// returns their ids in order.
    pub async fn users(&self, n: i64, phone_base: i64, role: &str, community: Option<i64>) -> Result<Vec<i64>, String> {
        let before: i64 = on_pool!(self, p => sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM users")
            .fetch_one(p).await.map_err(err))?;
        let insert = format!(
            "{SERIES} INSERT INTO users (phone, name, password_hash, created_at) \
             SELECT CAST(CAST($2 AS BIGINT) + n AS TEXT), '用户' || CAST(n AS TEXT), 'x', CAST($3 AS BIGINT) FROM s"
        );
        on_pool!(self, p => sqlx::query(&insert).bind(n).bind(phone_base).bind(now_ms()).execute(p).await.map(|_| ()).map_err(err))?;
        let grant = "INSERT INTO role_grants (user_id, role, community_id, created_at) \
                     SELECT id, $1, $2, $3 FROM users WHERE id > $4";
        on_pool!(self, p => sqlx::query(grant).bind(role).bind(community).bind(now_ms()).bind(before)
            .execute(p).await.map(|_| ()).map_err(err))?;
        on_pool!(self, p => sqlx::query_scalar("SELECT id FROM users WHERE id > $1 ORDER BY id").bind(before)
            .fetch_all(p).await.map_err(err))
    }

    /// Opens a session for each of `users` and returns an access token for each (HS256 with the
    /// bench servers' key, the claims the server issues).
    pub async fn tokens(&self, users: &[i64]) -> Result<Vec<String>, String> {
        let (Some(first), Some(last)) = (users.first(), users.last()) else { return Ok(Vec::new()) };
        let insert = "INSERT INTO sessions (user_id, created_at) SELECT id, $1 FROM users WHERE id >= $2 AND id <= $3";
        on_pool!(self, p => sqlx::query(insert).bind(now_ms()).bind(first).bind(last).execute(p).await.map(|_| ()).map_err(err))?;
        let rows: Vec<(i64, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT user_id, MAX(id) FROM sessions WHERE user_id >= $1 AND user_id <= $2 GROUP BY user_id ORDER BY user_id")
            .bind(first).bind(last).fetch_all(p).await.map_err(err))?;
        let key = jsonwebtoken::EncodingKey::from_secret(crate::server::JWT_SECRET.as_bytes());
        let now = chrono::Utc::now().timestamp();
        rows.iter()
            .map(|(user, session)| {
                let claims =
                    serde_json::json!({"sub": user.to_string(), "sid": session, "iat": now, "exp": now + 24 * 3600});
                jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).map_err(|e| e.to_string())
            })
            .collect()
    }

    /// Inserts `n` wishes spread over `communities` (consecutive ids from `first_community`) and
    /// residents (consecutive ids from `first_resident`); `status_sql` is an SQL expression of the
    /// series number `n`. Returns the new ids in order.
    #[allow(clippy::too_many_arguments)]
    pub async fn wishes(
        &self,
        n: i64,
        first_community: i64,
        communities: i64,
        first_resident: i64,
        residents: i64,
        status_sql: &str,
        return_ids: bool,
    ) -> Result<Vec<i64>, String> {
        let before: i64 = on_pool!(self, p => sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM wishes")
            .fetch_one(p).await.map_err(err))?;
        let insert = format!(
            "{SERIES} INSERT INTO wishes (community_id, resident_id, posted_by, title, description, category, \
             contact_phone, status, version, created_at, updated_at) \
             SELECT CAST($2 AS BIGINT) + n % CAST($3 AS BIGINT), CAST($4 AS BIGINT) + n % CAST($5 AS BIGINT), \
             CAST($4 AS BIGINT) + n % CAST($5 AS BIGINT), '心愿' || CAST(n AS TEXT), '楼道灯坏了，请帮忙换一下', '生活帮扶', \
             '13900000000', {status_sql}, 1, CAST($6 AS BIGINT) + n, CAST($6 AS BIGINT) + n FROM s"
        );
        on_pool!(self, p => sqlx::query(&insert).bind(n).bind(first_community).bind(communities)
            .bind(first_resident).bind(residents).bind(now_ms()).execute(p).await.map(|_| ()).map_err(err))?;
        if !return_ids {
            return Ok(Vec::new());
        }
        on_pool!(self, p => sqlx::query_scalar("SELECT id FROM wishes WHERE id > $1 ORDER BY id").bind(before)
            .fetch_all(p).await.map_err(err))
    }

    /// Refreshes the planner's statistics.
    pub async fn analyze(&self) -> Result<(), String> {
        // PostgreSQL: VACUUM as well, so the autovacuum a bulk insert triggers (the visibility map
        // of a million fresh rows) has run before the measurement instead of during it.
        let sql = if matches!(self, Db::Sqlite(_)) { "ANALYZE" } else { "VACUUM ANALYZE" };
        on_pool!(self, p => sqlx::query(sql).execute(p).await.map(|_| ()).map_err(err))?;
        Ok(())
    }

    /// The claim of `wish` by `member`, with the statements `transition_wish` runs for it. On
    /// PostgreSQL: the member-row lock in the `BEGIN` round trip, then the server's own one-statement
    /// transition (`haolin::store::transition_sql`: the conditional UPDATE, the event and the
    /// resident's notification), then `COMMIT`. On SQLite: the conditional UPDATE, the event INSERT
    /// and the notification INSERT in one transaction. The notification's recipient and title are
    /// bound as parameters, as the server binds the ones it read; this harness does not track each
    /// wish's resident, so it binds the member (the same work for the database). Returns whether it
    /// won.
    pub async fn claim(&self, wish: i64, member: i64) -> Result<bool, String> {
        let at = now_ms();
        let expires = at + 72 * 3_600_000;
        match self {
            Db::Pg(p) => {
                let sql = claim_statement(wish, member, at);
                let mut tx = p.begin_with(haolin::store::member_lock_begin(member)).await.map_err(err)?;
                let event: Option<i64> = sqlx::query_scalar(&sql)
                    .bind("claimed")
                    .bind(Some(member))
                    .bind(Some(expires))
                    .bind(None::<i64>)
                    .bind(None::<String>)
                    .bind(None::<i64>)
                    .bind(None::<String>)
                    .bind(at)
                    .bind(wish)
                    .bind(1_i64)
                    .bind("open")
                    .bind(member)
                    .bind(1_000_000_i64)
                    .bind(at)
                    .bind(Some(member))
                    .bind("claim")
                    .bind("open")
                    .bind("claimed")
                    .bind(None::<String>)
                    .bind(member)
                    .bind("wish_claimed")
                    .bind(CLAIM_TITLE)
                    .bind("")
                    .bind(at)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(err)?;
                tx.commit().await.map_err(err)?;
                Ok(event.is_some())
            }
            Db::Sqlite(p) => {
                let mut tx = p.begin().await.map_err(err)?;
                let updated = sqlx::query(CLAIM_UPDATE)
                    .bind("claimed")
                    .bind(Some(member))
                    .bind(Some(expires))
                    .bind(None::<i64>)
                    .bind(None::<String>)
                    .bind(None::<i64>)
                    .bind(None::<String>)
                    .bind(at)
                    .bind(wish)
                    .bind(1_i64)
                    .bind("open")
                    .bind(member)
                    .bind(1_000_000_i64)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?
                    .rows_affected();
                if updated == 0 {
                    tx.rollback().await.map_err(err)?;
                    return Ok(false);
                }
                let _event: i64 = sqlx::query_scalar(EVENT_INSERT)
                    .bind(at)
                    .bind(member)
                    .bind("claim")
                    .bind("open")
                    .bind("claimed")
                    .bind(None::<String>)
                    .bind(wish)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(err)?;
                sqlx::query(NOTIFICATION_INSERT)
                    .bind(member)
                    .bind(wish)
                    .bind("wish_claimed")
                    .bind(CLAIM_TITLE)
                    .bind("")
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                tx.commit().await.map_err(err)?;
                Ok(true)
            }
        }
    }

    /// The read a claim request makes before its transaction (the caller's session, account and
    /// grants with the wish, in one statement), as the server's `CallerWithWish` extractor runs it.
    pub async fn request_reads(&self, wish: i64, member: i64, session: i64) -> Result<(), String> {
        on_pool!(self, p => {
            sqlx::query(CALLER_WISH_SELECT.as_str()).bind(member).bind(session).bind(wish)
                .fetch_all(p).await.map_err(err)?;
            Ok(())
        })
    }

    /// Opens a session for each of `users` (any ids, in any order) and returns an access token
    /// for each, in the same order (see [`Db::tokens`]).
    pub async fn tokens_of(&self, users: &[i64]) -> Result<Vec<String>, String> {
        let key = jsonwebtoken::EncodingKey::from_secret(crate::server::JWT_SECRET.as_bytes());
        let now = chrono::Utc::now().timestamp();
        let mut out = Vec::with_capacity(users.len());
        for user in users {
            let sql = "INSERT INTO sessions (user_id, created_at) VALUES ($1, $2) RETURNING id";
            let session: i64 =
                on_pool!(self, p => sqlx::query_scalar(sql).bind(user).bind(now_ms()).fetch_one(p).await.map_err(err))?;
            let claims =
                serde_json::json!({"sub": user.to_string(), "sid": session, "iat": now, "exp": now + 24 * 3600});
            out.push(jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).map_err(|e| e.to_string())?);
        }
        Ok(out)
    }

    /// Rows of two integers from `sql` with one integer parameter.
    pub async fn pairs(&self, sql: &str, a: i64) -> Result<Vec<(i64, i64)>, String> {
        on_pool!(self, p => sqlx::query_as(sql).bind(a).fetch_all(p).await.map_err(err))
    }

    /// The session id of each of `users` (the latest).
    pub async fn sessions(&self, users: &[i64]) -> Result<Vec<i64>, String> {
        let (Some(first), Some(last)) = (users.first(), users.last()) else { return Ok(Vec::new()) };
        on_pool!(self, p => sqlx::query_scalar(
            "SELECT MAX(id) FROM sessions WHERE user_id >= $1 AND user_id <= $2 GROUP BY user_id ORDER BY user_id")
            .bind(first).bind(last).fetch_all(p).await.map_err(err))
    }

    /// One integer from `sql` with one integer parameter.
    pub async fn scalar(&self, sql: &str, a: i64) -> Result<i64, String> {
        on_pool!(self, p => sqlx::query_scalar(sql).bind(a).fetch_one(p).await.map_err(err))
    }

    /// The plan of a query (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN (ANALYZE, BUFFERS)` on
    /// PostgreSQL): a feed's with its status first, then its integer parameters bound in order.
    pub async fn explain(&self, sql: &str, status: Option<&str>, params: &[i64]) -> Result<String, String> {
        let prefix = if matches!(self, Db::Sqlite(_)) { "EXPLAIN QUERY PLAN " } else { "EXPLAIN (ANALYZE, BUFFERS) " };
        let text = format!("{prefix}{sql}");
        on_pool!(self, p => {
            let mut q = sqlx::query(&text);
            if let Some(status) = status {
                q = q.bind(status.to_owned());
            }
            for v in params {
                q = q.bind(*v);
            }
            let rows = q.fetch_all(p).await.map_err(err)?;
            let mut out = String::new();
            for row in &rows {
                let line: String = if matches!(self, Db::Sqlite(_)) {
                    row.try_get::<String, _>("detail").map_err(err)?
                } else {
                    row.try_get::<String, _>(0).map_err(err)?
                };
                out.push_str(&line);
                out.push('\n');
            }
            Ok(out)
        })
    }
}
