//! Live wish changes: every committed change is published here and fanned out to the SSE streams
//! of this instance. The database's `wish_events` table is the durable record; a stream that falls
//! behind, or a client that reconnects, catches up from it, so nothing published is lost to a user.

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::store::WishRecord;

/// One committed change of a wish.
#[derive(Debug, Clone)]
pub struct WishChange {
    /// The id of the event row that recorded it (the SSE `id:`).
    pub event_id: i64,
    /// The wish after the change.
    pub wish: WishRecord,
    /// The wish before the change (`None` for a new wish), to tell who just lost sight of it.
    pub before: Option<WishRecord>,
}

/// An in-process publish/subscribe channel of wish changes.
#[derive(Debug, Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Arc<WishChange>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    /// A bus that buffers up to 4,096 changes for slow subscribers (who then catch up from the
    /// database).
    pub fn new() -> Self {
        Self { tx: broadcast::channel(4096).0 }
    }

    /// Publishes a committed change; nobody listening is fine.
    pub fn publish(&self, change: WishChange) {
        let _ = self.tx.send(Arc::new(change));
    }

    /// A new subscription, receiving changes published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WishChange>> {
        self.tx.subscribe()
    }
}
