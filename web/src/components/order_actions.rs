//! The buttons of what the caller may do with an order now — exactly the order's `actions` — and
//! the small form of an action that needs words, days, a grid or departments. Step-back actions
//! (不予受理, 退单, 不同意延期, 不满意) come first, outlined, and ask before they are sent; the main
//! action comes last and strong.

use std::sync::Arc;

use haolin_shared::api::{ErrorCode, WorkOrder};
use haolin_shared::domain::{OrderAction, Priority, Satisfaction};
use leptos::prelude::*;

use super::order_list::OrderList;
use super::photos::{PhotoField, PhotoPicker};
use crate::i18n::{MESSAGES, ORDERS};
use crate::validate::{ActionInput, Needs, action_request, needs, steps_back};
use crate::{api, state};

/// What an action's form holds while it is open; a desk's picker writes the grid, the
/// departments and the priority into it.
#[derive(Clone, Copy)]
pub struct ActionForm {
    /// The reason or note.
    pub text: RwSignal<String>,
    /// The days of an extension.
    pub days: RwSignal<String>,
    /// The grid to dispatch to.
    pub grid_id: RwSignal<String>,
    /// The lead department of a whistle.
    pub lead: RwSignal<String>,
    /// The co-handling departments of a whistle.
    pub co: RwSignal<Vec<String>>,
    /// The priority chosen with a dispatch or a whistle.
    pub priority: RwSignal<Option<Priority>>,
    /// The call-back's answer.
    pub satisfaction: RwSignal<Option<Satisfaction>>,
    /// The photos of a resolution or a call-back.
    pub photos: PhotoField,
    /// The order's id and its community's, for element ids and for what the picker offers.
    pub order: StoredValue<(String, String)>,
}

impl ActionForm {
    fn new(order: &WorkOrder) -> Self {
        Self {
            text: RwSignal::new(String::new()),
            days: RwSignal::new(String::new()),
            grid_id: RwSignal::new(String::new()),
            lead: RwSignal::new(String::new()),
            co: RwSignal::new(Vec::new()),
            priority: RwSignal::new(Some(order.priority)),
            satisfaction: RwSignal::new(None),
            photos: PhotoField::default(),
            order: StoredValue::new((order.id.clone(), order.community_id.clone())),
        }
    }

    /// An element id unique to this order's form (a page shows many cards).
    pub fn field(&self, name: &str) -> String {
        format!("{name}-{}", self.order.with_value(|o| o.0.clone()))
    }

    /// The community of the order (whose grids a dispatch may choose).
    pub fn community_id(&self) -> String {
        self.order.with_value(|o| o.1.clone())
    }

    fn input(&self) -> ActionInput {
        ActionInput {
            text: self.text.get_untracked(),
            days: self.days.get_untracked(),
            grid_id: self.grid_id.get_untracked(),
            lead: self.lead.get_untracked(),
            co: self.co.get_untracked(),
            priority: self.priority.get_untracked(),
            satisfaction: self.satisfaction.get_untracked(),
            photos: self.photos.ids(),
        }
    }

    /// Empties the form for `satisfaction` (a visit's answer, or none).
    fn clear(&self, satisfaction: Option<Satisfaction>) {
        self.text.set(String::new());
        self.days.set(String::new());
        self.grid_id.set(String::new());
        self.lead.set(String::new());
        self.co.set(Vec::new());
        self.satisfaction.set(satisfaction);
        self.photos.clear();
    }
}

/// The priority chooser of a dispatch or a whistle (`order-priority-pick`), on the order's
/// priority to start with.
pub fn priority_select(form: ActionForm) -> impl IntoView {
    let id = form.field("order-priority");
    view! {
        <label for=id.clone()>{ORDERS.priority}</label>
        <select id=id data-testid="order-priority-pick"
            prop:value=move || form.priority.get().map_or("", Priority::as_str)
            on:change=move |ev| form.priority.set(Priority::parse(&event_target_value(&ev)))>
            {Priority::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{ORDERS.priority_name(p)}</option> }).collect_view()}
        </select>
    }
}

