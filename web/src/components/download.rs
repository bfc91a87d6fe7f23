//! The office pages' download buttons (导出, docs/EXPORTS.md): CSV and Excel of what the page
//! shows. A tap asks the server for a one-time signed link to the export (the file cannot carry
//! the `Authorization` header) and opens it; the server answers it as an attachment, so the page
//! stays where it is and the browser saves the file.

use leptos::prelude::*;

use crate::i18n::DL;

/// Opens the one-time link to `/api/v1/exports/{kind}.{format}?{query}`; a refusal shows in `error`.
fn download(
    kind: &'static str,
    format: &'static str,
    query: String,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) {
    let path = if query.is_empty() {
        format!("/api/v1/exports/{kind}.{format}")
    } else {
        format!("/api/v1/exports/{kind}.{format}?{query}")
    };
    busy.set(true);
    error.set(None);
    leptos::task::spawn_local(async move {
        match crate::api::exports::link(path).await {
            Ok(link) => {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().set_href(&link.url);
                }
            }
            Err(e) => error.set(Some(e.message())),
        }
        busy.set(false);
    });
}

/// Two buttons, CSV and Excel, downloading the export `kind` (`wishes`, `checkins`, `work-orders`,
/// `figures`, `workload`) with the filters `query` gives at the time of the tap (a query string
/// without `?`, empty for none). Test ids `download-{kind}-csv` and `download-{kind}-xlsx`.
#[component]
pub fn Downloads<Q>(
    /// The export's name in its path.
    kind: &'static str,
    /// The filters of what the page shows.
    query: Q,
) -> impl IntoView
where
    Q: Fn() -> String + Clone + Send + Sync + 'static,
{
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let button = move |format: &'static str, label: &'static str| {
        let query = query.clone();
        view! {
            <button type="button" data-testid=format!("download-{kind}-{format}")
                disabled=move || busy.get()
                on:click=move |_| download(kind, format, query(), busy, error)>{label}</button>
        }
    };
    view! {
        <p class="counts-row" data-testid=format!("downloads-{kind}")>
            <span>{DL.export}</span>
            {button("csv", DL.csv)}
            {button("xlsx", DL.xlsx)}
            {move || busy.get().then(|| view! { <span class="hint" role="status">{DL.preparing}</span> })}
            {move || error.get().map(|e| view! { <span class="error" role="alert">{e}</span> })}
        </p>
    }
}
