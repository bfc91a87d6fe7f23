//! Pieces shared by several pages.

pub mod big_mode;
pub mod confirm;
pub mod download;
pub mod notices;
pub mod order_actions;
pub mod order_card;
pub mod order_list;
pub mod photos;
pub mod shell;
pub mod wish_card;
pub mod wish_list;

use leptos::ev::MouseEvent;
use leptos::prelude::Update;

use crate::route::Route;
use crate::state;

/// A click handler for an in-app link to `route` (whose `href` is `route.href()`): navigates
/// without reloading, unless a modifier key asks the browser for a new tab or window.
pub fn go(route: Route) -> impl Fn(MouseEvent) + 'static {
    move |ev: MouseEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() || ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        state::navigate(route.clone());
    }
}

/// Marks the caller's unread notices about wish `id` read (opening or acting on a wish answers
/// them), then has the inbox badge count again.
pub fn mark_wish_read(id: String) {
    leptos::task::spawn_local(async move {
        let Ok(list) = crate::api::notifications::list(50).await else { return };
        let mut any = false;
        for n in list.items.iter().filter(|n| n.read_at.is_none() && n.wish_id.as_deref() == Some(id.as_str())) {
            any |= crate::api::notifications::read(&n.id).await.is_ok();
        }
        if any {
            state::app().inbox.update(|n| *n += 1);
        }
    });
}
