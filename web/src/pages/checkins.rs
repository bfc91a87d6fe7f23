//! The party member's dual check-in (双报到): `/checkins` lists my check-ins (withdrawing one,
//! opening the certificate of an approved one) and files a new one with the service certificate
//! and introduction letter (一证一信); `/checkins/:id/certificate` is the printable certificate.

use haolin_shared::api::{Checkin, Community, Place, Role, UnitBranch, User};
use haolin_shared::domain::checkin::{CheckinKind, available_actions};
use haolin_shared::domain::{CheckinAction, CheckinRelations, CheckinStatus};
use leptos::prelude::*;

use crate::components::confirm::confirm_box;
use crate::components::go;
use crate::error::ApiError;
use crate::i18n::MESSAGES;
use crate::route::Route;
use crate::validate::{self, CheckinForm};
use crate::{access, api, state, time};

/// How `me` stands to a member's check-in, for the shared state machine.
pub(crate) fn relations(me: &User, checkin: &Checkin) -> CheckinRelations {
    CheckinRelations {
        member: checkin.member.id == me.id,
        dispatcher: access::holds(me, Role::Dispatcher, &checkin.community_id),
        admin: me.roles.contains(&Role::Admin),
    }
}

/// The actions `me` may take on a member's check-in now, exactly as the shared state machine allows.
pub(crate) fn actions_for(me: Option<&User>, checkin: &Checkin) -> Vec<CheckinAction> {
    me.map(|me| available_actions(CheckinKind::Member, checkin.status, &relations(me, checkin))).unwrap_or_default()
}

/// Every community, page by page (the form's choices and the names in the list).
async fn all_communities() -> Result<Vec<Community>, ApiError> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = api::communities::list(Some(100), cursor.as_deref()).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

/// A check-in's status badge (`checkin-status`, with `data-status`).
fn status_badge(status: CheckinStatus) -> impl IntoView + use<> {
    view! {
        <span class=format!("badge checkin-{}", status.as_str()) data-testid="checkin-status" data-status=status.as_str()>
            {MESSAGES.checkin_status(status)}
        </span>
    }
}

