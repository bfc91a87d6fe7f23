//! `/wishes/:id`: a wish, its timeline and the actions the state machine offers the caller.

use haolin_shared::api::{
    ConfirmRequest, DispatchRequest, FulfilRequest, OptionalReasonRequest, PersonRef, PhotoStage, ReasonRequest, User,
    VersionGuard, Wish, WishEvent,
};
use haolin_shared::domain::{Comment, Note, Rating, Reason, WishAction};
use leptos::prelude::*;

use crate::components::photos::{PhotoField, PhotoGroups, PhotoPicker};
use crate::components::wish_card::{Deadline, StatusBadge};
use crate::components::{go, mark_wish_read};
use crate::error::ApiError;
use crate::i18n::MESSAGES;
use crate::live::LiveUpdate;
use crate::route::Route;
use crate::validate::photo_ids;
use crate::{access, api, json, live, state, time};

/// What an action needs from the user before it is sent.
#[derive(Clone, Copy, PartialEq)]
enum Input {
    None,
    Reason,
    OptionalReason,
    Note,
    Rating,
    Member,
}

fn input_of(action: WishAction) -> Input {
    match action {
        WishAction::Reject | WishAction::Release | WishAction::Revoke | WishAction::Dispute => Input::Reason,
        WishAction::Decline | WishAction::Cancel => Input::OptionalReason,
        WishAction::Fulfil => Input::Note,
        WishAction::Confirm => Input::Rating,
        WishAction::Dispatch => Input::Member,
        _ => Input::None,
    }
}

/// The JSON body of an action, or the validation error to show instead of sending it.
fn action_body(
    action: WishAction,
    version: i64,
    text: &str,
    rating: u8,
    member: Option<&str>,
    photos: &[String],
) -> Result<String, String> {
    let v = Some(version);
    // Writing these bodies cannot fail (strings and small numbers); the message is a formality.
    let written = |body: Option<String>| body.ok_or_else(|| ApiError::Decode.message());
    match input_of(action) {
        Input::None => written(json::to_string(&VersionGuard { version: v })),
        Input::Reason => {
            let reason = Reason::parse(text).map_err(|e| e.to_string())?.into_inner();
            written(json::to_string(&ReasonRequest { reason, version: v }))
        }
        Input::OptionalReason => {
            let reason = if text.trim().is_empty() {
                None
            } else {
                Some(Reason::parse(text).map_err(|e| e.to_string())?.into_inner())
            };
            written(json::to_string(&OptionalReasonRequest { reason, version: v }))
        }
        Input::Note => {
            let note = Note::parse(text).map_err(|e| e.to_string())?.into_inner();
            written(json::to_string(&FulfilRequest { note, version: v, photos: photo_ids(photos) }))
        }
        Input::Rating => {
            let rating = Rating::parse(i64::from(rating)).map_err(|_| MESSAGES.choose_rating.to_owned())?;
            let comment = if text.trim().is_empty() {
                None
            } else {
                Some(Comment::parse(text).map_err(|e| e.to_string())?.into_inner())
            };
            written(json::to_string(&ConfirmRequest { rating: i64::from(rating.get()), comment, version: v }))
        }
        Input::Member => {
            let member_id = member.ok_or_else(|| MESSAGES.choose_member.to_owned())?.to_owned();
            written(json::to_string(&DispatchRequest { member_id, version: v }))
        }
    }
}

/// The page's data.
#[derive(Clone, Copy)]
struct WishPageState {
    wish: RwSignal<Option<Wish>>,
    events: RwSignal<Vec<WishEvent>>,
    error: RwSignal<Option<String>>,
    gone: RwSignal<bool>,
}

impl WishPageState {
    fn load(self, id: String) {
        leptos::task::spawn_local(async move {
            match api::wishes::get(&id).await {
                Ok(w) => {
                    self.wish.set(Some(w));
                    self.error.set(None);
                }
                Err(e) => {
                    if self.wish.with_untracked(Option::is_none) {
                        self.error.set(Some(e.message()));
                    }
                    return;
                }
            }
            if let Ok(events) = api::wishes::events(&id).await {
                self.events.set(events.items);
            }
        });
    }
}

