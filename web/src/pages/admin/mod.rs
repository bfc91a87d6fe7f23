//! The admin's place tree browser (office bundle, `/admin` and `/admin/places/:id`): district →
//! street → community → grid → ten-household unit, each place with its path and unified code;
//! create a child, rename, move under another parent found by its code, retire.

mod children;
mod place;

use haolin_shared::api::Place;
use leptos::prelude::*;

use crate::api;
use crate::i18n::{DESK, MESSAGES};
use crate::route::Route;

/// `/admin` (`id` is `None`: the top of the tree) or `/admin/places/:id`.
#[component]
pub fn PlaceTree(
    /// The place shown, or `None` for the top of the tree.
    id: Option<String>,
) -> impl IntoView {
    let Some(id) = id else {
        return view! {
            <div class="page-head">
                <h1>{MESSAGES.nav_places}</h1>
                // Another bundle: a full page load.
                <a href=Route::Figures(String::new()).href() data-testid="goto-figures">{DESK.goto_figures}</a>
                <a href=Route::Neighbourhood("/points".into()).href() data-testid="goto-points">{crate::i18n::PTS.nav}</a>
            </div>
            <children::Children parent=None/>
        }
        .into_any();
    };
    let place = RwSignal::new(None::<Result<Place, String>>);
    leptos::task::spawn_local(async move {
        place.set(Some(api::places::get(&id).await.map_err(|e| e.message())));
    });
    view! {
        {move || match place.get() {
            None => view! { <p class="loading" role="status">{MESSAGES.loading}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            // A change (rename, move, retire) redraws the place and re-reads its children, whose
            // codes and paths it may have changed.
            Some(Ok(p)) => view! {
                <place::PlaceDetail place=p.clone() current=place/>
                <children::Children parent=Some(p)/>
            }.into_any(),
        }}
    }
    .into_any()
}
