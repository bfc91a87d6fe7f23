//! 好邻 (Haolin) web app: a Leptos client-side-rendered app, built by Trunk into `web/dist` and
//! served by the Haolin server at `/`.

mod api;
mod app;
mod i18n;

/// Mounts the app on `<body>`.
fn main() {
    leptos::mount::mount_to_body(app::App);
}
