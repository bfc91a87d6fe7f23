//! `/volunteer/scan`: checking in and out of an activity. The QR code the organiser shows opens
//! this page with `?activity={id}&token={t}` and the token is sent at once; otherwise the person
//! scans the code with the phone's camera (where the browser has `BarcodeDetector`) or types the
//! six digits shown under it.

use haolin_shared::api::Signup;
use haolin_shared::domain::time_bank::{ActivityStatus, SignupStatus, is_checkin_code};
use js_sys::{Array, Function, Object, Reflect};
use leptos::html::Video;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{VolunteerPage, go_to, minutes};
use crate::i18n::{MESSAGES, VOL};
use crate::{api, state, time};

/// The value of `key` in a query string (`?a=1&b=2`), decoded.
pub fn query_param(search: &str, key: &str) -> Option<String> {
    search.trim_start_matches('?').split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == key).map(
        |(_, v)| {
            let v = v.replace('+', " ");
            decode(&v)
        },
    )
}

#[cfg(target_arch = "wasm32")]
fn decode(v: &str) -> String {
    js_sys::decode_uri_component(v).ok().and_then(|s| s.as_string()).unwrap_or_else(|| v.to_owned())
}

#[cfg(not(target_arch = "wasm32"))]
fn decode(v: &str) -> String {
    v.to_owned()
}

/// The activity and token a scanned QR code carries (the scan page's URL), if it is one.
pub fn read_qr(text: &str) -> Option<(String, String)> {
    let query = text.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    Some((query_param(query, "activity")?, query_param(query, "token")?))
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `target[method](...args)`; its promise awaited when it returns one.
async fn call(target: &JsValue, method: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = get(target, method).dyn_into()?;
    let list = Array::new();
    for a in args {
        list.push(a);
    }
    let out = f.apply(target, &list)?;
    match out.dyn_into::<js_sys::Promise>() {
        Ok(p) => JsFuture::from(p).await,
        Err(v) => Ok(v),
    }
}

/// Whether this browser can scan a QR code with the camera.
fn camera_available() -> bool {
    let Some(w) = web_sys::window() else { return false };
    !get(&w, "BarcodeDetector").is_undefined() && !get(&w.navigator(), "mediaDevices").is_undefined()
}

/// Stops every track of a camera stream.
fn stop_stream(stream: &JsValue) {
    if let Ok(tracks) = get(stream, "getTracks").dyn_into::<Function>().and_then(|f| f.call0(stream)) {
        for t in Array::from(&tracks).iter() {
            if let Ok(stop) = get(&t, "stop").dyn_into::<Function>() {
                let _ = stop.call0(&t);
            }
        }
    }
}

/// Films with the back camera into `video` until a QR code is read (its text) or `running` turns
/// false; the camera is stopped either way.
async fn scan_qr(video: JsValue, running: RwSignal<bool>) -> Result<Option<String>, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let devices = get(&window.navigator(), "mediaDevices");
    let constraints = Object::new();
    let video_wanted = Object::new();
    Reflect::set(&video_wanted, &"facingMode".into(), &"environment".into())?;
    Reflect::set(&constraints, &"video".into(), &video_wanted)?;
    let stream = call(&devices, "getUserMedia", &[&constraints]).await?;
    Reflect::set(&video, &"srcObject".into(), &stream)?;
    let _ = call(&video, "play", &[]).await;
    let options = Object::new();
    Reflect::set(&options, &"formats".into(), &Array::of1(&"qr_code".into()))?;
    let ctor: Function = get(&window, "BarcodeDetector").dyn_into()?;
    let detector = Reflect::construct(&ctor, &Array::of1(&options))?;
    let mut found = None;
    while running.get_untracked() && found.is_none() {
        time::sleep(300).await;
        if let Ok(codes) = call(&detector, "detect", &[&video]).await {
            found = Array::from(&codes).iter().find_map(|c| get(&c, "rawValue").as_string());
        }
    }
    stop_stream(&stream);
    Ok(found)
}

/// What the page says after a scan: checked in, or out with the minutes.
fn result_view(s: &Signup) -> impl IntoView + use<> {
    let (state, text) = match (&s.checked_out_at, &s.checked_in_at) {
        (Some(out), _) => (
            "out",
            format!(
                "{}{}{}",
                VOL.checked_out_ok,
                time::show(out),
                s.minutes.map(|m| format!("{}{}", VOL.served, minutes(m))).unwrap_or_default()
            ),
        ),
        (None, Some(at)) => ("in", format!("{}{}", VOL.checked_in_ok, time::show(at))),
        (None, None) => ("none", s.status.label().to_owned()),
    };
    view! { <p class="vol-result" role="status" data-testid="scan-result" data-state=state>{text}</p> }
}

