//! The volunteer bundle of the web app, built into `web/dist/volunteer` and served for the routes
//! `haolin_shared::bundles::is_volunteer_route` names: volunteer service and the time bank
//! (志愿服务、时间银行, docs/TIME-BANK.md) — activities near me, signing up, checking in with the
//! organiser's code, my hours, family gifts, my service record and certificate, teams, and the
//! leaders' pages (a new activity, the check-in code, the roster). Kept apart so that no other
//! bundle downloads them; the homes reach it with one link.

use haolin_shared::api::User;
use haolin_web::pages::volunteer;
use haolin_web::route::{Bundle, Route};
use leptos::prelude::*;

/// The page of `route` (every volunteer page needs a login).
fn pages(route: Route, me: Option<User>) -> Option<AnyView> {
    me?;
    match route {
        Route::Volunteer(rest) => Some(volunteer::page(&rest)),
        _ => None,
    }
}

fn main() {
    haolin_web::run(Bundle::Volunteer, pages);
}
