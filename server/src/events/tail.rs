//! Tailing a durable table by id, shared by the work-order feed (`events::orders`) and the notice
//! feed (`events::notices`): one task per instance reads the rows after the last delivered id every
//! [`POLL`], so a row written on any instance reaches this instance's streams without another
//! channel (and while Redis is down).
//!
//! Ids come from a sequence, so a transaction may commit a lower id after a higher one was read.
//! The tail therefore re-reads a settle window: everything after the highest id seen more than
//! [`SETTLE`] ago, skipping ids already delivered ([`Settling`]).

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::state::AppState;
use crate::store::StoreError;

/// How often the table is read.
const POLL: Duration = Duration::from_millis(300);

/// How long a transaction may take to commit after taking its id.
const SETTLE: Duration = Duration::from_secs(10);

/// Which ids were delivered: all at or below `low`, and those in `seen` above it.
#[derive(Debug, Default)]
pub struct Settling {
    /// Everything at or below this id has been delivered (or predates the start); `None` before
    /// the first poll.
    low: Option<i64>,
    /// Ids above `low` already delivered.
    seen: HashSet<i64>,
    /// The highest id read at each poll, to move `low` once it settled.
    marks: VecDeque<(Instant, i64)>,
}

impl Settling {
    /// Where the next poll reads from, or `None` before the start.
    pub fn low(&self) -> Option<i64> {
        self.low
    }

    /// Starts after `last` (the table's current end: older rows are not delivered live).
    pub fn start_after(&mut self, last: i64) {
        self.low = Some(last);
    }

    /// Whether `id` is delivered for the first time (and marks it delivered).
    pub fn first_time(&mut self, id: i64) -> bool {
        self.seen.insert(id)
    }

    /// Ends a poll that started at `low` and read up to `high`: `low` moves to what was read
    /// [`SETTLE`] ago, and the ids at or below it are forgotten.
    pub fn polled(&mut self, low: i64, high: i64) {
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
    }
}

/// A table's tail: one poll reads and delivers what is new.
pub trait Tail: Send + 'static {
    /// What the log calls it when a poll fails.
    const NAME: &'static str;

    /// Reads the rows after the last delivered and hands them to this instance's streams.
    fn poll(&mut self, state: &AppState) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Polls `tail` every [`POLL`] until `shutdown`.
pub fn spawn<T: Tail>(mut tail: T, state: AppState, shutdown: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = tick.tick() => {
                    if let Err(e) = tail.poll(&state).await {
                        tracing::debug!(error = %e, feed = T::NAME, "feed poll failed");
                    }
                }
            }
        }
    })
}
