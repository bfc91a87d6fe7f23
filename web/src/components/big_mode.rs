//! 大字模式 (elderly mode, after the 2021 national guideline for elderly-friendly apps): larger
//! text and buttons, stronger contrast, one column. A switch on every page sets the class `big`
//! on `<html>` (the looks are all in `style.css`) and `localStorage` remembers it.

use leptos::prelude::*;

use crate::i18n::MESSAGES;

const KEY: &str = "haolin.big";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn apply(on: bool) {
    if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = if on { html.set_attribute("class", "big") } else { html.remove_attribute("class") };
    }
}

/// Whether the remembered choice is 大字模式.
fn remembered() -> bool {
    storage().and_then(|s| s.get_item(KEY).ok().flatten()).is_some_and(|v| v == "1")
}

/// Applies the remembered choice (once, before the first page is drawn).
pub fn init() {
    apply(remembered());
}

/// The switch (`big-mode`, `aria-pressed`).
#[component]
pub fn BigModeToggle() -> impl IntoView {
    let on = RwSignal::new(remembered());
    let flip = move |_| {
        let next = !on.get_untracked();
        on.set(next);
        apply(next);
        if let Some(s) = storage() {
            let _ = if next { s.set_item(KEY, "1") } else { s.remove_item(KEY) };
        }
    };
    view! {
        <button type="button" class="big-toggle" data-testid="big-mode" aria-pressed=move || on.get().to_string()
            on:click=flip>{MESSAGES.big_mode}</button>
    }
}
