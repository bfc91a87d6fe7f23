//! `/street`: a street officer's page (街道吹哨、部门报到): the orders the communities escalated,
//! whistled to a lead department (牵头) and co-handlers (协办) with a priority, and those a lead
//! department returned (退单), to whistle again; the overdue board
//! with 督办; and the street's scorecard for a date range.

mod scorecard;

use std::sync::Arc;

use haolin_shared::api::{Department, PlaceRef, Role};
use haolin_shared::domain::{OrderAction, OrderStatus};
use leptos::prelude::*;

use crate::api;
use crate::api::work_orders::{OrderQuery, OrderScope};
use crate::components::download::Downloads;
use crate::components::order_actions::{ActionForm, Picker, priority_select};
use crate::components::order_list::{OrderList, OrderListView};
use crate::i18n::{DESK, ORDERS};
use crate::route::Route;
use scorecard::Scorecard;

/// The whistle's inputs: the lead department (`order-lead`), the co-handlers (`order-co`
/// checkboxes, the lead left out) and the priority.
fn whistle_picker(departments: RwSignal<Vec<Department>>, form: ActionForm) -> impl IntoView {
    let lead_id = form.field("order-lead");
    view! {
        <label for=lead_id.clone()>{DESK.lead_department}</label>
        <select id=lead_id data-testid="order-lead" prop:value=form.lead
            on:change=move |ev| form.lead.set(event_target_value(&ev))>
            <option value="">{ORDERS.choose_lead}</option>
            {move || departments.get().into_iter().map(|d| view! { <option value=d.id>{d.name}</option> }).collect_view()}
        </select>
        <fieldset class="choices">
            <legend>{DESK.co_departments}</legend>
            {move || {
                let lead = form.lead.get();
                departments.get().into_iter().filter(|d| d.id != lead).map(|d| {
                    let id = d.id.clone();
                    let checked = { let id = id.clone(); move || form.co.with(|c| c.contains(&id)) };
                    view! {
                        <label class="choice">
                            <input type="checkbox" data-testid="order-co" data-department-id=d.id.clone()
                                prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    form.co.update(|c| {
                                        c.retain(|x| *x != id);
                                        if on { c.push(id.clone()); }
                                    });
                                }/>
                            {d.name}
                        </label>
                    }
                }).collect_view()
            }}
        </fieldset>
        {move || departments.with(Vec::is_empty).then(|| view! { <p class="hint">{DESK.no_departments}</p> })}
        {priority_select(form)}
    }
}

/// `/street`.
#[component]
pub fn Street() -> impl IntoView {
    let streets = RwSignal::new(None::<Vec<PlaceRef>>);
    let street = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let departments = RwSignal::new(Vec::<Department>::new());
    let escalated = OrderList::new(None, |_| true);
    // A whistled order a department returned (退单) comes back to the street to whistle again.
    let returned = OrderList::new(None, |o| !o.departments.is_empty());
    let overdue = OrderList::new(None, |_| true);
    let show = move |id: String| {
        street.set(id.clone());
        let of = || OrderQuery::of(OrderScope::Street(id.clone()));
        escalated.show(OrderQuery { status: Some(OrderStatus::Escalated), ..of() });
        returned.show(OrderQuery { status: Some(OrderStatus::Returned), ..of() });
        overdue.show(OrderQuery { overdue: true, ..of() });
    };
    leptos::task::spawn_local(async move {
        match api::me::place_roles().await {
            Ok(roles) => {
                let mine = roles.places_of(Role::StreetOfficer);
                if let Some(first) = mine.first() {
                    show(first.id.clone());
                }
                streets.set(Some(mine));
            }
            Err(e) => error.set(Some(e.message())),
        }
        match api::work_orders::departments().await {
            Ok(list) => departments.set(list.items),
            Err(e) => error.set(Some(e.message())),
        }
    });
    let picker: Picker = Arc::new(move |a: OrderAction, form: ActionForm| {
        (a == OrderAction::Whistle).then(|| whistle_picker(departments, form)).into_any()
    });

    view! {
        <div class="page-head">
            <h1>{DESK.street_title}</h1>
            // Another bundle: a full page load.
            <a href=Route::Figures(String::new()).href() data-testid="goto-figures">{DESK.goto_figures}</a>
        </div>
        <p class="alt"><a href=Route::Neighbourhood("/notices/posted".to_owned()).href() data-testid="goto-notices">{crate::i18n::NOTE.title}</a></p>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || streets.get().map(|s| match s.len() {
            0 => view! { <p class="empty" data-testid="no-street">{DESK.no_street}</p> }.into_any(),
            1 => ().into_any(),
            _ => view! {
                <label for="street-pick">{DESK.street}</label>
                <select id="street-pick" data-testid="street-pick" on:change=move |ev| show(event_target_value(&ev))>
                    {s.into_iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
                </select>
            }.into_any(),
        })}
        <h2>{DESK.escalated}</h2>
        <OrderListView list=escalated testid="street-escalated" picker=picker.clone()/>
        <h2>{DESK.returned}</h2>
        <OrderListView list=returned testid="street-returned" picker=picker.clone()/>
        <h2>{DESK.overdue_board}</h2>
        <OrderListView list=overdue testid="street-overdue" picker/>
        {move || (!street.get().is_empty()).then(|| {
            let id = street.get();
            view! { <Downloads kind="work-orders" query=move || OrderQuery::of(OrderScope::Street(id.clone())).filters()/> }
        })}
        {move || (!street.get().is_empty()).then(|| view! { <Scorecard unit="street" id=street.get()/> })}
    }
}
