//! The frame of every logged-in page: brand, role switcher, navigation, logout; and the toast.

use haolin_shared::api::Role;
use leptos::prelude::*;

use super::big_mode::BigModeToggle;
use super::go;
use crate::i18n::MESSAGES;
use crate::route::Route;
use crate::{access, api, live, state};

/// The transient message (`toast`, `role="status"`).
#[component]
pub fn Toast() -> impl IntoView {
    let app = state::app();
    view! {
        <div class="toast-area" aria-live="polite">
            {move || app.toast.get().map(|(_, text)| view! {
                <div class="toast" role="status" data-testid="toast">{text}</div>
            })}
        </div>
    }
}

fn nav_links(role: Role) -> Vec<(&'static str, Route, &'static str)> {
    match role {
        Role::Member => vec![
            ("nav-member", Route::Member, MESSAGES.nav_member),
            ("nav-claims", Route::Claims, MESSAGES.nav_claims),
            ("nav-checkins", Route::Checkins, MESSAGES.nav_checkins),
        ],
        Role::Dispatcher => vec![
            ("nav-dispatcher", Route::Dispatcher, MESSAGES.nav_dispatcher),
            ("nav-orders", Route::DispatcherOrders, MESSAGES.nav_orders),
            ("nav-checkin-review", Route::CheckinReview, MESSAGES.nav_checkin_review),
        ],
        Role::Admin => vec![("nav-places", Route::Admin, MESSAGES.nav_places)],
        Role::GridWorker => vec![("nav-patrol", Route::Patrol, MESSAGES.nav_patrol)],
        Role::StreetOfficer => vec![("nav-street", Route::Street, MESSAGES.nav_street)],
        Role::DepartmentOfficer => vec![("nav-department", Route::Department, MESSAGES.nav_department)],
        _ => vec![
            ("nav-resident", Route::Resident, MESSAGES.nav_resident),
            ("nav-new-wish", Route::NewWish, MESSAGES.nav_new_wish),
            ("nav-home", Route::HomeGrid, MESSAGES.nav_home),
        ],
    }
}

/// The inbox link with its unread badge, reloaded on navigation and on every live change.
#[component]
fn InboxLink() -> impl IntoView {
    let app = state::app();
    let unread = RwSignal::new(0_i64);
    let load = move || {
        leptos::task::spawn_local(async move {
            if let Ok(count) = api::notifications::unread_count().await {
                unread.set(count.unread);
            }
        });
    };
    Effect::new(move |_| {
        app.path.track();
        app.inbox.track();
        load();
    });
    let sub = live::subscribe(move |_| load());
    on_cleanup(move || live::unsubscribe(sub));
    let href = Route::Inbox.href();
    let current = {
        let href = href.clone();
        move || app.path.with(|p| *p == href)
    };
    view! {
        <a href=href data-testid="nav-inbox" on:click=go(Route::Inbox)
            class:active=current.clone() aria-current=move || current().then_some("page")>
            {MESSAGES.nav_inbox}
            {move || (unread.get() > 0).then(|| view! {
                <span class="unread-badge" data-testid="unread-badge">{move || unread.get()}</span>
            })}
        </a>
    }
}

/// The header and navigation around a logged-in page.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let app = state::app();
    let roles = move || app.me.with(|me| me.as_ref().map(access::home_roles).unwrap_or_default());
    let logging_out = RwSignal::new(false);
    view! {
        <header class="topbar">
            {move || {
                let home = Route::home(app.role.get());
                view! { <a class="brand" href=home.href() on:click=go(home)>{MESSAGES.product_name}</a> }
            }}
            <span class="who">{move || app.me.with(|m| m.as_ref().map(|m| m.name.clone()))}</span>
            {move || (roles().len() > 1).then(|| view! {
                <label class="role-switch">
                    <span class="sr-only">{MESSAGES.role_label}</span>
                    <select data-testid="role-switcher" aria-label=MESSAGES.role_label
                        prop:value=move || app.role.get().as_str()
                        on:change=move |ev| {
                            if let Some(role) = Role::parse(&event_target_value(&ev)) {
                                state::switch_role(role);
                            }
                        }>
                        {move || roles().into_iter().map(|r| view! {
                            <option value=r.as_str() selected=move || app.role.get() == r>{MESSAGES.role(r)}</option>
                        }).collect_view()}
                    </select>
                </label>
            })}
            <BigModeToggle/>
            <button type="button" class="logout" data-testid="logout" disabled=move || logging_out.get()
                on:click=move |_| {
                    logging_out.set(true);
                    leptos::task::spawn_local(async move {
                        state::logout().await;
                        logging_out.set(false);
                    });
                }>
                {MESSAGES.logout}
            </button>
        </header>
        <nav class="tabs" aria-label=MESSAGES.product_name>
            {move || nav_links(app.role.get()).into_iter().map(|(id, route, text)| {
                let href = route.href();
                let current = { let href = href.clone(); move || app.path.with(|p| *p == href) };
                view! {
                    <a href=href data-testid=id on:click=go(route)
                        class:active=current.clone() aria-current=move || current().then_some("page")>{text}</a>
                }
            }).collect_view()}
            <InboxLink/>
        </nav>
        {move || (!app.live_ok.get() && app.me.with(Option::is_some)).then(|| view! {
            <p class="offline" role="status">{MESSAGES.reconnecting}</p>
        })}
        <main class="page">{children()}</main>
    }
}
