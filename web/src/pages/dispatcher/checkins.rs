//! `/dispatcher/checkins`: the check-ins (双报到) waiting for a decision of my communities:
//! approve, or reject with a reason.

use haolin_shared::api::{Checkin, Role, User};
use haolin_shared::domain::{CheckinAction, CheckinStatus, Reason};
use leptos::prelude::*;

use crate::components::download::Downloads;
use crate::i18n::MESSAGES;
use crate::pages::checkins::actions_for;
use crate::{access, api, state, time};

/// One pending check-in with its decision buttons; decided, it leaves the queue.
#[component]
fn ReviewCard(
    checkin: Checkin,
    /// The community's name, filled in when the names arrive (without re-drawing the card, so an
    /// open rejection form stays open).
    community: Signal<String>,
    actions: Vec<CheckinAction>,
    queue: RwSignal<Option<Vec<Checkin>>>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(checkin.id.clone());
    let decide = move |approve: bool| {
        let id = id.get_value();
        let reason = reason.get_untracked();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result =
                if approve { api::checkins::approve(&id).await } else { api::checkins::reject(&id, reason).await };
            match result {
                Ok(_) => {
                    queue.update(|q| q.iter_mut().for_each(|q| q.retain(|c| c.id != id)));
                    state::toast(MESSAGES.done);
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let reason_error = move || Reason::parse(&reason.get()).err().map(|e| e.to_string());
    let field = format!("reject-{}", checkin.id);
    view! {
        <article class="card" data-testid="checkin-item" data-checkin-id=checkin.id.clone() data-status=checkin.status.as_str()>
            <div class="card-head">
                <strong data-testid="checkin-member">{checkin.member.name.clone()}</strong>
                <span class="meta">{community}</span>
            </div>
            <p class="meta">
                {MESSAGES.certificate_no}{MESSAGES.colon}{checkin.certificate_no.clone()}<br/>
                {MESSAGES.letter_ref}{MESSAGES.colon}{checkin.letter_ref.clone()}<br/>
                {MESSAGES.filed_at}{MESSAGES.colon}{time::show(&checkin.created_at)}
            </p>
            <div class="card-actions">
                {actions.contains(&CheckinAction::Approve).then(|| view! {
                    <button type="button" class="primary" data-testid="approve-button" disabled=busy
                        on:click=move |_| decide(true)>{MESSAGES.checkin_action(CheckinAction::Approve)}</button>
                })}
                {actions.contains(&CheckinAction::Reject).then(|| view! {
                    <button type="button" data-testid="reject-button" disabled=busy
                        aria-expanded=move || rejecting.get().to_string()
                        on:click=move |_| rejecting.update(|r| *r = !*r)>{MESSAGES.checkin_action(CheckinAction::Reject)}</button>
                })}
            </div>
            <Show when=move || rejecting.get()>
                <div class="inline-form">
                    <label for=field.clone()>{MESSAGES.reason}</label>
                    <textarea id=field.clone() data-testid="action-reason" rows="2" prop:value=reason
                        on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    {move || (!reason.get().is_empty()).then(reason_error).flatten()
                        .map(|e| view! { <p class="field-error">{e}</p> })}
                    <button type="button" class="danger" data-testid="action-submit"
                        disabled=move || busy.get() || reason_error().is_some()
                        on:click=move |_| decide(false)>{MESSAGES.submit}</button>
                </div>
            </Show>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="action-error">{e}</p> })}
        </article>
    }
}

/// The review queue of check-ins to my communities.
#[component]
pub fn CheckinReview(
    /// The logged-in account.
    me: User,
) -> impl IntoView {
    let queue = RwSignal::new(None::<Vec<Checkin>>);
    let names = RwSignal::new(Vec::<(String, String)>::new());
    let error = RwSignal::new(None::<String>);
    let mine = access::communities_of(&me, Role::Dispatcher);
    leptos::task::spawn_local(async move {
        match api::checkins::list(Some(CheckinStatus::Pending)).await {
            // A dispatcher also sees their own check-ins: only those to their communities are theirs to decide.
            Ok(list) => queue.set(Some(list.items.into_iter().filter(|c| mine.contains(&c.community_id)).collect())),
            Err(e) => error.set(Some(e.message())),
        }
        for id in mine {
            if let Ok(p) = api::places::get(&id).await {
                names.update(|n| n.push((id, p.name)));
            }
        }
    });
    let name_of = move |id: &str| names.with(|n| n.iter().find(|(i, _)| i == id).map(|(_, name)| name.clone()));
    view! {
        <h1>{MESSAGES.checkin_review}</h1>
        // Every check-in of my communities, whatever its status: the register the office keeps.
        <Downloads kind="checkins" query=String::new/>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || match queue.get() {
            None => view! { <p class="loading" role="status">{MESSAGES.loading}</p> }.into_any(),
            Some(list) if list.is_empty() => {
                view! { <p class="empty" data-testid="empty-list">{MESSAGES.no_pending_checkins}</p> }.into_any()
            }
            Some(list) => view! {
                <section class="list" data-testid="checkin-queue">
                    {list.into_iter().map(|c| {
                        let id = c.community_id.clone();
                        let community = Signal::derive(move || name_of(&id).unwrap_or_default());
                        let actions = actions_for(Some(&me), &c);
                        view! { <ReviewCard checkin=c community actions queue/> }
                    }).collect_view()}
                </section>
            }.into_any(),
        }}
    }
}
