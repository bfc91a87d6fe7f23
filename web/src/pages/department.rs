//! `/department`: a department's inbox of whistled orders (部门报到): sign (签收) within the
//! deadline, return with a reason (退单), ask for more days (申请延期), resolve with a note (办结);
//! each card shows the deadline that runs and whether it passed.

use leptos::prelude::*;

use crate::api::work_orders::{OrderQuery, OrderScope};
use crate::components::order_list::{OrderList, OrderListView};
use crate::i18n::DESK;

/// `/department`.
#[component]
pub fn Department() -> impl IntoView {
    let list = OrderList::new(Some(OrderQuery::of(OrderScope::Inbox)), |_| true);
    view! {
        <h1>{DESK.department_title}</h1>
        <p class="hint">{DESK.department_intro}</p>
        <OrderListView list testid="department-inbox"/>
    }
}
