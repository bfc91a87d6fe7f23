//! PLACEHOLDER of the i17-base branch: replaced by the property pages before anything reaches main.

use haolin_shared::api::User;
use leptos::prelude::*;

/// The page below `/property` (`rest` is the path after it).
pub fn page(_rest: &str, _me: User) -> AnyView {
    view! { <h1>{crate::i18n::MESSAGES.not_found}</h1> }.into_any()
}
