//! The one access token shared by every instance.
//!
//! With Redis, the token lives under `prefix:wechat:access_token` as `token|expires_ms` until shortly
//! before it expires; a refresh takes the lock `prefix:wechat:access_token:lock` with `SET NX PX`, so
//! exactly one instance calls `stable_token` while the others wait for its result (or keep using
//! the old token while it is still valid). Without Redis (or while it is unreachable) the token is
//! cached in-process. Within an instance refreshes are single-flight: concurrent callers that saw
//! the same rejected token cause one refresh, not one each.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Mutex;

use super::{WechatClient, WechatError};
use crate::redis_conn::RedisConn;

/// How long the refresh lock is held at most (a crashed holder frees it by expiry).
const LOCK_TTL_MS: u64 = 10_000;
/// How often a waiting instance looks for the token another one fetched.
const POLL: Duration = Duration::from_millis(50);

/// A token and when it expires (UTC milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cached {
    token: String,
    expires_ms: i64,
}

impl Cached {
    fn encode(&self) -> String {
        format!("{}|{}", self.token, self.expires_ms)
    }

    fn decode(raw: &str) -> Option<Self> {
        let (token, expires) = raw.rsplit_once('|')?;
        Some(Self { token: token.to_owned(), expires_ms: expires.parse().ok()? })
    }
}

/// The access-token cache.
#[derive(Debug)]
pub struct AccessTokens {
    redis: Option<Arc<RedisConn>>,
    local: Mutex<Option<Cached>>,
    margin_ms: i64,
    wait: Duration,
}

impl AccessTokens {
    /// A cache shared through `redis` when given; tokens are refreshed `margin` before expiry.
    pub fn new(redis: Option<Arc<RedisConn>>, margin: Duration, wait: Duration) -> Self {
        Self { redis, local: Mutex::new(None), margin_ms: i64::try_from(margin.as_millis()).unwrap_or(300_000), wait }
    }

    /// Still usable, and not within the refresh margin.
    fn fresh(&self, c: &Cached) -> bool {
        c.expires_ms - self.margin_ms > Utc::now().timestamp_millis()
    }

    fn valid(c: &Cached) -> bool {
        c.expires_ms > Utc::now().timestamp_millis()
    }

    async fn shared(&self) -> Option<Cached> {
        let redis = self.redis.as_ref()?;
        let mut conn = redis.conn().await?;
        let raw: Option<String> =
            redis::cmd("GET").arg(redis.key("wechat:access_token")).query_async(&mut conn).await.ok()?;
        raw.as_deref().and_then(Cached::decode)
    }

    /// The current token, fetching one if there is none or it is about to expire.
    pub async fn current(&self, client: &WechatClient) -> Result<String, WechatError> {
        if let Some(c) = self.shared().await.filter(|c| self.fresh(c)) {
            return Ok(c.token);
        }
        if let Some(c) = self.local.lock().await.clone().filter(|c| self.fresh(c)) {
            return Ok(c.token);
        }
        self.refresh(client, None).await
    }

    /// A token other than `rejected`, which WeChat just refused (40001/42001).
    pub async fn refresh_after_rejection(&self, client: &WechatClient, rejected: &str) -> Result<String, WechatError> {
        self.refresh(client, Some(rejected)).await
    }

    /// Refreshes once per instance at a time; a caller that finds a usable token someone else
    /// fetched meanwhile takes it instead.
    async fn refresh(&self, client: &WechatClient, rejected: Option<&str>) -> Result<String, WechatError> {
        let mut local = self.local.lock().await;
        let usable = |c: &Cached| rejected.is_none_or(|r| c.token != r) && self.fresh(c);
        if let Some(c) = self.shared().await.filter(|c| usable(c)) {
            *local = Some(c.clone());
            return Ok(c.token);
        }
        if let Some(c) = local.clone().filter(|c| usable(c)) {
            return Ok(c.token);
        }
        let fetched = match &self.redis {
            Some(redis) => match redis.conn().await {
                Some(mut conn) => self.refresh_shared(client, redis, &mut conn, rejected).await?,
                None => self.fetch(client, rejected.is_some()).await?,
            },
            None => self.fetch(client, rejected.is_some()).await?,
        };
        *local = Some(fetched.clone());
        Ok(fetched.token)
    }

    async fn fetch(&self, client: &WechatClient, force: bool) -> Result<Cached, WechatError> {
        let (token, expires_in) = client.fetch_token(force).await?;
        let expires_ms = Utc::now().timestamp_millis() + i64::try_from(expires_in).unwrap_or(7200) * 1000;
        tracing::info!(expires_in, force, "wechat access token fetched");
        Ok(Cached { token, expires_ms })
    }

    /// Takes the cross-instance lock and fetches, or waits for the instance that holds it.
    async fn refresh_shared(
        &self,
        client: &WechatClient,
        redis: &RedisConn,
        conn: &mut redis::aio::ConnectionManager,
        rejected: Option<&str>,
    ) -> Result<Cached, WechatError> {
        let key = redis.key("wechat:access_token");
        let lock = redis.key("wechat:access_token:lock");
        let owner = format!("{}-{}", std::process::id(), Utc::now().timestamp_nanos_opt().unwrap_or_default());
        let won: Option<String> = redis::cmd("SET")
            .arg(&lock)
            .arg(&owner)
            .arg("NX")
            .arg("PX")
            .arg(LOCK_TTL_MS)
            .query_async(conn)
            .await
            .unwrap_or(None);
        if won.is_some() {
            // Another instance may have stored a new token between our read and our lock.
            let current = self.shared().await.filter(|c| rejected.is_none_or(|r| c.token != r) && self.fresh(c));
            let reused = current.is_some();
            let fetched = match current {
                Some(c) => Ok(c),
                None => self.fetch(client, rejected.is_some()).await,
            };
            if let Ok(c) = &fetched
                && !reused
            {
                let ttl_ms = (c.expires_ms - Utc::now().timestamp_millis()).max(1000);
                let _: Result<(), _> =
                    redis::cmd("SET").arg(&key).arg(c.encode()).arg("PX").arg(ttl_ms).query_async(conn).await;
            }
            // Release the lock only if it is still ours.
            let _: Result<i64, _> = redis::cmd("EVAL")
                .arg(
                    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
                )
                .arg(1)
                .arg(&lock)
                .arg(&owner)
                .query_async(conn)
                .await;
            return fetched;
        }
        // Another instance is refreshing: wait for its token, or fall back to a still-valid old one.
        let deadline = tokio::time::Instant::now() + self.wait;
        let mut old = None;
        while tokio::time::Instant::now() < deadline {
            if let Some(c) = self.shared().await {
                if rejected.is_none_or(|r| c.token != r) && self.fresh(&c) {
                    return Ok(c);
                }
                old = Some(c);
            }
            tokio::time::sleep(POLL).await;
        }
        match old.filter(|c| rejected.is_none_or(|r| c.token != r) && Self::valid(c)) {
            Some(c) => Ok(c),
            None => Err(WechatError::Unavailable("timed out waiting for the access token refresh".into())),
        }
    }
}
