//! The neighbourhood bundle's pages: the property service ratings (`property`, below `/property`),
//! the service points (`points`, below `/points`) and the notices (`notices`, below `/notices`).
//! Each module reads the rest of its own path.

use haolin_shared::api::User;
use leptos::prelude::*;

pub mod notices;
pub mod points;
pub mod property;

/// The page at the client path `path` (one of `haolin_shared::bundles::NEIGHBOURHOOD_ROUTES` or
/// below it) for the signed-in `me`.
pub fn page(path: &str, me: User) -> AnyView {
    if let Some(rest) = path.strip_prefix("/property") {
        property::page(rest, me)
    } else if let Some(rest) = path.strip_prefix("/points") {
        points::page(rest, me)
    } else if let Some(rest) = path.strip_prefix("/notices") {
        notices::page(rest, me)
    } else {
        view! { <h1>{crate::i18n::MESSAGES.not_found}</h1> }.into_any()
    }
}
