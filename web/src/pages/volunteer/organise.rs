//! The leaders' pages: `/volunteer/teams/:id/new` (publishing an activity) and
//! `/volunteer/activities/:id/organise` (the check-in code shown at the place, refreshed when the
//! server says; the roster, read again every 10 s, with attendance marked by hand; confirming the
//! hours; cancelling).

use haolin_shared::api::{Activity, CheckinCode, CreateActivityRequest, MarkAttendanceRequest, RosterEntry};
use haolin_shared::domain::time_bank::{ActivityStatus, SignupStatus};
use leptos::prelude::*;

use super::{VolunteerPage, error_line, every, go_to, minutes, open, pending, span};
use crate::components::confirm::confirm_box;
use crate::i18n::{MESSAGES, VOL};
use crate::{api, state, time};

/// `<input type=datetime-local>` text of an API time, in the browser's zone.
fn input_of(rfc3339: &str) -> String {
    time::parse_rfc3339(rfc3339).map(|s| time::local_input(s, time::local_offset_minutes())).unwrap_or_default()
}

/// The API time (RFC 3339, UTC) of an `<input type=datetime-local>` text, read in the browser's zone.
fn api_time(input: &str) -> Option<String> {
    time::parse_local_input(input, time::local_offset_minutes()).map(time::rfc3339)
}

/// What is wrong with a new activity's fields, if anything (the server checks them all again).
fn check_activity(
    title: &str,
    address: &str,
    starts: Option<i64>,
    ends: Option<i64>,
    capacity: Option<i64>,
) -> Option<&'static str> {
    if title.trim().is_empty() || address.trim().is_empty() {
        return Some(VOL.fill_required);
    }
    let (Some(starts), Some(ends)) = (starts, ends) else { return Some(VOL.bad_times) };
    if ends <= starts || ends - starts > 24 * 3600 {
        return Some(VOL.bad_times);
    }
    if !capacity.is_some_and(|c| (1..=10_000).contains(&c)) {
        return Some(VOL.bad_capacity);
    }
    None
}

