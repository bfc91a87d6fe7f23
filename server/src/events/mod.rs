//! Live wish changes: every committed change is published here and fanned out to the SSE streams
//! of this instance, and, with Redis, to the other instances through one pub/sub channel.
//!
//! The database's `wish_events` table is the durable record. A stream that falls behind, a client
//! that reconnects with `Last-Event-ID`, and every stream after a Redis outage catch up from it, so
//! a message lost in transit is not lost to the user.

pub mod notices;
pub mod orders;
mod redis;
mod tail;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::redis_conn::RedisConn;
use crate::store::WishRecord;

/// One committed change of a wish.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WishChange {
    /// The id of the event row that recorded it (the SSE `id:`).
    pub event_id: i64,
    /// The wish after the change.
    pub wish: WishRecord,
    /// The wish before the change (`None` for a new wish), to tell who just lost sight of it.
    pub before: Option<WishRecord>,
}

/// What the streams of this instance receive.
#[derive(Debug, Clone)]
pub enum Live {
    /// A change, from this instance or another.
    Change(Arc<WishChange>),
    /// Changes after `since` may have been missed (Redis was unreachable): catch up from the
    /// database.
    Resync {
        /// The last event id known to have been delivered before the gap.
        since: i64,
    },
}

/// The publish/subscribe hub of one instance.
#[derive(Debug, Clone)]
pub struct EventBus {
    local: broadcast::Sender<Live>,
    remote: Option<mpsc::UnboundedSender<Arc<WishChange>>>,
    last_seen: Arc<AtomicI64>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    /// A bus for this instance only; it buffers up to 4,096 changes for slow subscribers (who
    /// then catch up from the database).
    pub fn new() -> Self {
        Self { local: broadcast::channel(4096).0, remote: None, last_seen: Arc::new(AtomicI64::new(0)) }
    }

    /// A bus that also exchanges changes with other instances through Redis; the returned task
    /// runs until `shutdown`.
    pub fn with_redis(redis: Arc<RedisConn>, shutdown: CancellationToken) -> (Self, JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let bus = Self { remote: Some(tx), ..Self::new() };
        let task = tokio::spawn(redis::run(redis, bus.clone(), rx, shutdown));
        (bus, task)
    }

    /// Publishes a committed change; nobody listening is fine.
    pub fn publish(&self, change: WishChange) {
        let change = Arc::new(change);
        self.last_seen.fetch_max(change.event_id, Ordering::Relaxed);
        let _ = self.local.send(Live::Change(change.clone()));
        if let Some(remote) = &self.remote {
            let _ = remote.send(change);
        }
    }

    /// A new subscription, receiving what is published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Live> {
        self.local.subscribe()
    }

    /// Delivers a change that came from another instance.
    fn deliver_remote(&self, change: WishChange) {
        self.last_seen.fetch_max(change.event_id, Ordering::Relaxed);
        let _ = self.local.send(Live::Change(Arc::new(change)));
    }

    /// Tells every stream to catch up from the database after `since`.
    fn resync(&self, since: i64) {
        let _ = self.local.send(Live::Resync { since });
    }

    /// The highest event id this instance has published or received.
    fn last_seen(&self) -> i64 {
        self.last_seen.load(Ordering::Relaxed)
    }
}
