//! An inline confirmation: a question with a "yes" and a "no" button, shown in place of a
//! browser dialog so it reads well on a phone and works with the keyboard.

use leptos::prelude::*;

use crate::i18n::MESSAGES;

/// The confirmation `text`, a `yes` button (test id `testid`, disabled while `busy`) calling
/// `on_yes`, and a cancel button (`{testid}-cancel`) calling `on_no`.
pub fn confirm_box(
    text: &'static str,
    yes: &'static str,
    testid: &'static str,
    busy: RwSignal<bool>,
    on_yes: impl Fn() + 'static,
    on_no: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <div class="confirm" role="alertdialog" aria-label=yes>
            <p>{text}</p>
            <div class="row">
                <button type="button" class="danger" data-testid=testid disabled=busy on:click=move |_| on_yes()>{yes}</button>
                <button type="button" data-testid=format!("{testid}-cancel") on:click=move |_| on_no()>{MESSAGES.close}</button>
            </div>
        </div>
    }
}
