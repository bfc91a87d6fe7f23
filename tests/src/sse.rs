//! A Server-Sent Events client for the live-update tests.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::TestApp;

/// A Server-Sent Events connection read message by message.
pub struct Sse {
    resp: reqwest::Response,
    buf: String,
    /// The SSE event name of the messages read (`wish`, `work_order`).
    event: &'static str,
}

/// One `event: wish` message.
#[derive(Debug)]
pub struct Message {
    /// The SSE `id:`.
    pub id: String,
    /// The parsed `data:`.
    pub data: Value,
}

impl Sse {
    /// Opens the stream as `token`, optionally resuming after `last_event_id`.
    pub async fn open(app: &TestApp, token: &str, last_event_id: Option<&str>) -> Sse {
        Self::open_at(app, "/api/v1/events/stream", "wish", token, last_event_id).await
    }

    /// Opens the work-order stream (`event: work_order`) as `token`.
    pub async fn open_orders(app: &TestApp, token: &str, last_event_id: Option<&str>) -> Sse {
        Self::open_at(app, "/api/v1/work-orders/stream", "work_order", token, last_event_id).await
    }

    /// Opens the event stream reading its notices (`event: notice`) as `token`.
    pub async fn open_notices(app: &TestApp, token: &str) -> Sse {
        Self::open_at(app, "/api/v1/events/stream", "notice", token, None).await
    }

    async fn open_at(app: &TestApp, path: &str, event: &'static str, token: &str, last_event_id: Option<&str>) -> Sse {
        let mut rb = app.client.get(app.url(&format!("{path}?access_token={token}")));
        if let Some(id) = last_event_id {
            rb = rb.header("Last-Event-ID", id);
        }
        let resp = rb.send().await.unwrap_or_else(|e| panic!("stream request failed: {e}"));
        assert_eq!(resp.status(), 200, "the stream must open");
        let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(content_type.starts_with("text/event-stream"), "content type {content_type}");
        Sse { resp, buf: String::new(), event }
    }

    /// The next message of the stream's event within `timeout`, or `None`.
    pub async fn next(&mut self, timeout: Duration) -> Option<Message> {
        let deadline = Instant::now() + timeout;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut id = None;
                let mut event = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = Some(v.to_owned());
                    } else if let Some(v) = line.strip_prefix("event: ") {
                        event = Some(v.to_owned());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                if event.as_deref() == Some(self.event) {
                    // Notices carry no id (the stream's ids name wish events).
                    let id = match id {
                        Some(id) => id,
                        None if self.event == "notice" => String::new(),
                        None => panic!("a message without an id: {block}"),
                    };
                    return Some(Message {
                        id,
                        data: serde_json::from_str(&data).unwrap_or_else(|e| panic!("data is not JSON ({e}): {data}")),
                    });
                }
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.resp.chunk()).await {
                Ok(Ok(Some(chunk))) => self.buf.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }

    /// The next message about wish `id`, skipping others.
    pub async fn next_about(&mut self, id: &str) -> Message {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = self.next(left).await.unwrap_or_else(|| panic!("no message about wish {id} within 10 s"));
            if msg.data["id"] == id {
                return msg;
            }
        }
    }

    /// The next message saying wish `id` is in `status`, skipping others. Across instances an
    /// earlier change may be delivered after the stream opened, so a test waiting for one change
    /// names the state it waits for.
    pub async fn next_in_status(&mut self, id: &str, status: &str) -> Message {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg =
                self.next(left).await.unwrap_or_else(|| panic!("no message saying wish {id} is {status} within 10 s"));
            if msg.data["id"] == id && msg.data["status"] == status {
                return msg;
            }
        }
    }
}
