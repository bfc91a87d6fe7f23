//! The main bundle of the web app, served at `/`: login and registration, the resident's and the
//! party member's everyday pages, the wish page and the inbox — what a resident's phone loads
//! first, so it stays within the first-load budget (`scripts/web-size.sh`).

use haolin_shared::api::User;
use haolin_web::pages::{auth, inbox, member, resident, wish};
use haolin_web::route::{Bundle, Route};
use leptos::prelude::*;

/// The page of `route`, for the logged-in `me` (`None` on the pages without a login).
fn pages(route: Route, me: Option<User>) -> Option<AnyView> {
    let Some(me) = me else {
        return match route {
            Route::Login => Some(view! { <auth::Login/> }.into_any()),
            Route::Register => Some(view! { <auth::Register/> }.into_any()),
            _ => None,
        };
    };
    Some(match route {
        Route::Resident => view! { <resident::MyWishes me/> }.into_any(),
        Route::NewWish => view! { <resident::NewWish/> }.into_any(),
        Route::HomeGrid => view! { <resident::HomeGrid/> }.into_any(),
        Route::Member => view! { <member::Pool me/> }.into_any(),
        Route::Claims => view! { <member::Claims me/> }.into_any(),
        Route::Wish(id) => view! { <wish::WishPage id me/> }.into_any(),
        Route::Inbox => view! { <inbox::Inbox/> }.into_any(),
        _ => return None,
    })
}

fn main() {
    haolin_web::run(Bundle::Main, pages);
}
