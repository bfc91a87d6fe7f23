//! 好邻 (Haolin) web app: a Leptos client-side-rendered app, built by Trunk into `web/dist` and
//! served by the Haolin server.
//!
//! It ships as two bundles built from this library, so a resident's phone downloads only the
//! pages of every day: the main app (`src/main.rs`, served at `/`: login, the resident's and the
//! member's pages, the wish page, the inbox) and the office app (`src/bin/haolin-office.rs`,
//! built into `web/dist/office`: the dispatcher's desk, the admin's place tree, the member's
//! check-in and certificate; see `haolin_shared::bundles`). Each bundle renders the routes
//! [`route::Route::bundle`] gives it and reaches the other's with a full page load; both read the
//! same session from `localStorage`.
//!
//! The modules depend on each other one way, lowest first (`web/tests/layers.rs` holds the list
//! and fails on a cycle or a use against it):
//!
//! ```text
//! i18n, json, time, route  ←  error, validate, access  ←  http, upload  ←  session  ←  api  ←  live
//!     ←  state  ←  components  ←  pages  ←  app
//! ```
//!
//! [`http`] sends one request and [`upload`] one photo; [`session`] alone holds the tokens and
//! decides when to refresh them; [`api`] has one typed function per endpoint; [`live`] is the
//! event stream; [`state`] the app-wide signals and navigation, which every link builds from a
//! [`route::Route`].

pub mod access;
pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod http;
pub mod i18n;
pub mod json;
pub mod live;
pub mod pages;
pub mod route;
pub mod session;
pub mod state;
pub mod time;
pub mod upload;
pub mod validate;

use leptos::prelude::*;

/// Creates the app-wide state of `bundle` and mounts the app on `<body>`, its pages drawn by `pages`.
pub fn run(bundle: route::Bundle, pages: app::Pages) {
    // Debug builds report panics in the console; release builds abort without the text.
    #[cfg(debug_assertions)]
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&info.to_string().into())));
    state::set_bundle(bundle);
    // Created outside any component, so the app-wide signals are never disposed.
    state::app();
    leptos::mount::mount_to_body(move || view! { <app::App pages/> });
}
