//! Exchanging wish changes with other instances over one Redis pub/sub channel.
//!
//! Each instance publishes its own changes (tagged with its instance id) and subscribes once,
//! fanning out what others publish. When the subscription drops, the gap is remembered; once it is
//! back, every local stream is told to catch up from the database.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{EventBus, WishChange};
use crate::redis_conn::RedisConn;

/// What travels on the channel.
#[derive(Serialize, Deserialize)]
struct Envelope {
    instance: String,
    change: WishChange,
}

/// Runs the publisher and the subscriber until `shutdown`.
pub(super) async fn run(
    redis: Arc<RedisConn>,
    bus: EventBus,
    outgoing: mpsc::UnboundedReceiver<Arc<WishChange>>,
    shutdown: CancellationToken,
) {
    let instance = format!("{:016x}", rand::random::<u64>());
    let channel = redis.key("wish_changes");
    tokio::join!(
        publish(redis.clone(), &channel, &instance, outgoing, shutdown.clone()),
        subscribe(redis, &channel, &instance, bus, shutdown),
    );
}

async fn publish(
    redis: Arc<RedisConn>,
    channel: &str,
    instance: &str,
    mut outgoing: mpsc::UnboundedReceiver<Arc<WishChange>>,
    shutdown: CancellationToken,
) {
    loop {
        let change = tokio::select! {
            () = shutdown.cancelled() => return,
            change = outgoing.recv() => match change {
                Some(change) => change,
                None => return,
            },
        };
        let envelope = Envelope { instance: instance.to_owned(), change: (*change).clone() };
        let Ok(payload) = serde_json::to_string(&envelope) else { continue };
        let Some(mut conn) = redis.conn().await else {
            tracing::debug!(event_id = change.event_id, "redis unavailable: change stays on this instance");
            continue;
        };
        let sent: Result<i64, _> = redis::cmd("PUBLISH").arg(channel).arg(payload).query_async(&mut conn).await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, event_id = change.event_id, "publishing to redis failed");
        }
    }
}

async fn subscribe(redis: Arc<RedisConn>, channel: &str, instance: &str, bus: EventBus, shutdown: CancellationToken) {
    let mut gap_since: Option<i64> = None;
    let mut backoff = Duration::from_millis(100);
    loop {
        let connected = tokio::select! {
            () = shutdown.cancelled() => return,
            r = tokio::time::timeout(Duration::from_secs(2), redis.client().get_async_pubsub()) => r,
        };
        let mut pubsub = match connected {
            Ok(Ok(pubsub)) => pubsub,
            _ => {
                gap_since.get_or_insert_with(|| bus.last_seen());
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(2));
                continue;
            }
        };
        if let Err(e) = pubsub.subscribe(channel).await {
            tracing::warn!(error = %e, "redis subscribe failed");
            gap_since.get_or_insert_with(|| bus.last_seen());
            continue;
        }
        backoff = Duration::from_millis(100);
        if let Some(since) = gap_since.take() {
            tracing::info!(since, "redis back: streams catch up from the database");
            bus.resync(since);
        }
        let mut messages = pubsub.on_message();
        loop {
            let msg = tokio::select! {
                () = shutdown.cancelled() => return,
                msg = messages.next() => msg,
            };
            let Some(msg) = msg else { break };
            let Ok(payload) = msg.get_payload::<String>() else { continue };
            match serde_json::from_str::<Envelope>(&payload) {
                Ok(envelope) if envelope.instance != instance => bus.deliver_remote(envelope.change),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "unreadable message on the wish channel"),
            }
        }
        tracing::warn!("redis subscription lost; live events stay on this instance until it returns");
        gap_since = Some(bus.last_seen());
    }
}
