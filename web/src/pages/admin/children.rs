//! The places under a place (or the top of the tree), page by page, and the form that creates one.

use haolin_shared::api::{CreatePlaceRequest, GridKind, Place, PlaceLevel};
use leptos::prelude::*;

use super::place::place_link;
use crate::i18n::MESSAGES;
use crate::{api, state};

/// The level of the places under a place of `level` (`None`: the top, where districts are made).
fn child_level(level: Option<PlaceLevel>) -> Option<PlaceLevel> {
    match level {
        None => Some(PlaceLevel::District),
        Some(l) => PlaceLevel::ALL.into_iter().find(|c| c.parent() == Some(l)),
    }
}

/// One place of a list: its name (a link to its page), code, level and whether it is retired.
fn place_item(p: Place) -> impl IntoView {
    let retired = p.retired_at.is_some();
    let kind = p.kind.map(|k| format!("{}{}", MESSAGES.separator, MESSAGES.grid_kind(k)));
    view! {
        <li class="place-item" data-testid="place-item" data-place-id=p.id.clone() data-level=p.level.as_str()
            data-retired=retired.to_string() class:retired=retired>
            {place_link(&p.id, p.name.clone(), "place-link")}
            {retired.then(|| view! { <span class="badge retired" data-testid="place-retired">{MESSAGES.retired}</span> })}
            <span class="meta">
                <code data-testid="place-code">{p.code.clone()}</code>" "{MESSAGES.place_level(p.level)}{kind}
            </span>
        </li>
    }
}

/// The children of `parent` (`None`: the top of the tree) and, unless `parent` is a unit or
/// retired, the form to create one.
#[component]
pub fn Children(parent: Option<Place>) -> impl IntoView {
    let items = RwSignal::new(Vec::<Place>::new());
    let cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<String>);
    let parent_id = parent.as_ref().map(|p| p.id.clone());
    let parent_key = StoredValue::new(parent_id.clone());
    let load = move |after: Option<String>| {
        loading.set(true);
        let request = parent_key.with_value(|p| api::places::list(p.as_deref(), 50, after.as_deref()));
        leptos::task::spawn_local(async move {
            match request.await {
                Ok(page) => {
                    items.update(|list| list.extend(page.items));
                    cursor.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message())),
            }
            loading.set(false);
        });
    };
    load(None);
    let level = child_level(parent.as_ref().map(|p| p.level));
    let open = parent.as_ref().is_none_or(|p| p.retired_at.is_none());
    let heading = match (&parent, level) {
        (Some(_), Some(l)) => format!("{}{}", MESSAGES.children_of, MESSAGES.place_level(l)),
        _ => MESSAGES.all_places.to_owned(),
    };
    view! {
        {level.map(|_| view! {
            <section class="children">
                <h2>{heading}</h2>
                <ul class="places" data-testid="child-list" aria-busy=move || loading.get().to_string()>
                    <For each=move || items.get() key=|p| p.id.clone() children=place_item/>
                </ul>
                <Show when=move || !loading.get() && items.with(Vec::is_empty)>
                    <p class="empty" data-testid="empty-list">{MESSAGES.no_places}</p>
                </Show>
                <Show when=move || loading.get()>
                    <p class="loading" role="status">{MESSAGES.loading}</p>
                </Show>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <Show when=move || cursor.with(Option::is_some)>
                    <button type="button" class="load-more" data-testid="load-more" disabled=loading
                        on:click=move |_| load(cursor.get_untracked())>{MESSAGES.load_more}</button>
                </Show>
            </section>
        })}
        {level.filter(|_| open).map(|level| view! { <CreateForm level parent_id=parent_id.clone() items/> })}
    }
}

/// Creates a place of `level` under `parent_id`: a name, a code (required for a district, else
/// optional: the next free one is taken) and, for a grid, its kind.
#[component]
fn CreateForm(level: PlaceLevel, parent_id: Option<String>, items: RwSignal<Vec<Place>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let kind = RwSignal::new(GridKind::Comprehensive.as_str().to_owned());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let parent_id = StoredValue::new(parent_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = CreatePlaceRequest {
            level,
            name: name.get_untracked().trim().to_owned(),
            parent_id: parent_id.get_value(),
            code: Some(code.get_untracked().trim().to_owned()).filter(|c| !c.is_empty()),
            kind: (level == PlaceLevel::Grid).then(|| GridKind::parse(&kind.get_untracked())).flatten(),
            boundary: None,
            households: None,
        };
        if request.name.is_empty() {
            error.set(Some(MESSAGES.name_required.to_owned()));
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::places::create(&request).await {
                Ok(place) => {
                    items.update(|list| list.push(place));
                    name.set(String::new());
                    code.set(String::new());
                    state::toast(MESSAGES.done);
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let code_label = if level == PlaceLevel::District { MESSAGES.district_code } else { MESSAGES.code_optional };
    view! {
        <form class="form" on:submit=submit novalidate>
            <h2>{MESSAGES.create}{MESSAGES.place_level(level)}</h2>
            <label for="create-name">{MESSAGES.place_name}</label>
            <input id="create-name" data-testid="create-name" type="text" prop:value=name
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <label for="create-code">{code_label}</label>
            <input id="create-code" data-testid="create-code" type="text" inputmode="numeric" prop:value=code
                on:input=move |ev| code.set(event_target_value(&ev))/>
            {(level == PlaceLevel::Grid).then(|| view! {
                <label for="create-kind">{MESSAGES.grid_kind_label}</label>
                <select id="create-kind" data-testid="create-kind" prop:value=kind
                    on:change=move |ev| kind.set(event_target_value(&ev))>
                    {[GridKind::Comprehensive, GridKind::Dedicated].map(|k| view! {
                        <option value=k.as_str()>{MESSAGES.grid_kind(k)}</option>
                    })}
                </select>
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="create-error">{e}</p> })}
            <button type="submit" class="primary" data-testid="create-submit" disabled=busy>{MESSAGES.create}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_level_holds_the_next_one_and_units_hold_nothing() {
        assert_eq!(child_level(None), Some(PlaceLevel::District));
        assert_eq!(child_level(Some(PlaceLevel::District)), Some(PlaceLevel::Street));
        assert_eq!(child_level(Some(PlaceLevel::Community)), Some(PlaceLevel::Grid));
        assert_eq!(child_level(Some(PlaceLevel::Grid)), Some(PlaceLevel::Unit));
        assert_eq!(child_level(Some(PlaceLevel::Unit)), None);
    }
}
