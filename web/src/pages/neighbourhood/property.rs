//! The property pages (红色物业, docs/PROPERTY.md): `/property`, where a resident rates their
//! estate's service this period (five rows of star buttons, a comment, the saved rating and until
//! when it may change), and `/property/results`, a period's results per estate and company with
//! grade and red or black list, and the residents' comments without names, for company staff,
//! dispatchers, street officers and admins.

use haolin_shared::api::{
    MyProperty, Page, PropertyComment, PropertyList, PropertyRating, PropertyResult, RatePropertyRequest, User,
};
use leptos::prelude::*;

use crate::api;
use crate::i18n::{MESSAGES, PROP};

/// The page below `/property` (`rest` is the path after it).
pub fn page(rest: &str, _me: User) -> AnyView {
    match rest.trim_end_matches('/') {
        "" => view! { <RatePage/> }.into_any(),
        "/results" => view! { <ResultsPage/> }.into_any(),
        _ => view! { <h1>{MESSAGES.not_found}</h1> }.into_any(),
    }
}

/// The saved stars in the API's order.
fn stars_of(r: &PropertyRating) -> [i64; 5] {
    [r.security, r.cleaning, r.greening, r.orderly, r.repair]
}

/// One duty's row of five star buttons.
fn star_row(duty: usize, stars: RwSignal<[i64; 5]>) -> impl IntoView {
    let name = PROP.duties[duty];
    view! {
        <fieldset class="prop-duty" data-testid=format!("prop-duty-{duty}")>
            <legend>{name}</legend>
            <div class="prop-stars" role="group" aria-label=name>
                {(1..=5_i64)
                    .map(|n| {
                        let on = move || stars.get()[duty] >= n;
                        view! {
                            <button type="button" class="prop-star" data-testid=format!("prop-star-{duty}-{n}")
                                aria-label=format!("{name} {n}{}", PROP.stars)
                                aria-pressed=move || (stars.get()[duty] == n).to_string()
                                class:on=on
                                on:click=move |_| stars.update(|s| s[duty] = n)>
                                {move || if on() { "★" } else { "☆" }}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

/// The resident's rating form once their estate is known.
fn rate_form(mine: MyProperty) -> AnyView {
    let Some(estate) = mine.estate.clone() else {
        let why = if mine.home_place_id.is_none() { PROP.no_home } else { PROP.no_estate };
        return view! { <p class="hint" data-testid="prop-none">{why}</p> }.into_any();
    };
    let saved = RwSignal::new(mine.rating.clone());
    let stars = RwSignal::new(mine.rating.as_ref().map_or([0; 5], stars_of));
    let comment = RwSignal::new(mine.rating.as_ref().and_then(|r| r.comment.clone()).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let notice = RwSignal::new(None::<&'static str>);
    let period = mine.period.clone();
    let estate_id = estate.id.clone();
    let period_key = period.key.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let s = stars.get_untracked();
        if s.contains(&0) {
            error.set(Some(PROP.pick_all.to_owned()));
            return;
        }
        let text = comment.get_untracked();
        let body = RatePropertyRequest {
            period: Some(period_key.clone()),
            security: s[0],
            cleaning: s[1],
            greening: s[2],
            orderly: s[3],
            repair: s[4],
            comment: (!text.trim().is_empty()).then_some(text),
        };
        let call = api::property::rate(&estate_id, &body);
        busy.set(true);
        error.set(None);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match call.await {
                Ok(r) => {
                    saved.set(Some(r));
                    notice.set(Some(PROP.saved));
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <dl class="prop-facts">
            <dt>{PROP.estate}</dt><dd data-testid="prop-estate">{estate.name.clone()}</dd>
            <dt>{PROP.company}</dt><dd data-testid="prop-company">{estate.company.name.clone()}</dd>
            <dt>{PROP.period}</dt><dd data-testid="prop-period">{period.key.clone()}</dd>
        </dl>
        <p class="hint" data-testid="prop-until">{format!("{}{}", PROP.until, period.last_day)}</p>
        <form class="prop-form" on:submit=submit>
            {(0..5).map(|d| star_row(d, stars)).collect_view()}
            <label for="prop-comment">{PROP.comment}</label>
            <textarea id="prop-comment" data-testid="prop-comment" rows="3" maxlength="200"
                prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            <p class="hint">{PROP.comment_hint}</p>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="prop-error">{e}</p> })}
            <button type="submit" class="primary big" data-testid="prop-submit" disabled=move || busy.get()>
                {move || if saved.get().is_some() { PROP.change } else { PROP.submit }}
            </button>
        </form>
        <div aria-live="polite">
            {move || notice.get().map(|n| view! { <p class="notice" data-testid="prop-notice">{n}</p> })}
        </div>
        {move || saved.get().map(|r| {
            let s = stars_of(&r);
            view! {
                <section data-testid="prop-saved">
                    <h2>{PROP.yours}</h2>
                    <ul>
                        {(0..5).map(|d| view! {
                            <li data-key=d.to_string()>{format!("{}：{}{}", PROP.duties[d], s[d], PROP.stars)}</li>
                        }).collect_view()}
                    </ul>
                    {r.comment.clone().map(|c| view! { <p data-testid="prop-saved-comment">{c}</p> })}
                </section>
            }
        })}
    }
    .into_any()
}

/// `/property`: the resident's rating.
#[component]
fn RatePage() -> impl IntoView {
    let mine = RwSignal::new(None::<Result<MyProperty, String>>);
    leptos::task::spawn_local(async move {
        mine.set(Some(api::property::mine().await.map_err(|e| e.message())));
    });
    view! {
        <h1>{PROP.title}</h1>
        {move || match mine.get() {
            None => view! { <p class="hint">{PROP.loading}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert" data-testid="prop-error">{e}</p> }.into_any(),
            Some(Ok(m)) => rate_form(m),
        }}
    }
}

fn list_label(list: Option<PropertyList>) -> &'static str {
    match list {
        Some(PropertyList::Red) => PROP.red,
        Some(PropertyList::Black) => PROP.black,
        None => "",
    }
}

/// A results table (estates, or companies when `companies`).
fn results_table(rows: Vec<PropertyResult>, companies: bool, testid: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0">
            <table data-testid=testid>
                <thead><tr>
                    {(!companies).then(|| view! { <th scope="col">{PROP.estate}</th> })}
                    <th scope="col">{PROP.company}</th>
                    <th scope="col">{PROP.raters}</th>
                    {PROP.duties.iter().map(|d| view! { <th scope="col">{*d}</th> }).collect_view()}
                    <th scope="col">{PROP.satisfaction}</th>
                    <th scope="col">{PROP.points}</th>
                    <th scope="col">{PROP.grade}</th>
                    <th scope="col">{PROP.list}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let a = &r.averages;
                        let averages = [a.security, a.cleaning, a.greening, a.orderly, a.repair];
                        let list = r.list.map(|l| if l == PropertyList::Red { "red" } else { "black" });
                        view! {
                            <tr data-testid="prop-result-row" data-list=list>
                                {r.estate.clone().map(|e| view! { <th scope="row">{e.name}</th> })}
                                <td>{r.company.name.clone()}</td>
                                <td data-key="raters">{r.raters}</td>
                                {averages.into_iter().map(|v| view! { <td>{format!("{v}")}</td> }).collect_view()}
                                <td data-key="satisfaction">{format!("{:.1}%", r.satisfaction * 100.0)}</td>
                                <td data-key="points">{format!("{}", r.points)}</td>
                                <td data-key="grade">{r.grade.clone().unwrap_or_else(|| PROP.none.to_owned())}</td>
                                <td data-key="list" class=list>{list_label(r.list)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The period's three reads.
type Loaded = (Page<PropertyResult>, Page<PropertyResult>, Page<PropertyComment>);

/// `/property/results`: a period's results and comments.
#[component]
fn ResultsPage() -> impl IntoView {
    let period = RwSignal::new(String::new());
    let data = RwSignal::new(None::<Result<Loaded, String>>);
    let load = move || {
        let p = period.get_untracked();
        let p = (!p.is_empty()).then_some(p);
        let calls = (
            api::property::results(p.as_deref()),
            api::property::company_results(p.as_deref()),
            api::property::comments(p.as_deref()),
        );
        data.set(None);
        leptos::task::spawn_local(async move {
            let (estates, companies, comments) = calls;
            let got = async { Ok::<_, crate::error::ApiError>((estates.await?, companies.await?, comments.await?)) };
            data.set(Some(got.await.map_err(|e| e.message())));
        });
    };
    load();
    view! {
        <h1>{PROP.results_title}</h1>
        <form class="prop-period" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(); }>
            <label for="prop-period-input">{PROP.period}</label>
            <input id="prop-period-input" type="month" data-testid="prop-period-input"
                prop:value=move || period.get() on:input=move |ev| period.set(event_target_value(&ev))/>
            <button type="submit">{PROP.show}</button>
        </form>
        {move || match data.get() {
            None => view! { <p class="hint">{PROP.loading}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert" data-testid="prop-error">{e}</p> }.into_any(),
            Some(Ok((estates, companies, comments))) => view! {
                <h2>{PROP.by_estate}</h2>
                {results_table(estates.items, false, "prop-results")}
                <h2>{PROP.by_company}</h2>
                {results_table(companies.items, true, "prop-company-results")}
                <h2>{PROP.comments}</h2>
                <ul data-testid="prop-comments">
                    {if comments.items.is_empty() {
                        view! { <li class="hint">{PROP.no_comments}</li> }.into_any()
                    } else {
                        comments.items.into_iter().map(|c| view! {
                            <li data-testid="prop-comment-item">
                                <strong>{c.estate.name}</strong>{"："}{c.comment}
                            </li>
                        }).collect_view().into_any()
                    }}
                </ul>
            }.into_any(),
        }}
    }
}
