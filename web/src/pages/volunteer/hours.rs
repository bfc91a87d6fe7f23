//! `/volunteer/hours` (我的时长: balance, held, lifetime, star level, the ledger page by page) and
//! `/volunteer/family` (family links, and gifts of hours along them).

use haolin_shared::api::{AddFamilyRequest, FamilyLink, GiftRequest, LedgerEntry, Relation, TimeBankSummary};
use leptos::prelude::*;

use super::{VolunteerPage, error_line, go_to, minutes, pending};
use crate::i18n::{MESSAGES, VOL};
use crate::{api, state, time};

/// `★★☆☆☆`: `star` of five.
fn stars(star: u8) -> String {
    (0..5).map(|i| if i < star { '★' } else { '☆' }).collect()
}

/// One figure of the summary.
fn figure(label: &'static str, testid: &'static str, value: String) -> impl IntoView {
    view! { <div class="vol-figure"><dt>{label}</dt><dd data-testid=testid>{value}</dd></div> }
}

/// The summary card.
fn summary_view(s: &TimeBankSummary) -> impl IntoView + use<> {
    let next = match s.next_star_minutes {
        Some(m) => {
            let left = minutes((m - s.lifetime_minutes).max(0));
            format!("{}{left}{}{}{}", VOL.next_star_1, VOL.next_star_2, s.star + 1, VOL.star_unit)
        }
        None => VOL.top_star.to_owned(),
    };
    view! {
        <section class="overview" data-testid="hours-summary">
            <p class="vol-stars" data-testid="hours-star" data-star=s.star.to_string()>
                <span aria-hidden="true">{stars(s.star)}</span>" "<span>{format!("{}{}", s.star, VOL.star_level)}</span>
            </p>
            <p class="hint" data-testid="hours-next-star">{next}</p>
            <dl class="vol-figures">
                {figure(VOL.balance, "hours-balance", minutes(s.balance_minutes))}
                {figure(VOL.held, "hours-held", minutes(s.held_minutes))}
                {figure(VOL.lifetime, "hours-lifetime", minutes(s.lifetime_minutes))}
            </dl>
            <p class="hint">{VOL.cap_1}{minutes(s.cap_minutes)}{VOL.cap_2}</p>
        </section>
    }
}

/// One movement of the ledger.
fn ledger_item(e: LedgerEntry) -> impl IntoView {
    let sign = if e.minutes > 0 { "+" } else { "" };
    view! {
        <li class="vol-ledger-item" data-testid="ledger-entry" data-kind=e.kind.as_str()>
            <div class="card-head">
                <span class="vol-kind">{e.kind.label()}</span>
                <b class=if e.minutes < 0 { "vol-out" } else { "vol-in" } data-testid="ledger-minutes">{format!("{sign}{}", minutes(e.minutes))}</b>
            </div>
            <p class="vol-memo">{e.memo}</p>
            <p class="meta">{e.counterparty}{MESSAGES.separator}{time::show(&e.at)}{MESSAGES.separator}{VOL.balance_after}{minutes(e.balance_after)}</p>
        </li>
    }
}

