//! The volunteer bundle's pages (志愿服务、时间银行, docs/TIME-BANK.md): activities near me and
//! one activity with sign-up, my activities, checking in with the organiser's code, my hours and
//! ledger, family gifts, my service record and certificate, teams; for leaders a new activity
//! and the organiser's page (the check-in code, the roster, confirming hours). Every path below
//! `/volunteer` is read here ([`VolunteerPage`]), so the app's router knows only the prefix.

mod activities;
mod hours;
mod organise;
mod record;
mod scan;
mod teams;

use std::time::Duration;

use haolin_shared::domain::time_bank::format_minutes;
use leptos::prelude::*;

use crate::components::go;
use crate::i18n::VOL;
use crate::route::Route;
use crate::{state, time};

/// A page of the volunteer bundle: the path below `/volunteer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolunteerPage {
    /// `/volunteer`: activities near me.
    Activities,
    /// `/volunteer/activities/:id`: one activity, signing up.
    Activity(String),
    /// `/volunteer/activities/:id/organise`: the organiser's page (code, roster, confirm).
    Organise(String),
    /// `/volunteer/mine`: the activities I signed up for.
    Mine,
    /// `/volunteer/scan[?activity=…&token=…]`: checking in and out.
    Scan,
    /// `/volunteer/hours`: my hours, star level and ledger.
    Hours,
    /// `/volunteer/family`: family links and gifts of hours.
    Family,
    /// `/volunteer/record`: my service record.
    Record,
    /// `/volunteer/certificate`: my printable service certificate.
    Certificate,
    /// `/volunteer/teams`: the volunteer teams.
    Teams,
    /// `/volunteer/teams/:id`: one team, its members and activities.
    Team(String),
    /// `/volunteer/teams/:id/new`: a leader publishes an activity.
    NewActivity(String),
    /// Anything else below `/volunteer`.
    NotFound,
}

impl VolunteerPage {
    /// The page of `rest`, the path below `/volunteer` (query and trailing slash already gone).
    pub fn parse(rest: &str) -> Self {
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [] => Self::Activities,
            ["activities", id] => Self::Activity((*id).to_owned()),
            ["activities", id, "organise"] => Self::Organise((*id).to_owned()),
            ["mine"] => Self::Mine,
            ["scan"] => Self::Scan,
            ["hours"] => Self::Hours,
            ["family"] => Self::Family,
            ["record"] => Self::Record,
            ["certificate"] => Self::Certificate,
            ["teams"] => Self::Teams,
            ["teams", id] => Self::Team((*id).to_owned()),
            ["teams", id, "new"] => Self::NewActivity((*id).to_owned()),
            _ => Self::NotFound,
        }
    }

    /// The path below `/volunteer`; [`VolunteerPage::parse`] reads it back.
    pub fn rest(&self) -> String {
        match self {
            Self::Activities | Self::NotFound => String::new(),
            Self::Activity(id) => format!("/activities/{id}"),
            Self::Organise(id) => format!("/activities/{id}/organise"),
            Self::Mine => "/mine".to_owned(),
            Self::Scan => "/scan".to_owned(),
            Self::Hours => "/hours".to_owned(),
            Self::Family => "/family".to_owned(),
            Self::Record => "/record".to_owned(),
            Self::Certificate => "/certificate".to_owned(),
            Self::Teams => "/teams".to_owned(),
            Self::Team(id) => format!("/teams/{id}"),
            Self::NewActivity(id) => format!("/teams/{id}/new"),
        }
    }

    /// The app route of the page.
    pub fn route(&self) -> Route {
        Route::Volunteer(self.rest())
    }

    /// Its path, for links.
    pub fn href(&self) -> String {
        self.route().href()
    }
}

/// A link's click handler to `page` (see [`go`]).
fn go_to(page: VolunteerPage) -> impl Fn(leptos::ev::MouseEvent) + 'static {
    go(page.route())
}

/// Navigates to `page`.
fn open(page: VolunteerPage) {
    state::navigate(page.route());
}

/// Calls `f` every `ms` milliseconds while the page is shown and the tab is visible; stops when
/// the page goes.
fn every(ms: u64, f: impl Fn() + 'static) {
    let tick = move || {
        let hidden = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden());
        if !hidden {
            f();
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, Duration::from_millis(ms)) {
        on_cleanup(move || handle.clear());
    }
}

/// Minutes as a person reads them (`2小时30分`).
fn minutes(m: i64) -> String {
    format_minutes(m)
}

