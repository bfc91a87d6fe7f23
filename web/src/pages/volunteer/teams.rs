//! `/volunteer/teams` (the volunteer teams, asking to join) and `/volunteer/teams/:id` (one team:
//! its members for members, the pending requests with approve and refuse for leaders, its
//! activities, and a leader's link to publishing one).

use haolin_shared::api::{Activity, Team, TeamMember, TeamRole};
use leptos::prelude::*;

use super::activities::ActivityCard;
use super::{VolunteerPage, error_line, go_to, pending};
use crate::i18n::{MESSAGES, VOL};
use crate::{api, state};

/// The caller's standing in a team, as a badge (`team-role`, `data-role`).
fn role_badge(role: Option<TeamRole>) -> Option<impl IntoView> {
    role.map(|r| {
        let text = match r {
            TeamRole::Pending => VOL.role_pending,
            TeamRole::Member => VOL.role_member,
            TeamRole::Leader => VOL.role_leader,
        };
        view! { <span class=format!("badge team-{}", r.as_str()) data-testid="team-role" data-role=r.as_str()>{text}</span> }
    })
}

/// The join button of a team the caller is not in; `joined` gets the team as it now stands.
fn join_button(id: String, joined: impl Fn(Team) + Copy + Send + Sync + 'static) -> impl IntoView {
    let busy = RwSignal::new(false);
    let id = StoredValue::new(id);
    view! {
        <button type="button" class="primary" data-testid="team-join" disabled=busy on:click=move |_| {
            busy.set(true);
            leptos::task::spawn_local(async move {
                match api::volunteers::join(&id.get_value(), None).await {
                    Ok(t) => {
                        state::toast(VOL.join_sent);
                        joined(t);
                    }
                    Err(e) => state::toast(e.message()),
                }
                busy.set(false);
            });
        }>{VOL.join}</button>
    }
}

/// One team in the list.
#[component]
fn TeamCard(team: Team) -> impl IntoView {
    let team = RwSignal::new(team);
    move || {
        let t = team.get();
        let page = VolunteerPage::Team(t.id.clone());
        let leaders = t.leaders.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("、");
        view! {
            <article class="card" data-testid="team-card" data-team-id=t.id.clone() data-role=t.my_role.map(|r| r.as_str())>
                <div class="card-head">
                    <a class="card-title" href=page.href() on:click=go_to(page) data-testid="team-name">{t.name.clone()}</a>
                    {role_badge(t.my_role)}
                </div>
                <p class="meta" data-testid="team-place">{t.place.name.clone()}{MESSAGES.separator}
                    <span data-testid="team-member-count">{format!("{}{}", t.member_count, VOL.people)}</span></p>
                {(!leaders.is_empty()).then(|| view! { <p class="meta">{VOL.leaders}{MESSAGES.colon}{leaders}</p> })}
                {t.my_role.is_none().then(|| view! {
                    <div class="card-actions">{join_button(t.id.clone(), move |t| team.set(t))}</div>
                })}
            </article>
        }
    }
}

/// `/volunteer/teams`.
#[component]
pub fn Teams() -> impl IntoView {
    let items = RwSignal::new(None::<Vec<Team>>);
    let cursor = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let fetch = move |after: Option<String>| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::volunteers::teams(false, after.as_deref()).await {
                Ok(page) => {
                    cursor.set(page.next_cursor);
                    items.update(|l| l.get_or_insert_with(Vec::new).extend(page.items));
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    fetch(None);
    view! {
        <h1>{VOL.teams_title}</h1>
        <p class="hint">{VOL.teams_intro}</p>
        {error_line("teams-error", error)}
        {move || match items.get() {
            None => pending(error),
            Some(list) if list.is_empty() => view! { <p class="empty" data-testid="empty-list">{VOL.no_teams}</p> }.into_any(),
            Some(list) => view! {
                <section class="list" data-testid="team-list">
                    {list.into_iter().map(|team| view! { <TeamCard team/> }).collect_view()}
                </section>
            }.into_any(),
        }}
        {move || cursor.get().map(|c| view! {
            <button type="button" class="load-more" data-testid="load-more" disabled=busy
                on:click=move |_| fetch(Some(c.clone()))>{MESSAGES.load_more}</button>
        })}
    }
}

/// A person on the team's list; for a leader looking at a request, approve and refuse.
fn member_item(
    team: StoredValue<String>,
    m: TeamMember,
    decided: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let user = StoredValue::new(m.person.id.clone());
    let decide = move |decision: &'static str| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::volunteers::decide(&team.get_value(), &user.get_value(), decision).await {
                Ok(_) => {
                    state::toast(if decision == "approve" { VOL.approved_ok } else { VOL.refused_ok });
                    decided();
                }
                Err(e) => state::toast(e.message()),
            }
            busy.set(false);
        });
    };
    let is_request = m.role == TeamRole::Pending;
    view! {
        <li class="vol-member" data-testid="team-member" data-user-id=m.person.id.clone() data-role=m.role.as_str()>
            <div class="card-head">
                <b>{m.person.name.clone()}</b>
                {role_badge(Some(m.role))}
            </div>
            {m.note.clone().filter(|n| !n.is_empty()).map(|n| view! { <p class="meta">{n}</p> })}
            {is_request.then(|| view! {
                <div class="card-actions">
                    <button type="button" class="step-back" data-testid="member-refuse" disabled=busy on:click=move |_| decide("refuse")>{VOL.refuse}</button>
                    <button type="button" class="primary" data-testid="member-approve" disabled=busy on:click=move |_| decide("approve")>{VOL.approve}</button>
                </div>
            })}
        </li>
    }
}

