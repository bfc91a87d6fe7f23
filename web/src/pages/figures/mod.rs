//! The figures bundle's pages (统计, docs/FIGURES.md): `/figures`, a place's monthly figures for
//! office users (a place picker, a range of months, small charts drawn here, the totals as cards,
//! the same numbers as a table for screen readers, and the members' workload), and
//! `/figures/me`, a member's own figures (我的服务统计). Every path below `/figures` is read here,
//! so the app's router knows only the prefix.

mod chart;
mod mine;
mod place;

use haolin_shared::domain::time_bank::format_minutes;
use leptos::prelude::*;

use crate::i18n::{FIG, MESSAGES};
use crate::route::Route;

/// A page of the figures bundle: the path below `/figures`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FiguresPage {
    /// `/figures`: a place's figures and its members' workload.
    Place,
    /// `/figures/me`: my own figures.
    Mine,
    /// Anything else below `/figures`.
    NotFound,
}

impl FiguresPage {
    /// The page of `rest`, the path below `/figures` (query and trailing slash already gone).
    pub fn parse(rest: &str) -> Self {
        match rest.trim_end_matches('/') {
            "" => Self::Place,
            "/me" => Self::Mine,
            _ => Self::NotFound,
        }
    }

    /// The app route of the page.
    pub fn route(self) -> Route {
        Route::Figures(match self {
            Self::Place | Self::NotFound => String::new(),
            Self::Mine => "/me".to_owned(),
        })
    }
}

/// A duration in seconds as a person reads it: `45秒`, `5分20秒`, `3小时20分`, `2天4小时`; a
/// dash without one.
pub fn duration(seconds: Option<i64>) -> String {
    let Some(s) = seconds else { return FIG.none.to_owned() };
    let s = s.max(0);
    let (d, h, m, r) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    match (d, h, m, r) {
        (0, 0, 0, r) => format!("{r}{}", FIG.seconds),
        (0, 0, m, 0) => format!("{m}{}", FIG.minutes),
        (0, 0, m, r) => format!("{m}{}{r}{}", FIG.minutes_short, FIG.seconds),
        (0, h, 0, _) => format!("{h}{}", FIG.hours),
        (0, h, m, _) => format!("{h}{}{m}{}", FIG.hours, FIG.minutes_short),
        (d, 0, _, _) => format!("{d}{}", FIG.days),
        (d, h, _, _) => format!("{d}{}{h}{}", FIG.days, FIG.hours),
    }
}

/// A rate (0–1) as a percentage with at most one decimal (`12.5%`, `50%`); a dash without one.
pub fn percent(rate: Option<f64>) -> String {
    let Some(r) = rate else { return FIG.none.to_owned() };
    let tenths = (r * 1000.0).round() as i64;
    if tenths % 10 == 0 { format!("{}%", tenths / 10) } else { format!("{}.{}%", tenths / 10, tenths % 10) }
}

/// An average rating with two decimals at most (`4.67`, `5`); a dash without ratings.
pub fn rating(avg: Option<f64>) -> String {
    let Some(a) = avg else { return FIG.none.to_owned() };
    let hundredths = (a * 100.0).round() as i64;
    match hundredths % 100 {
        0 => format!("{}", hundredths / 100),
        c if c % 10 == 0 => format!("{}.{}", hundredths / 100, c / 10),
        c => format!("{}.{c:02}", hundredths / 100),
    }
}

/// Service minutes as a person reads them (`2小时30分`).
pub fn minutes(m: i64) -> String {
    format_minutes(m)
}

/// The last day of the month `YYYY-MM` (`YYYY-MM-DD`), if it is one.
pub fn month_end(month: &str) -> Option<String> {
    let (y, m) = month.split_once('-')?;
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    if y < 1 || !(1..=12).contains(&m) || month.len() != 7 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let last = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    Some(format!("{month}-{last}"))
}

/// The days asked for by the month inputs `from` and `to` (`YYYY-MM`): the first day of `from`
/// to the last of `to`; `None` when either is not a month or they are out of order.
pub fn days_of(from: &str, to: &str) -> Option<(String, String)> {
    let last = month_end(to)?;
    month_end(from)?;
    (from <= to).then(|| (format!("{from}-01"), last))
}

/// The error line of a page (`role="alert"`), while there is one.
fn error_line(testid: &'static str, error: RwSignal<Option<String>>) -> impl IntoView {
    move || error.get().map(|e| view! { <p class="error" role="alert" data-testid=testid>{e}</p> })
}

