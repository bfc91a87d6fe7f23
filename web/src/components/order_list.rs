//! A list of work orders loaded page by page (`GET /work-orders?…`) and kept live by the
//! work-order stream; its query may change (a tab, a chosen grid) or arrive late (`None` until
//! the page knows it).

use std::rc::Rc;

use haolin_shared::api::WorkOrder;
use leptos::prelude::*;

use super::order_actions::Picker;
use super::order_card::OrderCard;
use crate::api::work_orders::OrderQuery;
use crate::i18n::{MESSAGES, ORDERS};
use crate::live::{self, OrderUpdate};
use crate::{api, state};

/// Which orders a page keeps in a list.
type Keep = Rc<dyn Fn(&WorkOrder) -> bool>;

/// A live list's state.
#[derive(Clone, Copy)]
pub struct OrderList {
    /// The orders loaded so far, newest first.
    pub items: RwSignal<Vec<WorkOrder>>,
    /// The cursor of the next page (`None` on the last page).
    pub cursor: RwSignal<Option<String>>,
    /// Whether a page is loading.
    pub loading: RwSignal<bool>,
    /// The last load's error.
    pub error: RwSignal<Option<String>>,
    /// Whether the first page has arrived.
    pub loaded: RwSignal<bool>,
    /// What the list shows (`None`: nothing yet).
    pub query: RwSignal<Option<OrderQuery>>,
    /// Bumped on every load, so a late answer to an older query is dropped.
    generation: RwSignal<u32>,
    keep: StoredValue<Keep, LocalStorage>,
}

impl OrderList {
    /// A list of `query` showing the orders `keep` accepts, of each page and as live updates
    /// arrive (then also only those the query would list).
    pub fn new(query: Option<OrderQuery>, keep: impl Fn(&WorkOrder) -> bool + 'static) -> Self {
        let list = Self {
            items: RwSignal::new(Vec::new()),
            cursor: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            loaded: RwSignal::new(false),
            query: RwSignal::new(query),
            generation: RwSignal::new(0),
            keep: StoredValue::new_local(Rc::new(keep)),
        };
        let sub = live::subscribe_orders(move |update| {
            if matches!(update, OrderUpdate::Resync) {
                list.reload();
                return;
            }
            let more = list.cursor.get_untracked().is_some();
            let mut items = list.items.get_untracked();
            if live::apply(&mut items, update, &|o| list.admits(o), more) {
                list.items.set(items);
            }
        });
        on_cleanup(move || live::unsubscribe(sub));
        list.reload();
        list
    }

    /// Whether the list holds `order` as it is now.
    fn admits(self, order: &WorkOrder) -> bool {
        self.query.with_untracked(|q| q.as_ref().is_some_and(|q| q.admits(order))) && (self.keep.get_value())(order)
    }

    async fn fetch(self, cursor: Option<String>) {
        let Some(query) = self.query.get_untracked() else { return };
        let generation = self.generation.get_untracked();
        self.loading.set(true);
        let result = api::work_orders::list(&query, cursor.as_deref()).await;
        if self.generation.get_untracked() != generation {
            return;
        }
        match result {
            Ok(mut page) => {
                self.error.set(None);
                let keep = self.keep.get_value();
                page.items.retain(|o| keep(o));
                if cursor.is_some() {
                    self.items.update(|items| {
                        for o in page.items {
                            if !items.iter().any(|i| i.id == o.id) {
                                items.push(o);
                            }
                        }
                    });
                } else {
                    self.items.set(page.items);
                }
                self.cursor.set(page.next_cursor);
                self.loaded.set(true);
            }
            Err(e) => self.error.set(Some(e.message())),
        }
        self.loading.set(false);
    }

    /// Loads the first page again.
    pub fn reload(self) {
        self.generation.update(|g| *g += 1);
        leptos::task::spawn_local(self.fetch(None));
    }

    /// Shows `query` instead, from its first page.
    pub fn show(self, query: OrderQuery) {
        self.query.set(Some(query));
        self.items.set(Vec::new());
        self.cursor.set(None);
        self.loaded.set(false);
        self.reload();
    }

    /// Loads the next page, if there is one and none is loading.
    pub fn load_more(self) {
        if self.loading.get_untracked() {
            return;
        }
        if let Some(c) = self.cursor.get_untracked() {
            leptos::task::spawn_local(self.fetch(Some(c)));
        }
    }

    /// Puts a fresh copy of an order in the list, or takes it out if the list no longer holds it.
    pub fn put(self, order: WorkOrder) {
        let keep = self.admits(&order);
        self.items.update(|items| {
            if let Some(i) = items.iter().position(|o| o.id == order.id) {
                if keep {
                    items[i] = order;
                } else {
                    items.remove(i);
                }
            }
        });
    }

    /// Reads `id` again after it changed under the caller, and puts it in the list (or takes it
    /// out when it is out of sight); says so in the toast.
    pub fn refresh(self, id: String) {
        leptos::task::spawn_local(async move {
            match api::work_orders::get(&id).await {
                Ok(order) => self.put(order),
                Err(_) => self.items.update(|items| items.retain(|o| o.id != id)),
            }
            state::toast(ORDERS.changed);
        });
    }
}

/// Renders a list: the order cards (their status in plain words when `words`, the desks'
/// `picker` in their forms), a loading line, an error with a retry button, an empty state and a
/// "load more" button while more pages exist. One view for every list, so the app carries its
/// code once.
#[component]
pub fn OrderListView(
    /// The list's state.
    list: OrderList,
    /// The list element's test id.
    testid: &'static str,
    /// Whether the cards say their status in plain words (for the person who reported them).
    #[prop(optional)]
    words: bool,
    /// Draws the input of a dispatch or a whistle, on the desks.
    #[prop(optional)]
    picker: Option<Picker>,
) -> impl IntoView {
    view! {
        <section class="list" data-testid=testid aria-busy=move || list.loading.get().to_string()>
            <For each=move || list.items.get() key=|o| (o.id.clone(), o.version)
                children=move |o| view! { <OrderCard order=o list words picker=picker.clone()/> }/>
            {move || (list.loaded.get() && list.items.with(Vec::is_empty)).then(|| view! {
                <p class="empty" data-testid="empty-list">{ORDERS.no_orders}</p>
            })}
            {move || list.loading.get().then(|| view! {
                <p class="loading" role="status">{MESSAGES.loading}</p>
            })}
            {move || list.error.get().map(|e| view! {
                <div class="error" role="alert">
                    <p>{e}</p>
                    <button type="button" on:click=move |_| list.reload()>{MESSAGES.retry}</button>
                </div>
            })}
            {move || list.cursor.with(Option::is_some).then(|| view! {
                <button type="button" class="load-more" data-testid="load-more"
                    disabled=move || list.loading.get() on:click=move |_| list.load_more()>
                    {MESSAGES.load_more}
                </button>
            })}
        </section>
    }
}
