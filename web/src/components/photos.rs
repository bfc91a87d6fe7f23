//! Photos: a form's picker (the camera or the gallery; each photo shrunk and uploaded at once,
//! with a progress bar; thumbnails with a remove button) and the thumbnails of the photos of a
//! wish or a work order, grouped by when they were attached.

use haolin_shared::api::{Photo, PhotoStage};
use js_sys::{Array, Function, Promise};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::MESSAGES;
use crate::{api, upload};

/// The most photos one form sends (the server's default; it answers `too_many_photos` above its
/// own setting).
pub const MAX_PHOTOS: usize = 6;

/// The ids of the photos a form has uploaded so far, and whether one is on its way.
#[derive(Clone, Copy)]
pub struct PhotoField {
    /// The uploaded photos' ids, in the order chosen.
    pub ids: RwSignal<Vec<String>>,
    /// Whether a photo is being shrunk or sent (the form waits for it).
    pub busy: RwSignal<bool>,
    /// Bumped when the form was sent: a picker drawn in a closure tracking it starts empty.
    pub round: RwSignal<u32>,
}

impl Default for PhotoField {
    fn default() -> Self {
        Self { ids: RwSignal::new(Vec::new()), busy: RwSignal::new(false), round: RwSignal::new(0) }
    }
}

impl PhotoField {
    /// The ids to send with the form.
    pub fn ids(&self) -> Vec<String> {
        self.ids.get_untracked()
    }

    /// Forgets the photos (after the form was sent, or when it opens again); see `round`. An
    /// upload still on its way belongs to a picker no longer drawn and is left unattached.
    pub fn clear(&self) {
        self.ids.set(Vec::new());
        self.busy.set(false);
        self.round.update(|r| *r += 1);
    }
}

thread_local! {
    /// The pickers' `upload(file, progress)`: one for the page's life, shared by every picker.
    static UPLOAD: Function = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(|file: JsValue, progress: JsValue| {
        wasm_bindgen_futures::future_to_promise(async move {
            let answer = match api::photos::upload(&file, progress.unchecked_ref()).await {
                Ok(photo) => (JsValue::TRUE, photo),
                Err(e) => (JsValue::FALSE, e.message()),
            };
            Ok(Array::of2(&answer.0, &answer.1.into()).into())
        })
    })
    .into_js_value()
    .unchecked_into();
}

/// Draws the picker's controls into its `<fieldset>` once it exists (a directive).
fn mount(fieldset: web_sys::Element) {
    UPLOAD.with(|upload| upload::mount_picker(&fieldset, MESSAGES.picker_words, MAX_PHOTOS, upload));
}

/// The picker of a form (`photo-picker`): 拍照 (the camera) and 从相册选 (the gallery, several
/// at once), up to [`MAX_PHOTOS`], each photo shrunk and uploaded at once with a progress bar,
/// thumbnails with a remove button, the server's refusal in its words. The controls are drawn by
/// [`upload::mount_picker`]; `field` follows them. `id` is its element id, unique on the page.
#[component]
pub fn PhotoPicker(
    /// The form's photos.
    field: PhotoField,
    /// Its element id.
    id: String,
) -> impl IntoView {
    let changed = move |ev: leptos::ev::Event| {
        if let Some((ids, busy)) = upload::picker_state(&ev) {
            field.ids.set(ids);
            field.busy.set(busy);
        }
    };
    view! {
        <fieldset class="photo-picker" data-testid="photo-picker" id=id use:mount on:input=changed>
            <legend>{MESSAGES.photos_label}</legend>
        </fieldset>
    }
}

/// `text` safe inside an HTML attribute or element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The markup of [`PhotoGroups`]: a `photos` section (`data-stage` its first stage) per group
/// that has any photo, with its heading and the thumbnails, each a link to the photo (a new tab).
fn groups_html(photos: &[Photo], groups: &[(&[PhotoStage], &str)]) -> String {
    let mut html = String::new();
    for (stages, title) in groups {
        let shown = photos.iter().filter(|p| stages.contains(&p.stage));
        let mut items = String::new();
        for (i, p) in shown.enumerate() {
            items.push_str(&format!(
                r#"<li><a href="{}" target="_blank" rel="noopener" data-testid="photo-link"><img src="{}" alt="{title} {}" loading="lazy"></a></li>"#,
                escape(&p.url),
                escape(&p.thumb_url),
                i + 1
            ));
        }
        if !items.is_empty() {
            html.push_str(&format!(
                r#"<section class="photos" data-testid="photos" data-stage="{}"><h3>{title}</h3><ul class="photo-grid">{items}</ul></section>"#,
                stages[0].as_str()
            ));
        }
    }
    html
}

/// The photos of a wish or an order, grouped by when they were attached (see [`groups_html`]).
/// Written as markup (the server's URLs escaped) rather than views: it never changes once
/// drawn, and views of it would weigh KB more on a resident's phone.
#[component]
pub fn PhotoGroups(
    /// The photos, oldest first.
    photos: Vec<Photo>,
    /// The groups: the stages each gathers, and its heading.
    groups: Vec<(&'static [PhotoStage], &'static str)>,
) -> impl IntoView {
    view! { <div inner_html=groups_html(&photos, &groups)></div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(id: &str, stage: PhotoStage) -> Photo {
        Photo {
            id: id.into(),
            stage,
            content_type: "image/jpeg".into(),
            width: 1600,
            height: 1067,
            bytes: 1000,
            url: format!("/api/v1/photos/{id}?sig=a&exp=1"),
            thumb_url: format!("/api/v1/photos/{id}/thumb?sig=\"b<"),
            created_at: "2026-12-01T10:00:00Z".into(),
        }
    }

    #[test]
    fn photos_are_grouped_with_their_headings_and_escaped_urls_and_empty_groups_are_left_out() {
        let photos = [photo("1", PhotoStage::Post), photo("2", PhotoStage::Fulfil), photo("3", PhotoStage::Added)];
        let html = groups_html(
            &photos,
            &[(&[PhotoStage::Post, PhotoStage::Added], "居民照片"), (&[PhotoStage::Visit], "回访照片")],
        );
        assert_eq!(html.matches("<section").count(), 1);
        assert!(
            html.starts_with(r#"<section class="photos" data-testid="photos" data-stage="post"><h3>居民照片</h3>"#)
        );
        assert!(html.contains(r#"href="/api/v1/photos/1?sig=a&amp;exp=1""#));
        assert!(html.contains(r#"src="/api/v1/photos/3/thumb?sig=&quot;b&lt;" alt="居民照片 2""#));
        assert!(!html.contains("photos/2"));
        assert_eq!(groups_html(&photos, &[(&[PhotoStage::Visit], "回访照片")]), "");
    }

    #[test]
    fn the_picker_says_the_most_it_takes_and_has_a_word_per_line() {
        let most = format!(" {MAX_PHOTOS} ");
        let lines: Vec<&str> = MESSAGES.picker_words.split('\n').collect();
        assert_eq!(lines.len(), 8);
        assert!(MESSAGES.photos_label.contains(&most) && lines[7].contains(&most));
        assert_eq!(format!("{}{}2{}", lines[4], lines[5], lines[6]), "删除第 2 张照片");
    }
}
