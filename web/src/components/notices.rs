//! The notices on a home page (the resident's and the member's): the current notices for my
//! places, pinned first, each with its pinned and unread marks and a link to the whole notice in
//! the neighbourhood bundle; reloaded when a new one arrives on the event stream. Then one row of
//! links to the neighbourhood pages (通知公告, 服务驿站, 物业评价).
//!
//! Drawn by a few lines of JavaScript from the list's JSON text, like the photo picker
//! (`upload.rs`): the main bundle then carries neither a decoder for the list nor Leptos views of
//! it, which weighed about 4 KB more on a resident's first load than its budget had room for.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::i18n::NOTE;
use crate::{api, live};

/// How many notices a home shows.
const SHOWN: u32 = 5;

// `drawNotices(el, text, words)`: `text` is `GET /notices`' answer (or empty: the links alone),
// `words` the catalogue's texts joined by `|` (the heading, the two other links, the pinned and
// unread marks). The paths are `Route::Neighbourhood`'s (`/notices/{id}`, `/points`,
// `/property`): full page loads into the neighbourhood bundle.
#[wasm_bindgen(inline_js = r#"
export function drawNotices(el, text, words) {
  const [title, points, property, pinned, unread] = words.split('|');
  let items = [];
  try { items = JSON.parse(text).items || []; } catch (e) {}
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
  const mark = (on, word, id) => on ? `<span class="tag" data-testid="${id}">${word}</span>` : '';
  const list = items.map((n) => `<li data-testid="home-notice">${mark(n.pinned, pinned, 'home-notice-pinned')}<a href="/notices/${esc(n.id)}">${esc(n.title)}</a>${mark(n.unread, unread, 'home-notice-unread')}</li>`).join('');
  el.innerHTML = (list ? `<section class="notices" data-testid="home-notices"><h2>${title}</h2><ul>${list}</ul></section>` : '')
    + `<p class="alt" data-testid="neighbourhood-links"><a href="/notices" data-testid="goto-notices">${title}</a><a href="/points" data-testid="goto-points">${points}</a><a href="/property" data-testid="goto-property">${property}</a></p>`;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = drawNotices)]
    fn draw(el: &web_sys::Element, text: &str, words: &str);
}

/// The words `drawNotices` shows.
fn words() -> String {
    [NOTE.title, NOTE.points, NOTE.property, NOTE.pinned, NOTE.unread].join("|")
}

/// Draws the links at once, then the notices, and again whenever one arrives (a directive).
fn mount(el: web_sys::Element) {
    draw(&el, "", &words());
    let load = move || {
        let el = el.clone();
        leptos::task::spawn_local(async move {
            if let Some(text) = api::notices::lines(SHOWN).await {
                draw(&el, &text, &words());
            }
        });
    };
    load();
    live::on_notice(Some(Rc::new(load)));
}

/// The notices for my places and the neighbourhood links.
#[component]
pub fn HomeNotices() -> impl IntoView {
    on_cleanup(|| live::on_notice(None));
    view! { <div use:mount></div> }
}
