//! `/dispatcher/orders`: my community's work orders by status (待受理 first): accept or decline
//! (with a reason), dispatch to one of the community's grids, escalate to the street, decide an
//! extension — whatever each order offers.

use std::sync::Arc;

use haolin_shared::api::{PlaceLevel, Role, User};
use haolin_shared::domain::{OrderAction, OrderStatus};
use leptos::prelude::*;

use crate::api::places::PlaceSummary;
use crate::api::work_orders::{OrderQuery, OrderScope};
use crate::components::download::Downloads;
use crate::components::order_actions::{ActionForm, Picker, priority_select};
use crate::components::order_list::{OrderList, OrderListView};
use crate::i18n::{DESK, MESSAGES, ORDERS};
use crate::{access, api};

/// The status tabs, in the order a dispatcher works through them.
pub const TABS: [OrderStatus; 10] = [
    OrderStatus::Reported,
    OrderStatus::Accepted,
    OrderStatus::Returned,
    OrderStatus::Reopened,
    OrderStatus::Escalated,
    OrderStatus::Dispatched,
    OrderStatus::Signed,
    OrderStatus::Resolved,
    OrderStatus::Closed,
    OrderStatus::Declined,
];

/// The list of one community's orders in one status.
fn tab_query(community: &str, status: OrderStatus) -> OrderQuery {
    OrderQuery { status: Some(status), ..OrderQuery::of(OrderScope::Community(community.to_owned())) }
}

/// The grid chooser of a dispatch (`order-grid-pick`: the grids of the order's community) and
/// its priority.
fn dispatch_picker(grids: RwSignal<Vec<(String, Vec<PlaceSummary>)>>, form: ActionForm) -> impl IntoView {
    let id = form.field("order-grid");
    let community = form.community_id();
    let options =
        move || grids.with(|all| all.iter().find(|(c, _)| *c == community).map(|(_, g)| g.clone()).unwrap_or_default());
    view! {
        <label for=id.clone()>{DESK.dispatch_grid}</label>
        <select id=id data-testid="order-grid-pick" prop:value=form.grid_id
            on:change=move |ev| form.grid_id.set(event_target_value(&ev))>
            <option value="">{ORDERS.choose_grid}</option>
            {move || options().into_iter().map(|g| view! { <option value=g.id>{g.name}</option> }).collect_view()}
        </select>
        {priority_select(form)}
    }
}

/// `/dispatcher/orders`.
#[component]
pub fn DispatcherOrders(
    /// The logged-in account.
    me: User,
) -> impl IntoView {
    let communities = access::communities_of(&me, Role::Dispatcher);
    let community = RwSignal::new(communities.first().cloned().unwrap_or_default());
    let tab = RwSignal::new(OrderStatus::Reported);
    let list = OrderList::new(communities.first().map(|c| tab_query(c, OrderStatus::Reported)), |_| true);
    let names = RwSignal::new(Vec::<(String, String)>::new());
    let grids = RwSignal::new(Vec::<(String, Vec<PlaceSummary>)>::new());
    let several = communities.len() > 1;
    leptos::task::spawn_local(async move {
        for id in communities {
            if several && let Ok(p) = api::places::get(&id).await {
                names.update(|n| n.push((id.clone(), p.name)));
            }
            if let Ok(page) = api::places::list_summaries(Some(&id), 100).await {
                let mine =
                    page.items.into_iter().filter(|p| p.level == PlaceLevel::Grid && p.retired_at.is_none()).collect();
                grids.update(|g| g.push((id, mine)));
            }
        }
    });
    let show = move || list.show(tab_query(&community.get_untracked(), tab.get_untracked()));
    let picker: Picker = Arc::new(move |a: OrderAction, form: ActionForm| {
        (a == OrderAction::Dispatch).then(|| dispatch_picker(grids, form)).into_any()
    });

    view! {
        <h1>{DESK.community_orders}</h1>
        {move || (names.with(|n| n.len() > 1)).then(|| view! {
            <label for="orders-community">{MESSAGES.community}</label>
            <select id="orders-community" data-testid="orders-community" prop:value=community
                on:change=move |ev| { community.set(event_target_value(&ev)); show(); }>
                {names.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
        })}
        <div class="counts-row" role="group" aria-label=DESK.by_status data-testid="order-tabs">
            {TABS.into_iter().map(|s| view! {
                <button type="button" class="chip" data-testid=format!("order-tab-{}", s.as_str())
                    aria-pressed=move || (tab.get() == s).to_string()
                    on:click=move |_| { tab.set(s); show(); }>{ORDERS.status(s)}</button>
            }).collect_view()}
        </div>
        <OrderListView list testid="dispatcher-orders" picker/>
        <Downloads kind="work-orders" query=move || tab_query(&community.get_untracked(), tab.get_untracked()).filters()/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tabs_start_with_what_waits_for_acceptance_and_cover_every_status() {
        assert_eq!(TABS[0], OrderStatus::Reported);
        for s in OrderStatus::ALL {
            assert!(TABS.contains(&s), "{s:?}");
        }
        assert_eq!(
            tab_query("2", OrderStatus::Signed),
            OrderQuery { status: Some(OrderStatus::Signed), ..OrderQuery::of(OrderScope::Community("2".into())) }
        );
    }
}
