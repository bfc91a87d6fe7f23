//! The editor of a service point (`/points/new`, `/points/{id}/edit`) for a community's
//! dispatchers and admins: name, address, location (typed, or the browser's), the hours of each
//! weekday, whether they follow the working-day calendar, the services and the public contact;
//! and retiring a point. The server checks every field and names the one at fault.

use haolin_shared::api::{
    Community, CreateServicePointRequest, GeoPoint, OpeningHours, Role, ServiceContact, ServicePoint,
    UpdateServicePointRequest, User,
};
use leptos::prelude::*;

use crate::api;
use crate::components::go;
use crate::i18n::PTS;
use crate::state;

/// The form's fields as typed.
#[derive(Debug, Clone, Copy)]
struct Form {
    community: RwSignal<String>,
    name: RwSignal<String>,
    address: RwSignal<String>,
    lng: RwSignal<String>,
    lat: RwSignal<String>,
    days: RwSignal<Vec<String>>,
    follows: RwSignal<bool>,
    services: RwSignal<String>,
    contact_name: RwSignal<String>,
    contact_phone: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        Self {
            community: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            address: RwSignal::new(String::new()),
            lng: RwSignal::new(String::new()),
            lat: RwSignal::new(String::new()),
            days: RwSignal::new(vec![String::new(); 7]),
            follows: RwSignal::new(false),
            services: RwSignal::new(String::new()),
            contact_name: RwSignal::new(String::new()),
            contact_phone: RwSignal::new(String::new()),
        }
    }

    fn fill(&self, p: &ServicePoint) {
        self.community.set(p.community_id.clone());
        self.name.set(p.name.clone());
        self.address.set(p.address.clone());
        self.lng.set(p.location.lng.to_string());
        self.lat.set(p.location.lat.to_string());
        self.days.set(p.hours.weekly.iter().map(|d| d.join(", ")).collect());
        self.follows.set(p.hours.follows_calendar);
        self.services.set(p.services.join("，"));
        self.contact_name.set(p.contact.name.clone());
        self.contact_phone.set(p.contact.phone.clone());
    }

    /// The fields as the API takes them (the server checks them; a number that does not parse is
    /// sent as NaN-free 999 so the server names the field).
    fn request(&self) -> UpdateServicePointRequest {
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<f64>().unwrap_or(999.0);
        let split = |s: &str| -> Vec<String> {
            s.split([',', '，', '、', ' ', ';', '；'])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        };
        UpdateServicePointRequest {
            grid_id: None,
            name: self.name.get_untracked(),
            address: self.address.get_untracked(),
            location: GeoPoint { lng: number(self.lng), lat: number(self.lat) },
            hours: OpeningHours {
                weekly: self.days.get_untracked().iter().map(|d| split(d)).collect(),
                follows_calendar: self.follows.get_untracked(),
            },
            services: split(&self.services.get_untracked()),
            contact: ServiceContact {
                name: self.contact_name.get_untracked(),
                phone: self.contact_phone.get_untracked(),
            },
        }
    }
}

