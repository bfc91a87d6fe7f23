//! The report form (随手拍, or a grid worker's find): what, where (the grid, and the browser's
//! location if given), and for a grid worker 即报即办 — a problem solved on the spot is recorded
//! closed.

use haolin_shared::api::{GeoPoint, PlaceRef, WorkOrder};
use leptos::prelude::*;

use crate::components::photos::{PhotoField, PhotoPicker};
use crate::i18n::{MESSAGES, ORDERS};
use crate::pages::resident::{NoLocation, locate};
use crate::validate::{ReportErrors, ReportForm, check_report};
use crate::{api, state};

/// The error line under a field (present only while it says something).
fn field_error(id: &'static str, error: Signal<Option<String>>) -> impl IntoView {
    move || error.get().map(|e| view! { <p class="field-error" id=id data-testid=id role="alert">{e}</p> })
}

/// The report form for `grids` (one: shown; several: chosen); `patrol` adds 即报即办. `done` is
/// called with the new order.
#[component]
pub fn ReportOrderForm(
    /// The grids the report may be filed in.
    grids: Vec<PlaceRef>,
    /// Whether a grid worker reports (即报即办 offered).
    #[prop(optional)]
    patrol: bool,
    /// Called with the new order.
    done: Callback<WorkOrder>,
) -> impl IntoView {
    let categories = RwSignal::new(Vec::<String>::new());
    let grid = RwSignal::new(grids.first().map(|g| g.id.clone()).unwrap_or_default());
    let category = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let location = RwSignal::new(None::<GeoPoint>);
    let locating = RwSignal::new(false);
    let location_error = RwSignal::new(None::<&'static str>);
    let on_spot = RwSignal::new(false);
    let on_spot_note = RwSignal::new(String::new());
    // Errors show once a submit was tried, then follow the typing.
    let tried = RwSignal::new(false);
    let photos = PhotoField::default();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);

    leptos::task::spawn_local(async move {
        match api::work_orders::categories().await {
            Ok(list) => categories.set(list.items),
            Err(e) => failure.set(Some(e.message())),
        }
    });
    let form = move || ReportForm {
        title: title.get(),
        description: description.get(),
        category: category.get(),
        grid_id: grid.get(),
        location: location.get(),
        on_spot: on_spot.get().then(|| on_spot_note.get()),
        photos: photos.ids(),
    };
    let errors = Memo::new(move |_| {
        if tried.get() { check_report(&form()).err().map(|e| *e).unwrap_or_default() } else { ReportErrors::default() }
    });
    let e_title = Signal::derive(move || errors.with(|e| e.title.clone()));
    let e_description = Signal::derive(move || errors.with(|e| e.description.clone()));
    let e_category = Signal::derive(move || errors.with(|e| e.category.clone()));
    let e_on_spot = Signal::derive(move || errors.with(|e| e.on_spot.clone()));
    let e_grid = Signal::derive(move || errors.with(|e| e.grid.clone()));

    let find_me = move |_| {
        locating.set(true);
        location_error.set(None);
        leptos::task::spawn_local(async move {
            match locate().await {
                Ok(point) => location.set(Some(point)),
                Err(NoLocation::Denied) => location_error.set(Some(ORDERS.location_denied)),
                Err(NoLocation::Failed) => location_error.set(Some(ORDERS.location_failed)),
            }
            locating.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || photos.busy.get_untracked() {
            return;
        }
        tried.set(true);
        let Ok(request) = check_report(&form()) else { return };
        let closed = request.resolved_on_spot.is_some();
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match api::work_orders::report(&request).await {
                Ok(order) => {
                    state::toast(if closed { ORDERS.report_closed } else { ORDERS.report_sent });
                    title.set(String::new());
                    description.set(String::new());
                    on_spot.set(false);
                    on_spot_note.set(String::new());
                    photos.clear();
                    tried.set(false);
                    done.run(order);
                }
                Err(e) => failure.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let invalid = move |e: Signal<Option<String>>| move || e.with(Option::is_some).to_string();
    let several = grids.len() > 1;
    let grid_name = grids.first().map(|g| g.name.clone()).unwrap_or_default();

    view! {
        <form class="form" on:submit=submit novalidate data-testid="report-form">
            {if several {
                view! {
                    <label for="report-grid">{MESSAGES.wish_grid}</label>
                    <select id="report-grid" data-testid="report-grid" prop:value=grid
                        on:change=move |ev| grid.set(event_target_value(&ev))>
                        {grids.into_iter().map(|g| view! { <option value=g.id>{g.name}</option> }).collect_view()}
                    </select>
                }.into_any()
            } else {
                view! {
                    <p class="hint">{MESSAGES.wish_grid}{MESSAGES.colon}<span data-testid="report-grid">{grid_name}</span></p>
                }.into_any()
            }}
            {field_error("report-error-grid", e_grid)}
            <label for="report-category">{MESSAGES.category}</label>
            <select id="report-category" data-testid="report-category" prop:value=category aria-invalid=invalid(e_category)
                aria-describedby="report-error-category" on:change=move |ev| category.set(event_target_value(&ev))>
                <option value="">{MESSAGES.choose_category}</option>
                {move || categories.get().into_iter().map(|c| { let v = c.clone(); view! { <option value=v>{c}</option> } }).collect_view()}
            </select>
            {field_error("report-error-category", e_category)}
            <label for="report-title">{MESSAGES.title}</label>
            <input id="report-title" data-testid="report-title" type="text" prop:value=title aria-invalid=invalid(e_title)
                aria-describedby="report-error-title" on:input=move |ev| title.set(event_target_value(&ev))/>
            {field_error("report-error-title", e_title)}
            <label for="report-description">{MESSAGES.description}</label>
            <textarea id="report-description" data-testid="report-description" rows="4" prop:value=description
                aria-invalid=invalid(e_description) aria-describedby="report-error-description"
                on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            {field_error("report-error-description", e_description)}
            <p class="hint" id="report-location-hint">{ORDERS.location_hint}</p>
            <button type="button" data-testid="report-locate" disabled=locating aria-describedby="report-location-hint"
                on:click=find_me>{MESSAGES.use_my_location}</button>
            {move || location.get().map(|_| view! { <p class="hint" role="status" data-testid="report-location">{ORDERS.location_set}</p> })}
            {move || location_error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="report-location-error">{e}</p> })}
            <p hidden=!patrol>
                <label>
                    <input type="checkbox" data-testid="report-on-spot" style="width:2.75rem;vertical-align:middle"
                        prop:checked=on_spot on:change=move |ev| on_spot.set(event_target_checked(&ev))/>
                    {ORDERS.on_spot}
                </label>
            </p>
            <label for="report-on-spot-note" hidden=move || !on_spot.get()>{ORDERS.on_spot_note}</label>
            <textarea id="report-on-spot-note" data-testid="report-on-spot-note" rows="2" hidden=move || !on_spot.get()
                prop:value=on_spot_note aria-invalid=invalid(e_on_spot) aria-describedby="report-error-on-spot"
                on:input=move |ev| on_spot_note.set(event_target_value(&ev))></textarea>
            {field_error("report-error-on-spot", e_on_spot)}
            // Drawn anew, empty, after each report (a grid worker's form stays for the next one).
            {move || { photos.round.track(); view! { <PhotoPicker field=photos id="report-photos".to_owned()/> } }}
            {move || failure.get().map(|e| view! { <p class="error" role="alert" data-testid="report-error">{e}</p> })}
            <button type="submit" class="primary" data-testid="report-submit"
                disabled=move || busy.get() || photos.busy.get()>{ORDERS.submit_report}</button>
        </form>
    }
}
