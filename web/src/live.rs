//! Live updates: the server's event stream (`/api/v1/events/stream`), and how one message changes
//! a list of wishes.
//!
//! The browser's `EventSource` reconnects by itself and sends `Last-Event-ID`, so nothing is
//! missed across a drop. When the stream must be re-created (a refreshed token, or the server
//! refused a reconnect), subscribers get [`LiveUpdate::Resync`] and reload what they show. Whether
//! the stream is connected goes to the one [`on_status`] listener (the app state).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use haolin_shared::api::Wish;
use haolin_shared::domain::WishStatus;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use crate::{api, json, session, time};

/// One message of the stream, as the app uses it.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveUpdate {
    /// A wish the caller may see, as it is now.
    Wish(Box<Wish>),
    /// A wish that left the caller's view, with its new status.
    Gone {
        /// The wish's id.
        id: String,
        /// Its status now.
        status: WishStatus,
    },
    /// Messages may have been missed: reload.
    Resync,
}

#[derive(Deserialize)]
struct Stub {
    id: String,
    status: WishStatus,
}

/// Reads the `data` of a `wish` event: a whole wish, or only `{id, status}` when it left view.
pub fn parse_message(data: &str) -> Option<LiveUpdate> {
    if let Some(wish) = json::from_str::<Wish>(data) {
        return Some(LiveUpdate::Wish(Box::new(wish)));
    }
    json::from_str::<Stub>(data).map(|s| LiveUpdate::Gone { id: s.id, status: s.status })
}

/// Whether `a` is newer than `b` (lists are newest first: by creation time, then by id).
fn newer(a: &Wish, b: &Wish) -> bool {
    let id = |w: &Wish| w.id.parse::<u64>().unwrap_or(0);
    (a.created_at.as_str(), id(a)) > (b.created_at.as_str(), id(b))
}

/// Applies `update` to `list` (newest first): a wish that `keep` accepts replaces its old copy or
/// is inserted in order; one it refuses, or one that is gone, is removed. With `more_pages`, a
/// new wish older than everything loaded is left for the next page. Returns whether `list` changed.
pub fn apply(list: &mut Vec<Wish>, update: &LiveUpdate, keep: &dyn Fn(&Wish) -> bool, more_pages: bool) -> bool {
    match update {
        LiveUpdate::Resync => false,
        LiveUpdate::Gone { id, .. } => {
            let before = list.len();
            list.retain(|w| &w.id != id);
            list.len() != before
        }
        LiveUpdate::Wish(wish) => {
            let pos = list.iter().position(|w| w.id == wish.id);
            match (pos, keep(wish)) {
                (Some(i), true) => {
                    if list[i] == **wish {
                        return false;
                    }
                    list[i] = (**wish).clone();
                    true
                }
                (Some(i), false) => {
                    list.remove(i);
                    true
                }
                (None, true) => {
                    let at = list.iter().position(|w| newer(wish, w)).unwrap_or(list.len());
                    if at == list.len() && more_pages {
                        return false;
                    }
                    list.insert(at, (**wish).clone());
                    true
                }
                (None, false) => false,
            }
        }
    }
}

type Subscriber = Rc<dyn Fn(&LiveUpdate)>;

thread_local! {
    static SUBSCRIBERS: RefCell<Vec<(u64, Subscriber)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
    static SOURCE: RefCell<Option<Stream>> = const { RefCell::new(None) };
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    static STATUS: Cell<Option<fn(bool)>> = const { Cell::new(None) };
}

/// Calls `f` with `true` when the stream opens and `false` when it fails (one listener; a second
/// call replaces it).
pub fn on_status(f: fn(bool)) {
    STATUS.with(|s| s.set(Some(f)));
}

fn report_status(connected: bool) {
    if let Some(f) = STATUS.with(Cell::get) {
        f(connected);
    }
}

/// An open `EventSource` and the callbacks it holds.
struct Stream {
    source: EventSource,
    _on_wish: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
}

/// Calls `f` with every live update until [`unsubscribe`] is called with the returned id.
pub fn subscribe(f: impl Fn(&LiveUpdate) + 'static) -> u64 {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    SUBSCRIBERS.with(|s| s.borrow_mut().push((id, Rc::new(f))));
    id
}

/// Stops calling the subscriber `id`.
pub fn unsubscribe(id: u64) {
    SUBSCRIBERS.with(|s| s.borrow_mut().retain(|(i, _)| *i != id));
}

fn broadcast(update: &LiveUpdate) {
    let subs: Vec<Subscriber> = SUBSCRIBERS.with(|s| s.borrow().iter().map(|(_, f)| f.clone()).collect());
    for f in subs {
        f(update);
    }
}