/// `/volunteer/hours`.
#[component]
pub fn Hours() -> impl IntoView {
    let summary = RwSignal::new(None::<TimeBankSummary>);
    let entries = RwSignal::new(None::<Vec<LedgerEntry>>);
    let cursor = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let more = move |after: Option<String>| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::time_bank::ledger(after.as_deref()).await {
                Ok(page) => {
                    cursor.set(page.next_cursor);
                    entries.update(|list| list.get_or_insert_with(Vec::new).extend(page.items));
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    leptos::task::spawn_local(async move {
        match api::time_bank::summary().await {
            Ok(s) => summary.set(Some(s)),
            Err(e) => error.set(Some(e.message())),
        }
    });
    more(None);
    view! {
        <h1>{VOL.nav_hours_title}</h1>
        {error_line("hours-error", error)}
        {move || summary.get().map_or_else(|| pending(error), |s| summary_view(&s).into_any())}
        <nav class="home-actions" aria-label=VOL.nav_hours_title>
            <a class="button" data-testid="goto-family" href=VolunteerPage::Family.href() on:click=go_to(VolunteerPage::Family)>{VOL.family_title}</a>
            <a class="button" data-testid="goto-record" href=VolunteerPage::Record.href() on:click=go_to(VolunteerPage::Record)>{VOL.record_title}</a>
        </nav>
        <h2>{VOL.ledger}</h2>
        {move || match entries.get() {
            None => pending(error),
            Some(list) if list.is_empty() => view! { <p class="empty" data-testid="empty-list">{VOL.no_ledger}</p> }.into_any(),
            Some(list) => view! { <ul class="vol-ledger" data-testid="ledger">{list.into_iter().map(ledger_item).collect_view()}</ul> }.into_any(),
        }}
        {move || cursor.get().map(|c| view! {
            <button type="button" class="load-more" data-testid="load-more" disabled=busy
                on:click=move |_| more(Some(c.clone()))>{MESSAGES.load_more}</button>
        })}
    }
}

/// One family link, with accept (the named one, while not accepted) and remove.
fn family_item(link: FamilyLink, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let id = StoredValue::new(link.id.clone());
    let busy = RwSignal::new(false);
    let run = move |accept: bool| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let done = if accept {
                api::time_bank::accept_family(&id.get_value()).await.map(|_| VOL.accepted_ok)
            } else {
                api::time_bank::remove_family(&id.get_value()).await.map(|()| VOL.removed_ok)
            };
            match done {
                Ok(text) => state::toast(text),
                Err(e) => state::toast(e.message()),
            }
            busy.set(false);
            reload();
        });
    };
    let side = if link.named_by_me { VOL.named_by_me } else { VOL.named_me };
    let standing = if link.accepted { VOL.link_accepted } else { VOL.link_waiting };
    view! {
        <li class="card" data-testid="family-item" data-family-id=link.id.clone() data-accepted=link.accepted.to_string()>
            <div class="card-head">
                <b>{link.person.name.clone()}</b>
                <span class="badge">{link.relation.label()}</span>
            </div>
            <p class="meta">{side}{MESSAGES.separator}{standing}</p>
            <div class="card-actions">
                <button type="button" class="step-back" data-testid="family-remove" disabled=busy on:click=move |_| run(false)>{VOL.remove}</button>
                {(!link.named_by_me && !link.accepted).then(|| view! {
                    <button type="button" class="primary" data-testid="family-accept" disabled=busy on:click=move |_| run(true)>{VOL.accept}</button>
                })}
            </div>
        </li>
    }
}

