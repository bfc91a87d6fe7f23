//! Login and registration.

use std::future::Future;

use haolin_shared::api::{AuthResponse, LoginRequest, RegisterRequest};
use haolin_shared::domain::{NewPassword, PersonName, PhoneNumber};
use leptos::prelude::*;

use crate::components::go;
use crate::error::ApiError;
use crate::i18n::MESSAGES;
use crate::route::Route;
use crate::{api, state, time};

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
            <h1 class="brand-big">{MESSAGES.product_name}</h1>
            <p class="motto">{MESSAGES.motto}</p>
            <form class="form" on:submit=submit novalidate>
                <h2>{MESSAGES.login}</h2>
                <label for="login-phone">{MESSAGES.phone}</label>
                <input id="login-phone" data-testid="login-phone" type="tel" inputmode="numeric" autocomplete="username"
                    prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/>
                <label for="login-password">{MESSAGES.password}</label>
                <input id="login-password" data-testid="login-password" type="password" autocomplete="current-password"
                    prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="login-error">{e}</p> })}
                <button type="submit" class="primary" data-testid="login-submit" disabled=busy>{MESSAGES.login}</button>
            </form>
            <p class="alt"><a href=Route::Register.href() data-testid="goto-register" on:click=go(Route::Register)>{MESSAGES.goto_register}</a></p>
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
                <input id="register-password" data-testid="register-password" type="password" autocomplete="new-password"
                    aria-describedby="password-rule"
                    prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                <p class="hint" id="password-rule">{MESSAGES.password_rule}</p>
                {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="register-error">{e}</p> })}
                <button type="submit" class="primary" data-testid="register-submit" disabled=busy>{MESSAGES.register}</button>
            </form>
            <p class="alt"><a href=Route::Login.href() on:click=go(Route::Login)>{MESSAGES.goto_login}</a></p>
        </main>
    }
}
