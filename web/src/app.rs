//! The root component.

use leptos::prelude::*;

use crate::api::{self, Health};
use crate::i18n::MESSAGES;

/// The whole app for now: the product name, its motto and whether the server answers.
#[component]
pub fn App() -> impl IntoView {
    let health = LocalResource::new(api::check_health);

    view! {
        <main class="app">
            <header class="brand">
                <h1>{MESSAGES.product_name}</h1>
                <p class="motto">{MESSAGES.motto}</p>
            </header>
            <p class="status" role="status" aria-live="polite">
                {move || match health.get() {
                    None => view! { <span class="pending">{MESSAGES.health_checking}</span> },
                    Some(Health::Up) => view! { <span class="up">{MESSAGES.health_up}</span> },
                    Some(Health::Down) => view! { <span class="down">{MESSAGES.health_down}</span> },
                }}
            </p>
        </main>
    }
}
