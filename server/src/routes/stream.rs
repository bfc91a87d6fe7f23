//! `GET /api/v1/events/stream`: Server-Sent Events of every change to a wish the caller may see.
//!
//! A client reconnecting with `Last-Event-ID` first receives, from the database, the current state
//! of every wish changed since; then live changes. A change that takes a wish out of the caller's
//! view is sent as `{"id", "status"}` only.

use std::collections::VecDeque;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use haolin_shared::api::{ErrorBody, Wish};
use tokio::sync::broadcast::{Receiver, error::RecvError};
use tokio::time::{Interval, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use crate::auth::{Caller, StreamCaller};
use crate::events::Live;
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::WishRecord;
use crate::views;

/// Registers the stream route.
pub fn configure(cfg: &mut impl Routes) {
    cfg.service(stream);
}

/// Replay page size.
const REPLAY_PAGE: u32 = 200;

/// Streams wish changes as `event: wish` messages.
#[utoipa::path(tag = "events",
    params(
        ("access_token" = Option<String>, Query, description = "for EventSource, which cannot set headers"),
        ("Last-Event-ID" = Option<String>, Header, description = "replay what was missed since this id")),
    responses(
        (status = 200, content_type = "text/event-stream", description = "`id: <event id>`, `event: wish`, `data: <wish JSON>`", body = Wish),
        (status = 401, body = ErrorBody)))]
#[get("/events/stream")]
pub async fn stream(state: web::Data<AppState>, StreamCaller(caller): StreamCaller, req: HttpRequest) -> HttpResponse {
    let last_id = req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|id| *id >= 0);
    let mut heartbeat = tokio::time::interval(state.settings.http.sse_heartbeat);
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let conn = Connection {
        rx: state.events.subscribe(),
        notices: state.notices.subscribe(),
        shutdown: state.shutdown.clone(),
        state: state.into_inner(),
        caller,
        queue: VecDeque::from([Bytes::from_static(b"retry: 3000\n\n")]),
        replay_from: last_id,
        replayed_up_to: 0,
        max_seen: last_id.unwrap_or(0),
        heartbeat,
        _open: crate::metrics::global().stream_opened(),
    };
    let body = futures_util::stream::unfold(conn, |mut conn| async move {
        conn.next_chunk().await.map(|chunk| (Ok::<_, actix_web::Error>(chunk), conn))
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // Already "encoded": keeps the compression middleware from buffering the stream.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body)
}

/// One subscriber's stream state.
struct Connection {
    state: Arc<AppState>,
    caller: Caller,
    rx: Receiver<Live>,
    /// Notices just posted; each is sent (as `event: notice`, without an id) to its audience.
    notices: Receiver<Arc<crate::events::notices::NoticePosted>>,
    shutdown: CancellationToken,
    queue: VecDeque<Bytes>,
    replay_from: Option<i64>,
    replayed_up_to: i64,
    max_seen: i64,
    heartbeat: Interval,
    /// Counts the stream in the metrics while it is open.
    _open: crate::metrics::StreamGuard,
}

impl Connection {
    /// The next chunk to send, or `None` when the stream ends (server shutting down).
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
                    Ok(Live::Change(change)) if change.event_id > self.replayed_up_to => {
                        self.max_seen = self.max_seen.max(change.event_id);
                        self.push(change.event_id, &change.wish, Some(change.before.as_ref()));
                    }
                    Ok(Live::Change(_)) => {}
                    Ok(Live::Resync { since }) => self.replay_from = Some(since.min(self.max_seen)),
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "event stream lagged; catching up from the database");
                        self.replay_from = Some(self.max_seen);
                    }
                    Err(RecvError::Closed) => return None,
                },
                posted = self.notices.recv() => if let Ok(posted) = posted {
                    self.push_notice(&posted).await;
                },
            }
        }
    }

    /// Queues the current state of every wish changed after `from`.
    async fn replay(&mut self, mut from: i64) {
        loop {
            let page = match self.state.store.wishes_changed_since(from, REPLAY_PAGE).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "event replay failed");
                    return;
                }
            };
            for recorded in &page {
                from = from.max(recorded.event_id);
                self.push(recorded.event_id, &recorded.wish, None);
            }
            self.replayed_up_to = self.replayed_up_to.max(from);
            self.max_seen = self.max_seen.max(from);
            if page.len() < REPLAY_PAGE as usize {
                return;
            }
        }
    }

    /// Queues a notice just posted if the caller is in its audience: `event: notice` with the
    /// notice as they read it. It carries no `id:`, so `Last-Event-ID` keeps naming wish events;
    /// a notice missed while disconnected is in the caller's list and inbox.
    async fn push_notice(&mut self, posted: &crate::events::notices::NoticePosted) {
        let caller = &self.caller;
        let reaches = self.state.store.notice_reaches(posted.place_id, caller.id()).await;
        if !matches!(reaches, Ok(true)) {
            return;
        }
        let Ok(Some(n)) = self.state.store.notice(posted.notice_id, caller.id()).await else { return };
        if !n.is_live(chrono::Utc::now().timestamp_millis()) {
            return;
        }
        match serde_json::to_string(&crate::notices::view(&n, true)) {
            Ok(data) => self.queue.push_back(Bytes::from(format!("event: notice\ndata: {data}\n\n"))),
            Err(e) => tracing::error!(error = %e, "notice serialisation failed"),
        }
    }

    /// Queues one message if the change concerns the caller. `before` is `None` on replay, when
    /// the earlier state is unknown: then members and dispatchers of the community are told.
    fn push(&mut self, event_id: i64, wish: &WishRecord, before: Option<Option<&WishRecord>>) {
        let data = if self.caller.can_see(wish) {
            serde_json::to_string(&views::wish(&self.caller, wish))
        } else {
            let saw_it = match before {
                Some(Some(before)) => self.caller.can_see(before),
                Some(None) => false,
                None => self.caller.follows(wish.community_id),
            };
            if !saw_it {
                return;
            }
            serde_json::to_string(&serde_json::json!({"id": wish.id.to_string(), "status": wish.status}))
        };
        match data {
            Ok(data) => self.queue.push_back(Bytes::from(format!("id: {event_id}\nevent: wish\ndata: {data}\n\n"))),
            Err(e) => tracing::error!(error = %e, "event serialisation failed"),
        }
    }
}