/// One of my check-ins, with its certificate link and the withdrawal.
#[component]
fn CheckinCard(checkin: Checkin, community: String, items: RwSignal<Option<Vec<Checkin>>>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = checkin.id.clone();
    let withdraw = move || {
        let id = id.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::checkins::withdraw(&id).await {
                Ok(now) => {
                    items.update(|list| {
                        if let Some(c) = list.iter_mut().flatten().find(|c| c.id == now.id) {
                            *c = now;
                        }
                    });
                    state::toast(MESSAGES.withdrawn_ok);
                    state::refresh_me();
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let may_withdraw =
        state::app().me.with_untracked(|me| actions_for(me.as_ref(), &checkin).contains(&CheckinAction::Withdraw));
    let certificate = Route::Certificate(checkin.id.clone());
    view! {
        <article class="card" data-testid="checkin-item" data-checkin-id=checkin.id.clone() data-status=checkin.status.as_str()>
            <div class="card-head">
                <strong>{community}</strong>
                {status_badge(checkin.status)}
            </div>
            <p class="meta">
                {MESSAGES.certificate_no}{MESSAGES.colon}{checkin.certificate_no.clone()}<br/>
                {MESSAGES.letter_ref}{MESSAGES.colon}{checkin.letter_ref.clone()}<br/>
                {MESSAGES.filed_at}{MESSAGES.colon}{time::show(&checkin.created_at)}
            </p>
            {checkin.reason.clone().map(|r| view! {
                <p class="reason" data-testid="checkin-reason">{MESSAGES.reject_reason}{MESSAGES.colon}{r}</p>
            })}
            <div class="card-actions">
                {(checkin.status == CheckinStatus::Approved).then(|| view! {
                    <a class="button primary" data-testid="certificate-link" href=certificate.href()
                        on:click=go(certificate.clone())>{MESSAGES.view_certificate}</a>
                })}
                {may_withdraw.then(|| view! {
                    <button type="button" class="danger" data-testid="withdraw-button"
                        aria-expanded=move || confirming.get().to_string()
                        on:click=move |_| confirming.set(true)>{MESSAGES.checkin_action(CheckinAction::Withdraw)}</button>
                })}
            </div>
            <Show when=move || confirming.get()>
                {confirm_box(MESSAGES.withdraw_confirm, MESSAGES.confirm_withdraw, "withdraw-confirm", busy,
                    withdraw.clone(), move || confirming.set(false))}
            </Show>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </article>
    }
}

/// The error line under a form field, present only while it is invalid.
fn field_error(id: &'static str, error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|e| view! { <p class="field-error" id=format!("{id}-msg") data-testid=id role="alert">{e}</p> })
    }
}

/// The form of a new check-in; `filed` receives it once the server has it.
#[component]
fn NewCheckin(
    communities: RwSignal<Vec<Community>>,
    branches: RwSignal<Vec<UnitBranch>>,
    items: RwSignal<Option<Vec<Checkin>>>,
) -> impl IntoView {
    let community = RwSignal::new(String::new());
    let branch = RwSignal::new(String::new());
    let certificate = RwSignal::new(String::new());
    let letter = RwSignal::new(String::new());
    // A field's error shows once it has been typed in, left, or the form submitted.
    let touched = RwSignal::new([false; 3]);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let touch = move |i: usize| touched.update(|t| t[i] = true);
    let shown = move |i: usize, err: Option<String>| if touched.with(|t| t[i]) { err } else { None };
    let e_community = Signal::derive(move || {
        shown(0, community.with(String::is_empty).then(|| MESSAGES.choose_community.to_owned()))
    });
    let e_certificate = Signal::derive(move || shown(1, validate::certificate_error(&certificate.get())));
    let e_letter = Signal::derive(move || shown(2, validate::letter_error(&letter.get())));
    let invalid = move |e: Signal<Option<String>>| move || e.with(Option::is_some).to_string();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        touched.set([true; 3]);
        let form = CheckinForm {
            community_id: community.get_untracked(),
            unit_branch_id: branch.get_untracked(),
            certificate_no: certificate.get_untracked(),
            letter_ref: letter.get_untracked(),
        };
        // Invalid input is shown under its field and nothing is sent.
        let Some(request) = validate::check_checkin(&form) else { return };
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match api::checkins::file(&request).await {
                Ok(filed) => {
                    items.update(|list| list.get_or_insert_with(Vec::new).insert(0, filed));
                    certificate.set(String::new());
                    letter.set(String::new());
                    touched.set([false; 3]);
                    state::toast(MESSAGES.checkin_filed);
                }
                Err(e) => failure.set(Some(e.message())),
            }
            busy.set(false);
        });
    };

    view! {
        <form class="form" on:submit=submit novalidate>
            <h2>{MESSAGES.new_checkin}</h2>
            <label for="checkin-community">{MESSAGES.community}</label>
            <select id="checkin-community" data-testid="checkin-community" prop:value=community
                aria-invalid=invalid(e_community) aria-describedby="error-community-msg"
                on:change=move |ev| { community.set(event_target_value(&ev)); touch(0); }>
                <option value="">{MESSAGES.choose_community}</option>
                {move || communities.get().into_iter().map(|c| {
                    let label = format!("{}（{}）", c.name, c.code);
                    view! { <option value=c.id>{label}</option> }
                }).collect_view()}
            </select>
            {field_error("error-community", e_community)}

            <label for="checkin-branch">{MESSAGES.unit_branch}</label>
            <select id="checkin-branch" data-testid="checkin-branch" prop:value=branch
                on:change=move |ev| branch.set(event_target_value(&ev))>
                <option value="">{MESSAGES.no_unit_branch}</option>
                {move || branches.get().into_iter().map(|b| view! { <option value=b.id>{b.name}</option> }).collect_view()}
            </select>

            <label for="checkin-certificate">{MESSAGES.certificate_no}</label>
            <input id="checkin-certificate" data-testid="checkin-certificate" type="text" autocomplete="off"
                prop:value=certificate aria-invalid=invalid(e_certificate)
                aria-describedby="certificate-hint error-certificate-msg"
                on:input=move |ev| { certificate.set(event_target_value(&ev)); touch(1); } on:blur=move |_| touch(1)/>
            <p class="hint" id="certificate-hint">{MESSAGES.certificate_hint}</p>
            {field_error("error-certificate", e_certificate)}

            <label for="checkin-letter">{MESSAGES.letter_ref}</label>
            <input id="checkin-letter" data-testid="checkin-letter" type="text" autocomplete="off"
                prop:value=letter aria-invalid=invalid(e_letter) aria-describedby="error-letter-msg"
                on:input=move |ev| { letter.set(event_target_value(&ev)); touch(2); } on:blur=move |_| touch(2)/>
            {field_error("error-letter", e_letter)}

            {move || failure.get().map(|e| view! { <p class="error" role="alert" data-testid="checkin-error">{e}</p> })}
            <button type="submit" class="primary" data-testid="checkin-submit" disabled=busy>{MESSAGES.checkin_action(CheckinAction::File)}</button>
        </form>
    }
}