/// `/volunteer/teams/:id/new`: a leader publishes an activity of the team.
#[component]
pub fn NewActivity(
    /// The team's id.
    team: String,
) -> impl IntoView {
    let team = StoredValue::new(team);
    let places = RwSignal::new(Vec::<(String, String)>::new());
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let place = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    // Tomorrow at nine, two hours.
    let tomorrow = (time::now_ms() / 1000.0) as i64 + 86_400;
    let day = tomorrow - (tomorrow + time::local_offset_minutes() * 60).rem_euclid(86_400) + 9 * 3600;
    let starts = RwSignal::new(time::local_input(day, time::local_offset_minutes()));
    let ends = RwSignal::new(time::local_input(day + 2 * 3600, time::local_offset_minutes()));
    let capacity = RwSignal::new(String::from("10"));
    let skills = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        let t = match api::volunteers::team(&team.get_value()).await {
            Ok(t) => t,
            Err(e) => return error.set(Some(e.message())),
        };
        let mut list = vec![(t.place.id.clone(), t.place.name.clone())];
        if let Ok(page) = api::places::list_summaries(Some(&t.place.id), 100).await {
            list.extend(page.items.into_iter().filter(|p| p.retired_at.is_none()).map(|p| (p.id, p.name)));
        }
        place.set(t.place.id);
        places.set(list);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let offset = time::local_offset_minutes();
        let (s, e) = (
            time::parse_local_input(&starts.get_untracked(), offset),
            time::parse_local_input(&ends.get_untracked(), offset),
        );
        let cap = capacity.get_untracked().trim().parse::<i64>().ok();
        let (t, a) = (title.get_untracked(), address.get_untracked());
        if let Some(problem) = check_activity(&t, &a, s, e, cap) {
            error.set(Some(problem.to_owned()));
            return;
        }
        let request = CreateActivityRequest {
            title: t.trim().to_owned(),
            description: description.get_untracked().trim().to_owned(),
            place_id: place.get_untracked(),
            address: a.trim().to_owned(),
            starts_at: time::rfc3339(s.unwrap_or_default()),
            ends_at: time::rfc3339(e.unwrap_or_default()),
            capacity: cap.unwrap_or_default(),
            skills: skills
                .get_untracked()
                .split([' ', ',', '，', '、'])
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::volunteers::create_activity(&team.get_value(), &request).await {
                Ok(a) => {
                    state::toast(VOL.published_ok);
                    open(VolunteerPage::Organise(a.id));
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let field = |id: &'static str, label: &'static str, value: RwSignal<String>, kind: &'static str| {
        view! {
            <label for=id>{label}</label>
            <input id=id data-testid=id type=kind prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
        }
    };
    view! {
        <h1>{VOL.new_activity}</h1>
        <form class="form" data-testid="activity-form" on:submit=submit novalidate>
            {field("activity-form-title", VOL.activity_title, title, "text")}
            <label for="activity-form-description">{MESSAGES.description}</label>
            <textarea id="activity-form-description" data-testid="activity-form-description" rows="4" prop:value=description
                on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            <label for="activity-form-place">{VOL.where_}</label>
            <select id="activity-form-place" data-testid="activity-form-place" prop:value=move || place.get()
                on:change=move |ev| place.set(event_target_value(&ev))>
                {move || places.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
            {field("activity-form-address", VOL.address, address, "text")}
            {field("activity-form-starts", VOL.starts, starts, "datetime-local")}
            {field("activity-form-ends", VOL.ends, ends, "datetime-local")}
            {field("activity-form-capacity", VOL.capacity, capacity, "number")}
            {field("activity-form-skills", VOL.skills_optional, skills, "text")}
            {error_line("activity-form-error", error)}
            <button type="submit" class="primary" data-testid="activity-form-submit" disabled=busy>{VOL.publish}</button>
        </form>
    }
}

/// The check-in code: its QR code large, the six digits, and when it changes.
#[component]
fn CodePanel(
    /// The activity's id.
    id: StoredValue<String>,
) -> impl IntoView {
    let code = RwSignal::new(None::<CheckinCode>);
    let error = RwSignal::new(None::<String>);
    let now = RwSignal::new(time::now_ms());
    let loading_code = RwSignal::new(false);
    let fetch = move || {
        if loading_code.get_untracked() {
            return;
        }
        loading_code.set(true);
        leptos::task::spawn_local(async move {
            match api::volunteers::code(&id.get_value()).await {
                Ok(c) => {
                    error.set(None);
                    code.set(Some(c));
                }
                Err(e) => error.set(Some(e.message())),
            }
            loading_code.set(false);
        });
    };
    fetch();
    let due =
        move || code.with(|c| c.as_ref().and_then(|c| time::parse_rfc3339(&c.refresh_at)).map(|s| s as f64 * 1000.0));
    // At most one try every 5 s while no current code came (a refusal, a clock ahead of the server's).
    let next_try = StoredValue::new(0.0);
    every(1000, move || {
        let t = time::now_ms();
        now.set(t);
        if due().is_none_or(|at| t >= at) && t >= next_try.get_value() {
            next_try.set_value(t + 5000.0);
            fetch();
        }
    });
    view! {
        <section class="vol-code" data-testid="checkin-code">
            <h2>{VOL.code_title}</h2>
            {error_line("code-error", error)}
            {move || code.get().map(|c| view! {
                <div class="vol-qr" role="img" aria-label=VOL.code_qr data-testid="checkin-qr" inner_html=c.qr_svg.clone()></div>
                <p class="vol-digits" data-testid="checkin-code-digits">{c.code.clone()}</p>
            })}
            <p class="hint" data-testid="checkin-refresh">{move || due().map(|at| {
                let secs = ((at - now.get()) / 1000.0).ceil().max(0.0) as i64;
                format!("{}{}{}", VOL.refresh_1, secs, VOL.refresh_2)
            })}</p>
        </section>
    }
}

/// One line of the roster, with the hand-marking form.
/// `editing` counts the open forms (the roster is not read again meanwhile).
fn roster_item(
    activity: StoredValue<Activity>,
    entry: RosterEntry,
    editing: RwSignal<u32>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = entry.signup.clone();
    let user = StoredValue::new(entry.person.id.clone());
    let marking = RwSignal::new(false);
    let show_form = move |on: bool| {
        if marking.get_untracked() != on {
            marking.set(on);
            editing.update(|n| if on { *n += 1 } else { *n = n.saturating_sub(1) });
        }
    };
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let (a_start, a_end) = activity.with_value(|a| (a.starts_at.clone(), a.ends_at.clone()));
    let in_at = RwSignal::new(input_of(s.checked_in_at.as_deref().unwrap_or(&a_start)));
    let out_at = RwSignal::new(input_of(s.checked_out_at.as_deref().unwrap_or(&a_end)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(checked_in_at), Some(checked_out_at)) =
            (api_time(&in_at.get_untracked()), api_time(&out_at.get_untracked()))
        else {
            error.set(Some(VOL.bad_times.to_owned()));
            return;
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let request = MarkAttendanceRequest { checked_in_at, checked_out_at };
            match api::volunteers::mark(&activity.with_value(|a| a.id.clone()), &user.get_value(), &request).await {
                Ok(_) => {
                    show_form(false);
                    state::toast(VOL.marked_ok);
                    reload();
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let status = match (s.status, s.waitlist_position) {
        (SignupStatus::Waitlisted, Some(n)) => format!("{}{}{}", VOL.waitlist_pos_1, n, VOL.waitlist_pos_2),
        (st, _) => st.label().to_owned(),
    };
    let times = match (&s.checked_in_at, &s.checked_out_at) {
        (Some(i), Some(o)) => format!("{}{}", VOL.attended, span(i, o)),
        (Some(i), None) => format!("{}{}", VOL.checked_in_at, time::show(i)),
        _ => VOL.not_checked_in.to_owned(),
    };
    let seated = s.status == SignupStatus::Seated;
    view! {
        <li class="vol-member" data-testid="roster-entry" data-user-id=entry.person.id.clone() data-status=s.status.as_str()
            data-confirmed=s.confirmed_at.is_some().to_string()>
            <div class="card-head">
                <b data-testid="roster-name">{entry.person.name.clone()}</b>
                <span class=format!("badge signup-{}", s.status.as_str())>{status}</span>
            </div>
            {seated.then(|| view! {
                <p class="meta" data-testid="roster-times">{times}</p>
                <p class="meta">
                    {s.minutes.map(|m| view! { <span data-testid="roster-minutes">{VOL.minutes_label}{MESSAGES.colon}{minutes(m)}</span> })}
                    {s.confirmed_at.is_some().then(|| view! { " "<span class="badge signup-seated" data-testid="roster-confirmed">{VOL.confirmed}</span> })}
                </p>
            })}
            {(seated && s.confirmed_at.is_none()).then(|| view! {
                {move || (!marking.get()).then(|| view! {
                    <div class="card-actions">
                        <button type="button" data-testid="roster-mark" on:click=move |_| show_form(true)>{VOL.mark}</button>
                    </div>
                })}
                {move || marking.get().then(|| view! {
                    <form class="inline-form" data-testid="mark-form" on:submit=submit novalidate>
                        <label for=format!("mark-in-{}", user.get_value())>{VOL.checked_in_at}</label>
                        <input id=format!("mark-in-{}", user.get_value()) data-testid="mark-in" type="datetime-local" prop:value=in_at
                            on:input=move |ev| in_at.set(event_target_value(&ev))/>
                        <label for=format!("mark-out-{}", user.get_value())>{VOL.checked_out_at}</label>
                        <input id=format!("mark-out-{}", user.get_value()) data-testid="mark-out" type="datetime-local" prop:value=out_at
                            on:input=move |ev| out_at.set(event_target_value(&ev))/>
                        {error_line("mark-error", error)}
                        <div class="row">
                            <button type="button" data-testid="mark-close" on:click=move |_| show_form(false)>{MESSAGES.close}</button>
                            <button type="submit" class="primary" data-testid="mark-submit" disabled=busy>{MESSAGES.save}</button>
                        </div>
                    </form>
                })}
            })}
        </li>
    }
}

/// `/volunteer/activities/:id/organise`: the organiser's page.
#[component]
pub fn Organise(
    /// The activity's id.
    id: String,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let activity = RwSignal::new(None::<Activity>);
    let roster = RwSignal::new(None::<Vec<RosterEntry>>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::volunteers::activity(&id.get_value()).await {
                Ok(a) => activity.set(Some(a)),
                Err(e) => return error.set(Some(e.message())),
            }
            match api::volunteers::roster(&id.get_value()).await {
                Ok(r) => roster.set(Some(r.items)),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    reload();
    // Read again while nobody is marking attendance (a new list would close the form).
    let editing = RwSignal::new(0_u32);
    every(10_000, move || {
        if editing.get_untracked() == 0 {
            reload();
        }
    });
    let confirm = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::volunteers::confirm(&id.get_value()).await {
                Ok(r) => {
                    let n = r.items.iter().filter(|e| e.signup.confirmed_at.is_some()).count();
                    state::toast(format!("{}{}{}", VOL.confirmed_1, n, VOL.confirmed_2));
                    reload();
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let cancel = move || {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::volunteers::cancel(&id.get_value()).await {
                Ok(a) => {
                    asking.set(false);
                    activity.set(Some(a));
                    state::toast(VOL.cancelled_ok);
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let started = move || {
        activity.with(|a| {
            a.as_ref()
                .and_then(|a| time::parse_rfc3339(&a.starts_at))
                .is_some_and(|s| (s as f64) * 1000.0 <= time::now_ms())
        })
    };
    view! {
        {move || activity.get().map_or_else(|| pending(error), |a| {
            let page = VolunteerPage::Activity(a.id.clone());
            view! {
                <div class="detail" data-testid="organise-page" data-activity-id=a.id.clone() data-status=a.status.as_str()>
                    <h1>{a.title.clone()}</h1>
                    <p class="meta">{span(&a.starts_at, &a.ends_at)}{MESSAGES.separator}{a.place.name.clone()}{MESSAGES.separator}{a.address.clone()}</p>
                    <p class="vol-seats">{format!("{} {}/{} · {} {}", VOL.seats_taken, a.seats_taken, a.capacity, VOL.waitlist, a.waitlist)}</p>
                    <a href=page.href() on:click=go_to(page.clone())>{VOL.activity_page}</a>
                </div>
            }.into_any()
        })}
        {error_line("organise-error", error)}
        // Shown until the activity is cancelled: late arrivals may still check in after a first confirmation.
        {move || activity.with(|a| a.as_ref().is_some_and(|a| a.status != ActivityStatus::Cancelled)).then(|| view! { <CodePanel id/> })}
        <section class="actions">
            <h2>{VOL.roster}</h2>
            {move || match roster.get() {
                None => pending(error),
                Some(list) if list.is_empty() => view! { <p class="empty" data-testid="empty-list">{VOL.no_roster}</p> }.into_any(),
                Some(list) => {
                    // Read after the activity (see `reload`), so it is there.
                    let Some(a) = activity.get_untracked() else { return pending(error) };
                    let a = StoredValue::new(a);
                    view! {
                        <ul class="vol-members" data-testid="roster">
                            {list.into_iter().map(|e| roster_item(a, e, editing, reload)).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <p class="hint">{VOL.confirm_hint}</p>
            <div class="row">
                {move || activity.with(|a| a.as_ref().is_some_and(|a| a.status == ActivityStatus::Published)).then(|| view! {
                    <button type="button" class="step-back" data-testid="cancel-activity" on:click=move |_| asking.set(true)>{VOL.cancel_activity}</button>
                })}
                <button type="button" class="primary" data-testid="confirm-hours" disabled=move || busy.get() || !started()
                    on:click=confirm>{VOL.confirm_hours}</button>
            </div>
            {move || asking.get().then(|| confirm_box(VOL.cancel_confirm, VOL.cancel_activity, "cancel-confirm", busy,
                cancel, move || asking.set(false)))}
        </section>
    }
}
