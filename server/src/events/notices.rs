//! Live notices: one task per instance tails the `notices` table (`events::tail`) and fans each
//! new notice out to this instance's event streams (`routes::stream`), which send it as
//! `event: notice` to the callers in its audience.

use std::sync::Arc;

use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::tail::{self, Settling};
use crate::state::AppState;

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
    tail::spawn(NoticeTail(Settling::default()), state, shutdown)
}

struct NoticeTail(Settling);

impl tail::Tail for NoticeTail {
    const NAME: &'static str = "notices";

    async fn poll(&mut self, state: &AppState) -> Result<(), crate::store::StoreError> {
        let Some(low) = self.0.low() else {
            self.0.start_after(state.store.last_notice_id().await?);
            return Ok(());
        };
        let mut high = low;
        loop {
            let page = state.store.notices_after(high, 500).await?;
            for (notice_id, place_id) in &page {
                high = high.max(*notice_id);
                if self.0.first_time(*notice_id) && state.notices.tx.receiver_count() > 0 {
                    let _ =
                        state.notices.tx.send(Arc::new(NoticePosted { notice_id: *notice_id, place_id: *place_id }));
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
