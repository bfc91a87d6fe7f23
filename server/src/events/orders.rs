//! Live work-order changes: one task per instance tails the durable `work_order_events` log
//! (`events::tail`) and fans each change (the order as it is now) out to this instance's streams.

use std::sync::Arc;

use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::tail::{self, Settling};
use crate::state::AppState;
use crate::store::work_orders::OrderRecord;

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
    tail::spawn(OrderTail(Settling::default()), state, shutdown)
}

struct OrderTail(Settling);

impl tail::Tail for OrderTail {
    const NAME: &'static str = "work orders";

    async fn poll(&mut self, state: &AppState) -> Result<(), crate::store::StoreError> {
        let Some(low) = self.0.low() else {
            // Start at the end of the log: streams replay older changes themselves.
            self.0.start_after(state.store.last_order_event_id().await?);
            return Ok(());
        };
        let mut high = low;
        loop {
            let page = state.store.order_events_after(high, 500).await?;
            // Each order changed in the page is read once and sent with its newest event id (a
            // whistle writes one event per department), oldest change first.
            let mut changed: Vec<(i64, i64)> = Vec::new();
            for (event_id, order_id) in &page {
                high = high.max(*event_id);
                if !self.0.first_time(*event_id) {
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
        self.0.polled(low, high);
        Ok(())
    }
}