/// A labelled text input bound to `value`.
fn field(label: &'static str, testid: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label>{label}
            <input type="text" data-testid=testid prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

/// The editor; `id` is the point to edit, `None` for a new one.
#[component]
pub fn Editor(id: Option<String>, me: User) -> impl IntoView {
    let form = Form::new();
    let communities = RwSignal::new(Vec::<Community>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let retired = RwSignal::new(false);
    let editing = id.clone();
    match id.clone() {
        Some(id) => leptos::task::spawn_local(async move {
            match api::points::one(&id).await {
                Ok(p) => {
                    retired.set(p.retired_at.is_some());
                    form.fill(&p);
                }
                Err(e) => error.set(Some(e.message())),
            }
        }),
        None => {
            let admin = me.roles.contains(&Role::Admin);
            let mine = me.community_ids.clone();
            leptos::task::spawn_local(async move {
                match api::communities::list(Some(100), None).await {
                    Ok(page) => {
                        let list: Vec<Community> =
                            page.items.into_iter().filter(|c| admin || mine.contains(&c.id)).collect();
                        if let Some(first) = list.first() {
                            form.community.set(first.id.clone());
                        }
                        communities.set(list);
                    }
                    Err(e) => error.set(Some(e.message())),
                }
            });
        }
    }
    let here = move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(p) = crate::pages::resident::locate().await {
                form.lng.set(format!("{:.6}", p.lng));
                form.lat.set(format!("{:.6}", p.lat));
            }
        });
    };
    let submit = {
        let editing = editing.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            error.set(None);
            let body = form.request();
            let editing = editing.clone();
            leptos::task::spawn_local(async move {
                let answer = match &editing {
                    Some(id) => api::points::update(id, &body).await,
                    None => {
                        let create = CreateServicePointRequest {
                            community_id: form.community.get_untracked(),
                            grid_id: None,
                            name: body.name,
                            address: body.address,
                            location: body.location,
                            hours: body.hours,
                            services: body.services,
                            contact: body.contact,
                        };
                        api::points::create(&create).await
                    }
                };
                busy.set(false);
                match answer {
                    Ok(p) => {
                        state::toast(PTS.saved);
                        state::navigate(super::route(&format!("/{}", p.id)));
                    }
                    Err(e) => error.set(Some(e.message())),
                }
            });
        }
    };
    let retire = {
        let editing = editing.clone();
        move |_| {
            let Some(id) = editing.clone() else { return };
            let sure = web_sys::window().and_then(|w| w.confirm_with_message(PTS.retire_confirm).ok()).unwrap_or(false);
            if !sure {
                return;
            }
            leptos::task::spawn_local(async move {
                match api::points::retire(&id).await {
                    Ok(_) => {
                        state::toast(PTS.retired);
                        state::navigate(super::route(""));
                    }
                    Err(e) => error.set(Some(e.message())),
                }
            });
        }
    };
    let back = super::route("");
    let is_new = editing.is_none();
    view! {
        <p class="alt"><a href=back.href() on:click=go(back.clone())>{PTS.back}</a></p>
        <h1>{if is_new { PTS.editor_new } else { PTS.editor_edit }}</h1>
        <form class="point-form" data-testid="point-form" on:submit=submit>
            {is_new.then(|| view! {
                <label>{PTS.field_community}
                    <select data-testid="point-community" prop:value=move || form.community.get()
                        on:change=move |ev| form.community.set(event_target_value(&ev))>
                        <For each=move || communities.get() key=|c| c.id.clone()
                            children=|c| view! { <option value=c.id.clone()>{c.name.clone()}</option> }/>
                    </select>
                </label>
            })}
            {field(PTS.field_name, "point-name", form.name)}
            {field(PTS.field_address, "point-address", form.address)}
            <div class="point-location">
                {field(PTS.field_lng, "point-lng", form.lng)}
                {field(PTS.field_lat, "point-lat", form.lat)}
                <button type="button" data-testid="point-here" on:click=here>{PTS.field_here}</button>
            </div>
            <fieldset>
                <legend>{PTS.hours}</legend>
                <p class="hint">{PTS.field_hours_hint}</p>
                {(0..7).map(|d| view! {
                    <label>{PTS.weekdays[d]}
                        <input type="text" data-testid="point-day" prop:value=move || form.days.with(|v| v.get(d).cloned().unwrap_or_default())
                            on:input=move |ev| { let v = event_target_value(&ev); form.days.update(|days| if let Some(x) = days.get_mut(d) { *x = v; }) }/>
                    </label>
                }).collect_view()}
                <label class="check">
                    <input type="checkbox" data-testid="point-follows" prop:checked=move || form.follows.get()
                        on:change=move |ev| form.follows.set(event_target_checked(&ev))/>
                    {PTS.field_follows}
                </label>
            </fieldset>
            {field(PTS.field_services, "point-services-input", form.services)}
            {field(PTS.field_contact_name, "point-contact-name", form.contact_name)}
            {field(PTS.field_contact_phone, "point-contact-phone", form.contact_phone)}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="point-error">{e}</p> })}
            <button type="submit" data-testid="point-save" disabled=move || busy.get() || retired.get()>{PTS.save}</button>
        </form>
        {(!is_new).then(|| view! {
            <p><button type="button" class="secondary" data-testid="point-retire" disabled=move || retired.get() on:click=retire>{PTS.retire}</button></p>
        })}
    }
}
