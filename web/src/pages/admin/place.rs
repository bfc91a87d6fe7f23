//! One place: its path (breadcrumb), name, level and code, and the admin's actions on it —
//! rename, move under another parent found by its code, retire (after a confirmation).

use haolin_shared::api::{Place, UpdatePlaceRequest};
use leptos::prelude::*;

use crate::components::confirm::confirm_box;
use crate::components::go;
use crate::error::ApiError;
use crate::i18n::MESSAGES;
use crate::route::Route;
use crate::{api, state};

/// Which action's form is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Panel {
    None,
    Rename,
    Move,
    Retire,
}

/// An in-app link to the admin page of a place.
pub fn place_link(id: &str, name: String, testid: &'static str) -> impl IntoView + use<> {
    let route = Route::AdminPlace(id.to_owned());
    view! { <a href=route.href() data-testid=testid on:click=go(route)>{name}</a> }
}

/// The path from the top of the tree to `place`: links to each ancestor, then its own name.
fn breadcrumb(place: &Place) -> impl IntoView + use<> {
    let ancestors = place.path.iter().take(place.path.len().saturating_sub(1)).cloned().collect::<Vec<_>>();
    view! {
        <nav class="crumbs" aria-label=MESSAGES.place_path data-testid="place-breadcrumb">
            <ol>
                <li><a href=Route::Admin.href() on:click=go(Route::Admin)>{MESSAGES.all_places}</a></li>
                {ancestors.into_iter().map(|p| view! { <li>{place_link(&p.id, p.name, "crumb")}</li> }).collect_view()}
                <li aria-current="page">{place.name.clone()}</li>
            </ol>
        </nav>
    }
}

/// The place, its actions, and the answer of the last one.
#[component]
pub fn PlaceDetail(place: Place, current: RwSignal<Option<Result<Place, String>>>) -> impl IntoView {
    let panel = RwSignal::new(Panel::None);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(place.id.clone());
    // Runs one change; its answer (the place as it now is) replaces the page's place.
    let change = move |request: UpdatePlaceRequest| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = api::places::update(&id.get_value(), &request).await;
            finish(result, busy, error, current);
        });
    };
    let retire = move || {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = api::places::retire(&id.get_value()).await;
            if result.is_err() {
                panel.set(Panel::None);
            }
            finish(result, busy, error, current);
        });
    };
    let toggle = move |p: Panel| panel.update(|open| *open = if *open == p { Panel::None } else { p });
    let retired = place.retired_at.is_some();
    let movable = place.level.parent().filter(|_| !retired);
    let name = RwSignal::new(place.name.clone());
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = name.get_untracked().trim().to_owned();
        if !name.is_empty() {
            change(UpdatePlaceRequest { name: Some(name), ..no_change() });
        }
    };
    let kind = place.kind.map(|k| format!("{}{}", MESSAGES.separator, MESSAGES.grid_kind(k)));
    view! {
        {breadcrumb(&place)}
        <section class="detail" data-testid="place-detail" data-place-id=place.id.clone()
            data-level=place.level.as_str() data-retired=retired.to_string()>
            <div class="card-head">
                <h1 data-testid="place-name">{place.name.clone()}</h1>
                {retired.then(|| view! { <span class="badge retired" data-testid="place-retired">{MESSAGES.retired}</span> })}
            </div>
            <p class="facts">
                <span class="label">{MESSAGES.level_label}{MESSAGES.colon}</span>
                <span data-testid="place-level">{MESSAGES.place_level(place.level)}{kind}</span><br/>
                <span class="label">{MESSAGES.code}{MESSAGES.colon}</span>
                <code data-testid="place-code">{place.code.clone()}</code>
            </p>
            {(!retired).then(|| view! {
                <div class="row">
                    <button type="button" data-testid="rename-button" aria-expanded=move || (panel.get() == Panel::Rename).to_string()
                        on:click=move |_| toggle(Panel::Rename)>{MESSAGES.rename}</button>
                    {movable.map(|_| view! {
                        <button type="button" data-testid="move-button" aria-expanded=move || (panel.get() == Panel::Move).to_string()
                            on:click=move |_| toggle(Panel::Move)>{MESSAGES.move_place}</button>
                    })}
                    <button type="button" class="danger" data-testid="retire-button"
                        aria-expanded=move || (panel.get() == Panel::Retire).to_string()
                        on:click=move |_| toggle(Panel::Retire)>{MESSAGES.retire}</button>
                </div>
            })}
            <Show when=move || panel.get() == Panel::Rename>
                <form class="inline-form" on:submit=rename>
                    <label for="rename-name">{MESSAGES.place_name}</label>
                    <input id="rename-name" data-testid="rename-name" type="text" prop:value=name
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                    <button type="submit" class="primary" data-testid="rename-submit"
                        disabled=move || busy.get() || name.with(|n| n.trim().is_empty())>{MESSAGES.save}</button>
                </form>
            </Show>
            {movable.map(|level| view! {
                <Show when=move || panel.get() == Panel::Move>
                    <MoveForm level busy change/>
                </Show>
            })}
            <Show when=move || panel.get() == Panel::Retire>
                {confirm_box(MESSAGES.retire_confirm, MESSAGES.confirm_retire, "retire-confirm", busy, retire,
                    move || panel.set(Panel::None))}
            </Show>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="place-error">{e}</p> })}
        </section>
    }
}

