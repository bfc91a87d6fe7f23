//! The party member's pages (接单): the pool of open wishes and my claims.

use haolin_shared::api::{Role, User, Wish};
use haolin_shared::domain::WishStatus;
use leptos::prelude::*;

use crate::api::wishes::WishFeed;
use crate::components::mark_wish_read;
use crate::components::notices::HomeNotices;
use crate::components::wish_card::WishCard;
use crate::components::wish_list::{WishList, WishListView};
use crate::i18n::{DESK, MESSAGES};
use crate::route::Route;
use crate::{access, api, state};

/// One card of the pool with its claim button.
#[component]
fn PoolCard(wish: Wish, me: StoredValue<User>, list: WishList) -> impl IntoView {
    let busy = RwSignal::new(false);
    let can_claim = me.with_value(|me| access::may_claim(me, &wish));
    let id = wish.id.clone();
    let claim = move |_| {
        let id = id.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::wishes::claim(&id, None).await {
                Ok(w) => {
                    mark_wish_read(w.id.clone());
                    list.replace(w, false);
                    state::toast(MESSAGES.claimed_ok);
                }
                Err(e) if e.is_lost_race() => {
                    state::toast(MESSAGES.lost_race);
                    // Refresh the card: the wish is now someone else's, usually out of sight.
                    match api::wishes::get(&id).await {
                        Ok(w) => {
                            let keep = w.status == WishStatus::Open;
                            list.replace(w, keep);
                        }
                        Err(_) => list.remove(&id),
                    }
                }
                Err(e) => state::toast(e.message()),
            }
            busy.set(false);
        });
    };
    view! {
        <WishCard wish=wish>
            {can_claim.then(|| view! {
                <button type="button" class="primary" data-testid="claim-button" disabled=busy on:click=claim.clone()>
                    {MESSAGES.action(haolin_shared::domain::WishAction::Claim)}
                </button>
            })}
        </WishCard>
    }
}

/// `/member`: open wishes of my communities, newest first, with infinite scroll; beside the
/// heading the link to volunteer service and the time bank.
#[component]
pub fn Pool(
    /// The logged-in account.
    me: User,
) -> impl IntoView {
    let keep_me = me.clone();
    let list = WishList::new(WishFeed::Open, move |w| {
        w.status == WishStatus::Open && access::holds(&keep_me, Role::Member, &w.community_id)
    });
    let me = StoredValue::new(me);
    view! {
        <div class="page-head">
            <h1>{MESSAGES.pool}</h1>
            // Another bundle: a full page load.
            <a href=Route::Volunteer(String::new()).href() data-testid="goto-volunteer">{MESSAGES.nav_volunteer}</a>
        </div>
        // Another bundle: a full page load.
        <p class="alt"><a href=Route::Figures("/me".to_owned()).href() data-testid="goto-my-figures">{DESK.goto_my_figures}</a></p>
        <HomeNotices/>
        <WishListView list testid="pool" paged=true card=move |w| view! { <PoolCard wish=w me list/> }/>
    }
}

/// `/member/claims`: the wishes I hold, with their deadlines.
#[component]
pub fn Claims(
    /// The logged-in account.
    me: User,
) -> impl IntoView {
    let my_id = me.id.clone();
    let list = WishList::new(WishFeed::Held, move |w| {
        w.claimant.as_ref().is_some_and(|p| p.id == my_id) || w.assignee.as_ref().is_some_and(|p| p.id == my_id)
    });
    view! {
        <h1>{MESSAGES.my_claims}</h1>
        <WishListView list testid="my-claims" paged=true card=|w| view! { <WishCard wish=w/> }/>
    }
}
