//! One wish in a list.

use haolin_shared::api::Wish;
use haolin_shared::domain::WishStatus;
use leptos::prelude::*;

use super::go;
use crate::i18n::MESSAGES;
use crate::route::Route;
use crate::time;

/// The status badge (`wish-status`, with `data-status`).
#[component]
pub fn StatusBadge(
    /// The status shown.
    status: WishStatus,
) -> impl IntoView {
    view! {
        <span class=format!("badge badge-{}", status.as_str()) data-testid="wish-status" data-status=status.as_str()>
            {MESSAGES.status(status)}
        </span>
    }
}

/// The claim deadline of a claimed wish (`claim-deadline`), in local time.
#[component]
pub fn Deadline(
    /// The wish.
    wish: Wish,
) -> impl IntoView {
    (wish.status == WishStatus::Claimed).then_some(wish.claim_expires_at).flatten().map(
        |at| view! { <p class="deadline" data-testid="claim-deadline">{MESSAGES.deadline}{MESSAGES.colon}{time::show(&at)}</p> },
    )
}

/// A card: title (a link to the wish page), status, category, poster and time; `children` are
/// the card's buttons.
#[component]
pub fn WishCard(
    /// The wish.
    wish: Wish,
    /// The card's buttons.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let route = Route::Wish(wish.id.clone());
    view! {
        <article class="card" data-testid="wish-card" data-wish-id=wish.id.clone()>
            <div class="card-head">
                <a class="card-title" href=route.href() on:click=go(route) data-testid="wish-title">{wish.title.clone()}</a>
                <StatusBadge status=wish.status/>
            </div>
            <p class="meta">
                <span class="tag">{wish.category.clone()}</span>
                " "{wish.resident.name.clone()}" · "{time::show(&wish.created_at)}
            </p>
            <Deadline wish=wish.clone()/>
            {children.map(|c| view! { <div class="card-actions">{c()}</div> })}
        </article>
    }
}
