//! The inbox (`/inbox`): the caller's notifications, newest first; opening one marks it read and
//! goes to its wish.

use haolin_shared::inbox::Notification;
use leptos::prelude::*;

use crate::i18n::MESSAGES;
use crate::route::Route;
use crate::{api, live, state, time};

/// The inbox page.
#[component]
pub fn Inbox() -> impl IntoView {
    let items = RwSignal::new(None::<Vec<Notification>>);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::notifications::list(50).await {
                Ok(list) => {
                    error.set(None);
                    items.set(Some(list.items));
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    load();
    let sub = live::subscribe(move |_| load());
    on_cleanup(move || live::unsubscribe(sub));
    let read_all = move |_| {
        leptos::task::spawn_local(async move {
            match api::notifications::read_all().await {
                Ok(()) => load(),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    let open = move |n: Notification| {
        leptos::task::spawn_local(async move {
            if n.read_at.is_none() {
                let _ = api::notifications::read(&n.id).await;
            }
            match (n.wish_id, n.notice_id) {
                (Some(id), _) => state::navigate(Route::Wish(id)),
                // A notice's page is the neighbourhood bundle's (a page load from the office bundle).
                (None, Some(id)) => state::navigate(Route::Neighbourhood(format!("/notices/{id}"))),
                (None, None) => load(),
            }
        });
    };
    view! {
        <section class="inbox">
            <h1>{MESSAGES.nav_inbox}</h1>
            <button type="button" data-testid="mark-all-read" on:click=read_all>{MESSAGES.mark_all_read}</button>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || match items.get() {
                None => view! { <p class="loading" role="status">{MESSAGES.loading}</p> }.into_any(),
                Some(list) if list.is_empty() => {
                    view! { <p class="empty" data-testid="empty-list">{MESSAGES.no_notifications}</p> }.into_any()
                }
                Some(list) => view! {
                    <ul class="notifications">
                        {list.into_iter().map(|n| {
                            let unread = n.read_at.is_none();
                            let when = time::show(&n.created_at);
                            let item = n.clone();
                            view! {
                                <li class="notification" class:unread=unread data-testid="notification-item"
                                    data-kind=n.kind.clone() data-read=(!unread).to_string()>
                                    <button type="button" class="link" on:click=move |_| open(item.clone())>
                                        {n.title.clone()}
                                    </button>
                                    {(!n.body.is_empty()).then(|| view! { <p class="body">{n.body.clone()}</p> })}
                                    <time datetime=n.created_at.clone()>{when}</time>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