/// An update that changes nothing (fields are filled in by the caller).
fn no_change() -> UpdatePlaceRequest {
    UpdatePlaceRequest { name: None, parent_id: None, kind: None, boundary: None, households: None }
}

/// Shows the answer of a change: the new place, or why it was refused.
fn finish(
    result: Result<Place, ApiError>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    current: RwSignal<Option<Result<Place, String>>>,
) {
    busy.set(false);
    match result {
        Ok(place) => {
            state::toast(MESSAGES.done);
            current.set(Some(Ok(place)));
        }
        Err(e) => error.set(Some(e.message())),
    }
}

/// Moving: the new parent (of `level`) is looked up by its code, shown with its path, then chosen.
#[component]
fn MoveForm(
    level: haolin_shared::api::PlaceLevel,
    busy: RwSignal<bool>,
    change: impl Fn(UpdatePlaceRequest) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let target = RwSignal::new(None::<Result<Place, String>>);
    let finding = RwSignal::new(false);
    let find = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let raw = code.get_untracked().trim().to_owned();
        if raw.is_empty() {
            return;
        }
        finding.set(true);
        leptos::task::spawn_local(async move {
            let found = match api::places::by_code(&raw).await {
                Ok(p) if p.level != level => Err(format!("{}{}", MESSAGES.parent_must_be, MESSAGES.place_level(level))),
                Ok(p) if p.retired_at.is_some() => Err(MESSAGES.parent_retired.to_owned()),
                Ok(p) => Ok(p),
                Err(e) if e.status() == Some(404) => Err(MESSAGES.no_such_code.to_owned()),
                Err(e) => Err(e.message()),
            };
            target.set(Some(found));
            finding.set(false);
        });
    };
    view! {
        <form class="inline-form" on:submit=find>
            <label for="move-code">{format!("{}{}{}", MESSAGES.new_parent_code_1, MESSAGES.place_level(level), MESSAGES.new_parent_code_2)}</label>
            <input id="move-code" data-testid="move-code" type="text" inputmode="numeric" prop:value=code
                on:input=move |ev| { code.set(event_target_value(&ev)); target.set(None); }/>
            <button type="submit" data-testid="move-find" disabled=finding>{MESSAGES.find}</button>
            {move || target.get().map(|t| match t {
                Err(e) => view! { <p class="field-error" role="alert" data-testid="move-error">{e}</p> }.into_any(),
                Ok(p) => {
                    let path = p.path.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" / ");
                    let parent_id = p.id.clone();
                    view! {
                        <p data-testid="move-target" data-place-id=p.id.clone()>
                            {MESSAGES.move_to}{MESSAGES.colon}{path}" "<code>{p.code.clone()}</code>
                        </p>
                        <button type="button" class="primary" data-testid="move-submit" disabled=busy
                            on:click=move |_| change(UpdatePlaceRequest { parent_id: Some(parent_id.clone()), ..no_change() })>
                            {MESSAGES.confirm_move}
                        </button>
                    }.into_any()
                }
            })}
        </form>
    }
}
