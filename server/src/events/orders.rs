//! Live work-order changes: one task per instance tails the durable `work_order_events` log and
//! fans each change (the order as it is now) out to this instance's streams. Every instance reads
//! the same shared table, so a change made on another instance arrives without any other channel,
//! and nothing is lost while Redis is down.
//!
//! Ids are taken from a sequence, so a transaction may commit a lower id after a higher one was
//! read. The tail therefore re-reads a settle window: everything after the highest id seen more
//! than [`SETTLE`] ago, skipping ids already delivered.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::state::AppState;
use crate::store::work_orders::OrderRecord;

/// How often the log is read.
const POLL: Duration = Duration::from_millis(300);

/// How long a transaction may take to commit after taking its event id.
const SETTLE: Duration = Duration::from_secs(10);

/// One committed change: the event's id (the SSE `id:`) and the order after it.
#[derive(Debug, Clone)]
pub struct OrderChange {
    /// The event id.
    pub event_id: i64,
    /// The order now.
    pub order: OrderRecord,
}

/// The fan-out of one instance.
#[derive(Debug, Clone)]
pub struct OrderFeed {
    tx: broadcast::Sender<Arc<OrderChange>>,
}

impl Default for OrderFeed {
    fn default() -> Self {
        Self::new()
    }
}

impl OrderFeed {
    /// A feed buffering up to 1,024 changes per slow subscriber (who then catches up from the
    /// database).
    pub fn new() -> Self {
        Self { tx: broadcast::channel(1024).0 }
    }

    /// A new subscription.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<OrderChange>> {
        self.tx.subscribe()
    }
}

/// Starts tailing the log from its current end; stops with `shutdown`.
pub fn spawn(state: AppState, shutdown: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tail = Tail { low: None, seen: HashSet::new(), marks: VecDeque::new() };
        let mut tick = tokio::time::interval(POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = tick.tick() => {
                    if let Err(e) = tail.poll(&state).await {
                        tracing::debug!(error = %e, "work-order feed poll failed");
                    }
                }
            }
        }
    })
}

struct Tail {
    /// Everything at or below this id has been delivered (or predates the start).
    low: Option<i64>,
    /// Ids above `low` already delivered.
    seen: HashSet<i64>,
    /// The highest id delivered at each poll, to move `low` once it settled.
    marks: VecDeque<(Instant, i64)>,
}

impl Tail {
    async fn poll(&mut self, state: &AppState) -> Result<(), crate::store::StoreError> {
        let low = match self.low {
            Some(low) => low,
            None => {
                // Start at the end of the log: streams replay older changes themselves.
                self.low = Some(state.store.last_order_event_id().await?);
                return Ok(());
            }
        };
        let mut high = low;
        loop {
            let page = state.store.order_events_after(high, 500).await?;
            // Each order changed in the page is read once and sent with its newest event id (a
            // whistle writes one event per department), oldest change first.
            let mut changed: Vec<(i64, i64)> = Vec::new();
            for (event_id, order_id) in &page {
                high = high.max(*event_id);
                if !self.seen.insert(*event_id) {
                    continue;
                }
                match changed.iter_mut().find(|(_, o)| o == order_id) {
                    Some(entry) => entry.0 = entry.0.max(*event_id),
                    None => changed.push((*event_id, *order_id)),
                }
            }
            changed.sort_unstable();
            if state.feed.tx.receiver_count() > 0 {
                for (event_id, order_id) in changed {
                    if let Some(order) = state.store.order(order_id).await? {
                        let _ = state.feed.tx.send(Arc::new(OrderChange { event_id, order }));
                    }
                }
            }
            if page.len() < 500 {
                break;
            }
        }
        let now = Instant::now();
        self.marks.push_back((now, high));
        while let Some((at, id)) = self.marks.front().copied() {
            if now.duration_since(at) < SETTLE {
                break;
            }
            self.marks.pop_front();
            self.low = Some(id.max(low));
        }
        let settled = self.low.unwrap_or(low);
        self.seen.retain(|id| *id > settled);
        Ok(())
    }
}
