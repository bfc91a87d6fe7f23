//! The optional Redis connection shared by live events and rate limits.
//!
//! Redis is never required for a request to succeed: every user of [`RedisConn`] falls back to
//! in-process behaviour when Redis is unreachable, and the connection is (re)made lazily, so the
//! server starts and keeps serving while Redis is down and uses it again when it returns.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::Mutex;

/// How long one Redis command may take before the caller falls back.
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);

/// A lazily connected, self-reconnecting Redis handle with a key prefix.
pub struct RedisConn {
    client: redis::Client,
    manager: Mutex<Option<ConnectionManager>>,
    prefix: String,
}

impl std::fmt::Debug for RedisConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisConn").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

impl RedisConn {
    /// A handle for `url` (not yet connected); keys and channels start with `prefix:`.
    pub fn new(url: &str, prefix: &str) -> Result<Self, redis::RedisError> {
        Ok(Self { client: redis::Client::open(url)?, manager: Mutex::new(None), prefix: prefix.to_owned() })
    }

    /// The underlying client (for pub/sub connections).
    pub fn client(&self) -> &redis::Client {
        &self.client
    }

    /// `prefix:name`.
    pub fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.prefix)
    }

    /// A connection, or `None` if Redis cannot be reached right now.
    pub async fn conn(&self) -> Option<ConnectionManager> {
        let mut guard = self.manager.lock().await;
        if let Some(manager) = guard.as_ref() {
            return Some(manager.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(RESPONSE_TIMEOUT)
            .set_response_timeout(RESPONSE_TIMEOUT)
            .set_number_of_retries(1)
            .set_max_delay(1000);
        match tokio::time::timeout(RESPONSE_TIMEOUT * 2, self.client.get_connection_manager_with_config(config)).await {
            Ok(Ok(manager)) => {
                *guard = Some(manager.clone());
                Some(manager)
            }
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "redis unreachable");
                None
            }
            Err(_) => None,
        }
    }

    /// Whether Redis answers a `PING` now (within the command timeout).
    pub async fn ping(&self) -> bool {
        let Some(mut conn) = self.conn().await else { return false };
        let cmd = redis::cmd("PING");
        matches!(tokio::time::timeout(RESPONSE_TIMEOUT, cmd.query_async::<String>(&mut conn)).await, Ok(Ok(_)))
    }
}
