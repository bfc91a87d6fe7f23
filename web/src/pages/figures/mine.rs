//! `/figures/me` (我的服务统计): a member's own figures by month — wishes taken, done and
//! confirmed, release and expiry rates, ratings, service time — as cards, two small charts and a
//! table.

use haolin_shared::api::{LoadCounts, MonthLoad, MyWorkload};
use leptos::prelude::*;

use super::chart::{Kind, Series, chart};
use super::{card, error_line, minutes, pending, percent, range_form, rating};
use crate::api;
use crate::i18n::FIG;

/// The cells of a month (or the total), with their keys (`data-key`).
fn cells(l: &LoadCounts) -> [(&'static str, String); 8] {
    [
        ("claimed", l.claimed.to_string()),
        ("fulfilled", l.fulfilled.to_string()),
        ("confirmed", l.confirmed.to_string()),
        ("release-rate", percent(l.release_rate)),
        ("expiry-rate", percent(l.expiry_rate)),
        ("ratings", l.ratings.to_string()),
        ("rating", rating(l.rating_avg)),
        ("service", minutes(l.service_minutes)),
    ]
}

/// One row of the table.
fn row_view(l: &LoadCounts, month: String, head: String) -> impl IntoView + use<> {
    view! {
        <tr data-testid="fig-row" data-month=month>
            <th scope="row">{head}</th>
            {cells(l).into_iter().map(|(key, v)| view! { <td data-key=key>{v}</td> }).collect_view()}
        </tr>
    }
}

/// The whole page once the figures came.
fn figures_view(w: MyWorkload) -> impl IntoView {
    let t = &w.total;
    let months: Vec<String> = w.months.iter().map(|m| m.month.clone()).collect();
    let per_month = |f: fn(&MonthLoad) -> f64| w.months.iter().map(|m| Some(f(m))).collect::<Vec<_>>();
    let claimed = vec![Series { key: "claimed", name: FIG.claimed, values: per_month(|m| m.load.claimed as f64) }];
    let service = vec![Series {
        key: "service",
        name: FIG.service,
        values: per_month(|m| (m.load.service_minutes as f64 / 6.0).round() / 10.0),
    }];
    let count = |v: f64| format!("{}", v as i64);
    view! {
        <p class="hint" data-testid="fig-range">{format!("{}{} {} {}", FIG.range_1, w.from, FIG.range_2, w.to)}</p>
        <h2>{FIG.totals}</h2>
        <dl class="fig-cards" data-testid="fig-totals">
            {card("claimed", FIG.claimed, t.claimed.to_string())}
            {card("fulfilled", FIG.fulfilled, t.fulfilled.to_string())}
            {card("confirmed", FIG.confirmed, t.confirmed.to_string())}
            {card("rating", FIG.rating, rating(t.rating_avg))}
            {card("release-rate", FIG.release_rate, percent(t.release_rate))}
            {card("expiry-rate", FIG.expiry_rate, percent(t.expiry_rate))}
            {card("service", FIG.service, minutes(t.service_minutes))}
        </dl>
        <h2>{FIG.charts}</h2>
        <div class="fig-charts">
            {chart("fig-chart-claimed", FIG.chart_claimed, &months, claimed, Kind::Bars, None, count)}
            {chart("fig-chart-service", FIG.chart_service, &months, service, Kind::Bars, None, |v| format!("{v}{}", FIG.hours))}
        </div>
        <p class="hint">{FIG.table_note}</p>
        <h2>{FIG.table}</h2>
        <div class="table-wrap" tabindex="0">
            <table data-testid="fig-table">
                <caption>{format!("{}（{} {} {}）", FIG.mine_caption, w.from, FIG.range_2, w.to)}</caption>
                <thead><tr>
                    <th scope="col">{FIG.month}</th>
                    <th scope="col">{FIG.claimed}</th>
                    <th scope="col">{FIG.fulfilled}</th>
                    <th scope="col">{FIG.confirmed}</th>
                    <th scope="col">{FIG.release_rate}</th>
                    <th scope="col">{FIG.expiry_rate}</th>
                    <th scope="col">{FIG.ratings}</th>
                    <th scope="col">{FIG.rating}</th>
                    <th scope="col">{FIG.service}</th>
                </tr></thead>
                <tbody>{w.months.iter().map(|m| row_view(&m.load, m.month.clone(), m.month.clone())).collect_view()}</tbody>
                <tfoot>{row_view(&w.total, "total".to_owned(), FIG.total.to_owned())}</tfoot>
            </table>
        </div>
    }
}

/// `/figures/me`.
#[component]
pub fn MyFigures() -> impl IntoView {
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let figures = RwSignal::new(None::<MyWorkload>);
    let error = RwSignal::new(None::<String>);
    let seq = StoredValue::new(0_u32);
    let load = move |range: Option<(String, String)>| {
        seq.update_value(|n| *n += 1);
        let mine = seq.get_value();
        figures.set(None);
        error.set(None);
        leptos::task::spawn_local(async move {
            let (f, t) = range.unzip();
            let answer = api::figures::mine(f.as_deref(), t.as_deref()).await;
            if seq.get_value() != mine {
                return;
            }
            match answer {
                Ok(w) => {
                    if from.get_untracked().is_empty() {
                        from.set(w.from.get(..7).unwrap_or_default().to_owned());
                        to.set(w.to.get(..7).unwrap_or_default().to_owned());
                    }
                    figures.set(Some(w));
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    load(None);
    view! {
        <h1>{FIG.mine_title}</h1>
        {range_form(from, to, error, move |f, t| load(Some((f, t))))}
        {error_line("fig-error", error)}
        {move || figures.get().map_or_else(|| pending(error), |w| figures_view(w).into_any())}
    }
}
