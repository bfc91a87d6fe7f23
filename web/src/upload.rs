//! Sending photos from the browser: a picker's controls, each chosen photo shrunk on the phone
//! (longest side [`MAX_SIDE`] px, JPEG) and posted as `multipart/form-data` with
//! `XMLHttpRequest`, whose upload reports its progress (`fetch` cannot). A few lines of
//! JavaScript do it, shipped beside the bundle's glue: cheaper on a phone than the `web-sys`
//! bindings of canvases, blobs, forms and requests, and than Leptos views of the same controls.
//! Knows nothing of sessions: the caller passes the bearer token.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::ApiError;

/// The longest side of a photo after shrinking, in pixels.
pub const MAX_SIDE: u32 = 1600;
/// The JPEG quality of a shrunk photo.
const QUALITY: f64 = 0.85;

// `shrink`: a photo already small (both sides within `max` and at most 1 MB) is sent as it is;
// otherwise it is drawn, the right way up (`imageOrientation: 'from-image'`, or an `<img>`, which
// current browsers orient by its EXIF), on a canvas at most `max` px on its longest side and
// encoded as JPEG at `quality`. Whatever the browser cannot decode is sent as it is, so the
// server's own refusal (415, 422) is what the person reads. `send` resolves with
// `[status, text]`, status 0 when no answer came.
//
// `mountPicker` draws a picker's controls into its `<fieldset>` (see `components::photos`): plain
// DOM rather than Leptos views, whose code would weigh several KB more on a resident's phone.
// `words`: its texts, one a line (`picker_words` of the message catalogue); `upload(file,
// progress)` resolves with `[true, the photo's JSON]` or `[false, the message to show]`. After
// every change it fires a bubbling `input` event whose `detail` is `[ids, busy]`.
#[wasm_bindgen(inline_js = r#"
async function decode(file) {
  try {
    return await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (e) {
    const img = new Image();
    img.src = URL.createObjectURL(file);
    try { await img.decode(); return img; } finally { URL.revokeObjectURL(img.src); }
  }
}
async function shrink(file, max, quality) {
  try {
    const pic = await decode(file);
    const scale = Math.min(1, max / Math.max(pic.width, pic.height));
    if (scale === 1 && file.size <= 1048576) return file;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(pic.width * scale);
    canvas.height = Math.round(pic.height * scale);
    canvas.getContext('2d').drawImage(pic, 0, 0, canvas.width, canvas.height);
    if (pic.close) pic.close();
    return (await new Promise((done) => canvas.toBlob(done, 'image/jpeg', quality))) || file;
  } catch (e) {
    return file;
  }
}
function add(parent, tag, testid, props) {
  const el = Object.assign(document.createElement(tag), props);
  if (testid) el.dataset.testid = testid;
  parent.append(el);
  return el;
}
export function mountPicker(box, words, max, side, quality, upload) {
  const t = words.split('\n');
  const photos = [];
  let busy = false;
  const list = add(box, 'ul', 'photo-thumbs', { className: 'photo-grid' });
  const row = add(box, 'div', '', { className: 'row' });
  const input = add(box, 'input', 'photo-input', { type: 'file', accept: 'image/*', hidden: true });
  const status = add(box, 'p', 'photo-uploading', { className: 'hint', hidden: true });
  status.setAttribute('role', 'status');
  const count = add(status, 'span', '', {});
  const bar = add(status, 'progress', 'photo-progress', { max: 100, value: 0 });
  bar.setAttribute('aria-label', t[3]);
  const error = add(box, 'p', 'photo-error', { className: 'field-error', hidden: true });
  error.setAttribute('role', 'alert');
  const fail = (text) => { error.textContent = text; error.hidden = !text; };
  const buttons = ['photo-camera', 'photo-gallery'].map((id, i) => {
    const button = add(row, 'button', id, { type: 'button', textContent: t[i] });
    button.onclick = () => {
      if (i) input.removeAttribute('capture'); else input.setAttribute('capture', 'environment');
      input.multiple = !!i;
      input.click();
    };
    return button;
  });
  const draw = () => {
    list.replaceChildren();
    photos.forEach((p, i) => {
      const item = add(list, 'li', 'photo-thumb', {});
      Object.assign(item.dataset, { photoId: p.id, width: p.width, height: p.height });
      const name = t[5] + (i + 1) + t[6];
      add(item, 'img', '', { src: p.thumb_url, alt: name });
      const remove = add(item, 'button', 'photo-remove', { type: 'button', className: 'photo-remove', textContent: '×' });
      remove.setAttribute('aria-label', t[4] + name);
      remove.onclick = () => { photos.splice(i, 1); draw(); };
    });
    buttons.forEach((b) => { b.disabled = busy || photos.length >= max; });
    status.hidden = !busy;
    box.dispatchEvent(new CustomEvent('input', { bubbles: true, detail: [photos.map((p) => p.id), busy] }));
  };
  input.onchange = async () => {
    const files = Array.from(input.files).slice(0, max - photos.length);
    fail(input.files.length > files.length ? t[7] : '');
    input.value = '';
    if (busy || !files.length) return;
    busy = true;
    draw();
    for (let i = 0; i < files.length; i++) {
      count.textContent = t[2] + ' ' + (i + 1) + '/' + files.length + ' ';
      bar.value = 0;
      const [ok, answer] = await upload(await shrink(files[i], side, quality), (share) => { bar.value = Math.round(share * 100); });
      if (!ok) { fail(answer); break; }
      photos.push(JSON.parse(answer));
      draw();
    }
    busy = false;
    draw();
  };
  draw();
}
export function pickerState(event) {
  return event.detail || null;
}
export function send(url, token, file, progress) {
  const body = new FormData();
  body.append('file', file, 'photo.jpg');
  return new Promise((done) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Authorization', 'Bearer ' + token);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) progress(e.loaded / e.total); };
    xhr.onload = () => done([xhr.status, xhr.responseText]);
    xhr.onerror = xhr.onabort = xhr.ontimeout = () => done([0, '']);
    xhr.send(body);
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = mountPicker)]
    fn mount_picker_js(fieldset: &JsValue, words: &str, max: u32, side: u32, quality: f64, upload: &Function);

    #[wasm_bindgen(js_name = pickerState)]
    fn picker_state_js(event: &JsValue) -> JsValue;

    #[wasm_bindgen(js_name = send)]
    fn send_js(url: &str, token: &str, file: &JsValue, progress: &Function) -> Promise;
}