/// `/volunteer/family`: my family links, naming a relative, and giving hours.
#[component]
pub fn Family() -> impl IntoView {
    let links = RwSignal::new(None::<Vec<FamilyLink>>);
    let summary = RwSignal::new(None::<TimeBankSummary>);
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::time_bank::family().await {
                Ok(list) => links.set(Some(list.items)),
                Err(e) => error.set(Some(e.message())),
            }
            if let Ok(s) = api::time_bank::summary().await {
                summary.set(Some(s));
            }
        });
    };
    reload();

    // Naming a relative.
    let phone = RwSignal::new(String::new());
    let relation = RwSignal::new(String::from("spouse"));
    let birth = RwSignal::new(String::new());
    let add_busy = RwSignal::new(false);
    let add_error = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let relation = Relation::parse(&relation.get_untracked()).unwrap_or(Relation::Spouse);
        let birth_date = (relation == Relation::Parent).then(|| birth.get_untracked()).filter(|b| !b.is_empty());
        if relation == Relation::Parent && birth_date.is_none() {
            add_error.set(Some(VOL.birth_needed.to_owned()));
            return;
        }
        let request = AddFamilyRequest { phone: phone.get_untracked().trim().to_owned(), relation, birth_date };
        add_busy.set(true);
        add_error.set(None);
        leptos::task::spawn_local(async move {
            match api::time_bank::add_family(&request).await {
                Ok(_) => {
                    state::toast(VOL.named_ok);
                    phone.set(String::new());
                    reload();
                }
                Err(e) => add_error.set(Some(e.message())),
            }
            add_busy.set(false);
        });
    };

    // Giving hours.
    let to = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let gift_busy = RwSignal::new(false);
    let gift_error = RwSignal::new(None::<String>);
    let givable = move || {
        links.with(|l| {
            l.iter()
                .flatten()
                .filter(|f| f.named_by_me && f.accepted)
                .map(|f| (f.id.clone(), f.person.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let give = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let minutes_given = amount.get_untracked().trim().parse::<i64>().ok().filter(|m| *m > 0);
        let family_id = to.get_untracked();
        let (Some(minutes_given), false) = (minutes_given, family_id.is_empty()) else {
            gift_error.set(Some(VOL.gift_rule.to_owned()));
            return;
        };
        let text = note.get_untracked().trim().to_owned();
        let request = GiftRequest { family_id, minutes: minutes_given, note: (!text.is_empty()).then_some(text) };
        gift_busy.set(true);
        gift_error.set(None);
        leptos::task::spawn_local(async move {
            match api::time_bank::give(&request).await {
                Ok(t) => {
                    state::toast(format!("{}{}", VOL.gift_ok, minutes(t.minutes)));
                    amount.set(String::new());
                    note.set(String::new());
                    reload();
                }
                Err(e) => gift_error.set(Some(e.message())),
            }
            gift_busy.set(false);
        });
    };

    view! {
        <h1>{VOL.family_title}</h1>
        <p class="hint">{VOL.family_intro}</p>
        {error_line("family-error", error)}
        {move || match links.get() {
            None => pending(error),
            Some(list) if list.is_empty() => view! { <p class="empty" data-testid="empty-list">{VOL.no_family}</p> }.into_any(),
            Some(list) => view! {
                <ul class="list vol-plain" data-testid="family-list">{list.into_iter().map(|l| family_item(l, reload)).collect_view()}</ul>
            }.into_any(),
        }}
        <h2>{VOL.gift_title}</h2>
        <form class="form" data-testid="gift-form" on:submit=give novalidate>
            <p class="hint" data-testid="gift-left">{move || summary.get().map(|s| format!("{}{}{}{}",
                VOL.balance, minutes(s.balance_minutes), VOL.gift_left, minutes(s.gift_left_today_minutes)))}</p>
            <label for="gift-family">{VOL.gift_to}</label>
            <select id="gift-family" data-testid="gift-family" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))>
                <option value="">{MESSAGES.please_choose}</option>
                {move || givable().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
            <label for="gift-minutes">{VOL.gift_minutes}</label>
            <input id="gift-minutes" data-testid="gift-minutes" type="number" inputmode="numeric" min="1" step="1"
                prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev))/>
            <label for="gift-note">{VOL.gift_note}</label>
            <input id="gift-note" data-testid="gift-note" type="text" maxlength="100" prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
            {error_line("gift-error", gift_error)}
            <button type="submit" class="primary" data-testid="gift-submit" disabled=gift_busy>{VOL.give}</button>
        </form>
        <h2>{VOL.name_relative}</h2>
        <form class="form" data-testid="family-form" on:submit=add novalidate>
            <label for="family-phone">{VOL.relative_phone}</label>
            <input id="family-phone" data-testid="family-phone" type="tel" inputmode="numeric" autocomplete="off"
                prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/>
            <label for="family-relation">{VOL.relation}</label>
            <select id="family-relation" data-testid="family-relation" prop:value=move || relation.get()
                on:change=move |ev| relation.set(event_target_value(&ev))>
                <option value="spouse">{Relation::Spouse.label()}</option>
                <option value="parent">{Relation::Parent.label()}</option>
            </select>
            {move || (relation.get() == "parent").then(|| view! {
                <label for="family-birth-date">{VOL.birth_date}</label>
                <input id="family-birth-date" data-testid="family-birth-date" type="date" prop:value=birth
                    on:input=move |ev| birth.set(event_target_value(&ev))/>
                <p class="hint">{VOL.parent_rule}</p>
            })}
            {error_line("family-form-error", add_error)}
            <button type="submit" class="primary" data-testid="family-submit" disabled=add_busy>{VOL.name_relative}</button>
        </form>
    }
}
