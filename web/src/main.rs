//! 好邻 (Haolin) web app: a Leptos client-side-rendered app, built by Trunk into `web/dist` and
//! served by the Haolin server at `/`.

mod api;
mod app;
mod components;
mod error;
mod i18n;
mod live;
mod pages;
mod route;
mod session;
mod state;
mod time;
mod validate;

/// Creates the app-wide state and mounts the app on `<body>`.
fn main() {
    // Debug builds report panics in the console; release builds abort without the text.
    #[cfg(debug_assertions)]
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&info.to_string().into())));
    // Created outside any component, so the app-wide signals are never disposed.
    state::app();
    leptos::mount::mount_to_body(app::App);
}
