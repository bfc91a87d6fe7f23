//! A unit's scorecard (考核): its figures for a date range, the total first and then each month —
//! 响应率, 按时办结率, 解决率, 满意率, the average working hours to sign and to resolve, the
//! whistles and how many departments reported on time, and 督办.

use haolin_shared::api::ScoreRow;
use leptos::prelude::*;

use crate::i18n::{DESK, MESSAGES};
use crate::{api, time};

/// The figures' keys (test ids `score-<key>`), in the order of `DESK.score_heads[1..]`.
const KEYS: [&str; 10] = [
    "received",
    "response-rate",
    "on-time-rate",
    "solve-rate",
    "satisfaction-rate",
    "avg-sign-hours",
    "avg-resolve-hours",
    "whistles",
    "whistle-on-time",
    "supervised",
];

/// A rate as a percentage with one decimal, or a dash when nothing was counted.
fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

/// Working hours with one decimal, or a dash.
fn hours(h: Option<f64>) -> String {
    h.map_or_else(|| "—".to_owned(), |h| format!("{h:.1}"))
}

/// One column of the table: the figures of a month (or the total), in the order of [`KEYS`].
fn cells(row: &ScoreRow) -> [String; 10] {
    [
        row.received.to_string(),
        percent(row.response_rate),
        percent(row.on_time_rate),
        percent(row.solve_rate),
        percent(row.satisfaction_rate),
        hours(row.avg_sign_hours),
        hours(row.avg_resolve_hours),
        row.whistles.to_string(),
        format!("{}/{}", row.whistle_signed_on_time, row.whistle_assignments),
        row.supervised.to_string(),
    ]
}

/// The range shown first: from the first day of the month five months before `today`'s
/// (`YYYY-MM-DD`) to `today`: half a year.
fn default_range(today: &str) -> (String, String) {
    let year: i32 = today.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let month: i32 = today.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    let months = year * 12 + (month - 1) - 5;
    (format!("{:04}-{:02}-01", months / 12, months % 12 + 1), today.to_owned())
}

/// Whether `from`..`to` is a range of two dates in order.
fn valid_range(from: &str, to: &str) -> bool {
    let date = |d: &str| d.len() == 10 && time::parse_rfc3339(d).is_some();
    date(from) && date(to) && from <= to
}

/// The scorecard of `unit` (`street`, `community`, `grid`, `department`) `id`.
#[component]
pub fn Scorecard(
    /// The kind of unit.
    unit: &'static str,
    /// The unit's id.
    id: String,
) -> impl IntoView {
    let (start, end) = default_range(&time::today());
    let from = RwSignal::new(start);
    let to = RwSignal::new(end);
    let card = RwSignal::new(None::<haolin_shared::api::Scorecard>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(id);
    let load = move || {
        let (f, t) = (from.get_untracked(), to.get_untracked());
        if !valid_range(&f, &t) {
            return error.set(Some(DESK.bad_range.to_owned()));
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::work_orders::scorecard(unit, &id.get_value(), &f, &t).await {
                Ok(c) => card.set(Some(c)),
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    load();

    view! {
        <section class="overview" data-testid="scorecard">
            <h2>{DESK.scorecard}</h2>
            <div class="range">
                <label>{DESK.from}
                    <input type="date" data-testid="score-from" prop:value=from on:input=move |ev| from.set(event_target_value(&ev))/>
                </label>
                <label>{DESK.to}
                    <input type="date" data-testid="score-to" prop:value=to on:input=move |ev| to.set(event_target_value(&ev))/>
                </label>
                <button type="button" class="primary" data-testid="score-show" disabled=busy on:click=move |_| load()>{DESK.show}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="score-error">{e}</p> })}
            {move || card.get().map(|c| {
                let columns: Vec<(String, [String; 10])> = std::iter::once(("total".to_owned(), cells(&c.total)))
                    .chain(c.months.iter().map(|m| (m.month.clone(), cells(m))))
                    .collect();
                let heads = columns.iter().map(|(m, _)| {
                    let name = if m == "total" { DESK.total.to_owned() } else { m.clone() };
                    view! { <th scope="col" data-month=m.clone()>{name}</th> }
                }).collect_view();
                let rows = KEYS.iter().enumerate().map(|(i, key)| view! {
                    <tr data-testid=format!("score-{key}")>
                        <th scope="row">{DESK.score_heads[i + 1]}</th>
                        {columns.iter().map(|(m, values)| view! { <td data-month=m.clone()>{values[i].clone()}</td> }).collect_view()}
                    </tr>
                }).collect_view();
                view! {
                    <div class="table-wrap" role="region" aria-label=DESK.scorecard tabindex="0">
                        <table data-testid="score-table">
                            <thead><tr><th scope="col">{DESK.score_heads[0]}</th>{heads}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })}
            {move || busy.get().then(|| view! { <p class="loading" role="status">{MESSAGES.loading}</p> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(month: &str) -> ScoreRow {
        ScoreRow {
            month: month.into(),
            received: 12,
            dispatched: 10,
            signed_on_time: 9,
            response_rate: Some(0.9),
            resolved: 8,
            resolved_on_time: 6,
            on_time_rate: Some(0.75),
            visited: 0,
            satisfied: 0,
            basic: 0,
            solve_rate: None,
            satisfaction_rate: None,
            avg_sign_hours: Some(1.25),
            avg_resolve_hours: None,
            whistles: 2,
            whistle_assignments: 3,
            whistle_signed_on_time: 2,
            supervised: 1,
        }
    }

    #[test]
    fn rates_are_percentages_and_missing_figures_a_dash() {
        let c = cells(&row("2026-11"));
        assert_eq!(c[0], "12");
        assert_eq!(c[1], "90.0%");
        assert_eq!(c[2], "75.0%");
        assert_eq!(c[3], "—");
        assert_eq!(c[5], "1.2");
        assert_eq!(c[8], "2/3");
        assert_eq!(DESK.score_heads.len(), KEYS.len() + 1);
    }

    #[test]
    fn the_first_range_is_half_a_year_to_today() {
        assert_eq!(default_range("2026-11-28"), ("2026-06-01".to_owned(), "2026-11-28".to_owned()));
        assert_eq!(default_range("2027-03-02"), ("2026-10-01".to_owned(), "2027-03-02".to_owned()));
        assert!(valid_range("2026-06-01", "2026-11-28"));
        assert!(!valid_range("2026-12-01", "2026-11-28"));
        assert!(!valid_range("", "2026-11-28"));
    }
}
