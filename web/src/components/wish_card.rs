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

/// A card: title (a link to the wish page that covers the whole card, see `style.css`), status,
/// the first photo's thumbnail, the start of the description, where (grid, else community) and by when, category, poster and
/// time; `words`: the status in plain words (for the resident who posted it); `children` are the
/// card's buttons.
#[component]
pub fn WishCard(
    /// The wish.
    wish: Wish,
    /// Whether to say the status in plain words.
    #[prop(optional)]
    words: bool,
    /// The card's buttons.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let route = Route::Wish(wish.id.clone());
    let place = wish.grid.as_ref().or(wish.community.as_ref()).map(|p| p.name.clone());
    let photo = wish.photos.first().map(|p| {
        let alt = format!("{}{}", MESSAGES.wish_photo_alt, wish.title);
        view! { <img class="card-photo" data-testid="wish-card-photo" src=p.thumb_url.clone() alt=alt loading="lazy"/> }
    });
    view! {
        <article class="card" data-testid="wish-card" data-wish-id=wish.id.clone()>
            <div class="card-head">
                <a class="card-title" href=route.href() on:click=go(route) data-testid="wish-title">{wish.title.clone()}</a>
                <StatusBadge status=wish.status/>
            </div>
            {words.then(|| view! { <p class="status-words" data-testid="status-words">{MESSAGES.status_words(wish.status)}</p> })}
            {photo}
            <p class="card-desc" data-testid="wish-card-description">{wish.description.clone()}</p>
            <p class="meta where">
                {place.map(|p| view! { <span data-testid="wish-card-place">{p}</span> })}
                {wish.expected_by.clone().map(|d| view! {
                    <span data-testid="wish-card-expected">{MESSAGES.expected_label}{MESSAGES.colon}{time::format_date(&d)}</span>
                })}
            </p>
            <p class="meta">
                <span class="tag">{wish.category.clone()}</span>
                " "{wish.resident.name.clone()}" · "{time::show(&wish.created_at)}
            </p>
            <Deadline wish=wish.clone()/>
            {children.map(|c| view! { <div class="card-actions">{c()}</div> })}
        </article>
    }
}
