//! Background jobs: claim expiry, auto-confirmation, claim expiry reminders, work-order overdue
//! flags and deadline reminders, the sweep of photos never attached, and idempotency-key clean-up.
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

/// One round of every job; each run is counted in the metrics with its duration and outcome.
#[tracing::instrument(name = "jobs", skip_all)]
pub async fn run_once(state: &AppState) {
    let started = Instant::now();
    let result = wishes::expire_claims(state).await;
    metrics::global().job_ran("expire_claims", started.elapsed(), result.is_err());
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "claims expired"),
        Err(e) => tracing::warn!(error = %e, "claim expiry failed"),
    }
    let started = Instant::now();
    let result = wishes::auto_confirm(state).await;
    metrics::global().job_ran("auto_confirm", started.elapsed(), result.is_err());
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "fulfilled wishes auto-confirmed"),
        Err(e) => tracing::warn!(error = %e, "auto-confirm failed"),
    }
    let started = Instant::now();
    let result = crate::notify::remind_expiring_claims(state).await;
    metrics::global().job_ran("claim_reminders", started.elapsed(), result.is_err());
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "claim expiry reminders written"),
        Err(e) => tracing::warn!(error = %e, "claim expiry reminders failed"),
    }
    let started = Instant::now();
    let result = crate::work_orders::jobs::flag_overdue(state).await;
    metrics::global().job_ran("order_overdue", started.elapsed(), result.is_err());
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "overdue work orders flagged"),
        Err(e) => tracing::warn!(error = %e, "work-order overdue flags failed"),
    }
    let started = Instant::now();
    let result = crate::work_orders::jobs::remind(state).await;
    metrics::global().job_ran("order_reminders", started.elapsed(), result.is_err());
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "work-order deadline reminders written"),
        Err(e) => tracing::warn!(error = %e, "work-order reminders failed"),
    }
    let started = Instant::now();
    let result = crate::photos::sweep(state).await;
    metrics::global().job_ran("photo_sweep", started.elapsed(), result.is_err());
    match result {
        Ok(0) => {}
        Ok(n) => tracing::info!(count = n, "unattached photos deleted"),
        Err(e) => tracing::warn!(error = %e, "photo sweep failed"),
    }
    let started = Instant::now();
    let before = Utc::now() - chrono::Duration::from_std(IDEMPOTENCY_TTL).unwrap_or_default();
    let result = state.store.purge_idempotency(before).await;
    metrics::global().job_ran("idempotency_purge", started.elapsed(), result.is_err());
    if let Err(e) = result {
        tracing::warn!(error = %e, "idempotency clean-up failed");
    }
}
