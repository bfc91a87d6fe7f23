//! `/figures`: a place's figures for office users — the place picker (the caller's top places,
//! then down through the places below), a range of months (the last twelve by default), the
//! totals as cards, the monthly series as small charts, the same numbers as a table, and the
//! members' workload (the busiest first, how the load is spread).

use haolin_shared::api::{FigureRow, Figures, MemberLoad, PlaceRef, Workload};
use leptos::prelude::*;

use super::chart::{Kind, Series, chart};
use super::{FiguresPage, card, duration, error_line, minutes, pending, percent, range_form, rating};
use crate::api;
use crate::components::download::Downloads;
use crate::components::go;
use crate::i18n::{FIG, MESSAGES};

/// How many members the workload lists.
const WORKLOAD_LIMIT: u32 = 50;

/// The cells of a month's row (or the total's), with their keys (`data-key`), in the order of
/// [`heads`].
fn cells(row: &FigureRow) -> [(&'static str, String); 11] {
    [
        ("posted", row.posted.to_string()),
        ("claimed", row.claimed.to_string()),
        ("confirmed", row.confirmed.to_string()),
        ("auto-share", percent(row.auto_confirmed_share)),
        ("released", row.released.to_string()),
        ("expired", row.expired.to_string()),
        ("claim-p50", duration(row.claim_p50_seconds)),
        ("confirm-p50", duration(row.confirm_p50_seconds)),
        ("rating", rating(row.rating_avg)),
        ("checkins", row.checkins.to_string()),
        ("service", minutes(row.service_minutes)),
    ]
}

/// The columns' heads, in the order of [`cells`].
fn heads() -> [&'static str; 11] {
    [
        FIG.posted,
        FIG.claimed,
        FIG.confirmed,
        FIG.auto_share,
        FIG.released,
        FIG.expired,
        FIG.claim_p50,
        FIG.confirm_p50,
        FIG.rating,
        FIG.checkins,
        FIG.service,
    ]
}

/// One row of the table: the month as its row head.
fn row_view(row: &FigureRow, head: String) -> impl IntoView + use<> {
    view! {
        <tr data-testid="fig-row" data-month=row.month.clone()>
            <th scope="row">{head}</th>
            {cells(row).into_iter().map(|(key, v)| view! { <td data-key=key>{v}</td> }).collect_view()}
        </tr>
    }
}

/// The totals as cards.
fn totals(t: &FigureRow) -> impl IntoView + use<> {
    let orders = t.orders.as_ref().map(|o| {
        view! {
            {card("response-rate", FIG.response_rate, percent(o.response_rate))}
            {card("on-time-rate", FIG.on_time_rate, percent(o.on_time_rate))}
            {card("solve-rate", FIG.solve_rate, percent(o.solve_rate))}
            {card("satisfaction-rate", FIG.satisfaction_rate, percent(o.satisfaction_rate))}
        }
    });
    let property = t.property.as_ref().map(|p| {
        view! {
            {card("property-raters", FIG.property_raters, p.raters.to_string())}
            {card("property-stars", FIG.property_stars, rating(p.star_avg))}
            {card("property-satisfaction", FIG.property_satisfaction, percent(p.satisfaction))}
        }
    });
    view! {
        <h2>{FIG.totals}</h2>
        <dl class="fig-cards" data-testid="fig-totals">
            {card("posted", FIG.posted, t.posted.to_string())}
            {card("claimed", FIG.claimed, t.claimed.to_string())}
            {card("confirmed", FIG.confirmed, t.confirmed.to_string())}
            {card("claim-p50", FIG.claim_p50, duration(t.claim_p50_seconds))}
            {card("claim-p90", FIG.claim_p90, duration(t.claim_p90_seconds))}
            {card("confirm-p50", FIG.confirm_p50, duration(t.confirm_p50_seconds))}
            {card("rating", FIG.rating, rating(t.rating_avg))}
            {card("ratings", FIG.ratings, t.ratings.to_string())}
            {card("auto-share", FIG.auto_share, percent(t.auto_confirmed_share))}
            {card("checkins", FIG.checkins, t.checkins.to_string())}
            {card("service", FIG.service, minutes(t.service_minutes))}
            {orders}
            {property}
        </dl>
    }
}

/// A value per month of `f`.
fn per_month(f: &Figures, value: impl Fn(&FigureRow) -> Option<f64>) -> Vec<Option<f64>> {
    f.months.iter().map(value).collect()
}

/// The charts of the monthly series.
fn charts(f: &Figures) -> impl IntoView + use<> {
    let months: Vec<String> = f.months.iter().map(|m| m.month.clone()).collect();
    let count = |v: f64| format!("{}", v as i64);
    let wishes = vec![
        Series { key: "posted", name: FIG.posted, values: per_month(f, |r| Some(r.posted as f64)) },
        Series { key: "claimed", name: FIG.claimed, values: per_month(f, |r| Some(r.claimed as f64)) },
        Series { key: "confirmed", name: FIG.confirmed, values: per_month(f, |r| Some(r.confirmed as f64)) },
    ];
    let claim = vec![Series {
        key: "claim-p50",
        name: FIG.claim_p50,
        values: per_month(f, |r| r.claim_p50_seconds.map(|s| s as f64)),
    }];
    let ratings = vec![Series { key: "rating", name: FIG.rating, values: per_month(f, |r| r.rating_avg) }];
    let checkins =
        vec![Series { key: "checkins", name: FIG.checkins, values: per_month(f, |r| Some(r.checkins as f64)) }];
    let service = vec![Series {
        key: "service",
        name: FIG.service,
        values: per_month(f, |r| Some((r.service_minutes as f64 / 6.0).round() / 10.0)),
    }];
    view! {
        <h2>{FIG.charts}</h2>
        <div class="fig-charts">
            {chart("fig-chart-wishes", FIG.chart_wishes, &months, wishes, Kind::Bars, None, count)}
            {chart("fig-chart-claim", FIG.chart_claim, &months, claim, Kind::Line, None, |v| duration(Some(v as i64)))}
            {chart("fig-chart-rating", FIG.chart_rating, &months, ratings, Kind::Line, Some(5.0), |v| rating(Some(v)))}
            {chart("fig-chart-checkins", FIG.chart_checkins, &months, checkins, Kind::Bars, None, count)}
            {chart("fig-chart-service", FIG.chart_service, &months, service, Kind::Bars, None, |v| format!("{v}{}", FIG.hours))}
        </div>
        <p class="hint">{FIG.table_note}</p>
    }
}

/// The table of the same numbers, for screen readers (and anyone who wants the numbers).
fn table(f: &Figures) -> impl IntoView + use<> {
    view! {
        <h2>{FIG.table}</h2>
        <div class="table-wrap" tabindex="0">
            <table data-testid="fig-table">
                <caption>{format!("{}{}（{} {} {}）", f.place.name, FIG.caption_2, f.from, FIG.range_2, f.to)}</caption>
                <thead><tr>
                    <th scope="col">{FIG.month}</th>
                    {heads().into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                </tr></thead>
                <tbody>{f.months.iter().map(|m| row_view(m, m.month.clone())).collect_view()}</tbody>
                <tfoot>{row_view(&f.total, FIG.total.to_owned())}</tfoot>
            </table>
        </div>
    }
}

/// The distribution sentence (共 N 名党员接单 M 次，K 名党员承担了一半的接单；…).
fn distribution(w: &Workload) -> String {
    let d = &w.distribution;
    if d.active_members == 0 {
        return FIG.dist_none.to_owned();
    }
    format!(
        "{} {} {} {} {}{} {}{} {} {}",
        FIG.dist_1,
        d.active_members,
        FIG.dist_2,
        d.claimed,
        FIG.dist_3,
        d.half_load_members,
        FIG.dist_4,
        FIG.dist_5,
        percent(d.top_tenth_share),
        FIG.dist_6
    )
}

/// One member's line of the workload.
fn member_row(m: MemberLoad) -> impl IntoView {
    let l = m.load;
    view! {
        <tr data-testid="fig-member">
            <th scope="row">{m.member.name}</th>
            <td data-key="claimed">{l.claimed}</td>
            <td data-key="fulfilled">{l.fulfilled}</td>
            <td data-key="confirmed">{l.confirmed}</td>
            <td data-key="release-rate">{percent(l.release_rate)}</td>
            <td data-key="expiry-rate">{percent(l.expiry_rate)}</td>
            <td data-key="rating">{rating(l.rating_avg)}</td>
            <td data-key="service">{minutes(l.service_minutes)}</td>
        </tr>
    }
}

/// The members' workload.
fn workload_view(w: Workload) -> impl IntoView {
    let sentence = distribution(&w);
    let listed = w.members.len();
    let more = (w.total_members > listed as i64).then(|| {
        view! { <p class="hint" data-testid="fig-more">{format!("{}{} {} {} {}", FIG.more_1, w.total_members, FIG.more_2, listed, FIG.more_3)}</p> }
    });
    let body = if w.members.is_empty() {
        view! { <p class="empty" data-testid="fig-no-members">{FIG.no_members}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap" tabindex="0">
                <table data-testid="fig-workload">
                    <caption>{FIG.workload_caption}</caption>
                    <thead><tr>
                        <th scope="col">{FIG.member}</th>
                        <th scope="col">{FIG.claimed}</th>
                        <th scope="col">{FIG.fulfilled}</th>
                        <th scope="col">{FIG.confirmed}</th>
                        <th scope="col">{FIG.release_rate}</th>
                        <th scope="col">{FIG.expiry_rate}</th>
                        <th scope="col">{FIG.rating}</th>
                        <th scope="col">{FIG.service}</th>
                    </tr></thead>
                    <tbody>{w.members.into_iter().map(member_row).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <p class="fig-sentence" data-testid="fig-distribution">{sentence}</p>
        {body}
        {more}
    }
}

/// `/figures`.
#[component]
pub fn PlaceFigures() -> impl IntoView {
    let tops = RwSignal::new(Vec::<PlaceRef>::new());
    // From a top place down to the place shown (the last).
    let trail = RwSignal::new(Vec::<PlaceRef>::new());
    let below = RwSignal::new(Vec::<PlaceRef>::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let range = RwSignal::new(None::<(String, String)>);
    let figures = RwSignal::new(None::<Figures>);
    let workload = RwSignal::new(None::<Workload>);
    let error = RwSignal::new(None::<String>);
    // Each load's number: an answer to an older one is dropped.
    let seq = StoredValue::new(0_u32);

    let load_below = move |parent: String| {
        below.set(Vec::new());
        leptos::task::spawn_local(async move {
            match api::figures::places(Some(&parent)).await {
                Ok(p) if trail.with_untracked(|t| t.last().is_some_and(|l| l.id == parent)) => below.set(p.places),
                Ok(_) => {}
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    let load = move || {
        seq.update_value(|n| *n += 1);
        let mine = seq.get_value();
        let place = trail.with_untracked(|t| t.last().map(|p| p.id.clone()));
        let (f, t) = range.get_untracked().unzip();
        figures.set(None);
        workload.set(None);
        error.set(None);
        leptos::task::spawn_local(async move {
            let answer = api::figures::figures(place.as_deref(), f.as_deref(), t.as_deref()).await;
            if seq.get_value() != mine {
                return;
            }
            match answer {
                Ok(x) => {
                    if from.get_untracked().is_empty() {
                        from.set(x.from.get(..7).unwrap_or_default().to_owned());
                        to.set(x.to.get(..7).unwrap_or_default().to_owned());
                    }
                    if trail.with_untracked(Vec::is_empty) {
                        trail.set(vec![x.place.clone()]);
                        load_below(x.place.id.clone());
                    }
                    figures.set(Some(x));
                }
                Err(e) => return error.set(Some(e.message())),
            }
            let answer = api::figures::workload(place.as_deref(), f.as_deref(), t.as_deref(), WORKLOAD_LIMIT).await;
            if seq.get_value() != mine {
                return;
            }
            match answer {
                Ok(w) => workload.set(Some(w)),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    let show = move |path: Vec<PlaceRef>| {
        let Some(last) = path.last().map(|p| p.id.clone()) else { return };
        trail.set(path);
        load_below(last);
        load();
    };
    leptos::task::spawn_local(async move {
        if let Ok(p) = api::figures::places(None).await {
            tops.set(p.places);
        }
    });
    load();

    let pick_top = move |id: String| {
        if let Some(p) = tops.with_untracked(|t| t.iter().find(|p| p.id == id).cloned()) {
            show(vec![p]);
        }
    };
    let pick_below = move |id: String| {
        if let Some(p) = below.with_untracked(|b| b.iter().find(|p| p.id == id).cloned()) {
            let mut path = trail.get_untracked();
            path.push(p);
            show(path);
        }
    };
    let apply = move |f: String, t: String| {
        range.set(Some((f, t)));
        load();
    };
    let mine = FiguresPage::Mine.route();
    // The export's filters: what the page shows.
    let shown = move || {
        let mut parts = Vec::new();
        if let Some(p) = trail.with_untracked(|t| t.last().map(|p| p.id.clone())) {
            parts.push(format!("place={}", js_sys::encode_uri_component(&p)));
        }
        if let Some((f, t)) = range.get_untracked() {
            parts.push(format!("from={}&to={}", js_sys::encode_uri_component(&f), js_sys::encode_uri_component(&t)));
        }
        parts.join("&")
    };

    view! {
        <div class="page-head">
            <h1>{FIG.title}</h1>
            <a href=mine.href() on:click=go(mine.clone()) data-testid="goto-my-figures">{FIG.mine_title}</a>
        </div>
        <section class="fig-picker" aria-label=FIG.place>
            {move || (tops.with(Vec::len) > 1).then(|| view! {
                <label>{FIG.top_places}
                    <select data-testid="fig-top" on:change=move |ev| pick_top(event_target_value(&ev))>
                        {move || {
                            let current = trail.with(|t| t.first().map(|p| p.id.clone()));
                            tops.get().into_iter().map(|p| {
                                let selected = current.as_deref() == Some(p.id.as_str());
                                view! { <option value=p.id selected=selected>{p.name}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
            })}
            <p class="fig-trail" data-testid="fig-trail">
                <span>{FIG.place}{MESSAGES.colon}</span>
                {move || {
                    let path = trail.get();
                    let last = path.len().saturating_sub(1);
                    path.into_iter().enumerate().map(|(i, p)| if i == last {
                        view! { <strong data-testid="fig-place" data-level=p.level.as_str()>{p.name}</strong> }.into_any()
                    } else {
                        view! {
                            <button type="button" class="link" data-testid="fig-up"
                                on:click=move |_| show(trail.get_untracked().into_iter().take(i + 1).collect())>{p.name}</button>
                            <span aria-hidden="true">" › "</span>
                        }.into_any()
                    }).collect_view()
                }}
            </p>
            {move || (!below.with(Vec::is_empty)).then(|| view! {
                <label>{FIG.below}
                    <select data-testid="fig-below" on:change=move |ev| pick_below(event_target_value(&ev))>
                        <option value="" selected>{FIG.pick_below}</option>
                        {below.get().into_iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
                    </select>
                </label>
            })}
            {range_form(from, to, error, apply)}
        </section>
        {error_line("fig-error", error)}
        {move || figures.get().map_or_else(|| pending(error), |f| view! {
            <p class="hint" data-testid="fig-range">{format!("{}{} {} {}", FIG.range_1, f.from, FIG.range_2, f.to)}</p>
            {totals(&f.total)}
            {charts(&f)}
            {table(&f)}
            <Downloads kind="figures" query=shown/>
        }.into_any())}
        <h2>{FIG.workload}</h2>
        {move || workload.get().map_or_else(|| pending(error), |w| view! {
            {workload_view(w)}
            <Downloads kind="workload" query=shown/>
        }.into_any())}
    }
}

#[cfg(test)]
mod tests {
    use haolin_shared::api::{LoadDistribution, PlaceLevel};

    use super::*;

    fn workload(active: i64, claimed: i64, half: i64, top: Option<f64>) -> Workload {
        Workload {
            place: PlaceRef { id: "1".into(), code: "1".into(), name: "街道".into(), level: PlaceLevel::Street },
            from: "2026-01-01".into(),
            to: "2026-12-31".into(),
            distribution: LoadDistribution {
                active_members: active,
                claimed,
                half_load_members: half,
                top_tenth_share: top,
            },
            members: Vec::new(),
            total_members: active,
        }
    }

    #[test]
    fn the_distribution_reads_as_one_sentence() {
        assert_eq!(
            distribution(&workload(12, 40, 3, Some(0.25))),
            "共 12 名党员接单 40 次，3 名党员承担了一半的接单；最忙的十分之一党员承担了 25% 的接单。"
        );
        assert_eq!(distribution(&workload(0, 0, 0, None)), "这段时间没有党员接单。");
    }
}
