//! Login and registration.

use std::future::Future;

use haolin_shared::api::{AuthResponse, LoginRequest, RegisterRequest};
use haolin_shared::domain::{NewPassword, PersonName, PhoneNumber};
use leptos::prelude::*;

use crate::components::big_mode::BigModeToggle;
use crate::components::go;
use crate::error::ApiError;
use crate::i18n::MESSAGES;
use crate::route::Route;
use crate::{api, http, state, time};

/// A password input (`id`, test id the same) with a button that shows or hides what is typed.
fn password_field(id: &'static str, autocomplete: &'static str, value: RwSignal<String>) -> impl IntoView {
    let shown = RwSignal::new(false);
    view! {
        <div class="password-row">
            <input id=id data-testid=id type=move || if shown.get() { "text" } else { "password" } autocomplete=autocomplete
                prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
            <button type="button" class="step-back" data-testid=format!("{id}-toggle") aria-controls=id
                aria-pressed=move || shown.get().to_string() on:click=move |_| shown.update(|s| *s = !*s)>
                // Both words, the one that fits shown by `aria-pressed` (style.css).
                <span class="off">{MESSAGES.show_password}</span><span class="on">{MESSAGES.hide_password}</span>
            </button>
        </div>
    }
}

/// The body of `POST /auth/password-reset`.
#[derive(serde::Serialize)]
struct ResetRequest {
    phone: String,
    code: String,
    new_password: String,
}

/// The text of the field `name` of the form that sent `ev` (plain inputs, no signals: this form
/// is rarely used, so it should cost the first load little).
fn field(ev: &leptos::ev::SubmitEvent, name: &str) -> String {
    let form: wasm_bindgen::JsValue = ev.target().map(Into::into).unwrap_or_default();
    js_sys::Reflect::get(&form, &name.into())
        .and_then(|input| js_sys::Reflect::get(&input, &"value".into()))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// 忘记密码: phone, the reset code a dispatcher gave, and a new password.
#[component]
fn ForgotPassword() -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let checked = (|| {
            let phone = PhoneNumber::parse(&field(&ev, "phone")).map_err(|e| format!("{}：{e}", MESSAGES.phone))?;
            let new_password = NewPassword::parse(&field(&ev, "new_password"))
                .map_err(|e| format!("{}：{e}（{}）", MESSAGES.new_password, MESSAGES.password_rule))?;
            let body = ResetRequest {
                phone: phone.into_inner(),
                code: field(&ev, "code").trim().to_owned(),
                new_password: new_password.expose().to_owned(),
            };
            http::to_json(&body).map_err(|e| e.message())
        })();
        let body = match checked {
            Ok(b) => b,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match http::send("POST", "/auth/password-reset", Some(&body), None, None).await {
                Ok((204, _)) => state::toast(MESSAGES.reset_done),
                Ok((401, _)) => error.set(Some(MESSAGES.reset_failed.to_owned())),
                Ok((status, text)) => error.set(Some(ApiError::from_response(status, &text).message())),
                Err(e) => error.set(Some(e.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="form reset" on:submit=submit novalidate data-testid="reset-form">
            <p class="hint">{MESSAGES.reset_intro}</p>
            <label for="reset-phone">{MESSAGES.phone}</label>
            <input id="reset-phone" name="phone" data-testid="reset-phone" type="tel" inputmode="numeric" autocomplete="username"/>
            <label for="reset-code">{MESSAGES.reset_code}</label>
            <input id="reset-code" name="code" data-testid="reset-code" type="text" inputmode="numeric" autocomplete="one-time-code"/>
            <label for="reset-password">{MESSAGES.new_password}</label>
            <input id="reset-password" name="new_password" data-testid="reset-password" type="password" autocomplete="new-password"
                aria-describedby="reset-rule"/>
            <p class="hint" id="reset-rule">{MESSAGES.password_rule}</p>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="reset-error">{e}</p> })}
            <button type="submit" class="primary" data-testid="reset-submit" disabled=busy>{MESSAGES.reset_submit}</button>
        </form>
    }
}

