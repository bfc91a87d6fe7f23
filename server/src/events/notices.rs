//! Live notices: one task per instance tails the `notices` table and fans each new notice out to
//! this instance's event streams (`routes::stream`), which send it as `event: notice` to the
//! callers in its audience. Like the work-order feed (`events::orders`), every instance reads the
//! same shared table, so a notice posted on another instance arrives without another channel (and
//! while Redis is down).
//!
//! Ids come from a sequence, so a transaction may commit a lower id after a higher one was read:
//! the tail re-reads everything after the highest id seen more than [`SETTLE`] ago, skipping ids
//! already delivered.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::state::AppState;

/// How often the table is read.
const POLL: Duration = Duration::from_millis(300);

/// How long a transaction may take to commit after taking its id.
const SETTLE: Duration = Duration::from_secs(10);

/// A notice just posted: its id and the place it addresses.
#[derive(Debug, Clone, Copy)]
pub struct NoticePosted {
    /// The notice.
    pub notice_id: i64,
    /// The place addressed.
    pub place_id: i64,
}

/// The fan-out of one instance.
#[derive(Debug, Clone)]
pub struct NoticeFeed {
    tx: broadcast::Sender<Arc<NoticePosted>>,
}

impl Default for NoticeFeed {
    fn default() -> Self {
        Self::new()
    }
}

impl NoticeFeed {
    /// A feed buffering up to 256 notices per slow subscriber.
    pub fn new() -> Self {
        Self { tx: broadcast::channel(256).0 }
    }

    /// A new subscription.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<NoticePosted>> {
        self.tx.subscribe()
    }
}

/// Starts tailing the table from its current end; stops with `shutdown`.
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
                        tracing::debug!(error = %e, "notice feed poll failed");
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
                self.low = Some(state.store.last_notice_id().await?);
                return Ok(());
            }
        };
        let mut high = low;
        loop {
            let page = state.store.notices_after(high, 500).await?;
            for (notice_id, place_id) in &page {
                high = high.max(*notice_id);
                if self.seen.insert(*notice_id) && state.notices.tx.receiver_count() > 0 {
                    let _ =
                        state.notices.tx.send(Arc::new(NoticePosted { notice_id: *notice_id, place_id: *place_id }));
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
