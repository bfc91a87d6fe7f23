//! The neighbourhood bundle of the web app, built into `web/dist/neighbourhood` and served for the
//! routes `haolin_shared::bundles::is_neighbourhood_route` names: rating the property service
//! (红色物业, `/property…`), the service points (红帆驿站, `/points…`) and the notices (通知公告,
//! `/notices…`), with their office side, and the inbox (`/inbox`, loaded directly; the office bundle
//! draws it too for its own pages). Kept apart so that a resident's first load stays within its
//! budget; the homes and desks reach it with one link.

use haolin_shared::api::User;
use haolin_web::pages::{inbox, neighbourhood};
use haolin_web::route::{Bundle, Route};
use leptos::prelude::*;

/// The page of `route` (every neighbourhood page needs a login).
fn pages(route: Route, me: Option<User>) -> Option<AnyView> {
    let me = me?;
    match route {
        Route::Neighbourhood(path) => Some(neighbourhood::page(&path, me)),
        Route::Inbox => Some(view! { <inbox::Inbox/> }.into_any()),
        _ => None,
    }
}

fn main() {
    haolin_web::run(Bundle::Neighbourhood, pages);
}