/// `12月1日 09:00–11:00` (the end's date only when it differs).
fn span(starts: &str, ends: &str) -> String {
    let a = time::show(starts);
    let b = time::show(ends);
    match (a.split_once(' '), b.split_once(' ')) {
        (Some((da, _)), Some((db, tb))) if da == db => format!("{a}–{tb}"),
        _ => format!("{a} – {b}"),
    }
}

/// The error line of a page (`role="alert"`), while there is one.
fn error_line(testid: &'static str, error: RwSignal<Option<String>>) -> impl IntoView {
    move || error.get().map(|e| view! { <p class="error" role="alert" data-testid=testid>{e}</p> })
}

/// The loading line.
fn loading() -> AnyView {
    view! { <p class="loading" role="status">{crate::i18n::MESSAGES.loading}</p> }.into_any()
}

/// The loading line while nothing went wrong; nothing once `error` says why nothing will come.
fn pending(error: RwSignal<Option<String>>) -> AnyView {
    if error.with(Option::is_some) { ().into_any() } else { loading() }
}

/// The bundle's own tabs, under the app's navigation.
#[component]
fn VolunteerNav() -> impl IntoView {
    let app = state::app();
    let tabs = [
        ("vol-nav-activities", VolunteerPage::Activities, VOL.nav_activities),
        ("vol-nav-mine", VolunteerPage::Mine, VOL.nav_mine),
        ("vol-nav-scan", VolunteerPage::Scan, VOL.nav_scan),
        ("vol-nav-hours", VolunteerPage::Hours, VOL.nav_hours),
        ("vol-nav-teams", VolunteerPage::Teams, VOL.nav_teams),
    ];
    view! {
        <nav class="vol-tabs" aria-label=VOL.title>
            {tabs.into_iter().map(|(id, page, text)| {
                let href = page.href();
                let current = { let href = href.clone(); move || app.path.with(|p| *p == href) };
                view! {
                    <a href=href data-testid=id on:click=go_to(page)
                        class:active=current.clone() aria-current=move || current().then_some("page")>{text}</a>
                }
            }).collect_view()}
        </nav>
    }
}

/// The page at `rest` (the path below `/volunteer`); every one needs a login.
pub fn page(rest: &str) -> AnyView {
    let page = VolunteerPage::parse(rest);
    let body = match page {
        VolunteerPage::Activities => view! { <activities::NearMe/> }.into_any(),
        VolunteerPage::Activity(id) => view! { <activities::ActivityPage id/> }.into_any(),
        VolunteerPage::Organise(id) => view! { <organise::Organise id/> }.into_any(),
        VolunteerPage::Mine => view! { <activities::Mine/> }.into_any(),
        VolunteerPage::Scan => view! { <scan::Scan/> }.into_any(),
        VolunteerPage::Hours => view! { <hours::Hours/> }.into_any(),
        VolunteerPage::Family => view! { <hours::Family/> }.into_any(),
        VolunteerPage::Record => view! { <record::Record/> }.into_any(),
        VolunteerPage::Certificate => view! { <record::CertificatePage/> }.into_any(),
        VolunteerPage::Teams => view! { <teams::Teams/> }.into_any(),
        VolunteerPage::Team(id) => view! { <teams::TeamPage id/> }.into_any(),
        VolunteerPage::NewActivity(team) => view! { <organise::NewActivity team/> }.into_any(),
        VolunteerPage::NotFound => view! {
            <h1>{crate::i18n::MESSAGES.not_found}</h1>
            <a href=VolunteerPage::Activities.href() on:click=go_to(VolunteerPage::Activities)>{VOL.nav_activities}</a>
        }
        .into_any(),
    };
    view! { <VolunteerNav/>{body} }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_reads_back_from_its_path() {
        let pages = [
            VolunteerPage::Activities,
            VolunteerPage::Activity("3".into()),
            VolunteerPage::Organise("3".into()),
            VolunteerPage::Mine,
            VolunteerPage::Scan,
            VolunteerPage::Hours,
            VolunteerPage::Family,
            VolunteerPage::Record,
            VolunteerPage::Certificate,
            VolunteerPage::Teams,
            VolunteerPage::Team("4".into()),
            VolunteerPage::NewActivity("4".into()),
        ];
        for page in pages {
            let route = page.route();
            let Route::Volunteer(rest) = Route::parse(&route.href()) else { panic!("{}", route.href()) };
            assert_eq!(VolunteerPage::parse(&rest), page, "{}", route.href());
        }
        assert_eq!(VolunteerPage::Hours.href(), "/volunteer/hours");
        assert_eq!(VolunteerPage::Activities.href(), "/volunteer");
        assert_eq!(VolunteerPage::parse("/activities"), VolunteerPage::NotFound);
        assert_eq!(VolunteerPage::parse("/teams/4/x"), VolunteerPage::NotFound);
    }
}