/// The wish page.
#[component]
pub fn WishPage(
    /// The wish's id.
    id: String,
    /// The logged-in account.
    me: User,
) -> impl IntoView {
    let page = WishPageState {
        wish: RwSignal::new(None),
        events: RwSignal::new(Vec::new()),
        error: RwSignal::new(None),
        gone: RwSignal::new(false),
    };
    page.load(id.clone());
    mark_wish_read(id.clone());
    let sub_id = id.clone();
    let sub = live::subscribe(move |update| match update {
        LiveUpdate::Item(w) if w.id == sub_id => {
            page.gone.set(false);
            page.wish.set(Some((**w).clone()));
            page.load(sub_id.clone());
        }
        LiveUpdate::Gone { id, status } if *id == sub_id => {
            page.gone.set(true);
            page.wish.update(|w| {
                if let Some(w) = w {
                    w.status = *status;
                }
            });
        }
        LiveUpdate::Resync => page.load(sub_id.clone()),
        _ => {}
    });
    on_cleanup(move || live::unsubscribe(sub));
    let home = Route::home(state::app().role.get_untracked());
    let me = StoredValue::new(me);

    view! {
        {move || match page.wish.get() {
            None => Some(match page.error.get() {
                None => view! { <p class="loading" role="status">{MESSAGES.loading}</p> }.into_any(),
                // An unknown wish, or one out of sight: say so, and offer the way home.
                Some(e) => view! {
                    <section class="detail" data-testid="wish-missing">
                        <h1>{MESSAGES.wish_missing}</h1>
                        <p class="error" role="alert">{e}</p>
                        <a class="button" data-testid="wish-missing-home" href=home.href() on:click=go(home.clone())>{MESSAGES.go_home}</a>
                    </section>
                }.into_any(),
            }),
            Some(w) => Some(view! { <WishDetail wish=w me page/> }.into_any()),
        }}
    }
}

fn person_line(label: &'static str, p: Option<PersonRef>) -> Option<impl IntoView> {
    p.map(|p| view! { <p><span class="label">{label}{MESSAGES.colon}</span>{p.name}</p> })
}

