//! Background jobs: claim expiry, auto-confirmation, claim expiry reminders, work-order overdue
//! flags and deadline reminders, the sweep of photos never attached, the figures' daily sums
//! (docs/FIGURES.md), and idempotency-key clean-up.
//!
//! Each item is moved by the same conditional write as a person's action, so several instances
//! running the job at once process each wish exactly once.

use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::metrics;
use crate::state::AppState;
use crate::wishes;

/// How long an idempotency key is remembered.
const IDEMPOTENCY_TTL: Duration = Duration::from_secs(24 * 3600);

/// Starts the job loop; it stops when `shutdown` is cancelled, finishing the round in progress.
pub fn spawn(state: AppState, shutdown: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.settings.jobs.interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = tick.tick() => run_once(&state).await,
            }
        }
        tracing::info!("background jobs stopped");
    })
}

/// Runs one job: counts the run in the metrics with its duration and outcome, and logs what it
/// did (`done`, when it did anything) or why it failed.
async fn run<N, E>(name: &'static str, done: &str, job: impl Future<Output = Result<N, E>>)
where
    N: std::fmt::Display + PartialEq + Default,
    E: std::fmt::Display,
{
    let started = Instant::now();
    let result = job.await;
    metrics::global().job_ran(name, started.elapsed(), result.is_err());
    match result {
        Ok(n) if n == N::default() => {}
        Ok(n) => tracing::info!(count = %n, job = name, "{done}"),
        Err(e) => tracing::warn!(error = %e, job = name, "job failed"),
    }
}

/// One round of every job.
#[tracing::instrument(name = "jobs", skip_all)]
pub async fn run_once(state: &AppState) {
    run("expire_claims", "claims expired", wishes::expire_claims(state)).await;
    run("auto_confirm", "fulfilled wishes auto-confirmed", wishes::auto_confirm(state)).await;
    run("claim_reminders", "claim expiry reminders written", crate::notify::remind_expiring_claims(state)).await;
    run("order_overdue", "overdue work orders flagged", crate::work_orders::jobs::flag_overdue(state)).await;
    run("order_reminders", "work-order deadline reminders written", crate::work_orders::jobs::remind(state)).await;
    run("photo_sweep", "unattached photos deleted", crate::photos::sweep(state)).await;
    run("figure_days", "days summed into the figures", crate::figures::sum_days(state)).await;
    let before = Utc::now() - chrono::Duration::from_std(IDEMPOTENCY_TTL).unwrap_or_default();
    run("idempotency_purge", "idempotency keys purged", state.store.purge_idempotency(before)).await;
}