/// The main action when several are offered: the one that moves the order on.
const MAIN_FIRST: [OrderAction; 9] = [
    OrderAction::Sign,
    OrderAction::Resolve,
    OrderAction::Whistle,
    OrderAction::Accept,
    OrderAction::Dispatch,
    OrderAction::GrantExtension,
    OrderAction::Escalate,
    OrderAction::Supervise,
    OrderAction::RequestExtension,
];

/// The order of the buttons (the call-back's answers apart): step-backs first, then the others,
/// the main action last.
pub fn arrange(actions: &[OrderAction]) -> Vec<OrderAction> {
    let main = MAIN_FIRST.into_iter().find(|a| actions.contains(a));
    let plain = ActionInput::default();
    let shown = actions.iter().copied().filter(|a| *a != OrderAction::Visit && Some(*a) != main);
    let (back, rest): (Vec<_>, Vec<_>) = shown.partition(|a| steps_back(*a, &plain));
    back.into_iter().chain(rest).chain(main).collect()
}

/// Draws the input of a dispatch (a grid) or a whistle (departments) into an action's form: the
/// desks' (office bundle) pickers; the pages without them pass none.
pub type Picker = Arc<dyn Fn(OrderAction, ActionForm) -> AnyView + Send + Sync>;

/// The actions panel of one order card.
#[component]
pub fn OrderActions(
    /// The order.
    order: WorkOrder,
    /// The list it is in.
    list: OrderList,
    /// Draws the input of a dispatch or a whistle, on the desks.
    picker: Option<Picker>,
) -> impl IntoView {
    let form = ActionForm::new(&order);
    let open = RwSignal::new(None::<OrderAction>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let version = order.version;

    let send = move |action: OrderAction| {
        let request = match action_request(action, version, &form.input()) {
            Ok(r) => r,
            Err(e) => return error.set(Some(e)),
        };
        let id = form.order.with_value(|o| o.0.clone());
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::work_orders::act(&id, action, &request).await {
                Ok(o) => {
                    open.set(None);
                    state::toast(if action == OrderAction::Visit { ORDERS.visit_thanks } else { MESSAGES.done });
                    list.put(o);
                }
                // Someone acted first: show the order as it is now.
                Err(e) if matches!(e.code(), Some(ErrorCode::InvalidState | ErrorCode::VersionConflict)) => {
                    list.refresh(id)
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let start = move |action: OrderAction, answer: Option<Satisfaction>| {
        error.set(None);
        form.clear(answer);
        let asks = match needs(action) {
            Needs::Nothing => false,
            Needs::Answer => answer == Some(Satisfaction::Unsatisfied),
            _ => true,
        };
        open.set(asks.then_some(action));
        if !asks {
            send(action);
        }
    };

    let arranged = arrange(&order.actions);
    let main = arranged.last().copied().filter(|a| MAIN_FIRST.contains(a));
    let mut buttons: Vec<(OrderAction, Option<Satisfaction>, String, &'static str, &'static str)> = arranged
        .into_iter()
        .map(|a| {
            let class = if steps_back(a, &ActionInput::default()) {
                "step-back"
            } else if Some(a) == main {
                "primary"
            } else {
                ""
            };
            (a, None, format!("order-action-{}", a.as_str()), class, ORDERS.action(a))
        })
        .collect();
    let visit = order.actions.contains(&OrderAction::Visit);
    if visit {
        for (s, id, class) in [
            (Satisfaction::Unsatisfied, "visit-unsatisfied", "step-back"),
            (Satisfaction::Basic, "visit-basic", ""),
            (Satisfaction::Satisfied, "visit-satisfied", "primary"),
        ] {
            buttons.push((OrderAction::Visit, Some(s), id.to_owned(), class, ORDERS.answer(s)));
        }
    }

    let form_view = move || {
        let picker = picker.clone();
        open.get().map(|a| {
            let back = steps_back(a, &form.input());
            let need = needs(a);
            let (text_id, days_id) = (form.field("order-text"), form.field("order-days"));
            let text_label = match a {
                OrderAction::Supervise => ORDERS.supervise_note,
                OrderAction::Resolve => ORDERS.resolve_note,
                OrderAction::Visit => ORDERS.visit_note,
                _ => MESSAGES.reason,
            };
            let text_testid = if matches!(need, Needs::Note | Needs::Answer) { "order-note" } else { "order-reason" };
            let no_text = matches!(need, Needs::Grid | Needs::Departments);
            let picked = if no_text { picker.map(|p| p(a, form)) } else { None };
            let heading = if a == OrderAction::Visit { ORDERS.answer(Satisfaction::Unsatisfied) } else { ORDERS.action(a) };
            let warning = if a == OrderAction::Visit { ORDERS.reopen_warn } else { "" };
            view! {
                <div class="inline-form">
                    <h4>{heading}</h4>
                    {picked}
                    <label for=days_id.clone() hidden=need != Needs::Days>{ORDERS.days}</label>
                    <input id=days_id data-testid="order-days" type="number" min="1" inputmode="numeric" hidden=need != Needs::Days
                        prop:value=form.days on:input=move |ev| form.days.set(event_target_value(&ev))/>
                    <label for=text_id.clone() hidden=no_text>{text_label}</label>
                    <textarea id=text_id data-testid=text_testid rows="3" hidden=no_text prop:value=form.text
                        on:input=move |ev| form.text.set(event_target_value(&ev))></textarea>
                    {matches!(a, OrderAction::Resolve | OrderAction::Visit)
                        .then(|| view! { <PhotoPicker field=form.photos id=form.field("order-photos")/> })}
                    <p class="warn" data-testid="step-back-warning" hidden=!back>{warning}{MESSAGES.step_back_warn}</p>
                    <div class="row">
                        <button type="button" data-testid="order-close" on:click=move |_| open.set(None)>{MESSAGES.close}</button>
                        <button type="button" class=if back { "danger" } else { "primary" } data-testid="order-submit"
                            disabled=move || busy.get() || form.photos.busy.get()
                            on:click=move |_| send(a)>{if back { MESSAGES.confirm_submit } else { MESSAGES.submit }}</button>
                    </div>
                </div>
            }
        })
    };

    view! {
        <p class="status-words" hidden=!visit>{ORDERS.visit_question}</p>
        <div class="card-actions">
            {buttons.into_iter().map(|(a, answer, id, class, text)| view! {
                <button type="button" class=class data-testid=id disabled=busy
                    aria-expanded=move || (open.get() == Some(a) && answer != Some(Satisfaction::Satisfied)
                        && answer != Some(Satisfaction::Basic)).to_string()
                    on:click=move |_| start(a, answer)>{text}</button>
            }).collect_view()}
        </div>
        {form_view}
        {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="order-error">{e}</p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderAction as A;

    #[test]
    fn step_backs_come_first_and_the_main_action_last() {
        assert_eq!(
            arrange(&[A::Accept, A::Decline, A::Dispatch, A::Escalate]),
            [A::Decline, A::Dispatch, A::Escalate, A::Accept]
        );
        assert_eq!(arrange(&[A::Dispatch, A::Escalate]), [A::Escalate, A::Dispatch]);
        assert_eq!(arrange(&[A::Sign, A::Return]), [A::Return, A::Sign]);
        assert_eq!(arrange(&[A::Resolve, A::RequestExtension]), [A::RequestExtension, A::Resolve]);
        assert_eq!(arrange(&[A::Whistle, A::Supervise]), [A::Supervise, A::Whistle]);
        assert_eq!(arrange(&[A::GrantExtension, A::RefuseExtension]), [A::RefuseExtension, A::GrantExtension]);
    }

    #[test]
    fn the_call_back_is_answered_apart_from_the_buttons() {
        assert_eq!(arrange(&[A::Visit]), Vec::<OrderAction>::new());
        assert_eq!(arrange(&[A::Visit, A::Supervise]), [A::Supervise]);
    }
}
