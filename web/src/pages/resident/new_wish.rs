//! `/resident/new`: post a wish, with inline validation by the shared newtypes.

use haolin_shared::api::{Community, PlaceLevel, PlaceRef};
use haolin_shared::domain::DEFAULT_CATEGORIES;
use leptos::prelude::*;

use super::home::on_path;
use crate::components::go;
use crate::components::photos::{PhotoField, PhotoPicker};
use crate::i18n::MESSAGES;
use crate::route::Route;
use crate::validate::{self, WishForm};
use crate::{api, state, time};

/// The error line under a field, present only while the field is invalid.
fn field_error(id: &'static str, error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|e| view! { <p class="field-error" id=format!("{id}-msg") data-testid=id role="alert">{e}</p> })
    }
}

/// The wish form.
#[component]
pub fn NewWish() -> impl IntoView {
    let communities = RwSignal::new(Vec::<Community>::new());
    let community = RwSignal::new(String::new());
    // The registered home's community and grid: the form's default.
    let home = RwSignal::new(None::<(PlaceRef, PlaceRef)>);
    let category = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let expected = RwSignal::new(String::new());
    // A field's error shows once it has been typed in, left, or the form submitted.
    let touched = RwSignal::new([false; 5]);
    let photos = PhotoField::default();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let key = StoredValue::new(format!("{:x}{:x}", time::now_ms() as u64, (js_sys::Math::random() * 1e12) as u64));

    leptos::task::spawn_local(async move {
        let at_home = api::me::home().await.ok().and_then(|me| me.home).and_then(|h| {
            Some((on_path(&h.path, PlaceLevel::Community)?.clone(), on_path(&h.path, PlaceLevel::Grid)?.clone()))
        });
        match api::communities::list(None, None).await {
            Ok(page) => {
                let default = match &at_home {
                    Some((c, _)) => Some(c.id.clone()),
                    None => page.items.first().map(|c| c.id.clone()),
                };
                communities.set(page.items);
                community.set(default.unwrap_or_default());
            }
            Err(e) => failure.set(Some(e.message())),
        }
        home.set(at_home);
    });
    // The home grid goes with the wish while the home's community is the chosen one.
    let grid = move || home.get().filter(|(c, _)| community.with(|id| *id == c.id)).map(|(_, g)| g);

    let touch = move |i: usize| touched.update(|t| t[i] = true);
    let shown = move |i: usize, err: Option<String>| if touched.with(|t| t[i]) { err } else { None };
    let e_category = Signal::derive(move || shown(0, validate::category_error(&category.get())));
    let e_title = Signal::derive(move || shown(1, validate::title_error(&title.get())));
    let e_description = Signal::derive(move || shown(2, validate::description_error(&description.get())));
    let e_phone = Signal::derive(move || shown(3, validate::contact_phone_error(&phone.get())));
    let e_expected = Signal::derive(move || shown(4, validate::expected_by_error(&expected.get(), &time::today())));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || photos.busy.get_untracked() {
            return;
        }
        touched.set([true; 5]);
        let form = WishForm {
            community_id: community.get_untracked(),
            grid_id: grid().map(|g| g.id).unwrap_or_default(),
            category: category.get_untracked(),
            title: title.get_untracked(),
            description: description.get_untracked(),
            contact_phone: phone.get_untracked(),
            expected_by: expected.get_untracked(),
            photos: photos.ids(),
        };
        let request = match validate::check_wish(&form, &time::today()) {
            Ok(r) => r,
            Err(errors) => {
                failure.set(errors.community);
                return;
            }
        };
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match api::wishes::create(&request, &key.get_value()).await {
                Ok(wish) => {
                    state::navigate(Route::Wish(wish.id));
                    state::toast(MESSAGES.wish_posted);
                }
                Err(e) => failure.set(Some(e.message())),
            }
            busy.set(false);
        });
    };

    let invalid = move |e: Signal<Option<String>>| move || e.with(Option::is_some).to_string();
    view! {
        <h1>{MESSAGES.new_wish}</h1>
        <form class="form" on:submit=submit novalidate>
            <Show when=move || { communities.with(|c| c.len() > 1) }>
                <label for="wish-community">{MESSAGES.community}</label>
                <select id="wish-community" data-testid="wish-community" prop:value=community
                    on:change=move |ev| community.set(event_target_value(&ev))>
                    {move || communities.get().into_iter().map(|c| view! { <option value=c.id.clone()>{c.name.clone()}</option> }).collect_view()}
                </select>
            </Show>
            <p class="hint">
                {MESSAGES.wish_grid}{MESSAGES.colon}
                <span data-testid="wish-grid">{move || grid().map_or(MESSAGES.none.to_owned(), |g| g.name)}</span>" "
                <a href=Route::HomeGrid.href() data-testid="wish-set-home" on:click=go(Route::HomeGrid)>{MESSAGES.set_home}</a>
            </p>
            <label for="wish-category">{MESSAGES.category}</label>
            <select id="wish-category" data-testid="wish-category" aria-describedby="error-category-msg" prop:value=category aria-invalid=invalid(e_category)
                on:change=move |ev| { category.set(event_target_value(&ev)); touch(0); } on:blur=move |_| touch(0)>
                <option value="">{MESSAGES.choose_category}</option>
                {DEFAULT_CATEGORIES.iter().map(|c| view! { <option value=*c>{*c}</option> }).collect_view()}
            </select>
            {field_error("error-category", e_category)}

            <label for="wish-title">{MESSAGES.title}</label>
            <input id="wish-title" data-testid="wish-title" type="text" aria-describedby="error-title-msg" prop:value=title aria-invalid=invalid(e_title)
                on:input=move |ev| { title.set(event_target_value(&ev)); touch(1); } on:blur=move |_| touch(1)/>
            {field_error("error-title", e_title)}

            <label for="wish-description">{MESSAGES.description}</label>
            <textarea id="wish-description" data-testid="wish-description" rows="4" aria-describedby="error-description-msg" prop:value=description
                aria-invalid=invalid(e_description)
                on:input=move |ev| { description.set(event_target_value(&ev)); touch(2); } on:blur=move |_| touch(2)></textarea>
            {field_error("error-description", e_description)}

            <label for="wish-contact-phone">{MESSAGES.contact_phone}</label>
            <input id="wish-contact-phone" data-testid="wish-contact-phone" type="tel" inputmode="numeric" prop:value=phone
                aria-invalid=invalid(e_phone) aria-describedby="phone-hint error-contact-phone-msg"
                on:input=move |ev| { phone.set(event_target_value(&ev)); touch(3); } on:blur=move |_| touch(3)/>
            <p class="hint" id="phone-hint">{MESSAGES.contact_phone_hint}</p>
            {field_error("error-contact-phone", e_phone)}

            <label for="wish-expected-by">{MESSAGES.expected_by}</label>
            <input id="wish-expected-by" data-testid="wish-expected-by" type="date" aria-describedby="error-expected-by-msg" prop:value=expected
                aria-invalid=invalid(e_expected)
                on:input=move |ev| { expected.set(event_target_value(&ev)); touch(4); } on:blur=move |_| touch(4)/>
            {field_error("error-expected-by", e_expected)}

            <PhotoPicker field=photos id="wish-photos".to_owned()/>
            {move || failure.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button type="submit" class="primary" data-testid="wish-submit"
                disabled=move || busy.get() || photos.busy.get()>{MESSAGES.submit_wish}</button>
        </form>
    }
}
