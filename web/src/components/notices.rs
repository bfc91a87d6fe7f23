//! The notices on a home page (the resident's and the member's): the current notices for my
//! places, pinned first, each with its pinned and unread marks and a link to the whole notice in
//! the neighbourhood bundle; reloaded when a new one arrives on the event stream. Then one row of
//! links to the neighbourhood pages (通知公告, 服务驿站, 物业评价).

use std::rc::Rc;

use leptos::prelude::*;

use crate::api::notices::NoticeLine;
use crate::i18n::NOTE;
use crate::route::Route;
use crate::{api, live};

/// How many notices a home shows.
const SHOWN: u32 = 5;

/// The notices for my places and the neighbourhood links.
#[component]
pub fn HomeNotices() -> impl IntoView {
    let items = RwSignal::new(Vec::<NoticeLine>::new());
    let load = move || {
        leptos::task::spawn_local(async move {
            if let Ok(page) = api::notices::lines(SHOWN).await {
                items.set(page.items);
            }
        })
    };
    load();
    live::on_notice(Some(Rc::new(load)));
    on_cleanup(|| live::on_notice(None));
    let link = |path: &str| Route::Neighbourhood(path.to_owned()).href();
    view! {
        <section class="notices" data-testid="home-notices" hidden=move || items.with(Vec::is_empty)>
            <h2>{NOTE.title}</h2>
            <ul>{move || items.get().into_iter().map(|n| view! {
                <li data-testid="home-notice">
                    {n.pinned.then(|| view! { <span class="tag" data-testid="home-notice-pinned">{NOTE.pinned}</span> })}
                    <a href=link(&format!("/notices/{}", n.id))>{n.title}</a>
                    {n.unread.then(|| view! { <span class="tag unread" data-testid="home-notice-unread">{NOTE.unread}</span> })}
                </li>
            }).collect_view()}</ul>
        </section>
        // Another bundle: full page loads.
        <p class="alt" data-testid="neighbourhood-links">
            <a href=link("/notices") data-testid="goto-notices">{NOTE.title}</a>
            <a href=link("/points") data-testid="goto-points">{NOTE.points}</a>
            <a href=link("/property") data-testid="goto-property">{NOTE.property}</a>
        </p>
    }
}
