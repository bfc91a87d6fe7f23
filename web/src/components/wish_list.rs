//! A list of wishes loaded page by page from a feed (`GET /wishes?…`) and kept live by the event
//! stream.

use std::rc::Rc;

use haolin_shared::api::Wish;
use leptos::prelude::*;

use crate::api::wishes::WishFeed;
use crate::i18n::MESSAGES;
use crate::{api, live};

/// A live list's state.
#[derive(Clone, Copy)]
pub struct WishList {
    /// The wishes loaded so far, newest first.
    pub items: RwSignal<Vec<Wish>>,
    /// The cursor of the next page (`None` on the last page).
    pub cursor: RwSignal<Option<String>>,
    /// Whether a page is loading.
    pub loading: RwSignal<bool>,
    /// The last load's error.
    pub error: RwSignal<Option<String>>,
    /// Whether the first page has arrived.
    pub loaded: RwSignal<bool>,
    feed: WishFeed,
}

impl WishList {
    /// A list of `feed` that keeps the wishes `keep` accepts as live updates arrive.
    pub fn new(feed: WishFeed, keep: impl Fn(&Wish) -> bool + 'static) -> Self {
        let list = Self {
            items: RwSignal::new(Vec::new()),
            cursor: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            loaded: RwSignal::new(false),
            feed,
        };
        let keep: Rc<dyn Fn(&Wish) -> bool> = Rc::new(keep);
        let sub = live::subscribe(move |update| {
            if matches!(update, live::LiveUpdate::Resync) {
                list.reload();
                return;
            }
            let more = list.cursor.get_untracked().is_some();
            let mut items = list.items.get_untracked();
            if live::apply(&mut items, update, keep.as_ref(), more) {
                list.items.set(items);
            }
        });
        on_cleanup(move || live::unsubscribe(sub));
        list.reload();
        list
    }

    async fn fetch(self, cursor: Option<String>) {
        self.loading.set(true);
        match api::wishes::list(self.feed, cursor.as_deref()).await {
            Ok(page) => {
                self.error.set(None);
                if cursor.is_some() {
                    self.items.update(|items| {
                        for w in page.items {
                            if !items.iter().any(|i| i.id == w.id) {
                                items.push(w);
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
        leptos::task::spawn_local(self.fetch(None));
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

    /// Puts a fresh copy of a wish in the list (or takes it out if `keep` refuses it).
    pub fn replace(self, wish: Wish, keep: bool) {
        self.items.update(|items| {
            if let Some(i) = items.iter().position(|w| w.id == wish.id) {
                if keep {
                    items[i] = wish;
                } else {
                    items.remove(i);
                }
            }
        });
    }

    /// Removes a wish from the list.
    pub fn remove(self, id: &str) {
        self.items.update(|items| items.retain(|w| w.id != id));
    }
}

/// Renders a list: the cards (each from `card`), a loading line, an error with a retry button, an
/// empty state and, when `paged`, a "load more" button that also fires when scrolled into view.
#[component]
pub fn WishListView<F, V>(
    /// The list's state.
    list: WishList,
    /// The list element's test id.
    testid: &'static str,
    /// Draws one wish.
    card: F,
    /// Whether more pages load on scroll.
    #[prop(optional)]
    paged: bool,
) -> impl IntoView
where
    F: Fn(Wish) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    if paged {
        let handle = window_event_listener(leptos::ev::scroll, move |_| {
            let Some(w) = web_sys::window() else { return };
            let Some(body) = w.document().and_then(|d| d.body()) else { return };
            let viewport = w.inner_height().ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
            let scrolled = w.scroll_y().unwrap_or(0.0);
            if scrolled + viewport >= f64::from(body.offset_height()) - 200.0 {
                list.load_more();
            }
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <section class="list" data-testid=testid aria-busy=move || list.loading.get().to_string()>
            <For each=move || list.items.get() key=|w| (w.id.clone(), w.version) children=move |w| card(w)/>
            {move || (list.loaded.get() && list.items.with(Vec::is_empty)).then(|| view! {
                <p class="empty" data-testid="empty-list">{MESSAGES.empty_list}</p>
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
            {move || (paged && list.cursor.with(Option::is_some)).then(|| view! {
                <button type="button" class="load-more" data-testid="load-more"
                    disabled=move || list.loading.get() on:click=move |_| list.load_more()>
                    {MESSAGES.load_more}
                </button>
            })}
        </section>
    }
}
