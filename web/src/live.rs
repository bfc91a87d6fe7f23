//! Live updates: the server's event streams — wish changes (`/api/v1/events/stream`, always open
//! while logged in) and work-order changes (`/api/v1/work-orders/stream`, open while a page
//! listens) — and how one message changes a list.
//!
//! The browser's `EventSource` reconnects by itself and sends `Last-Event-ID`, so nothing is
//! missed across a drop. When a stream must be re-created (a refreshed token, or the server
//! refused a reconnect), subscribers get a `Resync` and reload what they show. Whether the wish
//! stream is connected goes to the one [`on_status`] listener (the app state).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use haolin_shared::api::{Wish, WorkOrder};
use haolin_shared::domain::{OrderStatus, WishStatus};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use crate::{api, json, session, time};

/// One message of a stream, as the app uses it: `T` is the thing (a wish, a work order), `S`
/// its status.
#[derive(Debug, Clone, PartialEq)]
pub enum Update<T, S> {
    /// A thing the caller may see, as it is now.
    Item(Box<T>),
    /// A thing that left the caller's view, with its new status.
    Gone {
        /// Its id.
        id: String,
        /// Its status now.
        status: S,
    },
    /// Messages may have been missed: reload.
    Resync,
}

/// A message of the wish stream.
pub type LiveUpdate = Update<Wish, WishStatus>;

/// A message of the work-order stream.
pub type OrderUpdate = Update<WorkOrder, OrderStatus>;

#[derive(Deserialize)]
struct Stub<S> {
    id: String,
    status: S,
}

/// Reads the `data` of an event: a whole thing, or only `{id, status}` when it left view.
pub fn parse_message<T: DeserializeOwned, S: DeserializeOwned>(data: &str) -> Option<Update<T, S>> {
    if let Some(item) = json::from_str::<T>(data) {
        return Some(Update::Item(Box::new(item)));
    }
    json::from_str::<Stub<S>>(data).map(|s| Update::Gone { id: s.id, status: s.status })
}

/// What a live list holds: each thing has an id and a creation time, which order the list.
pub trait Listed: Clone + PartialEq {
    /// The id.
    fn id(&self) -> &str;
    /// When it was created (RFC 3339).
    fn created_at(&self) -> &str;
}

impl Listed for Wish {
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> &str {
        &self.created_at
    }
}

impl Listed for WorkOrder {
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> &str {
        &self.created_at
    }
}

/// Whether `a` is newer than `b` (lists are newest first: by creation time, then by id).
fn newer<T: Listed>(a: &T, b: &T) -> bool {
    let id = |t: &T| t.id().parse::<u64>().unwrap_or(0);
    (a.created_at(), id(a)) > (b.created_at(), id(b))
}

/// Applies `update` to `list` (newest first): a thing that `keep` accepts replaces its old copy
/// or is inserted in order; one it refuses, or one that is gone, is removed. With `more_pages`, a
/// new thing older than everything loaded is left for the next page. Returns whether `list`
/// changed.
pub fn apply<T: Listed, S>(
    list: &mut Vec<T>,
    update: &Update<T, S>,
    keep: &dyn Fn(&T) -> bool,
    more_pages: bool,
) -> bool {
    match update {
        Update::Resync => false,
        Update::Gone { id, .. } => {
            let before = list.len();
            list.retain(|w| w.id() != id);
            list.len() != before
        }
        Update::Item(item) => {
            let pos = list.iter().position(|w| w.id() == item.id());
            match (pos, keep(item)) {
                (Some(i), true) => {
                    if list[i] == **item {
                        return false;
                    }
                    list[i] = (**item).clone();
                    true
                }
                (Some(i), false) => {
                    list.remove(i);
                    true
                }
                (None, true) => {
                    let at = list.iter().position(|w| newer(&**item, w)).unwrap_or(list.len());
                    if at == list.len() && more_pages {
                        return false;
                    }
                    list.insert(at, (**item).clone());
                    true
                }
                (None, false) => false,
            }
        }
    }
}

type Subscriber<U> = Rc<dyn Fn(&U)>;
/// Hands one message's data (`None`: a resync) to a stream's subscribers.
type Deliver = fn(Option<&str>);
type Subscribers<U> = RefCell<Vec<(u64, Subscriber<U>)>>;

