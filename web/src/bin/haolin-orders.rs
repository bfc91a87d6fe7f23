//! The orders bundle of the web app, built into `web/dist/orders` and served for the routes
//! `haolin_shared::bundles::is_orders_route` names: the work-order pages (工单, docs/WORK-ORDERS.md)
//! — the community's orders, the street's whistle (吹哨) with its overdue board and scorecard, a
//! department's inbox, a resident's 随手拍 and reports, a grid worker's patrol page. Kept apart so
//! that neither a resident's first load nor a dispatcher's desk downloads them.

use haolin_shared::api::User;
use haolin_web::pages::{department, dispatcher, orders, street};
use haolin_web::route::{Bundle, Route};
use leptos::prelude::*;

/// The page of `route` (every orders page needs a login).
fn pages(route: Route, me: Option<User>) -> Option<AnyView> {
    let me = me?;
    Some(match route {
        Route::DispatcherOrders => view! { <dispatcher::DispatcherOrders me/> }.into_any(),
        Route::Street => view! { <street::Street/> }.into_any(),
        Route::Department => view! { <department::Department/> }.into_any(),
        Route::Report => view! { <orders::Report/> }.into_any(),
        Route::MyReports => view! { <orders::MyReports me/> }.into_any(),
        Route::Patrol => view! { <orders::Patrol/> }.into_any(),
        _ => return None,
    })
}

fn main() {
    haolin_web::run(Bundle::Orders, pages);
}
