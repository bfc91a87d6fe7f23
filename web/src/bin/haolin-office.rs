//! The office bundle of the web app, built into `web/dist/office` and served for the routes
//! `haolin_shared::bundles::is_office_route` names: the pages of staff (the dispatcher's desk,
//! the admin's place tree), of the party member (the pool, my claims, 双报到 and the printable
//! certificate), with the wish page and the inbox they open from there (`Route::drawn_by`), and
//! the resident's home grid, chosen once. Kept apart from the main bundle so a resident's first
//! load never downloads them; the work-order pages are the orders bundle's
//! (`haolin-orders.rs`).

use haolin_shared::api::User;
use haolin_web::pages::{admin, checkins, dispatcher, inbox, member, resident, wish};
use haolin_web::route::{Bundle, Route};
use leptos::prelude::*;

/// The page of `route` (every office page needs a login).
fn pages(route: Route, me: Option<User>) -> Option<AnyView> {
    let me = me?;
    Some(match route {
        Route::Dispatcher => view! { <dispatcher::Dispatcher me/> }.into_any(),
        Route::CheckinReview => view! { <dispatcher::CheckinReview me/> }.into_any(),
        Route::Checkins => view! { <checkins::MyCheckins/> }.into_any(),
        Route::Certificate(id) => view! { <checkins::Certificate id/> }.into_any(),
        Route::HomeGrid => view! { <resident::HomeGrid/> }.into_any(),
        Route::Member => view! { <member::Pool me/> }.into_any(),
        Route::Claims => view! { <member::Claims me/> }.into_any(),
        Route::Wish(id) => view! { <wish::WishPage id me/> }.into_any(),
        Route::Inbox => view! { <inbox::Inbox/> }.into_any(),
        Route::Admin => view! { <admin::PlaceTree id=None/> }.into_any(),
        Route::AdminPlace(id) => view! { <admin::PlaceTree id=Some(id)/> }.into_any(),
        _ => return None,
    })
}

fn main() {
    haolin_web::run(Bundle::Office, pages);
}
