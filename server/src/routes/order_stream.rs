//! `GET /api/v1/work-orders/stream`: Server-Sent Events of every change to a work order the caller
//! may see (`event: work_order`, the order as `GET /work-orders/{id}` shows it). A client
//! reconnecting with `Last-Event-ID` first receives the current state of every order changed
//! since; an order that left the caller's view during the stream is sent as `{"id", "status"}`.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use haolin_shared::api::{ErrorBody, WorkOrder};
use tokio::sync::broadcast::{Receiver, error::RecvError};
use tokio::time::{Interval, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use crate::auth::{Caller, StreamCaller};
use crate::error::ApiError;
use crate::events::orders::OrderChange;
use crate::state::AppState;
use crate::store::work_orders::OrderRecord;
use crate::work_orders::Viewer;

/// Replay page size.
const REPLAY_PAGE: u32 = 200;

/// Streams work-order changes as `event: work_order` messages.
#[utoipa::path(tag = "work orders",
    params(
        ("access_token" = Option<String>, Query, description = "for EventSource, which cannot set headers"),
        ("Last-Event-ID" = Option<String>, Header, description = "replay what was missed since this id")),
    responses(
        (status = 200, content_type = "text/event-stream", description = "`id: <event id>`, `event: work_order`, `data: <order JSON>`", body = WorkOrder),
        (status = 401, body = ErrorBody)))]
#[get("/work-orders/stream")]
pub async fn order_stream(
    state: web::Data<AppState>,
    StreamCaller(caller): StreamCaller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let last_id = req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|id| *id >= 0);
    let viewer = Viewer::load(&state, &caller).await?;
    let places = (viewer.streets, viewer.grids, viewer.departments);
    let mut heartbeat = tokio::time::interval(state.settings.http.sse_heartbeat);
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let conn = Connection {
        rx: state.feed.subscribe(),
        shutdown: state.shutdown.clone(),
        state: state.into_inner(),
        caller,
        places,
        queue: VecDeque::from([Bytes::from_static(b"retry: 3000\n\n")]),
        replay_from: last_id,
        replayed_up_to: 0,
        max_seen: last_id.unwrap_or(0),
        sent: HashSet::new(),
        heartbeat,
    };
    let body = futures_util::stream::unfold(conn, |mut conn| async move {
        conn.next_chunk().await.map(|chunk| (Ok::<_, actix_web::Error>(chunk), conn))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}

struct Connection {
    state: Arc<AppState>,
    caller: Caller,
    places: (Vec<i64>, Vec<i64>, Vec<i64>),
    rx: Receiver<Arc<OrderChange>>,
    shutdown: CancellationToken,
    queue: VecDeque<Bytes>,
    replay_from: Option<i64>,
    /// Changes up to this id were sent by a replay (a live copy of one is skipped).
    replayed_up_to: i64,
    /// The newest event id sent (a gap replays from here).
    max_seen: i64,
    /// Orders sent on this stream (told when they leave the caller's view).
    sent: HashSet<i64>,
    heartbeat: Interval,
}

impl Connection {
    fn viewer(&self) -> Viewer<'_> {
        Viewer {
            caller: &self.caller,
            streets: self.places.0.clone(),
            grids: self.places.1.clone(),
            departments: self.places.2.clone(),
        }
    }

    async fn next_chunk(&mut self) -> Option<Bytes> {
        loop {
            if let Some(chunk) = self.queue.pop_front() {
                return Some(chunk);
            }
            if let Some(from) = self.replay_from.take() {
                self.replay(from).await;
                continue;
            }
            tokio::select! {
                () = self.shutdown.cancelled() => return None,
                _ = self.heartbeat.tick() => return Some(Bytes::from_static(b": ping\n\n")),
                msg = self.rx.recv() => match msg {
                    // Not `> max_seen`: the feed may deliver a late commit with a lower id.
                    Ok(change) if change.event_id > self.replayed_up_to => {
                        self.max_seen = self.max_seen.max(change.event_id);
                        self.push(change.event_id, &change.order);
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => self.replay_from = Some(self.max_seen),
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    }

    async fn replay(&mut self, mut from: i64) {
        loop {
            let page = match self.state.store.orders_changed_since(from, REPLAY_PAGE).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "work-order replay failed");
                    return;
                }
            };
            for (event_id, order) in &page {
                from = from.max(*event_id);
                self.push(*event_id, order);
            }
            self.replayed_up_to = self.replayed_up_to.max(from);
            self.max_seen = self.max_seen.max(from);
            if page.len() < REPLAY_PAGE as usize {
                return;
            }
        }
    }

    fn push(&mut self, event_id: i64, order: &OrderRecord) {
        let viewer = self.viewer();
        let data = if viewer.can_see(order) {
            let data = serde_json::to_string(&crate::views::work_order(Some(&viewer), order));
            self.sent.insert(order.id);
            data
        } else if self.sent.remove(&order.id) {
            serde_json::to_string(&serde_json::json!({"id": order.id.to_string(), "status": order.status}))
        } else {
            return;
        };
        match data {
            Ok(data) => {
                self.queue.push_back(Bytes::from(format!("id: {event_id}\nevent: work_order\ndata: {data}\n\n")))
            }
            Err(e) => tracing::error!(error = %e, "event serialisation failed"),
        }
    }
}