#[component]
fn WishDetail(wish: Wish, me: StoredValue<User>, page: WishPageState) -> impl IntoView {
    let actions =
        if page.gone.get_untracked() { Vec::new() } else { me.with_value(|me| access::actions_for(me, &wish)) };
    // Actors the page can name: the people on the wish, and the caller.
    let mut names: Vec<(String, String)> = [Some(wish.resident.clone()), wish.claimant.clone(), wish.assignee.clone()]
        .into_iter()
        .flatten()
        .map(|p| (p.id, p.name))
        .collect();
    names.push(me.with_value(|m| (m.id.clone(), m.name.clone())));
    view! {
        <article class="detail" data-testid="wish-detail" data-wish-id=wish.id.clone()>
            <div class="card-head">
                <h1>{wish.title.clone()}</h1>
                <StatusBadge status=wish.status/>
            </div>
            <p class="meta"><span class="tag">{wish.category.clone()}</span>" "{time::show(&wish.created_at)}</p>
            <p class="description">{wish.description.clone()}</p>
            <div class="facts">
                {person_line(MESSAGES.posted_by, Some(wish.resident.clone()))}
                {person_line(MESSAGES.claimed_by, wish.claimant.clone())}
                // The member's phone is not shown to residents (PersonRef carries none): say how to reach them.
                {(wish.claimant.is_some() && me.with_value(|m| m.id == wish.resident.id))
                    .then(|| view! { <p class="hint" data-testid="reach-claimant">{MESSAGES.reach_claimant}</p> })}
                {person_line(MESSAGES.assigned_to, wish.assignee.clone())}
                <Deadline wish=wish.clone()/>
                {wish.expected_by.clone().map(|d| view! { <p><span class="label">{MESSAGES.expected_label}{MESSAGES.colon}</span>{time::format_date(&d)}</p> })}
                {wish.contact_phone.clone().map(|p| view! { <p><span class="label">{MESSAGES.contact_label}{MESSAGES.colon}</span><a href=format!("tel:{p}")>{p.clone()}</a></p> })}
                {wish.fulfilment_note.clone().map(|n| view! { <p><span class="label">{MESSAGES.note_label}{MESSAGES.colon}</span>{n}</p> })}
                {wish.rating.map(|r| view! { <p><span class="label">{MESSAGES.rating_label}{MESSAGES.colon}</span><span class="stars" aria-label=format!("{r}{}", MESSAGES.stars_suffix)>{"★".repeat(r.into())}</span></p> })}
                {wish.comment.clone().map(|c| view! { <p class="comment">"“"{c}"”"</p> })}
            </div>
            <PhotoGroups photos=wish.photos.clone() groups=vec![
                (&[PhotoStage::Post, PhotoStage::Added], MESSAGES.resident_photos),
                (&[PhotoStage::Fulfil], MESSAGES.fulfil_photos),
            ]/>
            {page.gone.get_untracked().then(|| view! { <p class="hint">{MESSAGES.left_view}</p> })}
        </article>
        {(!actions.is_empty()).then(|| view! { <ActionPanel wish=wish.clone() actions page/> })}
        <section class="timeline">
            <h2>{MESSAGES.timeline}</h2>
            <ol data-testid="wish-timeline">
                {move || page.events.get().into_iter().map(|e| {
                    let who = match &e.actor_id {
                        None => MESSAGES.system_actor.to_owned(),
                        Some(id) => names.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone()).unwrap_or_default(),
                    };
                    view! {
                        <li class="timeline-item" data-testid="timeline-item" data-action=e.action.as_str()>
                            <span class="when">{time::show(&e.at)}</span>
                            <span class="what">{MESSAGES.action(e.action)}" → "{MESSAGES.status(e.to)}</span>
                            <span class="who">{(!who.is_empty()).then(|| format!("{}{who}", MESSAGES.separator))}</span>
                            {e.reason.clone().map(|r| view! { <p class="reason">{r}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn ActionPanel(wish: Wish, actions: Vec<WishAction>, page: WishPageState) -> impl IntoView {
    let open = RwSignal::new(None::<WishAction>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let text = RwSignal::new(String::new());
    let rating = RwSignal::new(0u8);
    let member = RwSignal::new(None::<String>);
    let query = RwSignal::new(String::new());
    let members = RwSignal::new(Vec::<PersonRef>::new());
    let photos = PhotoField::default();
    let (id, version, community) = (wish.id.clone(), wish.version, wish.community_id.clone());

    let search = move |q: String| {
        let community = community.clone();
        leptos::task::spawn_local(async move {
            if let Ok(page) = api::communities::members(&community, &q).await
                && query.get_untracked() == q
            {
                members.set(page.items);
            }
        });
    };

    let send = move |action: WishAction| {
        let body = match action_body(
            action,
            version,
            &text.get_untracked(),
            rating.get_untracked(),
            member.get_untracked().as_deref(),
            &photos.ids(),
        ) {
            Ok(b) => b,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let id = id.clone();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::wishes::act(&id, action, body).await {
                Ok(w) => {
                    open.set(None);
                    mark_wish_read(w.id.clone());
                    page.wish.set(Some(w));
                    state::toast(if action == WishAction::Claim { MESSAGES.claimed_ok } else { MESSAGES.done });
                    page.load(id);
                }
                Err(e) => {
                    report(&e, error);
                    if e.is_conflict() {
                        page.load(id);
                    }
                }
            }
            busy.set(false);
        });
    };

    // Step-back actions first and outlined, the main action last and strong (see `step_back`).
    let (back, main): (Vec<WishAction>, Vec<WishAction>) = actions.into_iter().partition(|a| step_back(*a));
    let buttons = back
        .iter()
        .chain(&main)
        .map(|a| {
            let a = *a;
            let send = send.clone();
            let search = search.clone();
            view! {
                <button type="button" data-testid=format!("action-{}", a.as_str())
                    class=if step_back(a) { "step-back" } else { "primary" }
                    disabled=busy aria-expanded=move || (open.get() == Some(a)).to_string()
                    on:click=move |_| {
                        error.set(None);
                        if input_of(a) == Input::None {
                            send(a);
                        } else {
                            text.set(String::new());
                            rating.set(0);
                            member.set(None);
                            photos.clear();
                            if a == WishAction::Dispatch {
                                query.set(String::new());
                                search(String::new());
                            }
                            open.set(Some(a));
                        }
                    }>{MESSAGES.action(a)}</button>
            }
        })
        .collect_view();

    let form = move || {
        open.get().map(|a| {
        let send = send.clone();
        let search = search.clone();
        let input = input_of(a);
        view! {
            <div class="inline-form">
                <h3>{MESSAGES.action(a)}</h3>
                {(input == Input::Rating).then(|| view! {
                    <fieldset class="stars-input">
                        <legend>{MESSAGES.rating}</legend>
                        {(1..=5u8).map(|n| view! {
                            <button type="button" data-testid=format!("rating-star-{n}")
                                aria-label=format!("{n}{}", MESSAGES.stars_suffix) aria-pressed=move || (rating.get() == n).to_string()
                                class=move || { if rating.get() >= n { "star on" } else { "star" } }
                                on:click=move |_| { rating.set(n); error.set(None); }>"★"</button>
                        }).collect_view()}
                    </fieldset>
                })}
                {(input == Input::Member).then(|| view! {
                    <label for="dispatch-search">{MESSAGES.search_member}</label>
                    <input id="dispatch-search" data-testid="dispatch-search" type="search" prop:value=query
                        on:input=move |ev| { let q = event_target_value(&ev); query.set(q.clone()); search(q); }/>
                    <ul class="members">
                        {move || {
                            let list = members.get();
                            if list.is_empty() {
                                view! { <li class="hint">{MESSAGES.no_members}</li> }.into_any()
                            } else {
                                list.into_iter().map(|p| {
                                    let pid = p.id.clone();
                                    let chosen = { let pid = pid.clone(); move || member.get().as_deref() == Some(pid.as_str()) };
                                    view! {
                                        <li><button type="button" data-testid="dispatch-member" data-member-id=p.id.clone()
                                            class:on=chosen.clone() aria-pressed=move || chosen().to_string()
                                            on:click=move |_| member.set(Some(pid.clone()))>{p.name.clone()}</button></li>
                                    }
                                }).collect_view().into_any()
                            }
                        }}
                    </ul>
                })}
                {matches!(input, Input::Reason | Input::OptionalReason).then(|| view! {
                    <label for="action-reason">{if input == Input::Reason { MESSAGES.reason } else { MESSAGES.reason_optional }}</label>
                    <textarea id="action-reason" data-testid="action-reason" rows="3" prop:value=text
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                })}
                {(input == Input::Note).then(|| view! {
                    <label for="action-note">{MESSAGES.note}</label>
                    <textarea id="action-note" data-testid="action-note" rows="3" prop:value=text
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <PhotoPicker field=photos id="fulfil-photos".to_owned()/>
                })}
                {(input == Input::Rating).then(|| view! {
                    <label for="action-comment">{MESSAGES.comment_optional}</label>
                    <textarea id="action-comment" data-testid="action-comment" rows="3" prop:value=text
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                })}
                {step_back(a).then(|| view! { <p class="warn" data-testid="step-back-warning">{MESSAGES.step_back_warn}</p> })}
                <div class="row">
                    <button type="button" data-testid="action-close" on:click=move |_| open.set(None)>{MESSAGES.close}</button>
                    <button type="button" class=if step_back(a) { "danger" } else { "primary" } data-testid="action-submit"
                        disabled=move || busy.get() || photos.busy.get()
                        on:click=move |_| send(a)>{if step_back(a) { MESSAGES.confirm_submit } else { MESSAGES.submit }}</button>
                </div>
            </div>
        }
    })
    };

    view! {
        <section class="actions" aria-label=MESSAGES.actions>
            <div class="row">{buttons}</div>
            {form}
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="action-error">{e}</p> })}
        </section>
    }
}

/// Whether `action` steps back (gives up, refuses, disputes, withdraws): drawn outlined and before
/// the main action, and sent only after its form says it cannot be undone.
fn step_back(action: WishAction) -> bool {
    matches!(
        action,
        WishAction::Release
            | WishAction::Dispute
            | WishAction::Decline
            | WishAction::Cancel
            | WishAction::Reject
            | WishAction::Revoke
    )
}

/// Shows a refused action: the lost claim race as the toast, anything else under the buttons.
fn report(e: &ApiError, error: RwSignal<Option<String>>) {
    if e.is_lost_race() {
        state::toast(MESSAGES.lost_race);
    } else {
        error.set(Some(e.message()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: Result<String, String>) -> serde_json::Value {
        serde_json::from_str(&body.unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn a_reason_is_required_where_the_api_requires_one() {
        assert!(action_body(WishAction::Reject, 3, "  ", 0, None, &[]).is_err());
        let body = parse(action_body(WishAction::Reject, 3, " 信息不全 ", 0, None, &[]));
        assert_eq!(body, serde_json::json!({"reason": "信息不全", "version": 3}));
    }

    #[test]
    fn an_optional_reason_may_be_left_out() {
        let body = parse(action_body(WishAction::Cancel, 1, "", 0, None, &[]));
        assert_eq!(body, serde_json::json!({"reason": null, "version": 1}));
    }

    #[test]
    fn confirming_needs_one_to_five_stars() {
        assert_eq!(action_body(WishAction::Confirm, 1, "", 0, None, &[]), Err(MESSAGES.choose_rating.to_owned()));
        let body = parse(action_body(WishAction::Confirm, 1, "很好", 5, None, &[]));
        assert_eq!(body, serde_json::json!({"rating": 5, "comment": "很好", "version": 1}));
    }

    #[test]
    fn giving_up_refusing_and_disputing_step_back_while_the_way_forward_does_not() {
        for a in [WishAction::Release, WishAction::Dispute, WishAction::Decline, WishAction::Cancel, WishAction::Reject]
        {
            assert!(step_back(a), "{a:?}");
            // Each opens a form (the confirmation) rather than acting on one tap.
            assert!(input_of(a) != Input::None, "{a:?}");
        }
        for a in [WishAction::Fulfil, WishAction::Confirm, WishAction::Claim, WishAction::Approve, WishAction::Accept] {
            assert!(!step_back(a), "{a:?}");
        }
    }

    #[test]
    fn dispatching_needs_a_member_and_fulfilling_a_note() {
        assert!(action_body(WishAction::Dispatch, 1, "", 0, None, &[]).is_err());
        assert!(action_body(WishAction::Dispatch, 1, "", 0, Some("4"), &[]).is_ok());
        assert!(action_body(WishAction::Fulfil, 1, "", 0, None, &[]).is_err());
        assert!(action_body(WishAction::Fulfil, 1, "已送到", 0, None, &[]).is_ok());
    }

    #[test]
    fn a_fulfilment_sends_its_photos_and_leaves_them_out_without_any() {
        let body = parse(action_body(WishAction::Fulfil, 2, "已送到", 0, None, &["p1".to_owned()]));
        assert_eq!(body, serde_json::json!({"note": "已送到", "version": 2, "photos": ["p1"]}));
        let body = parse(action_body(WishAction::Fulfil, 2, "已送到", 0, None, &[]));
        assert_eq!(body, serde_json::json!({"note": "已送到", "version": 2}));
    }
}
