//! `/volunteer/record` (my service record, per the Ministry of Civil Affairs' 2021 rules: what,
//! where, when, how long, who recorded it; and its CSV) and `/volunteer/certificate` (a printable
//! certificate of my service, on one A4 or A5 page, with the QR code of its public check).

use std::cell::RefCell;

use haolin_shared::api::{Certificate, ServiceRecord, ServiceRecordEntry};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{VolunteerPage, error_line, go_to, loading, minutes, open, pending, span};
use crate::i18n::{MESSAGES, VOL};
use crate::{api, time};

thread_local! {
    /// The certificate just issued from the record page, shown by the certificate page (which
    /// issues a new one when opened directly).
    static ISSUED: RefCell<Option<Certificate>> = const { RefCell::new(None) };
}

/// Saves `text` as the file `name` (a CSV with its byte order mark, so Excel reads it as UTF-8).
fn save_csv(name: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let body = format!("\u{feff}{}", text.trim_start_matches('\u{feff}'));
    let href = format!("data:text/csv;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&body)));
    let Ok(link) = document.create_element("a") else { return };
    let _ = link.set_attribute("href", &href);
    let _ = link.set_attribute("download", name);
    if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
        link.click();
    }
}

/// One service of the record.
fn entry(e: ServiceRecordEntry) -> impl IntoView {
    let source = if e.source == "activity" { VOL.source_activity } else { VOL.source_wish };
    view! {
        <li class="card" data-testid="record-entry" data-source=e.source.clone()>
            <div class="card-head">
                <b>{e.service}</b>
                <span data-testid="record-minutes">{minutes(e.minutes)}</span>
            </div>
            <p class="meta"><span class="tag">{source}</span>" "{e.place}</p>
            <p class="meta">{span(&e.started_at, &e.ended_at)}</p>
            <p class="meta">{VOL.recorded_by}{MESSAGES.colon}{e.recorded_by}</p>
        </li>
    }
}

/// `/volunteer/record`.
#[component]
pub fn Record() -> impl IntoView {
    let record = RwSignal::new(None::<ServiceRecord>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        match api::time_bank::service_record().await {
            Ok(r) => record.set(Some(r)),
            Err(e) => error.set(Some(e.message())),
        }
    });
    let download = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::time_bank::service_record_csv().await {
                Ok(text) => save_csv(VOL.csv_name, &text),
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    let issue = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::time_bank::issue_certificate().await {
                Ok(c) => {
                    ISSUED.with(|i| *i.borrow_mut() = Some(c));
                    open(VolunteerPage::Certificate);
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <h1>{VOL.record_title}</h1>
        <p class="hint">{VOL.record_intro}</p>
        {error_line("record-error", error)}
        {move || record.get().map_or_else(|| pending(error), |r| {
            let count = r.items.len();
            view! {
                <section class="overview">
                    <p>{VOL.holder}{MESSAGES.colon}<b data-testid="record-holder">{r.holder.name.clone()}</b></p>
                    <p>{VOL.total_hours}{MESSAGES.colon}<b data-testid="record-total">{minutes(r.total_minutes)}</b>
                        {MESSAGES.separator}{VOL.services}{MESSAGES.colon}<b data-testid="record-count">{count}</b></p>
                    <div class="row">
                        <button type="button" data-testid="record-csv" disabled=busy on:click=download>{VOL.download_csv}</button>
                        <button type="button" class="primary" data-testid="certificate-issue" disabled=busy on:click=issue>{VOL.issue_certificate}</button>
                    </div>
                </section>
                {if r.items.is_empty() {
                    view! { <p class="empty" data-testid="empty-list">{VOL.no_record}</p> }.into_any()
                } else {
                    view! { <ul class="list vol-plain" data-testid="service-record">{r.items.into_iter().map(entry).collect_view()}</ul> }.into_any()
                }}
            }.into_any()
        })}
    }
}

/// One line of the certificate.
fn line(label: &'static str, testid: &'static str, value: String) -> impl IntoView {
    view! { <div><dt>{label}</dt><dd data-testid=testid>{value}</dd></div> }
}

/// `/volunteer/certificate`: the certificate just issued (or a new one), with print buttons for
/// A4 and A5; the print stylesheet leaves only the certificate, on one page.
#[component]
pub fn CertificatePage() -> impl IntoView {
    let data = RwSignal::new(ISSUED.with(|i| i.borrow_mut().take()).map(Ok::<_, String>));
    if data.with_untracked(Option::is_none) {
        leptos::task::spawn_local(async move {
            data.set(Some(api::time_bank::issue_certificate().await.map_err(|e| e.message())));
        });
    }
    // The paper: the `@page` rule the print uses (A4 by default).
    let paper = RwSignal::new("A4");
    let print = move |size: &'static str| {
        paper.set(size);
        // After the style above is updated.
        request_animation_frame(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.print();
            }
        });
    };
    let ready = move || data.with(|d| matches!(d, Some(Ok(_))));
    view! {
        <style>{move || format!("@page {{ size: {} portrait; margin: 12mm; }}", paper.get())}</style>
        <div class="page-head no-print">
            <a href=VolunteerPage::Record.href() on:click=go_to(VolunteerPage::Record)>{MESSAGES.back}</a>
            <div class="row">
                <button type="button" data-testid="print-a5" on:click=move |_| print("A5") disabled=move || !ready()>{VOL.print_a5}</button>
                <button type="button" class="primary" data-testid="print-a4" on:click=move |_| print("A4") disabled=move || !ready()>{VOL.print_a4}</button>
            </div>
        </div>
        {move || match data.get() {
            None => loading(),
            Some(Err(e)) => view! { <p class="error" role="alert" data-testid="certificate-error">{e}</p> }.into_any(),
            Some(Ok(c)) => view! {
                <article class="vol-certificate" data-testid="service-certificate" data-number=c.number.clone()>
                    <h1>{VOL.certificate_title}</h1>
                    <p class="vol-cert-lead">{VOL.certificate_lead}</p>
                    <dl>
                        {line(MESSAGES.name, "cert-name", c.holder_name.clone())}
                        {line(VOL.total_hours, "cert-hours", minutes(c.total_minutes))}
                        {line(VOL.services, "cert-services", c.services.to_string())}
                        {line(VOL.issued_on, "cert-date", time::format_date(&c.issued_on))}
                        {line(VOL.certificate_no, "cert-number", c.number.clone())}
                    </dl>
                    <div class="vol-cert-qr">
                        <div role="img" aria-label=VOL.verify_qr data-testid="cert-qr" inner_html=c.qr_svg.clone()></div>
                        <p>{VOL.verify_hint}<br/><span class="vol-url" data-testid="cert-verify-url">{c.verify_url.clone()}</span></p>
                    </div>
                    <p class="cert-foot">{MESSAGES.product_name}{MESSAGES.separator}{VOL.title}</p>
                </article>
            }.into_any(),
        }}
    }
}