/// `/volunteer/teams/:id`.
#[component]
pub fn TeamPage(
    /// The team's id.
    id: String,
) -> impl IntoView {
    let id = StoredValue::new(id);
    let team = RwSignal::new(None::<Team>);
    let members = RwSignal::new(Vec::<TeamMember>::new());
    let requests = RwSignal::new(Vec::<TeamMember>::new());
    let activities = RwSignal::new(None::<Vec<Activity>>);
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            let t = match api::volunteers::team(&id.get_value()).await {
                Ok(t) => t,
                Err(e) => return error.set(Some(e.message())),
            };
            let role = t.my_role;
            team.set(Some(t));
            if matches!(role, Some(TeamRole::Member | TeamRole::Leader))
                && let Ok(page) = api::volunteers::members(&id.get_value(), None).await
            {
                members.set(page.items.into_iter().filter(|m| m.role != TeamRole::Pending).collect());
            }
            if role == Some(TeamRole::Leader)
                && let Ok(page) = api::volunteers::members(&id.get_value(), Some(TeamRole::Pending)).await
            {
                requests.set(page.items);
            }
            match api::volunteers::activities(Some(&id.get_value()), None).await {
                Ok(page) => activities.set(Some(page.items)),
                Err(e) => {
                    error.set(Some(e.message()));
                    activities.set(Some(Vec::new()));
                }
            }
        });
    };
    reload();
    let leave = move |_| {
        leptos::task::spawn_local(async move {
            match api::volunteers::leave(&id.get_value()).await {
                Ok(()) => {
                    state::toast(VOL.left_ok);
                    members.set(Vec::new());
                    requests.set(Vec::new());
                    reload();
                }
                Err(e) => state::toast(e.message()),
            }
        });
    };
    view! {
        {error_line("team-error", error)}
        {move || team.get().map_or_else(|| pending(error), |t| {
            let leader = t.my_role == Some(TeamRole::Leader);
            let in_team = matches!(t.my_role, Some(TeamRole::Member | TeamRole::Leader));
            let new_activity = VolunteerPage::NewActivity(t.id.clone());
            view! {
                <article class="detail" data-testid="team-detail" data-team-id=t.id.clone() data-role=t.my_role.map(|r| r.as_str())>
                    <div class="card-head"><h1>{t.name.clone()}</h1>{role_badge(t.my_role)}</div>
                    <p class="meta">{t.place.name.clone()}{MESSAGES.separator}{format!("{}{}", t.member_count, VOL.people)}</p>
                    {(!t.description.is_empty()).then(|| view! { <p class="description">{t.description.clone()}</p> })}
                    <div class="row">
                        {t.my_role.is_none().then(|| join_button(t.id.clone(), move |t| team.set(Some(t))))}
                        {in_team.then(|| view! {
                            <button type="button" class="step-back" data-testid="team-leave" on:click=leave>{VOL.leave}</button>
                        })}
                        {leader.then(|| view! {
                            <a class="button primary" data-testid="new-activity" href=new_activity.href() on:click=go_to(new_activity.clone())>{VOL.new_activity}</a>
                        })}
                    </div>
                </article>
            }.into_any()
        })}
        {move || (!requests.with(Vec::is_empty)).then(|| view! {
            <h2>{VOL.pending_requests}</h2>
            <ul class="vol-members" data-testid="pending-requests">
                {requests.get().into_iter().map(|m| member_item(id, m, reload)).collect_view()}
            </ul>
        })}
        {move || (!members.with(Vec::is_empty)).then(|| view! {
            <h2>{VOL.members}</h2>
            <ul class="vol-members" data-testid="team-members">
                {members.get().into_iter().map(|m| member_item(id, m, reload)).collect_view()}
            </ul>
        })}
        <h2>{VOL.team_activities}</h2>
        {move || match activities.get() {
            None => pending(error),
            Some(list) if list.is_empty() => view! { <p class="empty" data-testid="empty-list">{VOL.no_activities}</p> }.into_any(),
            Some(list) => view! {
                <section class="list" data-testid="team-activities">
                    {list.into_iter().map(|a| view! { <ActivityCard activity=a/> }).collect_view()}
                </section>
            }.into_any(),
        }}
    }
}