/// Closes the stream.
pub fn disconnect() {
    GENERATION.with(|g| g.set(g.get() + 1));
    if let Some(stream) = SOURCE.with(|s| s.borrow_mut().take()) {
        stream.source.close();
    }
}

/// Opens (or re-opens, with the current token) the stream. `resync` tells subscribers to reload
/// once it is open, because a new `EventSource` does not resume from the last event id.
pub fn connect(resync: bool) {
    disconnect();
    let Some(token) = session::access_token() else { return };
    let Ok(source) = EventSource::new(&api::events::stream_url(&token)) else { return };
    let generation = GENERATION.with(Cell::get);
    let on_wish = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        if let Some(update) = ev.data().as_string().as_deref().and_then(parse_message) {
            broadcast(&update);
        }
    });
    let needs_resync = Rc::new(Cell::new(resync));
    let on_open = {
        let needs_resync = needs_resync.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            report_status(true);
            if needs_resync.replace(false) {
                broadcast(&LiveUpdate::Resync);
            }
        })
    };
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        report_status(false);
        let closed =
            SOURCE.with(|s| s.borrow().as_ref().is_some_and(|st| st.source.ready_state() == EventSource::CLOSED));
        if closed && GENERATION.with(Cell::get) == generation {
            // The server refused the reconnect: most likely an expired token, which the session
            // refreshes (its new tokens re-open the stream); else re-open it now.
            leptos::task::spawn_local(async move {
                time::sleep(3000).await;
                if GENERATION.with(Cell::get) != generation {
                    return;
                }
                if !session::refresh_if_expiring().await {
                    connect(true);
                }
            });
        }
    });
    let _ = source.add_event_listener_with_callback("wish", on_wish.as_ref().unchecked_ref());
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    SOURCE
        .with(|s| *s.borrow_mut() = Some(Stream { source, _on_wish: on_wish, _on_error: on_error, _on_open: on_open }));
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
        assert!(matches!(parse_message(&full), Some(LiveUpdate::Wish(w)) if w.id == "3"));
        assert_eq!(
            parse_message(r#"{"id":"3","status":"claimed"}"#),
            Some(LiveUpdate::Gone { id: "3".into(), status: WishStatus::Claimed })
        );
        assert_eq!(parse_message("not json"), None);
    }

    #[test]
    fn a_newly_approved_wish_appears_at_the_top_of_the_pool() {
        let mut pool = vec![wish("2", "2026-11-28T09:00:00Z", WishStatus::Open)];
        let update = LiveUpdate::Wish(Box::new(wish("7", "2026-11-28T10:00:00Z", WishStatus::Open)));
        assert!(apply(&mut pool, &update, &open, true));
        assert_eq!(ids(&pool), ["7", "2"]);
    }

    #[test]
    fn a_claimed_wish_leaves_the_pool_whether_whole_or_a_stub() {
        let mut pool = vec![
            wish("7", "2026-11-28T10:00:00Z", WishStatus::Open),
            wish("2", "2026-11-28T09:00:00Z", WishStatus::Open),
        ];
        let claimed = LiveUpdate::Wish(Box::new(wish("7", "2026-11-28T10:00:00Z", WishStatus::Claimed)));
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
        let fulfilled = LiveUpdate::Wish(Box::new(wish("2", "2026-11-28T09:00:00Z", WishStatus::Fulfilled)));
        assert!(apply(&mut mine, &fulfilled, &|_| true, false));
        assert_eq!(ids(&mine), ["7", "2"]);
        assert_eq!(mine[1].status, WishStatus::Fulfilled);
        assert!(!apply(&mut mine, &fulfilled, &|_| true, false), "the same message twice changes nothing");
    }

    #[test]
    fn an_old_wish_beyond_the_loaded_pages_waits_for_its_page() {
        let mut pool = vec![wish("7", "2026-11-28T10:00:00Z", WishStatus::Open)];
        let old = LiveUpdate::Wish(Box::new(wish("1", "2026-11-01T10:00:00Z", WishStatus::Open)));
        assert!(!apply(&mut pool, &old, &open, true));
        assert!(apply(&mut pool, &old, &open, false));
        assert_eq!(ids(&pool), ["7", "1"]);
    }

    #[test]
    fn ties_in_time_are_broken_by_id() {
        let t = "2026-11-28T10:00:00Z";
        let mut list = vec![wish("9", t, WishStatus::Open), wish("8", t, WishStatus::Open)];
        assert!(apply(&mut list, &LiveUpdate::Wish(Box::new(wish("10", t, WishStatus::Open))), &open, false));
        assert_eq!(ids(&list), ["10", "9", "8"]);
    }
}