thread_local! {
    static SUBSCRIBERS: Subscribers<LiveUpdate> = const { RefCell::new(Vec::new()) };
    static ORDER_SUBSCRIBERS: Subscribers<OrderUpdate> = const { RefCell::new(Vec::new()) };
    /// How the work-order stream's messages reach its subscribers: set by the first
    /// [`subscribe_orders`], so a bundle without order pages carries no work-order decoding.
    static ORDER_DELIVERY: Cell<Option<Deliver>> = const { Cell::new(None) };
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
    static SOURCES: RefCell<[Option<Stream>; 2]> = const { RefCell::new([None, None]) };
    static GENERATIONS: Cell<[u64; 2]> = const { Cell::new([0, 0]) };
    static STATUS: Cell<Option<fn(bool)>> = const { Cell::new(None) };
    /// Called when a notice for the caller arrives on the wish stream (`event: notice`).
    static NOTICE_HOOK: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Calls `f` whenever a notice for the caller arrives (one listener: the notices shown on a
/// home page; `None` clears it). The message itself is not read: the listener reloads its list.
pub fn on_notice(f: Option<Rc<dyn Fn()>>) {
    NOTICE_HOOK.with(|h| *h.borrow_mut() = f);
}

/// One of the server's event streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    /// Wish changes: open while logged in; its health is the app's "live" status.
    Wishes,
    /// Work-order changes: open while some page listens.
    Orders,
}

impl Channel {
    fn index(self) -> usize {
        self as usize
    }

    fn url(self, token: &str) -> String {
        match self {
            Self::Wishes => api::events::stream_url(token),
            Self::Orders => api::work_orders::stream_url(token),
        }
    }

    /// The name of the stream's events (`event:` lines).
    fn event(self) -> &'static str {
        match self {
            Self::Wishes => "wish",
            Self::Orders => "work_order",
        }
    }

    /// Hands the `data` of one event to the channel's subscribers.
    fn deliver(self, data: &str) {
        match self {
            Self::Wishes => {
                if let Some(update) = parse_message(data) {
                    broadcast(&SUBSCRIBERS, &update);
                }
            }
            Self::Orders => {
                if let Some(deliver) = ORDER_DELIVERY.with(Cell::get) {
                    deliver(Some(data));
                }
            }
        }
    }

    /// Tells the channel's subscribers to reload.
    fn resync(self) {
        match self {
            Self::Wishes => broadcast(&SUBSCRIBERS, &LiveUpdate::Resync),
            Self::Orders => {
                if let Some(deliver) = ORDER_DELIVERY.with(Cell::get) {
                    deliver(None);
                }
            }
        }
    }

    fn generation(self) -> u64 {
        GENERATIONS.with(Cell::get)[self.index()]
    }
}

/// Calls `f` with `true` when the wish stream opens and `false` when it fails (one listener; a
/// second call replaces it).
pub fn on_status(f: fn(bool)) {
    STATUS.with(|s| s.set(Some(f)));
}

fn report_status(channel: Channel, connected: bool) {
    if channel != Channel::Wishes {
        return;
    }
    if let Some(f) = STATUS.with(Cell::get) {
        f(connected);
    }
}

/// An open `EventSource` and the callbacks it holds.
struct Stream {
    source: EventSource,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
}

