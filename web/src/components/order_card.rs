//! One work order in a list: what, where, how urgent, by when, who handles it, and the buttons of
//! what the caller may do now ([`super::order_actions`]).

use haolin_shared::api::WorkOrder;
use haolin_shared::domain::OrderStatus;
use leptos::prelude::*;

use super::order_actions::{ActionForm, OrderActions};
use super::order_list::OrderList;
use crate::i18n::{MESSAGES, ORDERS};
use crate::time;

/// The badge colour of a status, from the wish badges' palette (the main stylesheet's
/// `badge-*` classes): waiting on the community, with a handler, back for a decision, done.
fn tone(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Reported | OrderStatus::Returned => "badge badge-pending_review",
        OrderStatus::Accepted | OrderStatus::Dispatched | OrderStatus::Signed => "badge badge-claimed",
        OrderStatus::Escalated | OrderStatus::Resolved => "badge badge-fulfilled",
        OrderStatus::Reopened => "badge badge-open",
        OrderStatus::Closed => "badge badge-confirmed",
        OrderStatus::Declined => "badge badge-rejected",
    }
}

/// The deadline that runs now: signing while dispatched, resolving while signed.
fn running_deadline(order: &WorkOrder) -> Option<(&'static str, &str)> {
    match order.status {
        OrderStatus::Dispatched => order.sign_due_at.as_deref().map(|at| (ORDERS.sign_due, at)),
        OrderStatus::Signed => order.resolve_due_at.as_deref().map(|at| (ORDERS.resolve_due, at)),
        _ => None,
    }
}

/// A labelled line of facts (`label：value`).
fn fact(testid: &'static str, label: &'static str, value: String) -> impl IntoView {
    view! { <p data-testid=testid><span class="label">{label}{MESSAGES.colon}</span>{value}</p> }
}

/// An order card (`order-card`): title and status, the status in plain words when `words` (for
/// the person who reported it), description, grid, category, priority, the running deadline, the
/// 超时 and 督办 badges, the handlers, an extension, the outcome; then the actions the order
/// offers the caller, with `picker` drawing the inputs only the desks have (a grid to dispatch
/// to, departments to whistle).
#[component]
pub fn OrderCard<P, V>(
    /// The order.
    order: WorkOrder,
    /// The list it is in (an action's answer replaces it there).
    list: OrderList,
    /// Whether to say the status in plain words.
    #[prop(optional)]
    words: bool,
    /// Draws the input of a dispatch or a whistle, if this page offers them.
    picker: P,
) -> impl IntoView
where
    P: Fn(haolin_shared::domain::OrderAction, ActionForm) -> Option<V> + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let deadline = running_deadline(&order).map(|(label, at)| (label, time::show(at)));
    let handlers = (!order.departments.is_empty()).then(|| {
        order
            .departments
            .iter()
            .map(|d| {
                let role = if d.lead { ORDERS.lead } else { ORDERS.co };
                let signed = if d.signed_at.is_some() { ORDERS.signed } else { ORDERS.not_signed };
                view! {
                    <li data-testid="order-department" data-department-id=d.id.clone() data-lead=d.lead.to_string()
                        data-signed=d.signed_at.is_some().to_string()>
                        {d.name.clone()}" ("{role}")"{MESSAGES.separator}{signed}
                    </li>
                }
            })
            .collect_view()
    });
    let extension = order.extension.as_ref().map(|x| {
        format!("{}{}{}{}{}", x.days, ORDERS.working_days, MESSAGES.separator, x.reason, MESSAGES.separator)
            + ORDERS.extension_state(x.state)
    });
    view! {
        <article class="card" data-testid="order-card" data-order-id=order.id.clone() data-status=order.status.as_str()>
            <div class="card-head">
                <h3 data-testid="order-title">{order.title.clone()}</h3>
                <span class=tone(order.status) data-testid="order-status" data-status=order.status.as_str()>
                    {ORDERS.status(order.status)}
                </span>
            </div>
            {words.then(|| view! { <p class="status-words" data-testid="status-words">{ORDERS.status_words(order.status)}</p> })}
            <p class="card-desc" data-testid="order-description">{order.description.clone()}</p>
            <p class="meta">
                <span data-testid="order-grid">{order.grid.name.clone()}</span>{MESSAGES.separator}
                <span class="tag" data-testid="order-category">{order.category.clone()}</span>" "
                <span data-testid="order-priority" data-priority=order.priority.as_str()>
                    {ORDERS.priority}{MESSAGES.colon}{ORDERS.priority_name(order.priority)}
                </span>
            </p>
            <p class="meta">{order.reporter.name.clone()}" · "{time::show(&order.created_at)}</p>
            {(order.overdue || order.supervised).then(|| view! {
                <p class="row">
                    {order.overdue.then(|| view! { <span class="badge badge-open" data-testid="order-overdue">{ORDERS.overdue}</span> })}
                    {order.supervised.then(|| view! { <span class="badge badge-pending_review" data-testid="order-supervised">{ORDERS.supervised}</span> })}
                </p>
            })}
            {deadline.map(|(label, at)| view! { <p class="deadline" data-testid="order-deadline">{label}{MESSAGES.colon}{at}</p> })}
            <div class="facts">
                {order.supervision_note.clone().map(|n| fact("order-supervision-note", ORDERS.supervised, n))}
                {order.handler_grid.as_ref().map(|g| fact("order-handler-grid", ORDERS.handler_grid, g.name.clone()))}
                {handlers.map(|h| view! { <ul data-testid="order-departments">{h}</ul> })}
                {extension.map(|x| fact("order-extension", ORDERS.extension, x))}
                {order.resolution_note.clone().map(|n| fact("order-resolution", ORDERS.resolution, n))}
                {order.satisfaction.map(|s| fact("order-satisfaction", ORDERS.satisfaction, ORDERS.answer(s).to_owned()))}
            </div>
            {(!order.actions.is_empty()).then(|| view! { <OrderActions order=order.clone() list picker/> })}
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::work_orders::fixtures::order;

    #[test]
    fn the_deadline_shown_is_the_one_that_runs() {
        let mut o = order("1", OrderStatus::Dispatched);
        o.sign_due_at = Some("2026-12-01T10:00:00Z".into());
        o.resolve_due_at = Some("2026-12-05T10:00:00Z".into());
        assert_eq!(running_deadline(&o).map(|d| d.0), Some(ORDERS.sign_due));
        o.status = OrderStatus::Signed;
        assert_eq!(running_deadline(&o).map(|d| d.0), Some(ORDERS.resolve_due));
        o.status = OrderStatus::Resolved;
        assert_eq!(running_deadline(&o), None);
    }

    #[test]
    fn every_status_has_a_badge() {
        for s in OrderStatus::ALL {
            assert!(tone(s).starts_with("badge badge-"));
        }
    }
}
