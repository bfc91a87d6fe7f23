//! The main bundle of the web app: the resident's everyday pages and the wish page —
//! what a resident's phone loads after the login page (`web/login/index.html`, served for `/`,
//! `/login` and `/register`), so it stays within the first-load budget
//! (`scripts/web-size.sh`). The party member's pages, the resident's home grid and the inbox are
//! in the office bundle; the work-order pages (随手拍, my reports, the patrol page) in the orders
//! bundle.

use haolin_shared::api::User;
use haolin_web::pages::{resident, wish};
use haolin_web::route::{Bundle, Route};
use leptos::prelude::*;

/// The page of `route`, for the logged-in `me` (every page here needs a login).
fn pages(route: Route, me: Option<User>) -> Option<AnyView> {
    let me = me?;
    Some(match route {
        Route::Resident => view! { <resident::MyWishes me/> }.into_any(),
        Route::NewWish => view! { <resident::NewWish/> }.into_any(),
        Route::Wish(id) => view! { <wish::WishPage id me/> }.into_any(),
        _ => return None,
    })
}

fn main() {
    haolin_web::run(Bundle::Main, pages);
}