fn next_id() -> u64 {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

/// Calls `f` with every wish update until [`unsubscribe`] is called with the returned id.
pub fn subscribe(f: impl Fn(&LiveUpdate) + 'static) -> u64 {
    let id = next_id();
    SUBSCRIBERS.with(|s| s.borrow_mut().push((id, Rc::new(f))));
    id
}

/// Calls `f` with every work-order update until [`unsubscribe`] is called with the returned id;
/// the work-order stream is open while anyone listens.
pub fn subscribe_orders(f: impl Fn(&OrderUpdate) + 'static) -> u64 {
    ORDER_DELIVERY.with(|d| d.set(Some(deliver_orders)));
    let id = next_id();
    let first = ORDER_SUBSCRIBERS.with(|s| {
        let mut s = s.borrow_mut();
        s.push((id, Rc::new(f)));
        s.len() == 1
    });
    if first {
        open(Channel::Orders, false);
    }
    id
}

/// Stops calling the subscriber `id` (of either stream).
pub fn unsubscribe(id: u64) {
    SUBSCRIBERS.with(|s| s.borrow_mut().retain(|(i, _)| *i != id));
    let last = ORDER_SUBSCRIBERS.with(|s| {
        let mut s = s.borrow_mut();
        let before = s.len();
        s.retain(|(i, _)| *i != id);
        before > 0 && s.is_empty()
    });
    if last {
        close(Channel::Orders);
    }
}

/// Hands one work-order message (`None`: a resync) to the work-order subscribers.
fn deliver_orders(data: Option<&str>) {
    let update = match data {
        Some(data) => parse_message(data),
        None => Some(OrderUpdate::Resync),
    };
    if let Some(update) = update {
        broadcast(&ORDER_SUBSCRIBERS, &update);
    }
}

fn broadcast<U: 'static>(subscribers: &'static std::thread::LocalKey<Subscribers<U>>, update: &U) {
    let subs: Vec<Subscriber<U>> = subscribers.with(|s| s.borrow().iter().map(|(_, f)| f.clone()).collect());
    for f in subs {
        f(update);
    }
}

/// Closes one stream (its pending reconnect, if any, sees a new generation and gives up).
fn close(channel: Channel) {
    GENERATIONS.with(|g| {
        let mut all = g.get();
        all[channel.index()] += 1;
        g.set(all);
    });
    if let Some(stream) = SOURCES.with(|s| s.borrow_mut()[channel.index()].take()) {
        stream.source.close();
    }
}

/// Closes the streams.
pub fn disconnect() {
    close(Channel::Wishes);
    close(Channel::Orders);
}

/// Opens (or re-opens, with the current token) the wish stream, and the work-order stream if a
/// page listens. `resync` tells subscribers to reload once a stream is open, because a new
/// `EventSource` does not resume from the last event id.
pub fn connect(resync: bool) {
    open(Channel::Wishes, resync);
    if ORDER_SUBSCRIBERS.with(|s| !s.borrow().is_empty()) {
        open(Channel::Orders, resync);
    } else {
        close(Channel::Orders);
    }
}

/// Opens (or re-opens) one stream.
fn open(channel: Channel, resync: bool) {
    close(channel);
    let Some(token) = session::access_token() else { return };
    let Ok(source) = EventSource::new(&channel.url(&token)) else { return };
    let generation = channel.generation();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        if ev.type_() == "notice" {
            if let Some(f) = NOTICE_HOOK.with(|h| h.borrow().clone()) {
                f();
            }
            return;
        }
        if let Some(data) = ev.data().as_string() {
            channel.deliver(&data);
        }
    });
    let needs_resync = Rc::new(Cell::new(resync));
    let on_open = {
        let needs_resync = needs_resync.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            report_status(channel, true);
            if needs_resync.replace(false) {
                channel.resync();
            }
        })
    };
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        report_status(channel, false);
        let closed = SOURCES.with(|s| {
            s.borrow()[channel.index()].as_ref().is_some_and(|st| st.source.ready_state() == EventSource::CLOSED)
        });
        if closed && channel.generation() == generation {
            // The server refused the reconnect: most likely an expired token, which the session
            // refreshes (its new tokens re-open the streams); else re-open it now.
            leptos::task::spawn_local(async move {
                time::sleep(3000).await;
                if channel.generation() != generation {
                    return;
                }
                if !session::refresh_if_expiring().await {
                    open(channel, true);
                }
            });
        }
    });
    let _ = source.add_event_listener_with_callback(channel.event(), on_message.as_ref().unchecked_ref());
    if channel == Channel::Wishes {
        let _ = source.add_event_listener_with_callback("notice", on_message.as_ref().unchecked_ref());
    }
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    let stream = Stream { source, _on_message: on_message, _on_error: on_error, _on_open: on_open };
    SOURCES.with(|s| s.borrow_mut()[channel.index()] = Some(stream));
}

#[cfg(test)]
mod tests {
    use super::*;
    use haolin_shared::api::PersonRef;

