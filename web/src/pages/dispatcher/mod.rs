//! The dispatcher's pages (派单): the review queue with the overview by status and the
//! check-in figures, the review of check-ins, and the community's work orders.

mod checkins;
mod orders;

pub use checkins::CheckinReview;
pub use orders::DispatcherOrders;

use haolin_shared::api::{Role, User, Wish};
use haolin_shared::domain::{Reason, WishAction, WishStatus};
use leptos::prelude::*;

use crate::api::wishes::WishFeed;
use crate::components::download::Downloads;
use crate::components::wish_card::WishCard;
use crate::components::wish_list::{WishList, WishListView};
use crate::components::{go, mark_wish_read};
use crate::i18n::{DESK, MESSAGES};
use crate::route::Route;
use crate::{access, api, live, state};

/// One card of the review queue (with the description and grid, so it is read before it is
/// decided): reject with a reason (outlined, first), or approve (strong, last) after a question.
#[component]
fn QueueCard(wish: Wish, me: StoredValue<User>, list: WishList) -> impl IntoView {
    let actions = me.with_value(|me| access::actions_for(me, &wish));
    let busy = RwSignal::new(false);
    let rejecting = RwSignal::new(false);
    let approving = RwSignal::new(false);
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
                    mark_wish_read(w.id.clone());
                    list.replace(w, false);
                    state::toast(if action == WishAction::Approve { MESSAGES.approved_ok } else { MESSAGES.done });
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
            {actions.contains(&WishAction::Reject).then(|| view! {
                <button type="button" class="step-back" data-testid="reject-button" disabled=busy aria-expanded=move || rejecting.get().to_string()
                    on:click=move |_| { approving.set(false); rejecting.update(|r| *r = !*r); }>{MESSAGES.action(WishAction::Reject)}</button>
            })}
            {actions.contains(&WishAction::Approve).then(|| view! {
                <button type="button" class="primary" data-testid="approve-button" disabled=busy aria-expanded=move || approving.get().to_string()
                    on:click=move |_| { rejecting.set(false); approving.set(true); }>{MESSAGES.action(WishAction::Approve)}</button>
            })}
            <Show when=move || approving.get()>
                <div class="inline-form" role="alertdialog" aria-label=MESSAGES.confirm_approve>
                    <p>{MESSAGES.approve_confirm}</p>
                    <div class="row">
                        <button type="button" data-testid="approve-cancel" on:click=move |_| approving.set(false)>{MESSAGES.close}</button>
                        <button type="button" class="primary" data-testid="approve-confirm" disabled=busy
                            on:click={
                                let approve = approve.clone();
                                move |_| approve(WishAction::Approve)
                            }>{MESSAGES.confirm_approve}</button>
                    </div>
                </div>
            </Show>
            <Show when=move || rejecting.get()>
                <div class="inline-form">
                    <label for=format!("reject-{}", wish.id)>{MESSAGES.reason}</label>
                    <textarea id=format!("reject-{}", wish.id) data-testid="action-reason" rows="2" prop:value=reason
                        on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    {move || (!reason.get().is_empty()).then(reason_error).flatten().map(|e| view! { <p class="field-error">{e}</p> })}
                    <p class="warn">{MESSAGES.step_back_warn}</p>
                    <button type="button" class="danger" data-testid="action-submit"
                        disabled=move || busy.get() || reason_error().is_some()
                        on:click={
                            let reject = reject.clone();
                            move |_| reject(WishAction::Reject)
                        }>{MESSAGES.confirm_submit}</button>
                </div>
            </Show>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="action-error">{e}</p> })}
        </WishCard>
    }
}

/// The counts by status, summed over the dispatcher's communities, reloaded on every live change:
/// one compact row of buttons; a tap shows only that status in the list below (again: all), and
/// 待审核 goes up to the queue.
#[component]
fn Overview(communities: Vec<String>, filter: RwSignal<Option<WishStatus>>) -> impl IntoView {
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
                    <div class="counts-row" data-testid="status-counts" role="group" aria-label=MESSAGES.overview>
                        {counts.into_iter().map(|(s, n)| view! {
                            <button type="button" class=format!("chip badge-{}", s.as_str()) data-testid=format!("count-filter-{}", s.as_str())
                                aria-pressed=move || (filter.get() == Some(s)).to_string()
                                on:click=move |_| {
                                    if s == WishStatus::PendingReview {
                                        filter.set(None);
                                        if let Some(w) = web_sys::window() {
                                            w.scroll_to_with_x_and_y(0.0, 0.0);
                                        }
                                    } else {
                                        filter.update(|f| *f = if *f == Some(s) { None } else { Some(s) });
                                    }
                                }>
                                {MESSAGES.status(s)}" "<b data-testid=format!("count-{}", s.as_str())>{n}</b>
                            </button>
                        }).collect_view()}
                    </div>
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

/// `/dispatcher`: the review queue of my communities first, then the counts and the other wishes
/// (filtered by a tapped count; pending ones are only in the queue), then the check-in figures.
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
    let filter = RwSignal::new(None::<WishStatus>);
    let me = StoredValue::new(me);
    view! {
        <p class="alt">
            <a href=Route::DispatcherOrders.href() data-testid="goto-orders" on:click=go(Route::DispatcherOrders)>{DESK.goto_orders}</a>
            // Another bundle: a full page load.
            <a href=Route::Figures(String::new()).href() data-testid="goto-figures">{DESK.goto_figures}</a>
            <a href=Route::Neighbourhood("/points".into()).href() data-testid="goto-points">{crate::i18n::PTS.nav}</a>
            <a href=Route::Neighbourhood("/property/results".into()).href() data-testid="goto-property">{crate::i18n::PROP.nav}</a>
        </p>
        <p class="alt"><a href=Route::Neighbourhood("/notices/posted".to_owned()).href() data-testid="goto-notices">{crate::i18n::NOTE.title}</a></p>
        <h1>{MESSAGES.review_queue}</h1>
        <WishListView list testid="review-queue" paged=true card=move |w| view! { <QueueCard wish=w me list/> }/>
        <h2>{MESSAGES.community_wishes}</h2>
        <Overview communities=communities.clone() filter/>
        <Downloads kind="wishes" query=move || filter.get_untracked().map(|s| format!("status={}", s.as_str())).unwrap_or_default()/>
        <WishListView list=all testid="community-wishes" paged=true card=move |w: Wish| {
            let s = w.status;
            view! {
                <Show when=move || s != WishStatus::PendingReview && filter.get().is_none_or(|f| f == s)>
                    <WishCard wish=w.clone()/>
                </Show>
            }
        }/>
        <Figures communities/>
    }
}