/// Draws a photo picker's controls into `fieldset` (after its legend): 拍照 (the camera) and
/// 从相册选 (the gallery, several at once), at most `max` photos, each shrunk to [`MAX_SIDE`] and
/// passed to `upload(file, progress)` (see the script above), a progress bar, the thumbnails
/// with their remove buttons, the error. `words` are its texts, one a line (`picker_words` of
/// the message catalogue).
pub fn mount_picker(fieldset: &JsValue, words: &str, max: usize, upload: &Function) {
    mount_picker_js(fieldset, words, max as u32, MAX_SIDE, QUALITY, upload);
}

/// What a picker's `input` event says: the ids of its photos and whether one is on its way;
/// `None` for any other `input` event.
pub fn picker_state(event: &JsValue) -> Option<(Vec<String>, bool)> {
    let state = picker_state_js(event);
    if state.is_null() {
        return None;
    }
    let state: Array = state.unchecked_into();
    let ids: Array = state.get(0).unchecked_into();
    Some((ids.iter().filter_map(|id| id.as_string()).collect(), state.get(1).is_truthy()))
}

/// Posts the photo `file` (already shrunk) to `url` as the `file` field of a
/// `multipart/form-data` body with the bearer `token`; `progress` is called with the share sent
/// so far (0 to 1). The status and body text of the answer.
pub async fn send(url: &str, token: &str, file: &JsValue, progress: &Function) -> Result<(u16, String), ApiError> {
    let answer = JsFuture::from(send_js(url, token, file, progress)).await.map_err(|_| ApiError::Network)?;
    let answer: Array = answer.unchecked_into();
    let status = answer.get(0).as_f64().unwrap_or(0.0) as u16;
    if status == 0 {
        return Err(ApiError::Network);
    }
    Ok((status, answer.get(1).as_string().unwrap_or_default()))
}
