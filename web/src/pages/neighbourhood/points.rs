//! The service points (红帆驿站, docs/SERVICE-POINTS.md) below `/points`: the list nearest first
//! (from the browser's location after 用我的位置, else from the home grid) with the open-now badge,
//! the services and a call link, a map view drawn as SVG over the grid outlines (`map.rs`), one
//! point's page, and the editor for dispatchers and admins (`edit.rs`: `/points/new`,
//! `/points/{id}/edit`). The list is the primary view; the map repeats it for the eye.

mod edit;
mod map;

use haolin_shared::api::{Page, Role, ServicePoint, User};
use leptos::prelude::*;

use crate::api;
use crate::api::points::Near;
use crate::components::go;
use crate::i18n::PTS;
use crate::route::Route;

/// The route of a path below `/points`.
fn route(rest: &str) -> Route {
    Route::Neighbourhood(format!("/points{rest}"))
}

/// Whether `me` maintains points somewhere (a dispatcher or an admin).
fn maintains(me: &User) -> bool {
    me.roles.iter().any(|r| matches!(r, Role::Admin | Role::Dispatcher))
}

/// The page below `/points` (`rest` is the path after it).
pub fn page(rest: &str, me: User) -> AnyView {
    let rest = rest.trim_end_matches('/');
    match rest.strip_prefix('/') {
        None => view! { <PointList me/> }.into_any(),
        Some("new") => view! { <edit::Editor id=None me/> }.into_any(),
        Some(tail) => match tail.split_once('/') {
            None => view! { <PointPage id=tail.to_owned() me/> }.into_any(),
            Some((id, "edit")) => view! { <edit::Editor id=Some(id.to_owned()) me/> }.into_any(),
            Some(_) => view! { <h1>{crate::i18n::MESSAGES.not_found}</h1> }.into_any(),
        },
    }
}

/// A distance as a person reads it: metres below a kilometre, else kilometres with one decimal.
fn distance(m: i64) -> String {
    if m < 1000 { format!("{m}{}", PTS.metres) } else { format!("{:.1}{}", m as f64 / 1000.0, PTS.kilometres) }
}

/// The open-now badge.
fn badge(open: bool) -> impl IntoView {
    let (class, text) = if open { ("badge open", PTS.open_now) } else { ("badge closed", PTS.closed_now) };
    view! { <span class=class data-testid="point-open" data-open=open.to_string()>{text}</span> }
}

/// The call link of a phone.
fn call(phone: &str) -> impl IntoView + use<> {
    let href = format!("tel:{}", phone.replace('-', ""));
    view! { <a class="call" href=href data-testid="point-call">{format!("{} {phone}", PTS.call)}</a> }
}

/// One point in the list.
fn item(p: ServicePoint) -> impl IntoView {
    let link = route(&format!("/{}", p.id));
    view! {
        <li class="point" data-testid="point-item" data-id=p.id.clone()>
            <div class="point-head">
                <a href=link.href() on:click=go(link.clone()) data-testid="point-link">{p.name.clone()}</a>
                {badge(p.open_now)}
            </div>
            <p class="hint">
                {p.distance_m.map(|m| view! { <span data-testid="point-distance">{distance(m)}</span> " · " })}
                {p.address.clone()}
            </p>
            <p class="services" data-testid="point-services">{p.services.join(" · ")}</p>
            {call(&p.contact.phone)}
        </li>
    }
}

/// Where the list is sorted from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Origin {
    Home,
    Here(f64, f64),
    /// No home registered: unsorted.
    Nowhere,
}