/// `/volunteer/scan`.
#[component]
pub fn Scan() -> impl IntoView {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let activity = RwSignal::new(query_param(&search, "activity").unwrap_or_default());
    let token = query_param(&search, "token");
    let choices = RwSignal::new(Vec::<(String, String)>::new());
    let code = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let result = RwSignal::new(None::<Signup>);
    let filming = RwSignal::new(false);
    let video = NodeRef::<Video>::new();

    // The activities I may scan for: seated, not yet checked out.
    leptos::task::spawn_local(async move {
        if let Ok(page) = api::volunteers::mine(None).await {
            let list: Vec<(String, String)> = page
                .items
                .into_iter()
                .filter(|a| a.status != ActivityStatus::Cancelled)
                .filter(|a| {
                    a.my_signup.as_ref().is_some_and(|s| s.status == SignupStatus::Seated && s.checked_out_at.is_none())
                })
                .map(|a| (a.id, a.title))
                .collect();
            if activity.get_untracked().is_empty()
                && let Some((id, _)) = list.first()
            {
                activity.set(id.clone());
            }
            choices.set(list);
        }
    });

    let submit = move |activity_id: String, text: String| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::volunteers::scan(&activity_id, text).await {
                Ok(s) => {
                    result.set(Some(s));
                    code.set(String::new());
                    touched.set(false);
                }
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    // Opened from the QR code: the token goes at once, and leaves the address (reloading the page
    // must not scan again, which would check out).
    if let Some(t) = token
        && !activity.get_untracked().is_empty()
    {
        submit(activity.get_untracked(), t);
        state::redirect(VolunteerPage::Scan.route());
    }

    let code_error = move || {
        (touched.get() && !is_checkin_code(code.with(|c| c.trim().to_owned()).as_str())).then_some(VOL.code_rule)
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        let typed = code.get_untracked().trim().to_owned();
        if activity.get_untracked().is_empty() {
            error.set(Some(VOL.choose_activity.to_owned()));
        } else if is_checkin_code(&typed) {
            submit(activity.get_untracked(), typed);
        }
    };
    let film = move |_| {
        let Some(el) = video.get_untracked() else { return };
        filming.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match scan_qr(el.into(), filming).await {
                Ok(Some(text)) => match read_qr(&text) {
                    Some((a, t)) => {
                        activity.set(a.clone());
                        submit(a, t);
                    }
                    None => error.set(Some(VOL.not_our_code.to_owned())),
                },
                Ok(None) => {}
                Err(_) => error.set(Some(VOL.camera_failed.to_owned())),
            }
            filming.set(false);
        });
    };
    on_cleanup(move || filming.set(false));
    let camera = camera_available();

    view! {
        <h1>{VOL.scan_title}</h1>
        <p class="hint">{VOL.scan_hint}</p>
        {move || result.get().map(|s| result_view(&s))}
        {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="scan-error">{e}</p> })}
        {camera.then(|| view! {
            <div class="vol-camera">
                <video node_ref=video data-testid="scan-video" class:on=filming playsinline=true muted=true aria-label=VOL.camera></video>
                {move || if filming.get() {
                    view! { <button type="button" class="wide" data-testid="scan-camera-stop" on:click=move |_| filming.set(false)>{MESSAGES.close}</button> }.into_any()
                } else {
                    view! { <button type="button" class="primary wide" data-testid="scan-camera" on:click=film>{VOL.camera}</button> }.into_any()
                }}
            </div>
        })}
        <form class="form" data-testid="scan-form" on:submit=on_submit novalidate>
            {move || (choices.with(|c| c.len() > 1) || activity.with(String::is_empty)).then(|| view! {
                <label for="scan-activity">{VOL.activity}</label>
                <select id="scan-activity" data-testid="scan-activity" prop:value=move || activity.get()
                    on:change=move |ev| activity.set(event_target_value(&ev))>
                    <option value="">{MESSAGES.please_choose}</option>
                    {move || choices.get().into_iter().map(|(id, title)| view! { <option value=id>{title}</option> }).collect_view()}
                </select>
            })}
            <label for="scan-code">{VOL.code_label}</label>
            <input id="scan-code" data-testid="scan-code" class="vol-code-input" type="text" inputmode="numeric"
                autocomplete="one-time-code" maxlength="6" pattern="[0-9]{6}" prop:value=code
                aria-invalid=move || code_error().is_some().to_string() aria-describedby="scan-code-error"
                on:input=move |ev| code.set(event_target_value(&ev))/>
            {move || code_error().map(|e| view! { <p class="field-error" id="scan-code-error" data-testid="scan-code-error">{e}</p> })}
            <button type="submit" class="primary" data-testid="scan-submit" disabled=busy>{VOL.scan_submit}</button>
        </form>
        <p class="alt"><a href=VolunteerPage::Mine.href() on:click=go_to(VolunteerPage::Mine)>{VOL.nav_mine}</a></p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_codes_url_gives_its_activity_and_token() {
        let url = "https://haolin.example/volunteer/scan?activity=12&token=abc.def";
        assert_eq!(read_qr(url), Some(("12".into(), "abc.def".into())));
        assert_eq!(read_qr("https://haolin.example/volunteer/scan?activity=12"), None);
        assert_eq!(read_qr("hello"), None);
        assert_eq!(query_param("?a=1&b=2", "b"), Some("2".into()));
        assert_eq!(query_param("", "b"), None);
    }
}
