//! Activities: near me (`/volunteer`), mine (`/volunteer/mine`) and one activity
//! (`/volunteer/activities/:id`) with signing up and withdrawing, its seats kept live by polling
//! (the server has no activity stream) every 10 s while the page is visible.

use std::future::Future;
use std::pin::Pin;

use haolin_shared::api::{Activity, Page, Signup};
use haolin_shared::domain::time_bank::{ActivityStatus, SignupStatus};
use leptos::prelude::*;

use super::{VolunteerPage, error_line, every, go_to, minutes, pending, span};
use crate::components::confirm::confirm_box;
use crate::error::ApiError;
use crate::i18n::{MESSAGES, VOL};
use crate::{api, state, time};

/// How often an open activity's seats are read again.
const POLL_MS: u64 = 10_000;

/// `已报名 x/y` and `候补 n`.
fn seats(a: &Activity) -> impl IntoView + use<> {
    view! {
        <span data-testid="activity-seats">{format!("{} {}/{}", VOL.seats_taken, a.seats_taken, a.capacity)}</span>
        <span data-testid="activity-waitlist">{format!("{} {}", VOL.waitlist, a.waitlist)}</span>
    }
}

/// The caller's standing on an activity, as a badge (`my-signup`, `data-status`), when signed up.
fn signup_badge(signup: Option<&Signup>) -> Option<impl IntoView + use<>> {
    signup.map(|s| {
        let text = match (s.status, s.waitlist_position) {
            (SignupStatus::Waitlisted, Some(n)) => format!("{}{}{}", VOL.waitlist_pos_1, n, VOL.waitlist_pos_2),
            (status, _) => status.label().to_owned(),
        };
        view! {
            <span class=format!("badge signup-{}", s.status.as_str()) data-testid="my-signup" data-status=s.status.as_str()>{text}</span>
        }
    })
}

/// The activity's status badge, unless it is simply open for sign-up.
fn status_badge(status: ActivityStatus) -> Option<impl IntoView> {
    (status != ActivityStatus::Published).then(|| {
        view! { <span class=format!("badge activity-{}", status.as_str()) data-testid="activity-status">{status.label()}</span> }
    })
}

/// One activity in a list: a card whose title opens it.
#[component]
pub fn ActivityCard(
    /// The activity.
    activity: Activity,
) -> impl IntoView {
    let page = VolunteerPage::Activity(activity.id.clone());
    view! {
        <article class="card" data-testid="activity-card" data-activity-id=activity.id.clone() data-status=activity.status.as_str()>
            <div class="card-head">
                <a class="card-title" href=page.href() on:click=go_to(page) data-testid="activity-title">{activity.title.clone()}</a>
                {status_badge(activity.status)}
                {signup_badge(activity.my_signup.as_ref())}
            </div>
            <p class="meta" data-testid="activity-team">{activity.team.name.clone()}</p>
            <p class="vol-when" data-testid="activity-time">{span(&activity.starts_at, &activity.ends_at)}</p>
            <p class="meta" data-testid="activity-place">{activity.place.name.clone()}{MESSAGES.separator}{activity.address.clone()}</p>
            <p class="vol-seats">{seats(&activity)}</p>
        </article>
    }
}

/// Loads the page of activities after a cursor.
type LoadPage = fn(Option<String>) -> Pin<Box<dyn Future<Output = Result<Page<Activity>, ApiError>>>>;

