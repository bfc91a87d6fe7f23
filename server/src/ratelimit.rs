//! Fixed-window rate limits on login, registration and posting, shared by all instances through
//! Redis when it is configured and reachable, else counted in this process.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use haolin_shared::api::ErrorCode;
use tokio::sync::Mutex;

use crate::error::ApiError;
use crate::redis_conn::RedisConn;

/// Counts hits per key and window.
#[derive(Debug)]
pub struct RateLimiter {
    redis: Option<Arc<RedisConn>>,
    local: Mutex<HashMap<String, (u64, u32)>>,
}

/// The most keys the in-process fallback remembers before forgetting old windows.
const LOCAL_KEYS: usize = 100_000;

impl RateLimiter {
    /// A limiter on Redis (if given) with an in-process fallback.
    pub fn new(redis: Option<Arc<RedisConn>>) -> Self {
        Self { redis, local: Mutex::new(HashMap::new()) }
    }

    /// The Redis handle, when configured (the metrics report whether it answers).
    pub fn redis(&self) -> Option<&RedisConn> {
        self.redis.as_deref()
    }

    /// Counts one hit on `key`; refuses with 429 (and `Retry-After`) past `limit` in the window.
    pub async fn hit(&self, key: &str, limit: u32, window: Duration) -> Result<(), ApiError> {
        let secs = window.as_secs().max(1);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let window_id = now / secs;
        let count = match self.redis_hit(key, window_id, secs).await {
            Some(count) => count,
            None => self.local_hit(key, window_id).await,
        };
        if count > limit {
            let mut err = ApiError::new(ErrorCode::RateLimited, "操作过于频繁，请稍后再试");
            err.retry_after = Some(u32::try_from((window_id + 1) * secs - now).unwrap_or(u32::MAX));
            return Err(err);
        }
        Ok(())
    }

    async fn redis_hit(&self, key: &str, window_id: u64, secs: u64) -> Option<u32> {
        let redis = self.redis.as_ref()?;
        let mut conn = redis.conn().await?;
        let k = redis.key(&format!("rl:{key}:{window_id}"));
        let result: Result<(u32,), _> =
            redis::pipe().atomic().incr(&k, 1).expire(&k, (secs + 1) as i64).ignore().query_async(&mut conn).await;
        match result {
            Ok((count,)) => Some(count),
            Err(e) => {
                tracing::warn!(error = %e, "rate limit falls back to this instance: redis unavailable");
                None
            }
        }
    }

    async fn local_hit(&self, key: &str, window_id: u64) -> u32 {
        let mut map = self.local.lock().await;
        if map.len() >= LOCAL_KEYS {
            map.retain(|_, (w, _)| *w >= window_id);
        }
        let entry = map.entry(key.to_owned()).or_insert((window_id, 0));
        if entry.0 != window_id {
            *entry = (window_id, 0);
        }
        entry.1 += 1;
        entry.1
    }
}
