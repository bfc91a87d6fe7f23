//! The work-order pages of residents and grid workers: a resident's 随手拍 and my reports with
//! the call-back (回访), and a grid worker's patrol page (the office bundle draws them, like the
//! desks of `crate::pages::dispatcher`, `crate::pages::street` and `crate::pages::department`).

mod report;

pub use report::ReportOrderForm;

use haolin_shared::api::{PlaceLevel, PlaceRef, Role, User, WorkOrder};
use leptos::prelude::*;

use crate::api::work_orders::{OrderQuery, OrderScope};
use crate::components::go;
use crate::components::order_list::{OrderList, OrderListView};
use crate::i18n::{DESK, MESSAGES, ORDERS};
use crate::pages::resident::on_path;
use crate::route::Route;
use crate::{api, state};

/// `/report`: 随手拍, in the resident's registered home grid (or a way to register it first).
#[component]
pub fn Report() -> impl IntoView {
    // None while loading; Some(None) without a home grid.
    let grid = RwSignal::new(None::<Option<PlaceRef>>);
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        match api::me::home().await {
            Ok(me) => grid.set(Some(me.home.and_then(|h| on_path(&h.path, PlaceLevel::Grid).cloned()))),
            Err(e) => error.set(Some(e.message())),
        }
    });
    let done = Callback::new(|_: WorkOrder| state::navigate(Route::MyReports));
    view! {
        <h1>{ORDERS.report_title}</h1>
        <p class="hint">{ORDERS.report_intro}</p>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || grid.get().map(|g| match g {
            None => view! {
                <section class="detail" data-testid="report-no-home">
                    <p>{ORDERS.no_home_grid}</p>
                    <a class="button primary" data-testid="report-set-home" href=Route::HomeGrid.href()
                        on:click=go(Route::HomeGrid)>{ORDERS.register_home}</a>
                </section>
            }.into_any(),
            Some(g) => view! { <ReportOrderForm grids=vec![g] done/> }.into_any(),
        })}
        <p class="alt">
            <a href=Route::MyReports.href() data-testid="goto-my-reports" on:click=go(Route::MyReports)>{ORDERS.my_reports}</a>
        </p>
    }
}

/// `/reports`: the orders I reported, live, each with its status in plain words, and the
/// call-back's answers once it is resolved.
#[component]
pub fn MyReports(
    /// The logged-in account.
    me: User,
) -> impl IntoView {
    let my_id = me.id.clone();
    let list = OrderList::new(Some(OrderQuery::of(OrderScope::Mine)), move |o| o.reporter.id == my_id);
    view! {
        <h1>{ORDERS.my_reports}</h1>
        <p class="alt">
            <a class="button primary" data-testid="goto-report" href=Route::Report.href() on:click=go(Route::Report)>{ORDERS.report_title}</a>
        </p>
        <OrderListView list testid="my-reports" words=true/>
    }
}

/// `/patrol`: a grid worker's page: report a find (即报即办 too), the orders dispatched to my
/// grids (sign, resolve, …) and the open orders of a grid of mine.
#[component]
pub fn Patrol() -> impl IntoView {
    let grids = RwSignal::new(None::<Vec<PlaceRef>>);
    let error = RwSignal::new(None::<String>);
    let inbox = OrderList::new(Some(OrderQuery::of(OrderScope::Inbox)), |_| true);
    let open = OrderList::new(None, |o| !o.status.is_terminal());
    leptos::task::spawn_local(async move {
        match api::me::place_roles().await {
            Ok(roles) => {
                let mine = roles.places_of(Role::GridWorker);
                if let Some(first) = mine.first() {
                    open.show(OrderQuery::of(OrderScope::Grid(first.id.clone())));
                }
                grids.set(Some(mine));
            }
            Err(e) => error.set(Some(e.message())),
        }
    });
    // A new find goes to the top of its grid's list (the stream would bring it too).
    let done = Callback::new(move |order: WorkOrder| {
        if open.query.with_untracked(|q| q.as_ref().is_some_and(|q| q.admits(&order))) && !order.status.is_terminal() {
            open.items.update(|items| {
                if !items.iter().any(|o| o.id == order.id) {
                    items.insert(0, order);
                }
            });
        }
    });
    let choose = move |id: String| open.show(OrderQuery::of(OrderScope::Grid(id)));
    view! {
        <div class="page-head">
            <h1>{ORDERS.patrol_title}</h1>
            // Another bundle: a full page load.
            <a href=Route::Figures(String::new()).href() data-testid="goto-figures">{DESK.goto_figures}</a>
        </div>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <h2>{ORDERS.patrol_inbox}</h2>
        <OrderListView list=inbox testid="patrol-inbox"/>
        <h2>{ORDERS.patrol_report}</h2>
        {move || grids.get().map(|g| if g.is_empty() {
            view! { <p class="empty">{ORDERS.choose_grid}</p> }.into_any()
        } else {
            view! { <ReportOrderForm grids=g patrol=true done/> }.into_any()
        })}
        <h2>{ORDERS.grid_orders}</h2>
        {move || grids.get().filter(|g| g.len() > 1).map(|g| view! {
            <label for="patrol-grid" class="sr-only">{MESSAGES.wish_grid}</label>
            <select id="patrol-grid" data-testid="patrol-grid" on:change=move |ev| choose(event_target_value(&ev))>
                {g.into_iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
            </select>
        })}
        <OrderListView list=open testid="patrol-grid-orders"/>
    }
}
