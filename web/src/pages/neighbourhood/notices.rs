//! The notices (通知公告, docs/NOTICES.md) below `/notices`: all my notices (`/notices`), one
//! notice with its text and photos, marked read when opened (`/notices/{id}`), and for staff
//! (dispatchers, street officers, admins) posting one (`/notices/new`: the place within their
//! scope, title, text, a photo, pinned, the end date) and the notices they posted, with withdrawal
//! (`/notices/posted`).

use haolin_shared::api::{CreateNoticeRequest, Notice, PhotoStage, PlaceRef, Role, User};
use leptos::prelude::*;

use crate::components::go;
use crate::components::photos::{PhotoField, PhotoGroups, PhotoPicker};
use crate::i18n::{MESSAGES, NOTE};
use crate::route::Route;
use crate::{api, state};

fn route(rest: &str) -> Route {
    Route::Neighbourhood(format!("/notices{rest}"))
}

fn is_staff(me: &User) -> bool {
    me.roles.iter().any(|r| matches!(r, Role::Admin | Role::Dispatcher | Role::StreetOfficer))
}

/// The day of an RFC 3339 time, as people read it.
fn day(rfc3339: &str) -> String {
    crate::time::format_date(rfc3339)
}

/// The page below `/notices` (`rest` is the path after it).
pub fn page(rest: &str, me: User) -> AnyView {
    match rest.trim_end_matches('/') {
        "" => view! { <NoticeList me posted=false/> }.into_any(),
        "/posted" => view! { <NoticeList me posted=true/> }.into_any(),
        "/new" => view! { <NewNotice/> }.into_any(),
        id => view! { <NoticePage id=id.trim_start_matches('/').to_owned()/> }.into_any(),
    }
}

/// One notice in a list.
#[component]
fn NoticeCard(notice: Notice, posted: bool) -> impl IntoView {
    let withdrawn = RwSignal::new(notice.withdrawn_at.is_some());
    let id = notice.id.clone();
    let withdraw = move |_| {
        let Some(window) = web_sys::window() else { return };
        if !window.confirm_with_message(NOTE.confirm_withdraw).unwrap_or(false) {
            return;
        }
        let id = id.clone();
        leptos::task::spawn_local(async move {
            match api::notices::withdraw(&id).await {
                Ok(_) => {
                    withdrawn.set(true);
                    state::toast(NOTE.withdrawn);
                }
                Err(e) => state::toast(e.message()),
            }
        });
    };
    let target = route(&format!("/{}", notice.id));
    view! {
        <li class="card" data-testid="notice-card" data-id=notice.id.clone()>
            <p>
                {notice.pinned.then(|| view! { <span class="tag" data-testid="notice-pinned">{NOTE.pinned}</span> })}
                <a href=target.href() on:click=go(target.clone()) data-testid="notice-link">{notice.title.clone()}</a>
                {notice.unread.then(|| view! { <span class="tag unread" data-testid="notice-unread">{NOTE.unread}</span> })}
            </p>
            <p class="hint">{format!("{}{}{} · {}{}{}", NOTE.to_place, MESSAGES.colon, notice.place.name, NOTE.until, MESSAGES.colon, day(&notice.ends_at))}</p>
            {posted.then(|| view! {
                {move || withdrawn.get().then(|| view! { <span class="tag" data-testid="notice-withdrawn">{NOTE.withdrawn}</span> })}
                <button type="button" data-testid="notice-withdraw" hidden=move || withdrawn.get() on:click=withdraw.clone()>{NOTE.withdraw}</button>
            })}
        </li>
    }
}