/// `/checkins`: my check-ins and the form of a new one.
#[component]
pub fn MyCheckins() -> impl IntoView {
    // An approval or withdrawal changes my roles (the member's pages appear or go).
    state::refresh_me();
    let items = RwSignal::new(None::<Vec<Checkin>>);
    let communities = RwSignal::new(Vec::<Community>::new());
    let branches = RwSignal::new(Vec::<UnitBranch>::new());
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        match api::checkins::list(None).await {
            Ok(list) => items.set(Some(list.items)),
            Err(e) => error.set(Some(e.message())),
        }
        match all_communities().await {
            Ok(list) => communities.set(list),
            Err(e) => error.set(Some(e.message())),
        }
        if let Ok(list) = api::unit_branches::list().await {
            branches.set(list.items);
        }
    });
    let name_of = move |id: &str| {
        communities.with(|cs| cs.iter().find(|c| c.id == id).map(|c| c.name.clone())).unwrap_or_else(|| id.to_owned())
    };
    view! {
        <h1>{MESSAGES.checkins_title}</h1>
        <p class="hint">{MESSAGES.checkins_intro}</p>
        <h2>{MESSAGES.my_checkins}</h2>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || match items.get() {
            None => view! { <p class="loading" role="status">{MESSAGES.loading}</p> }.into_any(),
            Some(list) if list.is_empty() => {
                view! { <p class="empty" data-testid="empty-list">{MESSAGES.no_checkins}</p> }.into_any()
            }
            Some(list) => view! {
                <section class="list" data-testid="my-checkins">
                    {list.into_iter().map(|c| {
                        let community = name_of(&c.community_id);
                        view! { <CheckinCard checkin=c community items/> }
                    }).collect_view()}
                </section>
            }.into_any(),
        }}
        <NewCheckin communities branches items/>
    }
}

/// What the certificate shows: the check-in, its community and the unit branch's name.
type CertificateData = (Checkin, Place, Option<String>);

async fn certificate_data(id: String) -> Result<CertificateData, String> {
    let approved = api::checkins::list(Some(CheckinStatus::Approved)).await.map_err(|e| e.message())?;
    let checkin =
        approved.items.into_iter().find(|c| c.id == id).ok_or_else(|| MESSAGES.certificate_unavailable.to_owned())?;
    let place = api::places::get(&checkin.community_id).await.map_err(|e| e.message())?;
    let branch = match &checkin.unit_branch_id {
        Some(b) => api::unit_branches::list()
            .await
            .map_err(|e| e.message())?
            .items
            .into_iter()
            .find(|u| &u.id == b)
            .map(|u| u.name),
        None => None,
    };
    Ok((checkin, place, branch))
}

/// One line of the certificate.
fn cert_line(label: &'static str, testid: &'static str, value: String) -> impl IntoView {
    view! { <div><dt>{label}</dt><dd data-testid=testid>{value}</dd></div> }
}

/// `/checkins/:id/certificate`: the service certificate of an approved check-in, with a print
/// button; the print stylesheet leaves only the certificate, black on white.
#[component]
pub fn Certificate(
    /// The check-in's id.
    id: String,
) -> impl IntoView {
    let data = RwSignal::new(None::<Result<CertificateData, String>>);
    leptos::task::spawn_local(async move { data.set(Some(certificate_data(id).await)) });
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="page-head no-print">
            <a href=Route::Checkins.href() on:click=go(Route::Checkins)>{MESSAGES.back}</a>
            <button type="button" class="primary" data-testid="print-button" on:click=print
                disabled=move || !data.with(|d| matches!(d, Some(Ok(_))))>{MESSAGES.print}</button>
        </div>
        {move || match data.get() {
            None => view! { <p class="loading" role="status">{MESSAGES.loading}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert" data-testid="certificate-error">{e}</p> }.into_any(),
            Some(Ok((checkin, place, branch))) => {
                let path = place.path.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(" / ");
                view! {
                    <article class="certificate" data-testid="certificate" data-checkin-id=checkin.id.clone()>
                        <h1>{MESSAGES.certificate_title}</h1>
                        <dl>
                            {cert_line(MESSAGES.name, "cert-name", checkin.member.name.clone())}
                            {cert_line(MESSAGES.certificate_no, "cert-number", checkin.certificate_no.clone())}
                            {cert_line(MESSAGES.community, "cert-community", path)}
                            {cert_line(MESSAGES.community_code, "cert-code", place.code.clone())}
                            {cert_line(MESSAGES.unit_branch_label, "cert-branch", branch.unwrap_or_else(|| MESSAGES.none.to_owned()))}
                            {cert_line(MESSAGES.letter_ref, "cert-letter", checkin.letter_ref.clone())}
                            {cert_line(MESSAGES.approved_on, "cert-date",
                                checkin.decided_at.as_deref().map(time::show_date).unwrap_or_default())}
                        </dl>
                        <p class="cert-foot">{MESSAGES.product_name}{MESSAGES.separator}{MESSAGES.motto}</p>
                    </article>
                }.into_any()
            }
        }}
    }
}
