//! One work order in a list: what, where, how urgent, by when, who handles it, and the buttons of
//! what the caller may do now ([`super::order_actions`]).

use haolin_shared::api::{PhotoStage, WorkOrder};
use haolin_shared::domain::OrderStatus;
use leptos::prelude::*;

use super::order_actions::{OrderActions, Picker};
use super::order_list::OrderList;
use super::photos::PhotoGroups;
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

/// The facts of a card worth a line each (test id, label, value): the running deadline, the
/// supervision note, who handles it, an extension, the outcome.
fn facts(order: &WorkOrder) -> Vec<(&'static str, &'static str, String)> {
    let mut facts = Vec::new();
    if let Some((label, at)) = running_deadline(order) {
        facts.push(("order-deadline", label, time::show(at)));
    }
    if let Some(note) = &order.supervision_note {
        facts.push(("order-supervision-note", ORDERS.supervised, note.clone()));
    }
    if let Some(grid) = &order.handler_grid {
        facts.push(("order-handler-grid", ORDERS.handler_grid, grid.name.clone()));
    }
    if !order.departments.is_empty() {
        let names: Vec<String> = order
            .departments
            .iter()
            .map(|d| {
                let role = if d.lead { ORDERS.lead } else { ORDERS.co };
                let signed = if d.signed_at.is_some() { ORDERS.signed } else { ORDERS.not_signed };
                format!("{}（{role}，{signed}）", d.name)
            })
            .collect();
        facts.push(("order-departments", ORDERS.handlers, names.join("、")));
    }
    if let Some(x) = &order.extension {
        let state = ORDERS.extension_state(x.state);
        let text = format!("{}{}{sep}{}{sep}{state}", x.days, ORDERS.working_days, x.reason, sep = MESSAGES.separator);
        facts.push(("order-extension", ORDERS.extension, text));
    }
    if let Some(note) = &order.resolution_note {
        facts.push(("order-resolution", ORDERS.resolution, note.clone()));
    }
    if let Some(answer) = order.satisfaction {
        facts.push(("order-satisfaction", ORDERS.satisfaction, ORDERS.answer(answer).to_owned()));
    }
    facts
}

/// An order card (`order-card`): title and status, the status in plain words when `words` (for
/// the person who reported it), description, grid, category, priority, the 超时 and 督办 badges,
/// the facts worth a line; then the actions the order offers the caller, with `picker` drawing
/// the inputs only the desks have (a grid to dispatch to, departments to whistle). Drawn with as
/// few kinds of element as it can: every kind of view is code on a resident's phone.
#[component]
pub fn OrderCard(
    /// The order.
    order: WorkOrder,
    /// The list it is in (an action's answer replaces it there).
    list: OrderList,
    /// Whether to say the status in plain words.
    words: bool,
    /// Draws the input of a dispatch or a whistle, on the desks.
    picker: Option<Picker>,
) -> impl IntoView {
    let badges: Vec<(&'static str, &'static str, &'static str)> = [
        (order.overdue, ("order-overdue", "badge badge-open", ORDERS.overdue)),
        (order.supervised, ("order-supervised", "badge badge-pending_review", ORDERS.supervised)),
    ]
    .into_iter()
    .filter_map(|(on, badge)| on.then_some(badge))
    .collect();
    let status = order.status;
    let no_badges = badges.is_empty();
    view! {
        <article class="card" data-testid="order-card" data-order-id=order.id.clone() data-status=status.as_str()>
            <div class="card-head">
                <h3 data-testid="order-title">{order.title.clone()}</h3>
                <span class=tone(status) data-testid="order-status" data-status=status.as_str()>{ORDERS.status(status)}</span>
            </div>
            <p class="status-words" data-testid="status-words" hidden=!words>{ORDERS.status_words(status)}</p>
            <p class="card-desc" data-testid="order-description">{order.description.clone()}</p>
            <p class="meta">
                <span data-testid="order-grid">{order.grid.name.clone()}</span>{MESSAGES.separator}
                <span class="tag" data-testid="order-category">{order.category.clone()}</span>" "
                <span data-testid="order-priority" data-priority=order.priority.as_str()>
                    {ORDERS.priority}{MESSAGES.colon}{ORDERS.priority_name(order.priority)}
                </span>
                <br/>{order.reporter.name.clone()}{MESSAGES.separator}{time::show(&order.created_at)}
            </p>
            <p hidden=no_badges>
                {badges.into_iter().map(|(id, class, text)| view! { <span class=class data-testid=id>{text}</span>" " }).collect_view()}
            </p>
            <div class="facts">
                {facts(&order).into_iter().map(|(id, label, value)| view! {
                    <p data-testid=id><span class="label">{label}{MESSAGES.colon}</span>{value}</p>
                }).collect_view()}
            </div>
            <PhotoGroups photos=order.photos.clone() groups=vec![
                (&[PhotoStage::Report], ORDERS.report_photos),
                (&[PhotoStage::Resolve], ORDERS.resolve_photos),
                (&[PhotoStage::Visit], ORDERS.visit_photos),
            ]/>
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
    fn the_departments_are_one_line_with_who_leads_and_who_signed() {
        use haolin_shared::api::OrderDepartment;
        let mut o = order("1", OrderStatus::Dispatched);
        let d = |id: &str, name: &str, lead, signed: Option<&str>| OrderDepartment {
            id: id.into(),
            name: name.into(),
            lead,
            sign_due_at: "2026-12-01T10:00:00Z".into(),
            signed_at: signed.map(Into::into),
        };
        o.departments = vec![d("2", "区城管局", true, Some("2026-12-01T09:00:00Z")), d("3", "水务站", false, None)];
        let line = facts(&o).into_iter().find(|f| f.0 == "order-departments").map(|f| f.2);
        assert_eq!(line.as_deref(), Some("区城管局（牵头，已报到）、水务站（协办，未报到）"));
    }

    #[test]
    fn every_status_has_a_badge() {
        for s in OrderStatus::ALL {
            assert!(tone(s).starts_with("badge badge-"));
        }
    }
}