/// Sends a login or registration (`call`, not yet started) and starts the session, showing a
/// refusal in `error`.
fn authenticate(
    call: impl Future<Output = Result<AuthResponse, ApiError>> + 'static,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) {
    busy.set(true);
    error.set(None);
    leptos::task::spawn_local(async move {
        // Before the request leaves: the tokens' lifetime counts from here.
        let started = time::now_ms();
        match call.await {
            Ok(auth) => state::logged_in(auth, started),
            Err(e) => error.set(Some(e.message())),
        }
        busy.set(false);
    });
}

/// `/login`: phone and password.
#[component]
pub fn Login() -> impl IntoView {
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let phone_raw = phone.get_untracked();
        let phone = match PhoneNumber::parse(&phone_raw) {
            Ok(p) => p.into_inner(),
            Err(e) => {
                error.set(Some(e.to_string()));
                return;
            }
        };
        let body = LoginRequest { phone, password: password.get_untracked() };
        authenticate(api::auth::login(&body), busy, error);
    };
    view! {
        <main class="page auth">
            <BigModeToggle/>
            <h1 class="brand-big">{MESSAGES.product_name}</h1>
            <p class="motto">{MESSAGES.motto}</p>
            <form class="form" on:submit=submit novalidate>
                <h2>{MESSAGES.login}</h2>
                <label for="login-phone">{MESSAGES.phone}</label>
                <input id="login-phone" data-testid="login-phone" type="tel" inputmode="numeric" autocomplete="username"
                    prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/>
                <label for="login-password">{MESSAGES.password}</label>
                {password_field("login-password", "current-password", password)}
                {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="login-error">{e}</p> })}
                <button type="submit" class="primary" data-testid="login-submit" disabled=busy>{MESSAGES.login}</button>
            </form>
            <p class="alt"><a href=Route::Register.href() data-testid="goto-register" on:click=go(Route::Register)>{MESSAGES.goto_register}</a></p>
            // A native disclosure: no code to open or close it.
            <details class="forgot">
                <summary data-testid="forgot-password">{MESSAGES.forgot_password}</summary>
                <ForgotPassword/>
            </details>
        </main>
    }
}

/// `/register`: a new resident account.
#[component]
pub fn Register() -> impl IntoView {
    let phone = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let checked = (|| {
            let phone = PhoneNumber::parse(&phone.get_untracked()).map_err(|e| format!("{}：{e}", MESSAGES.phone))?;
            let name = PersonName::parse(&name.get_untracked()).map_err(|e| format!("{}：{e}", MESSAGES.name))?;
            let password = NewPassword::parse(&password.get_untracked())
                .map_err(|e| format!("{}：{e}（{}）", MESSAGES.password, MESSAGES.password_rule))?;
            Ok(RegisterRequest {
                phone: phone.into_inner(),
                password: password.expose().to_owned(),
                name: name.into_inner(),
            })
        })();
        let body = match checked {
            Ok(b) => b,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        authenticate(api::auth::register(&body), busy, error);
    };
    view! {
        <main class="page auth">
            <BigModeToggle/>
            <h1 class="brand-big">{MESSAGES.product_name}</h1>
            <form class="form" on:submit=submit novalidate>
                <h2>{MESSAGES.register}</h2>
                <label for="register-phone">{MESSAGES.phone}</label>
                <input id="register-phone" data-testid="register-phone" type="tel" inputmode="numeric" autocomplete="username"
                    prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/>
                <label for="register-name">{MESSAGES.name}</label>
                <input id="register-name" data-testid="register-name" type="text" autocomplete="name"
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for="register-password">{MESSAGES.password}</label>
                {password_field("register-password", "new-password", password)}
                <p class="hint" id="password-rule">{MESSAGES.password_rule}</p>
                {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="register-error">{e}</p> })}
                <button type="submit" class="primary" data-testid="register-submit" disabled=busy>{MESSAGES.register}</button>
            </form>
            <p class="alt"><a href=Route::Login.href() on:click=go(Route::Login)>{MESSAGES.goto_login}</a></p>
        </main>
    }
}