/// A list of activities loaded a page at a time from `load`.
#[component]
fn ActivityList(
    /// The list's test id.
    testid: &'static str,
    /// What an empty list says.
    empty: &'static str,
    /// Loads a page after the cursor.
    load: LoadPage,
) -> impl IntoView {
    let items = RwSignal::new(None::<Vec<Activity>>);
    let cursor = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let fetch = move |after: Option<String>| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match load(after.clone()).await {
                Ok(page) => {
                    error.set(None);
                    cursor.set(page.next_cursor);
                    if after.is_some() {
                        items.update(|list| list.get_or_insert_with(Vec::new).extend(page.items));
                    } else {
                        items.set(Some(page.items));
                    }
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    fetch(None);
    // Seats change as people sign up: the first page is read again while the list is shown.
    every(POLL_MS, move || {
        if cursor.get_untracked().is_none() && !busy.get_untracked() {
            fetch(None);
        }
    });
    view! {
        {error_line("list-error", error)}
        {move || match items.get() {
            None => pending(error),
            Some(list) if list.is_empty() => view! { <p class="empty" data-testid="empty-list">{empty}</p> }.into_any(),
            Some(list) => view! {
                <section class="list" data-testid=testid>
                    {list.into_iter().map(|a| view! { <ActivityCard activity=a/> }).collect_view()}
                </section>
            }.into_any(),
        }}
        {move || cursor.get().map(|c| view! {
            <button type="button" class="load-more" data-testid="load-more" disabled=busy
                on:click=move |_| fetch(Some(c.clone()))>{MESSAGES.load_more}</button>
        })}
    }
}

/// `/volunteer`: the activities near me (my home grid and the places above it, the communities
/// where I serve), soonest first.
#[component]
pub fn NearMe() -> impl IntoView {
    view! {
        <h1>{VOL.near_me}</h1>
        <p class="hint">{VOL.near_me_hint}</p>
        <ActivityList testid="activity-list" empty=VOL.no_activities
            load=|c| Box::pin(api::volunteers::activities(None, c.as_deref()))/>
    }
}

/// `/volunteer/mine`: the activities I signed up for.
#[component]
pub fn Mine() -> impl IntoView {
    view! {
        <h1>{VOL.nav_mine}</h1>
        <ActivityList testid="my-activities" empty=VOL.no_my_activities
            load=|c| Box::pin(api::volunteers::mine(c.as_deref()))/>
    }
}

/// Whether the activity has ended (by the browser's clock).
fn ended(a: &Activity) -> bool {
    time::parse_rfc3339(&a.ends_at).is_some_and(|end| (end as f64) * 1000.0 < time::now_ms())
}

/// My sign-up on the activity page: where I stand, my check-in and -out, my minutes.
fn my_signup_facts(s: &Signup) -> impl IntoView + use<> {
    let line = |label: &'static str, testid: &'static str, value: Option<String>| {
        value.map(|v| view! { <p data-testid=testid><span class="label">{label}{MESSAGES.colon}</span>{v}</p> })
    };
    view! {
        <div class="facts" data-testid="my-signup-facts">
            {line(VOL.checked_in_at, "my-checked-in", s.checked_in_at.as_deref().map(time::show))}
            {line(VOL.checked_out_at, "my-checked-out", s.checked_out_at.as_deref().map(time::show))}
            {line(VOL.minutes_label, "my-minutes", s.minutes.map(minutes))}
            {line(VOL.confirmed_at, "my-confirmed", s.confirmed_at.as_deref().map(time::show))}
        </div>
    }
}

/// `/volunteer/activities/:id`: the activity, my sign-up, sign up or withdraw; live seats.
#[component]
pub fn ActivityPage(
    /// The activity's id.
    id: String,
) -> impl IntoView {
    let activity = RwSignal::new(None::<Activity>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let id = StoredValue::new(id);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::volunteers::activity(&id.get_value()).await {
                Ok(a) => activity.set(Some(a)),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    reload();
    every(POLL_MS, reload);
    let act = move |withdraw: bool| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let id = id.get_value();
            let done = if withdraw { api::volunteers::withdraw(&id).await } else { api::volunteers::signup(&id).await };
            match done {
                Ok(s) => {
                    state::toast(match s.status {
                        SignupStatus::Seated => VOL.seated_ok,
                        SignupStatus::Waitlisted => VOL.waitlisted_ok,
                        SignupStatus::Withdrawn => VOL.withdrawn_ok,
                    });
                    asking.set(false);
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
            reload();
        });
    };
    view! {
        {move || match activity.get() {
            None => error.get().map_or_else(super::loading, |e| {
                view! { <p class="error" role="alert" data-testid="activity-error">{e}</p> }.into_any()
            }),
            Some(a) => {
                let live = a.my_signup.as_ref().filter(|s| s.status != SignupStatus::Withdrawn).cloned();
                // A first confirmation of hours does not close the activity: only cancelling does.
                let open = a.status != ActivityStatus::Cancelled && !ended(&a);
                let may_sign_up = open && live.is_none();
                let may_withdraw = live.as_ref().is_some_and(|s| s.checked_in_at.is_none()) && open;
                let may_scan = live.as_ref().is_some_and(|s| s.status == SignupStatus::Seated && s.checked_out_at.is_none())
                    && a.status != ActivityStatus::Cancelled;
                let scan = format!("{}?activity={}", VolunteerPage::Scan.href(), a.id);
                let organise = VolunteerPage::Organise(a.id.clone());
                view! {
                    <article class="detail" data-testid="activity-detail" data-activity-id=a.id.clone() data-status=a.status.as_str()>
                        <div class="card-head">
                            <h1>{a.title.clone()}</h1>
                            {status_badge(a.status)}
                        </div>
                        <div class="facts">
                            <p data-testid="activity-team"><span class="label">{VOL.team}{MESSAGES.colon}</span>{a.team.name.clone()}</p>
                            <p data-testid="activity-time"><span class="label">{VOL.when}{MESSAGES.colon}</span>{span(&a.starts_at, &a.ends_at)}</p>
                            <p data-testid="activity-place"><span class="label">{VOL.where_}{MESSAGES.colon}</span>
                                {a.place.name.clone()}{MESSAGES.separator}{a.address.clone()}</p>
                            <p><span class="label">{VOL.organiser}{MESSAGES.colon}</span>{a.organiser.name.clone()}</p>
                            {(!a.skills.is_empty()).then(|| view! {
                                <p><span class="label">{VOL.skills}{MESSAGES.colon}</span>
                                    {a.skills.iter().map(|s| view! { <span class="tag">{s.clone()}</span>" " }).collect_view()}</p>
                            })}
                        </div>
                        <p class="vol-seats vol-seats-big" aria-live="polite">{seats(&a)}</p>
                        <p class="description">{a.description.clone()}</p>
                    </article>
                    <section class="actions">
                        <h2>{VOL.my_signup}</h2>
                        {signup_badge(live.as_ref())}
                        {live.is_none().then(|| view! { <p class="hint" data-testid="my-signup-none">{VOL.not_signed_up}</p> })}
                        {live.as_ref().map(my_signup_facts)}
                        {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="activity-error">{e}</p> })}
                        <div class="row">
                            {may_withdraw.then(|| view! {
                                <button type="button" class="step-back" data-testid="withdraw-button"
                                    on:click=move |_| asking.set(true)>{VOL.withdraw}</button>
                            })}
                            {may_scan.then(|| view! {
                                // A full page load: the scan page reads the activity from its query.
                                <a class="button" data-testid="goto-scan" href=scan.clone()>{VOL.nav_scan}</a>
                            })}
                            {may_sign_up.then(|| view! {
                                <button type="button" class="primary" data-testid="signup-button" disabled=busy
                                    on:click=move |_| act(false)>{VOL.sign_up}</button>
                            })}
                        </div>
                        {move || asking.get().then(|| confirm_box(VOL.withdraw_confirm, VOL.withdraw, "withdraw-confirm", busy,
                            move || act(true), move || asking.set(false)))}
                    </section>
                    {a.organising.then(|| view! {
                        <p class="alt"><a data-testid="goto-organise" href=organise.href() on:click=go_to(organise.clone())>{VOL.organise}</a></p>
                    })}
                }.into_any()
            }
        }}
    }
}