/// `/points`: the list (or the map) nearest first.
#[component]
fn PointList(me: User) -> impl IntoView {
    let origin = RwSignal::new(Origin::Home);
    let items = RwSignal::new(Vec::<ServicePoint>::new());
    let next = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let show_map = RwSignal::new(false);
    let seq = StoredValue::new(0_u32);
    let load = move |from: Origin, cursor: Option<String>| {
        if cursor.is_none() {
            seq.update_value(|n| *n += 1);
        }
        let mine = seq.get_value();
        leptos::task::spawn_local(async move {
            let mut from = from;
            let mut answer: Result<Page<ServicePoint>, _> = match from {
                Origin::Home => api::points::list(Near::Home, cursor.as_deref()).await,
                Origin::Here(lng, lat) => api::points::list(Near::At(lng, lat), cursor.as_deref()).await,
                Origin::Nowhere => api::points::list_all(cursor.as_deref()).await,
            };
            // Without a registered home (422 on `near`) the list is unsorted until the browser
            // gives a location.
            if from == Origin::Home && answer.as_ref().err().and_then(|e| e.status()) == Some(422) {
                from = Origin::Nowhere;
                answer = api::points::list_all(None).await;
            }
            if seq.get_value() != mine {
                return;
            }
            match answer {
                Ok(page) => {
                    if cursor.is_none() {
                        items.set(page.items);
                    } else {
                        items.update(|v| v.extend(page.items));
                    }
                    next.set(page.next_cursor);
                    origin.set(from);
                    loaded.set(true);
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    load(Origin::Home, None);
    let locate = move |_| {
        note.set(Some(PTS.locating));
        leptos::task::spawn_local(async move {
            match crate::pages::resident::locate().await {
                Ok(p) => {
                    note.set(None);
                    load(Origin::Here(p.lng, p.lat), None);
                }
                Err(crate::pages::resident::NoLocation::Denied) => note.set(Some(PTS.location_denied)),
                Err(_) => note.set(Some(PTS.location_failed)),
            }
        });
    };
    let hint = move || match origin.get() {
        Origin::Home => PTS.from_home,
        Origin::Here(..) => PTS.from_location,
        Origin::Nowhere => PTS.unsorted,
    };
    let here = move || match origin.get() {
        Origin::Here(lng, lat) => Some((lng, lat)),
        _ => None,
    };
    let new_link = route("/new");
    view! {
        <div class="page-head">
            <h1>{PTS.title}</h1>
            {maintains(&me).then(|| view! {
                <a href=new_link.href() on:click=go(new_link.clone()) data-testid="point-new">{PTS.new_point}</a>
            })}
        </div>
        <p class="hint">{PTS.intro}</p>
        <div class="point-tools">
            <button type="button" data-testid="point-locate" on:click=locate>{PTS.use_location}</button>
            <div class="toggle" role="group">
                <button type="button" data-testid="point-show-list" aria-pressed=move || (!show_map.get()).to_string()
                    on:click=move |_| show_map.set(false)>{PTS.show_list}</button>
                <button type="button" data-testid="point-show-map" aria-pressed=move || show_map.get().to_string()
                    on:click=move |_| show_map.set(true)>{PTS.show_map}</button>
            </div>
        </div>
        <p class="hint" data-testid="point-origin">{hint}</p>
        {move || note.get().map(|n| view! { <p class="hint" role="status">{n}</p> })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || show_map.get().then(|| view! { <map::PointMap items=items here=Signal::derive(here)/> })}
        <Show when=move || !show_map.get()>
            <Show when=move || loaded.get() fallback=|| view! { <p class="hint">{crate::i18n::MESSAGES.loading}</p> }>
                {move || items.with(Vec::is_empty).then(|| view! { <p class="hint" data-testid="point-empty">{PTS.empty}</p> })}
                <ul class="points" data-testid="point-list">
                    <For each=move || items.get() key=|p| p.id.clone() children=item/>
                </ul>
                {move || next.get().map(|c| view! {
                    <button type="button" data-testid="point-more" on:click=move |_| load(origin.get_untracked(), Some(c.clone()))>{PTS.more}</button>
                })}
            </Show>
        </Show>
    }
}

/// `/points/{id}`: one point.
#[component]
fn PointPage(id: String, me: User) -> impl IntoView {
    let point = RwSignal::new(None::<Result<ServicePoint, String>>);
    {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            point.set(Some(api::points::one(&id).await.map_err(|e| e.message())));
        });
    }
    let manager = maintains(&me);
    let back = route("");
    view! {
        <p class="alt"><a href=back.href() on:click=go(back.clone())>{PTS.back}</a></p>
        {move || match point.get() {
            None => view! { <p class="hint">{crate::i18n::MESSAGES.loading}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Some(Ok(p)) => point_view(p, manager).into_any(),
        }}
    }
}

/// A point's whole page.
fn point_view(p: ServicePoint, manager: bool) -> impl IntoView {
    let edit = route(&format!("/{}/edit", p.id));
    let days: Vec<(&'static str, String)> = PTS
        .weekdays
        .iter()
        .zip(p.hours.weekly.iter())
        .map(|(d, hours)| (*d, if hours.is_empty() { PTS.closed_day.to_owned() } else { hours.join("，") }))
        .collect();
    view! {
        <article class="point-page" data-testid="point-page" data-id=p.id.clone()>
            <div class="page-head">
                <h1>{p.name.clone()}</h1>
                {badge(p.open_now)}
            </div>
            {p.retired_at.is_some().then(|| view! { <p class="error">{PTS.retired}</p> })}
            <dl class="point-facts">
                <dt>{PTS.address}</dt><dd>{p.address.clone()}</dd>
                <dt>{PTS.community}</dt><dd>{p.community_name.clone()}</dd>
                <dt>{PTS.services}</dt><dd data-testid="point-services">{p.services.join(" · ")}</dd>
                <dt>{PTS.contact}</dt><dd>{p.contact.name.clone()} " " {call(&p.contact.phone)}</dd>
            </dl>
            <h2>{PTS.hours}</h2>
            <table class="point-hours" data-testid="point-hours">
                <tbody>
                    {days.into_iter().map(|(d, h)| view! { <tr><th scope="row">{d}</th><td>{h}</td></tr> }).collect_view()}
                </tbody>
            </table>
            {p.hours.follows_calendar.then(|| view! { <p class="hint">{PTS.follows_calendar}</p> })}
            {(manager && p.retired_at.is_none()).then(|| view! {
                <p><a href=edit.href() on:click=go(edit.clone()) data-testid="point-edit">{PTS.edit}</a></p>
            })}
        </article>
    }
}
