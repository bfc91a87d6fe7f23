//! The subscribe-message sender: drains the outbox written with each wish change.
//!
//! Each due row is taken by a conditional write (`take_outbox`), so with several instances each
//! message is sent by one of them; a taken row carries a lease, and a row whose sender died is
//! taken again when the lease ends. A credit is spent before the send and given back if the
//! send fails, so messages never outnumber the credits the user granted. WeChat's 43101 (the
//! user withdrew permission) drops the user's credits for that template: the in-app inbox, which
//! already has the notification, is all they get. Other failures are retried with a doubling
//! delay, and after the last attempt the row is `failed` (listed for admins).

use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::WechatError;
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::wechat::{OutboxOutcome, OutboxRecord};

/// How long a taken row is reserved for its sender.
const LEASE: Duration = Duration::from_secs(60);
/// Rows sent at once by one instance.
const CONCURRENCY: usize = 8;

/// Starts the sender when WeChat is configured; it stops when `shutdown` is cancelled.
pub fn spawn(state: AppState, shutdown: CancellationToken) -> Option<JoinHandle<()>> {
    state.wechat.as_ref()?;
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.settings.wechat.outbox_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = tick.tick() => {
                    let started = std::time::Instant::now();
                    let result = drain(&state).await;
                    crate::metrics::global().job_ran("outbox", started.elapsed(), result.is_err());
                    if let Err(e) = result {
                        tracing::warn!(error = %e, "outbox round failed");
                    }
                }
            }
        }
        tracing::info!("outbox sender stopped");
    }))
}

/// One round: takes and sends every due row; returns how many were sent.
#[tracing::instrument(name = "outbox", skip_all)]
pub async fn drain(state: &AppState) -> Result<usize, StoreError> {
    let now = Utc::now();
    let lease_until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
    let due = state.store.due_outbox(now, 100).await?;
    let results: Vec<Result<bool, StoreError>> = futures_util::stream::iter(due)
        .map(|id| async move {
            match state.store.take_outbox(id, now, lease_until).await? {
                Some(row) => send_one(state, row).await,
                None => Ok(false),
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut sent = 0;
    for r in results {
        if r? {
            sent += 1;
        }
    }
    if sent > 0 {
        tracing::info!(count = sent, "subscribe messages sent");
    }
    Ok(sent)
}

async fn send_one(state: &AppState, row: OutboxRecord) -> Result<bool, StoreError> {
    let store = &state.store;
    let Some(client) = state.wechat.as_deref() else { return Ok(false) };
    let Some(openid) = store.wechat_openid(row.user_id).await? else {
        store.finish_outbox(row.id, &OutboxOutcome::Skipped("no wechat identity".into()), Utc::now()).await?;
        return Ok(false);
    };
    if !store.spend_credit(row.user_id, &row.template_id).await? {
        store.finish_outbox(row.id, &OutboxOutcome::Skipped("no subscription credit".into()), Utc::now()).await?;
        return Ok(false);
    }
    let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or_default();
    let settings = &state.settings.wechat;
    let outcome = match client.send_subscribe(&openid, &row.template_id, &payload, &settings.miniprogram_state).await {
        Ok(()) => OutboxOutcome::Sent,
        Err(WechatError::Api { code: 43101, message }) => {
            store.clear_credits(row.user_id, &row.template_id).await?;
            OutboxOutcome::Skipped(format!("43101 {message}"))
        }
        Err(e) => {
            crate::metrics::global().outbox_send_failed();
            store.refund_credit(row.user_id, &row.template_id).await?;
            let why = e.to_string();
            if row.attempts >= i64::from(settings.outbox_max_attempts) {
                tracing::warn!(outbox_id = row.id, error = %why, "subscribe message failed for good");
                OutboxOutcome::Failed(why)
            } else {
                let exp = u32::try_from(row.attempts.saturating_sub(1)).unwrap_or(0).min(16);
                let delay = settings.outbox_backoff.saturating_mul(2u32.saturating_pow(exp));
                let at = Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
                OutboxOutcome::Retry(why, at)
            }
        }
    };
    let sent = outcome == OutboxOutcome::Sent;
    store.finish_outbox(row.id, &outcome, Utc::now()).await?;
    Ok(sent)
}
