//! The app-wide state (current path, account, role, toast) and the session's life: login,
//! refresh timer, logout and a session that ended on the server.

use std::cell::{Cell, OnceCell, RefCell};

use haolin_shared::api::{AuthResponse, Role, User};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::i18n::MESSAGES;
use crate::route::{Bundle, Route};
use crate::session::{self, Tokens};
use crate::{api, live, time};

/// Signals every page may read. Created once, outside any component, so they live as long as the
/// page does.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The current location's path (the router's input).
    pub path: RwSignal<String>,
    /// The logged-in account, once `/me` (or login) answered.
    pub me: RwSignal<Option<User>>,
    /// The role whose pages are shown.
    pub role: RwSignal<Role>,
    /// The transient message, with a counter so the same text twice still shows.
    pub toast: RwSignal<Option<(u32, String)>>,
    /// Whether the live stream is connected.
    pub live_ok: RwSignal<bool>,
    /// Whether the app is still finding out who is logged in.
    pub booting: RwSignal<bool>,
}

thread_local! {
    static BUNDLE: Cell<Bundle> = const { Cell::new(Bundle::Main) };
    /// Set once a full page load to the other bundle has started: later navigations (the login
    /// handler's and the root route's redirect both go home) would only supersede it.
    static LEAVING: Cell<bool> = const { Cell::new(false) };
    static APP: OnceCell<AppState> = const { OnceCell::new() };
    static REFRESH_TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
}

fn current_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_else(|| "/".to_owned())
}

/// Says which bundle is running (before anything navigates).
pub fn set_bundle(bundle: Bundle) {
    BUNDLE.with(|b| b.set(bundle));
}

/// The bundle that is running.
pub fn bundle() -> Bundle {
    BUNDLE.with(Cell::get)
}

/// Loads `path` from the server if its page belongs to the other bundle (`replace`: without a
/// new history entry); says whether it did.
fn leave_bundle(path: &str, replace: bool) -> bool {
    if Route::parse(path).bundle() == bundle() {
        return false;
    }
    if LEAVING.with(|l| l.replace(true)) {
        return true;
    }
    if let Some(w) = web_sys::window() {
        let location = w.location();
        let _ = if replace { location.replace(path) } else { location.assign(path) };
    }
    true
}

/// The app state (created on first use).
pub fn app() -> AppState {
    APP.with(|a| {
        *a.get_or_init(|| AppState {
            path: RwSignal::new(current_path()),
            me: RwSignal::new(None),
            role: RwSignal::new(Role::Resident),
            toast: RwSignal::new(None),
            live_ok: RwSignal::new(true),
            booting: RwSignal::new(false),
        })
    })
}

/// Sets up the state, follows the back button, and resumes a saved session.
pub fn start() {
    let app = app();
    let on_pop = Closure::<dyn FnMut()>::new(move || app.path.set(current_path()));
    if let Some(w) = web_sys::window() {
        w.set_onpopstate(Some(on_pop.as_ref().unchecked_ref()));
    }
    // The listener lives as long as the page.
    on_pop.forget();
    if session::load_tokens().is_some() {
        app.booting.set(true);
        schedule_refresh();
        leptos::task::spawn_local(async move {
            if let Ok(me) = api::get::<User>("/me").await {
                app.role.set(session::pick_role(&me, session::stored_role()));
                app.me.set(Some(me));
                live::connect(false);
            }
            app.booting.set(false);
        });
    }
}

/// Goes to `path` (a new history entry).
pub fn navigate(path: &str) {
    if leave_bundle(path, false) {
        return;
    }
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
    app().path.set(path.to_owned());
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Replaces the current history entry with `path`.
pub fn redirect(path: &str) {
    if leave_bundle(path, true) {
        return;
    }
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
    app().path.set(path.to_owned());
}

/// Reads `/me` again (roles change when a check-in is approved or withdrawn); the pages follow
/// only if something changed.
pub fn refresh_me() {
    leptos::task::spawn_local(async {
        if let Ok(me) = api::get::<User>("/me").await {
            let app = app();
            if app.me.with_untracked(|old| old.as_ref() != Some(&me)) {
                app.role.set(session::pick_role(&me, Some(app.role.get_untracked())));
                app.me.set(Some(me));
            }
        }
    });
}

/// Shows `message` for a few seconds.
pub fn toast(message: impl Into<String>) {
    let app = app();
    let n = app.toast.get_untracked().map_or(1, |(n, _)| n + 1);
    app.toast.set(Some((n, message.into())));
    set_timeout(
        move || {
            if app.toast.get_untracked().is_some_and(|(m, _)| m == n) {
                app.toast.set(None);
            }
        },
        std::time::Duration::from_secs(6),
    );
}

/// Starts the session of a login or registration answer received at `started_ms`.
pub fn logged_in(auth: AuthResponse, started_ms: f64) {
    let app = app();
    session::store_tokens(Some(Tokens::from_auth(&auth, started_ms)));
    let role = session::pick_role(&auth.user, session::stored_role());
    session::store_role(role);
    app.role.set(role);
    app.me.set(Some(auth.user));
    schedule_refresh();
    live::connect(false);
    navigate(session::home_path(role));
}

/// Switches to `role` and its home page.
pub fn switch_role(role: Role) {
    session::store_role(role);
    app().role.set(role);
    navigate(session::home_path(role));
}

fn forget_session() {
    REFRESH_TIMER.with(|t| {
        if let Some(h) = t.borrow_mut().take() {
            h.clear();
        }
    });
    live::disconnect();
    session::store_tokens(None);
    let app = app();
    app.me.set(None);
    app.live_ok.set(true);
}

/// Logs out on the server and here.
pub async fn logout() {
    api::logout().await;
    forget_session();
    navigate("/login");
}

/// The server ended the session (a 401 other than an expired token): back to the login page.
pub fn session_over() {
    let had_session = session::tokens().is_some();
    forget_session();
    if had_session {
        toast(MESSAGES.session_expired);
    }
    if app().path.get_untracked() != "/login" {
        navigate("/login");
    }
}

/// New tokens arrived: plan the next refresh and re-open the live stream with the new token.
pub fn tokens_refreshed() {
    schedule_refresh();
    live::connect(true);
}

/// Plans a refresh shortly before the access token expires.
fn schedule_refresh() {
    let Some(tokens) = session::tokens() else { return };
    let delay = session::refresh_delay_ms(tokens.expires_at_ms, time::now_ms());
    let handle = set_timeout_with_handle(
        || {
            leptos::task::spawn_local(async {
                if let Err(e) = api::refresh().await
                    && e.status() != Some(401)
                {
                    // Offline for now: try again in a while (an expired token is refreshed on use too).
                    api::sleep(10_000).await;
                    schedule_refresh();
                }
            });
        },
        std::time::Duration::from_millis(delay as u64),
    )
    .ok();
    REFRESH_TIMER.with(|t| {
        if let Some(old) = t.borrow_mut().take() {
            old.clear();
        }
        *t.borrow_mut() = handle;
    });
}