/// `/notices` (my notices) or `/notices/posted` (staff: posted ones), page by page.
#[component]
fn NoticeList(me: User, posted: bool) -> impl IntoView {
    let items = RwSignal::new(Vec::<Notice>::new());
    let cursor = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let load = move |after: Option<String>| {
        leptos::task::spawn_local(async move {
            let page = if posted {
                api::notices::posted(after.as_deref()).await
            } else {
                api::notices::list(after.as_deref()).await
            };
            match page {
                Ok(page) => {
                    items.update(|i| i.extend(page.items));
                    cursor.set(page.next_cursor);
                }
                Err(e) => error.set(Some(e.message())),
            }
            loaded.set(true);
        })
    };
    load(None);
    let staff = is_staff(&me);
    view! {
        <div class="page-head">
            <h1>{if posted { NOTE.posted } else { NOTE.title }}</h1>
            {staff.then(|| view! {
                <a class="button primary" href=route("/new").href() on:click=go(route("/new")) data-testid="notice-new">{NOTE.new}</a>
            })}
        </div>
        {(staff && !posted).then(|| view! {
            <p class="alt"><a href=route("/posted").href() on:click=go(route("/posted")) data-testid="notice-posted">{NOTE.posted}</a></p>
        })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <ul class="cards" data-testid="notice-list">
            {move || items.get().into_iter().map(|n| view! { <NoticeCard notice=n posted/> }).collect_view()}
        </ul>
        {move || (loaded.get() && items.with(Vec::is_empty)).then(|| view! { <p class="empty" data-testid="notice-empty">{NOTE.none}</p> })}
        {move || cursor.get().map(|c| view! {
            <button type="button" data-testid="notice-more" on:click=move |_| load(Some(c.clone()))>{MESSAGES.load_more}</button>
        })}
    }
}

/// `/notices/{id}`: the whole notice; opening it marks it read.
#[component]
fn NoticePage(id: String) -> impl IntoView {
    let notice = RwSignal::new(None::<Notice>);
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        match api::notices::one(&id).await {
            Ok(n) => {
                let unread = n.unread;
                notice.set(Some(n));
                if unread && let Ok(n) = api::notices::read(&id).await {
                    notice.set(Some(n));
                }
            }
            Err(e) => error.set(Some(e.message())),
        }
    });
    view! {
        <p class="alt"><a href=route("").href() on:click=go(route("")) data-testid="notice-back">{NOTE.title}</a></p>
        {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="notice-error">{e}</p> })}
        {move || notice.get().map(|n| view! {
            <article class="detail" data-testid="notice">
                <h1 data-testid="notice-title">
                    {n.pinned.then(|| view! { <span class="tag">{NOTE.pinned}</span> })}
                    {n.title.clone()}
                </h1>
                <p class="hint">{format!("{}{}{} · {}{}{} · {}{}{}", NOTE.to_place, MESSAGES.colon, n.place.name, NOTE.posted_by, MESSAGES.colon, n.posted_by.name, NOTE.until, MESSAGES.colon, day(&n.ends_at))}</p>
                <p class="notice-body" data-testid="notice-body" style="white-space: pre-wrap">{n.body.clone()}</p>
                <PhotoGroups photos=n.photos.clone() groups=vec![(&[PhotoStage::Post][..], MESSAGES.photos_label)]/>
                <p data-testid="notice-read-state">{if n.unread { NOTE.unread } else { NOTE.read }}</p>
            </article>
        })}
    }
}

/// `/notices/new`: a staff member posts a notice to a place within their scope: their top places
/// (streets, communities) and the places under the chosen one.
#[component]
fn NewNotice() -> impl IntoView {
    let tops = RwSignal::new(Vec::<PlaceRef>::new());
    let children = RwSignal::new(Vec::<PlaceRef>::new());
    let place = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let pinned = RwSignal::new(false);
    let ends = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let photos = PhotoField::default();
    leptos::task::spawn_local(async move {
        match api::figures::places(None).await {
            Ok(p) => tops.set(p.places),
            Err(e) => error.set(Some(e.message())),
        }
    });
    let pick_top = move |id: String| {
        place.set(id.clone());
        children.set(Vec::new());
        if id.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(p) = api::figures::places(Some(&id)).await {
                children.set(p.places);
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || photos.busy.get_untracked() {
            return;
        }
        if place.get_untracked().is_empty() {
            error.set(Some(NOTE.choose_place.to_owned()));
            return;
        }
        let ids = photos.ids();
        let request = CreateNoticeRequest {
            place_id: place.get_untracked(),
            title: title.get_untracked(),
            body: body.get_untracked(),
            pinned: pinned.get_untracked(),
            // The end of the chosen day in China (UTC+8).
            ends_at: format!("{}T23:59:59+08:00", ends.get_untracked()),
            photos: (!ids.is_empty()).then_some(ids),
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::notices::create(&request).await {
                Ok(n) => {
                    photos.clear();
                    state::toast(NOTE.posted_ok);
                    state::navigate(route(&format!("/{}", n.id)));
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <h1>{NOTE.new}</h1>
        <form class="form" data-testid="notice-form" on:submit=submit>
            <label for="notice-place">{NOTE.place}</label>
            <select id="notice-place" data-testid="notice-place" on:change=move |ev| pick_top(event_target_value(&ev))>
                <option value="">{MESSAGES.please_choose}</option>
                {move || tops.get().into_iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
            </select>
            {move || (!children.with(Vec::is_empty)).then(|| view! {
                <select id="notice-subplace" aria-label=NOTE.place data-testid="notice-subplace"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if !v.is_empty() { place.set(v); }
                    }>
                    <option value="">{MESSAGES.please_choose}</option>
                    {children.get().into_iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
                </select>
            })}
            <label for="notice-title">{NOTE.field_title}</label>
            <input id="notice-title" data-testid="notice-title-input" maxlength="50" required
                on:input=move |ev| title.set(event_target_value(&ev))/>
            <label for="notice-body">{NOTE.field_body}</label>
            <textarea id="notice-body" data-testid="notice-body-input" maxlength="2000" rows="6" required
                on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            <label for="notice-ends">{NOTE.field_ends}</label>
            <input id="notice-ends" type="date" data-testid="notice-ends" required
                on:input=move |ev| ends.set(event_target_value(&ev))/>
            <label class="check"><input type="checkbox" data-testid="notice-pinned-input"
                on:change=move |ev| pinned.set(event_target_checked(&ev))/>{NOTE.field_pinned}</label>
            <PhotoPicker field=photos id="notice-photos".to_owned()/>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="notice-form-error">{e}</p> })}
            <button type="submit" class="primary" data-testid="notice-submit"
                disabled=move || busy.get() || photos.busy.get()>{NOTE.post}</button>
        </form>
    }
}