/// The loading line while nothing went wrong.
fn pending(error: RwSignal<Option<String>>) -> AnyView {
    if error.with(Option::is_some) {
        ().into_any()
    } else {
        view! { <p class="loading" role="status">{MESSAGES.loading}</p> }.into_any()
    }
}

/// One figure card: its label and value (test id `fig-total-<key>`).
fn card(key: &'static str, label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="fig-card"><dt>{label}</dt><dd data-testid=format!("fig-total-{key}")>{value}</dd></div>
    }
}

/// The month range form: two month inputs and the button; on a valid range `apply` gets its
/// days, else the error says why.
fn range_form(
    from: RwSignal<String>,
    to: RwSignal<String>,
    error: RwSignal<Option<String>>,
    apply: impl Fn(String, String) + Copy + 'static,
) -> impl IntoView {
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match days_of(&from.get_untracked(), &to.get_untracked()) {
            Some((f, t)) => apply(f, t),
            None => error.set(Some(FIG.bad_range.to_owned())),
        }
    };
    view! {
        <form class="fig-range" on:submit=submit data-testid="fig-range-form">
            <label>{FIG.from}
                <input type="month" required data-testid="fig-from" prop:value=move || from.get()
                    on:input=move |ev| from.set(event_target_value(&ev))/>
            </label>
            <label>{FIG.to}
                <input type="month" required data-testid="fig-to" prop:value=move || to.get()
                    on:input=move |ev| to.set(event_target_value(&ev))/>
            </label>
            <button type="submit" class="primary" data-testid="fig-apply">{FIG.apply}</button>
        </form>
    }
}

/// The page at `rest` (the path below `/figures`); every one needs a login.
pub fn page(rest: &str) -> AnyView {
    match FiguresPage::parse(rest) {
        FiguresPage::Place => view! { <place::PlaceFigures/> }.into_any(),
        FiguresPage::Mine => view! { <mine::MyFigures/> }.into_any(),
        FiguresPage::NotFound => {
            let home = FiguresPage::Place.route();
            view! {
                <h1>{MESSAGES.not_found}</h1>
                <a href=home.href() on:click=crate::components::go(home.clone())>{FIG.title}</a>
            }
            .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_reads_back_from_its_path() {
        for page in [FiguresPage::Place, FiguresPage::Mine] {
            let Route::Figures(rest) = Route::parse(&page.route().href()) else { panic!("{page:?}") };
            assert_eq!(FiguresPage::parse(&rest), page);
        }
        assert_eq!(FiguresPage::Mine.route().href(), "/figures/me");
        assert_eq!(FiguresPage::parse("/x"), FiguresPage::NotFound);
    }

    #[test]
    fn durations_read_humanly_in_chinese() {
        assert_eq!(duration(None), "—");
        assert_eq!(duration(Some(45)), "45秒");
        assert_eq!(duration(Some(300)), "5分钟");
        assert_eq!(duration(Some(320)), "5分20秒");
        assert_eq!(duration(Some(3 * 3600 + 20 * 60)), "3小时20分");
        assert_eq!(duration(Some(7200)), "2小时");
        assert_eq!(duration(Some(2 * 86_400 + 4 * 3600 + 60)), "2天4小时");
        assert_eq!(duration(Some(86_400)), "1天");
    }

    #[test]
    fn rates_are_percentages_and_ratings_keep_their_decimals() {
        assert_eq!(percent(None), "—");
        assert_eq!(percent(Some(0.5)), "50%");
        assert_eq!(percent(Some(0.125)), "12.5%");
        assert_eq!(percent(Some(1.0 / 3.0)), "33.3%");
        assert_eq!(rating(Some(4.67)), "4.67");
        assert_eq!(rating(Some(4.5)), "4.5");
        assert_eq!(rating(Some(5.0)), "5");
        assert_eq!(rating(Some(4.05)), "4.05");
        assert_eq!(rating(None), "—");
    }

    #[test]
    fn month_inputs_become_the_days_of_the_range() {
        assert_eq!(month_end("2026-02").as_deref(), Some("2026-02-28"));
        assert_eq!(month_end("2024-02").as_deref(), Some("2024-02-29"));
        assert_eq!(month_end("2026-11").as_deref(), Some("2026-11-30"));
        assert_eq!(month_end("2026-12").as_deref(), Some("2026-12-31"));
        assert_eq!(month_end("2026-13"), None);
        assert_eq!(month_end(""), None);
        assert_eq!(days_of("2026-01", "2026-03"), Some(("2026-01-01".into(), "2026-03-31".into())));
        assert_eq!(days_of("2026-04", "2026-03"), None);
        assert_eq!(days_of("", "2026-03"), None);
    }
}
