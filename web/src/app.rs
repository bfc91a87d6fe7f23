//! The root component and the router: the current path picks the page; pages that need a login
//! send a logged-out visitor to `/login`.

use leptos::prelude::*;

use crate::components::go;
use crate::components::shell::{Shell, Toast};
use crate::i18n::MESSAGES;
use crate::pages::{auth, dispatcher, inbox, member, resident, wish};
use crate::route::Route;
use crate::{session, state};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    // Here rather than in `main`: resuming a session spawns futures, which needs Leptos's executor.
    state::start();
    let app = state::app();
    let route = Memo::new(move |_| Route::parse(&app.path.get()));
    let logged_in = Memo::new(move |_| app.me.with(Option::is_some));

    // Redirects: logged out on a private page → /login; logged in on /, /login or /register → home.
    Effect::new(move |_| {
        if app.booting.get() {
            return;
        }
        let r = route.get();
        let home = session::home_path(app.role.get());
        match (logged_in.get(), &r) {
            (false, r) if r.needs_login() => state::redirect("/login"),
            (true, Route::Root | Route::Login | Route::Register) => state::redirect(home),
            _ => {}
        }
    });

    view! {
        <Toast/>
        {move || {
            let r = route.get();
            if app.booting.get() {
                return view! { <p class="loading boot" role="status">{MESSAGES.loading}</p> }.into_any();
            }
            match r {
                Route::Login => view! { <auth::Login/> }.into_any(),
                Route::Register => view! { <auth::Register/> }.into_any(),
                Route::NotFound => view! {
                    <main class="page">
                        <h1>{MESSAGES.not_found}</h1>
                        <a href="/" on:click=go("/".into())>{MESSAGES.go_home}</a>
                    </main>
                }.into_any(),
                r => match app.me.get() {
                    None => view! { <p class="loading boot" role="status">{MESSAGES.loading}</p> }.into_any(),
                    Some(me) => {
                        let page = match r {
                            Route::Resident => view! { <resident::MyWishes me/> }.into_any(),
                            Route::NewWish => view! { <resident::NewWish/> }.into_any(),
                            Route::Member => view! { <member::Pool me/> }.into_any(),
                            Route::Claims => view! { <member::Claims me/> }.into_any(),
                            Route::Dispatcher => view! { <dispatcher::Dispatcher me/> }.into_any(),
                            Route::Wish(id) => view! { <wish::WishPage id me/> }.into_any(),
                            Route::Inbox => view! { <inbox::Inbox/> }.into_any(),
                            _ => view! { <p class="loading" role="status">{MESSAGES.loading}</p> }.into_any(),
                        };
                        view! { <Shell>{page}</Shell> }.into_any()
                    }
                },
            }
        }}
    }
}
