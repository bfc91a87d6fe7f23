//! The root component and the router: the current path picks the page; pages that need a login
//! send a logged-out visitor to `/login`. Which pages exist is the bundle's [`Pages`].

use haolin_shared::api::User;
use leptos::prelude::*;

use crate::components::big_mode::{self, BigModeToggle};
use crate::components::go;
use crate::components::shell::{Shell, Toast};
use crate::i18n::MESSAGES;
use crate::route::Route;
use crate::state;

/// A bundle's pages: the view of `route` for the logged-in account (`None` on pages without a
/// login), or `None` when the bundle has no such page.
pub type Pages = fn(Route, Option<User>) -> Option<AnyView>;

fn loading() -> AnyView {
    view! { <p class="loading boot" role="status">{MESSAGES.loading}</p> }.into_any()
}

fn not_found() -> AnyView {
    view! {
        <main class="page">
            <BigModeToggle/>
            <h1>{MESSAGES.not_found}</h1>
            <a href=Route::Root.href() on:click=go(Route::Root)>{MESSAGES.go_home}</a>
        </main>
    }
    .into_any()
}

/// The whole app.
#[component]
pub fn App(
    /// The bundle's pages.
    pages: Pages,
) -> impl IntoView {
    // Here rather than in `main`: resuming a session spawns futures, which needs Leptos's executor.
    state::start();
    big_mode::init();
    let app = state::app();
    let route = Memo::new(move |_| Route::parse(&app.path.get()));
    let logged_in = Memo::new(move |_| app.me.with(Option::is_some));

    // Redirects: logged out on a private page → /login; logged in on /, /login or /register → home.
    Effect::new(move |_| {
        if app.booting.get() {
            return;
        }
        let r = route.get();
        let home = Route::home(app.role.get());
        match (logged_in.get(), &r) {
            (false, r) if r.needs_login() => {
                // Say why (on the login page, another page load), unless the visitor only opened
                // the site's address.
                if *r != Route::Root {
                    state::note_for_login(MESSAGES.login_needed);
                }
                state::redirect(Route::Login);
            }
            (true, Route::Root | Route::Login | Route::Register) => state::redirect(home),
            _ => {}
        }
    });

    view! {
        <Toast/>
        {move || {
            let r = route.get();
            if app.booting.get() {
                return loading();
            }
            // A page of the other bundle is reached by a full page load (state::navigate); here
            // only when the server could not send it there.
            if !r.drawn_by(state::bundle()) {
                return not_found();
            }
            if !r.needs_login() {
                return pages(r, None).unwrap_or_else(not_found);
            }
            match app.me.get() {
                None => loading(),
                Some(me) => {
                    let page = pages(r, Some(me)).unwrap_or_else(loading);
                    view! { <Shell>{page}</Shell> }.into_any()
                }
            }
        }}
    }
}
