//! Pieces shared by several pages.

pub mod confirm;
pub mod shell;
pub mod wish_card;
pub mod wish_list;

use leptos::ev::MouseEvent;

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
