//! The app-wide state (current path, account, role, toast), navigation, and what the app shows of
//! the session's life: login, logout, and a session that ended on the server. The tokens and
//! their refresh belong to [`crate::session`], which tells this module what happened.

use std::cell::{Cell, OnceCell};

use haolin_shared::api::{AuthResponse, Role, User};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::i18n::MESSAGES;
use crate::route::{Bundle, Route};
use crate::session::{self, SessionEvent};
use crate::{access, api, live};

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
    /// Bumped when notices were marked read, so the inbox badge counts again.
    pub inbox: RwSignal<u32>,
}

/// The `sessionStorage` key of a note the login page shows once (read by `web/login/index.html`).
const LOGIN_NOTICE_KEY: &str = "haolin.notice";

thread_local! {
    static BUNDLE: Cell<Bundle> = const { Cell::new(Bundle::Main) };
    /// Set once a full page load to the other bundle has started: later navigations (the login
    /// handler's and the root route's redirect both go home) would only supersede it.
    static LEAVING: Cell<bool> = const { Cell::new(false) };
    static APP: OnceCell<AppState> = const { OnceCell::new() };
}

fn current_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_else(|| Route::Root.href())
}

/// Says which bundle is running (before anything navigates).
pub fn set_bundle(bundle: Bundle) {
    BUNDLE.with(|b| b.set(bundle));
}

/// The bundle that is running.
pub fn bundle() -> Bundle {
    BUNDLE.with(Cell::get)
}

/// Loads `route` from the server if its page belongs to another bundle (`replace`: without a
/// new history entry); says whether it did. Never the path the server just sent this bundle for
/// (a web folder without the login page, or `trunk serve`): that would load it again forever.
fn leave_bundle(route: &Route, path: &str, replace: bool) -> bool {
    if route.drawn_by(bundle()) || path == current_path() {
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
            inbox: RwSignal::new(0),
        })
    })
}

/// Sets up the state, follows the back button and the session's news, and resumes a saved session.
pub fn start() {
    let app = app();
    let on_pop = Closure::<dyn FnMut()>::new(move || {
        app.toast.set(None);
        app.path.set(current_path());
    });
    if let Some(w) = web_sys::window() {
        w.set_onpopstate(Some(on_pop.as_ref().unchecked_ref()));
    }
    // The listener lives as long as the page.
    on_pop.forget();
    live::on_status(|connected| self::app().live_ok.set(connected));
    session::on_event(|event| match event {
        // Re-open the live stream with the new token.
        SessionEvent::Refreshed => live::connect(true),
        SessionEvent::Over { had_tokens } => session_over(had_tokens),
    });
    if session::resume() {
        app.booting.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(me) = api::me::get().await {
                app.role.set(access::pick_role(&me, session::stored_role()));
                app.me.set(Some(me));
                live::connect(false);
            }
            app.booting.set(false);
        });
    }
}

/// Goes to `route` (a new history entry).
pub fn navigate(route: Route) {
    let path = route.href();
    if leave_bundle(&route, &path, false) {
        return;
    }
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    // A message belongs to the page it was said on.
    app().toast.set(None);
    app().path.set(path);
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Replaces the current history entry with `route`.
pub fn redirect(route: Route) {
    let path = route.href();
    if leave_bundle(&route, &path, true) {
        return;
    }
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    app().path.set(path);
}

/// Reads `/me` again (roles change when a check-in is approved or withdrawn); the pages follow
/// only if something changed.
pub fn refresh_me() {
    leptos::task::spawn_local(async {
        if let Ok(me) = api::me::get().await {
            let app = app();
            if app.me.with_untracked(|old| old.as_ref() != Some(&me)) {
                app.role.set(access::pick_role(&me, Some(app.role.get_untracked())));
                app.me.set(Some(me));
            }
        }
    });
}

/// Shows `message` for a few seconds.
pub fn toast(message: impl Into<String>) {
    let app = app();
    // Unique per toast, even after navigation cleared the last one (its timer must not clear this).
    let n = (crate::time::now_ms() as u64 % u64::from(u32::MAX)) as u32;
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
    session::begin(&auth, started_ms);
    let role = access::pick_role(&auth.user, session::stored_role());
    session::store_role(role);
    app.role.set(role);
    app.me.set(Some(auth.user));
    live::connect(false);
    navigate(Route::home(role));
}

/// Switches to `role` and its home page.
pub fn switch_role(role: Role) {
    session::store_role(role);
    app().role.set(role);
    navigate(Route::home(role));
}

/// Clears what the app shows of a session that is gone (the session forgot its tokens).
fn forget_session() {
    live::disconnect();
    let app = app();
    app.me.set(None);
    app.live_ok.set(true);
}

/// Logs out on the server and here.
pub async fn logout() {
    api::auth::logout().await;
    session::end();
    forget_session();
    navigate(Route::Login);
}

/// Leaves `text` for the login page (another page load) to show once.
pub fn note_for_login(text: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(LOGIN_NOTICE_KEY, text);
    }
}

/// The server ended the session (a 401 other than an expired token): back to the login page.
fn session_over(had_tokens: bool) {
    forget_session();
    if had_tokens {
        // The login page is another page load: it shows this note once (web/login/index.html).
        note_for_login(MESSAGES.session_expired);
    }
    if app().path.get_untracked() != Route::Login.href() {
        navigate(Route::Login);
    }
    if had_tokens {
        toast(MESSAGES.session_expired);
    }
}
