//! The dispatcher's pages (派单): the review queue with the overview by status and the
//! check-in figures, and the review of check-ins.

mod checkins;

pub use checkins::CheckinReview;

use haolin_shared::api::{Role, User, Wish};
use haolin_shared::domain::{Reason, WishAction, WishStatus};
use leptos::prelude::*;

use crate::api::wishes::WishFeed;
use crate::components::wish_card::WishCard;
use crate::components::wish_list::{WishList, WishListView};
use crate::i18n::MESSAGES;
use crate::{access, api, live, state};

/// One card of the review queue: approve, or reject with a reason.
#[component]
fn QueueCard(wish: Wish, me: StoredValue<User>, list: WishList) -> impl IntoView {
    let actions = me.with_value(|me| access::actions_for(me, &wish));
    let busy = RwSignal::new(false);
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let (id, version) = (wish.id.clone(), wish.version);
    let act = move |action: WishAction| {
        let id = id.clone();
        let reason_text = reason.get_untracked();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = if action == WishAction::Reject {
                api::wishes::reject(&id, reason_text, version).await
            } else {
                api::wishes::approve(&id, version).await
            };
            match result {
                Ok(w) => {
                    list.replace(w, false);
                    state::toast(MESSAGES.done);
                }
                Err(e) => {
                    if e.is_conflict() {
                        list.reload();
                    }
                    error.set(Some(e.message()));
                }
            }
            busy.set(false);
        });
    };
    let reason_error = move || Reason::parse(&reason.get()).err().map(|e| e.to_string());
    let approve = act.clone();
    let reject = act;
    view! {
        <WishCard wish=wish.clone()>
            {actions.contains(&WishAction::Approve).then(|| view! {
                <button type="button" class="primary" data-testid="approve-button" disabled=busy
                    on:click=move |_| approve(WishAction::Approve)>{MESSAGES.action(WishAction::Approve)}</button>
            })}
            {actions.contains(&WishAction::Reject).then(|| view! {
                <button type="button" data-testid="reject-button" disabled=busy aria-expanded=move || rejecting.get().to_string()
                    on:click=move |_| rejecting.update(|r| *r = !*r)>{MESSAGES.action(WishAction::Reject)}</button>
            })}
            <Show when=move || rejecting.get()>
                <div class="inline-form">
                    <label for=format!("reject-{}", wish.id)>{MESSAGES.reason}</label>
                    <textarea id=format!("reject-{}", wish.id) data-testid="action-reason" rows="2" prop:value=reason
                        on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    {move || (!reason.get().is_empty()).then(reason_error).flatten().map(|e| view! { <p class="field-error">{e}</p> })}
                    <button type="button" class="danger" data-testid="action-submit"
                        disabled=move || busy.get() || reason_error().is_some()
                        on:click={
                            let reject = reject.clone();
                            move |_| reject(WishAction::Reject)
                        }>{MESSAGES.submit}</button>
                </div>
            </Show>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="action-error">{e}</p> })}
        </WishCard>
    }
}

/// The counts by status, summed over the dispatcher's communities, reloaded on every live change.
#[component]
fn Overview(communities: Vec<String>) -> impl IntoView {
    let counts = RwSignal::new(None::<Vec<(WishStatus, i64)>>);
    let error = RwSignal::new(None::<String>);
    let communities = StoredValue::new(communities);
    let load = move || {
        leptos::task::spawn_local(async move {
            let mut total: Vec<(WishStatus, i64)> = WishStatus::ALL.iter().map(|s| (*s, 0)).collect();
            for id in communities.get_value() {
                match api::communities::stats(&id).await {
                    Ok(stats) => {
                        for c in stats.counts {
                            if let Some(t) = total.iter_mut().find(|t| t.0 == c.status) {
                                t.1 += c.count;
                            }
                        }
                    }
                    Err(e) => {
                        error.set(Some(e.message()));
                        return;
                    }
                }
            }
            error.set(None);
            counts.set(Some(total));
        });
    };
    load();
    let sub = live::subscribe(move |_| load());
    on_cleanup(move || live::unsubscribe(sub));
    view! {
        <section class="overview">
            <h2>{MESSAGES.overview}</h2>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || match counts.get() {
                None => view! { <p class="loading" role="status">{MESSAGES.loading}</p> }.into_any(),
                Some(counts) => view! {
                    <dl class="counts" data-testid="status-counts">
                        {counts.into_iter().map(|(s, n)| view! {
                            <div class=format!("count badge-{}", s.as_str())>
                                <dt>{MESSAGES.status(s)}</dt>
                                <dd data-testid=format!("count-{}", s.as_str())>{n}</dd>
                            </div>
                        }).collect_view()}
                    </dl>
                }.into_any(),
            }}
        </section>
    }
}

/// The dual check-in figures (双报到), summed over the dispatcher's communities: unit branches and
/// members checked in, and the wishes those members claimed and fulfilled.
#[component]
fn Figures(communities: Vec<String>) -> impl IntoView {
    let figures = RwSignal::new(None::<Result<[i64; 4], String>>);
    leptos::task::spawn_local(async move {
        let mut total = [0_i64; 4];
        for id in communities {
            match api::communities::checkin_stats(&id).await {
                Ok(f) => {
                    for (t, n) in total.iter_mut().zip([
                        f.units_checked_in,
                        f.members_checked_in,
                        f.wishes_claimed,
                        f.wishes_fulfilled,
                    ]) {
                        *t += n;
                    }
                }
                Err(e) => return figures.set(Some(Err(e.message()))),
            }
        }
        figures.set(Some(Ok(total)));
    });
    let labels = [
        ("figure-units", MESSAGES.figure_units),
        ("figure-members", MESSAGES.figure_members),
        ("figure-claimed", MESSAGES.figure_claimed),
        ("figure-fulfilled", MESSAGES.figure_fulfilled),
    ];
    view! {
        <section class="overview">
            <h2>{MESSAGES.checkin_figures}</h2>
            {move || match figures.get() {
                None => view! { <p class="loading" role="status">{MESSAGES.loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(values)) => view! {
                    <dl class="counts" data-testid="checkin-figures">
                        {labels.into_iter().zip(values).map(|((id, label), n)| view! {
                            <div class="count"><dt>{label}</dt><dd data-testid=id>{n}</dd></div>
                        }).collect_view()}
                    </dl>
                }.into_any(),
            }}
        </section>
    }
}

/// `/dispatcher`: the review queue of my communities and their overview.
#[component]
pub fn Dispatcher(
    /// The logged-in account.
    me: User,
) -> impl IntoView {
    let keep_me = me.clone();
    let list = WishList::new(WishFeed::PendingReview, move |w| {
        w.status == WishStatus::PendingReview && access::holds(&keep_me, Role::Dispatcher, &w.community_id)
    });
    let communities = access::communities_of(&me, Role::Dispatcher);
    // Every wish of my communities, so wishes in progress can be opened (to dispatch, revoke, cancel).
    let keep_me = me.clone();
    let all = WishList::new(WishFeed::Visible, move |w| access::holds(&keep_me, Role::Dispatcher, &w.community_id));
    let me = StoredValue::new(me);
    view! {
        <Overview communities=communities.clone()/>
        <Figures communities/>
        <h1>{MESSAGES.review_queue}</h1>
        <WishListView list testid="review-queue" paged=true card=move |w| view! { <QueueCard wish=w me list/> }/>
        <h2>{MESSAGES.community_wishes}</h2>
        <WishListView list=all testid="community-wishes" paged=true card=|w| view! { <WishCard wish=w/> }/>
    }
}