    fn wish(id: &str, created_at: &str, status: WishStatus) -> Wish {
        Wish {
            id: id.into(),
            community_id: "1".into(),
            grid_id: None,
            community: None,
            grid: None,
            title: format!("心愿{id}"),
            description: "d".into(),
            category: "其他".into(),
            status,
            version: 1,
            created_at: created_at.into(),
            updated_at: created_at.into(),
            resident: PersonRef { id: "5".into(), name: "赵阿姨".into() },
            claimant: None,
            assignee: None,
            claim_expires_at: None,
            expected_by: None,
            fulfilment_note: None,
            rating: None,
            comment: None,
            contact_phone: None,
            flagged: None,
            photos: vec![],
            credit_minutes: 60,
            paid: false,
        }
    }

    fn open(w: &Wish) -> bool {
        w.status == WishStatus::Open
    }

    fn ids(list: &[Wish]) -> Vec<&str> {
        list.iter().map(|w| w.id.as_str()).collect()
    }

    #[test]
    fn a_whole_wish_and_a_stub_are_both_understood() {
        let full = serde_json::to_string(&wish("3", "2026-11-28T10:00:00Z", WishStatus::Open)).unwrap_or_default();
        assert!(matches!(parse_message::<Wish, WishStatus>(&full), Some(LiveUpdate::Item(w)) if w.id == "3"));
        assert_eq!(
            parse_message(r#"{"id":"3","status":"claimed"}"#),
            Some(LiveUpdate::Gone { id: "3".into(), status: WishStatus::Claimed })
        );
        assert_eq!(parse_message::<Wish, WishStatus>("not json"), None);
    }

    #[test]
    fn a_newly_approved_wish_appears_at_the_top_of_the_pool() {
        let mut pool = vec![wish("2", "2026-11-28T09:00:00Z", WishStatus::Open)];
        let update = LiveUpdate::Item(Box::new(wish("7", "2026-11-28T10:00:00Z", WishStatus::Open)));
        assert!(apply(&mut pool, &update, &open, true));
        assert_eq!(ids(&pool), ["7", "2"]);
    }

    #[test]
    fn a_claimed_wish_leaves_the_pool_whether_whole_or_a_stub() {
        let mut pool = vec![
            wish("7", "2026-11-28T10:00:00Z", WishStatus::Open),
            wish("2", "2026-11-28T09:00:00Z", WishStatus::Open),
        ];
        let claimed = LiveUpdate::Item(Box::new(wish("7", "2026-11-28T10:00:00Z", WishStatus::Claimed)));
        assert!(apply(&mut pool, &claimed, &open, false));
        assert!(apply(&mut pool, &LiveUpdate::Gone { id: "2".into(), status: WishStatus::Claimed }, &open, false));
        assert!(pool.is_empty());
    }

    #[test]
    fn a_changed_wish_is_replaced_in_place() {
        let mut mine = vec![
            wish("7", "2026-11-28T10:00:00Z", WishStatus::Open),
            wish("2", "2026-11-28T09:00:00Z", WishStatus::Open),
        ];
        let fulfilled = LiveUpdate::Item(Box::new(wish("2", "2026-11-28T09:00:00Z", WishStatus::Fulfilled)));
        assert!(apply(&mut mine, &fulfilled, &|_| true, false));
        assert_eq!(ids(&mine), ["7", "2"]);
        assert_eq!(mine[1].status, WishStatus::Fulfilled);
        assert!(!apply(&mut mine, &fulfilled, &|_| true, false), "the same message twice changes nothing");
    }

    #[test]
    fn an_old_wish_beyond_the_loaded_pages_waits_for_its_page() {
        let mut pool = vec![wish("7", "2026-11-28T10:00:00Z", WishStatus::Open)];
        let old = LiveUpdate::Item(Box::new(wish("1", "2026-11-01T10:00:00Z", WishStatus::Open)));
        assert!(!apply(&mut pool, &old, &open, true));
        assert!(apply(&mut pool, &old, &open, false));
        assert_eq!(ids(&pool), ["7", "1"]);
    }

    #[test]
    fn ties_in_time_are_broken_by_id() {
        let t = "2026-11-28T10:00:00Z";
        let mut list = vec![wish("9", t, WishStatus::Open), wish("8", t, WishStatus::Open)];
        assert!(apply(&mut list, &LiveUpdate::Item(Box::new(wish("10", t, WishStatus::Open))), &open, false));
        assert_eq!(ids(&list), ["10", "9", "8"]);
    }
}
