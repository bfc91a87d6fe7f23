//! The figures bundle of the web app, built into `web/dist/figures` and served for the routes
//! `haolin_shared::bundles::is_figures_route` names: the figures for leaders (统计,
//! docs/FIGURES.md) — a place's monthly figures as small charts drawn here and as a table, its
//! members' workload, and a member's own figures (我的服务统计). Kept apart so that neither a
//! resident's first load nor the dispatcher's desk carries them; the desks and the member's pool
//! reach it with one link.

use haolin_shared::api::User;
use haolin_web::pages::figures;
use haolin_web::route::{Bundle, Route};
use leptos::prelude::*;

/// The page of `route` (every figures page needs a login).
fn pages(route: Route, me: Option<User>) -> Option<AnyView> {
    me?;
    match route {
        Route::Figures(rest) => Some(figures::page(&rest)),
        _ => None,
    }
}

fn main() {
    haolin_web::run(Bundle::Figures, pages);
}
