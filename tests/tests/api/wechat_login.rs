//! WeChat mini-program accounts against the fake WeChat server: login (new, returning, bad code,
//! WeChat down, slow or unreachable, not configured), binding and its refusals, the phone number
//! from `getPhoneNumber`, and the one access token shared by concurrent calls.

use std::time::Duration;

use haolin_tests::wechat_fake::{FakeWechat, Mode};
use haolin_tests::{TestApp, assert_error, spawn_app, spawn_app_with, str_of};
use serde_json::{Value, json};

async fn app_with(wechat: &FakeWechat) -> TestApp {
    spawn_app_with(|env| {
        wechat.configure(env);
    })
    .await
}

async fn wechat_login(app: &TestApp, code: &str) -> haolin_tests::ApiResponse {
    app.post_anon("/api/v1/auth/wechat", &json!({ "code": code })).await
}

#[tokio::test]
async fn a_first_wechat_login_creates_a_resident_and_returns_a_token_pair_without_the_session_key() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat).await;
    let resp = wechat_login(&app, &wechat.login_code("openid-new")).await;
    let body = resp.expect_status(200).clone();
    assert!(!resp.text.contains("session_key") && !resp.text.contains("fake-session-key"), "leaked: {}", resp.text);
    assert!(!resp.text.contains("openid-new"), "the openid is not for clients: {}", resp.text);
    assert_eq!(body["user"]["roles"], json!(["resident"]));
    assert_eq!(body["user"]["phone"], "", "no phone until the user shares it");
    let me = app.get("/api/v1/me", str_of(&body, "access_token")).await;
    assert_eq!(me.expect_status(200)["id"], body["user"]["id"]);
    let refreshed = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": body["refresh_token"]})).await;
    refreshed.expect_status(200);
    assert_eq!(wechat.calls("jscode2session"), 1);
}

#[tokio::test]
async fn a_returning_wechat_user_gets_the_same_account() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat).await;
    let first = wechat_login(&app, &wechat.login_code("openid-back")).await.expect_status(200).clone();
    let second = wechat_login(&app, &wechat.login_code("openid-back")).await.expect_status(200).clone();
    assert_eq!(first["user"]["id"], second["user"]["id"]);
    let other = wechat_login(&app, &wechat.login_code("openid-other")).await.expect_status(200).clone();
    assert_ne!(first["user"]["id"], other["user"]["id"]);
}

#[tokio::test]
async fn an_invalid_or_used_code_is_a_401_invalid_wechat_code() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat).await;
    assert_error(&wechat_login(&app, "never-issued").await, 401, "invalid_wechat_code");
    let code = wechat.login_code("openid-once");
    wechat_login(&app, &code).await.expect_status(200);
    assert_error(&wechat_login(&app, &code).await, 401, "invalid_wechat_code");
    assert_error(&wechat_login(&app, "   ").await, 422, "invalid_field");
}

#[tokio::test]
async fn wechat_down_is_a_503_and_creates_nothing() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat).await;
    wechat.set_mode(Mode::Down);
    let code = wechat.login_code("openid-down");
    let resp = wechat_login(&app, &code).await;
    assert_error(&resp, 503, "wechat_unavailable");
    assert!(resp.header("retry-after").is_some(), "a 503 says when to retry");
    // When WeChat is back, the same (unused) code logs in.
    wechat.set_mode(Mode::Up);
    wechat_login(&app, &code).await.expect_status(200);
}

#[tokio::test]
async fn an_unreachable_wechat_is_a_503() {
    // A port nothing listens on: bind one, note it, free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_WECHAT_API_BASE", &format!("http://127.0.0.1:{port}"))
            .set("HAOLIN_WECHAT_APPID", "wx-app")
            .set("HAOLIN_WECHAT_SECRET", "wx-secret");
    })
    .await;
    assert_error(&wechat_login(&app, "any-code").await, 503, "wechat_unavailable");
}

#[tokio::test]
async fn a_slow_wechat_is_a_503_within_the_configured_timeout_not_a_hang() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat).await; // timeout 1 s
    wechat.set_mode(Mode::Slow(Duration::from_secs(30)));
    let code = wechat.login_code("openid-slow");
    // The bound is a hang detector far above the configured timeout, not a speed target.
    let resp = tokio::time::timeout(Duration::from_secs(15), wechat_login(&app, &code))
        .await
        .expect("the login answered instead of hanging on a slow WeChat");
    assert_error(&resp, 503, "wechat_unavailable");
}

#[tokio::test]
async fn without_wechat_settings_login_is_a_503_wechat_unavailable() {
    let app = spawn_app().await;
    assert_error(&wechat_login(&app, "some-code").await, 503, "wechat_unavailable");
}

#[tokio::test]
async fn a_phone_account_binds_its_wechat_identity_and_then_logs_in_with_wechat() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat).await;
    let resident = app.register_resident().await;
    assert_eq!(app.get("/api/v1/me/wechat", &resident.token).await.expect_status(200)["bound"], false);
    let bind = app.post("/api/v1/me/wechat", &resident.token, &json!({"code": wechat.login_code("openid-bind")})).await;
    assert_eq!(bind.expect_status(200)["bound"], true);
    assert_eq!(app.get("/api/v1/me/wechat", &resident.token).await.expect_status(200)["bound"], true);
    // Binding the same identity again is harmless.
    let again =
        app.post("/api/v1/me/wechat", &resident.token, &json!({"code": wechat.login_code("openid-bind")})).await;
    again.expect_status(200);
    let login = wechat_login(&app, &wechat.login_code("openid-bind")).await.expect_status(200).clone();
    assert_eq!(str_of(&login["user"], "id"), resident.id);
    assert_eq!(str_of(&login["user"], "phone"), resident.phone);
}

#[tokio::test]
async fn one_wechat_identity_is_never_bound_to_two_accounts() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat).await;
    let first = app.register_resident().await;
    let second = app.register_resident().await;
    let code = wechat.login_code("openid-shared");
    app.post("/api/v1/me/wechat", &first.token, &json!({ "code": code })).await.expect_status(200);
    let refused =
        app.post("/api/v1/me/wechat", &second.token, &json!({"code": wechat.login_code("openid-shared")})).await;
    assert_error(&refused, 409, "wechat_already_bound");
    assert_eq!(app.get("/api/v1/me/wechat", &second.token).await.expect_status(200)["bound"], false);
    // An account already bound cannot take a second identity either.
    let other = app.post("/api/v1/me/wechat", &first.token, &json!({"code": wechat.login_code("openid-two")})).await;
    assert_error(&other, 409, "wechat_already_bound");
    // An identity that created its own account by logging in is taken too.
    wechat_login(&app, &wechat.login_code("openid-own")).await.expect_status(200);
    let taken = app.post("/api/v1/me/wechat", &second.token, &json!({"code": wechat.login_code("openid-own")})).await;
    assert_error(&taken, 409, "wechat_already_bound");
    // A bad code changes nothing.
    let bad = app.post("/api/v1/me/wechat", &second.token, &json!({"code": "never-issued"})).await;
    assert_error(&bad, 401, "invalid_wechat_code");
}

#[tokio::test]
async fn a_wechat_user_takes_the_phone_number_from_get_phone_number() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat).await;
    let login = wechat_login(&app, &wechat.login_code("openid-phone")).await.expect_status(200).clone();
    let token = str_of(&login, "access_token");
    let resp = app.post("/api/v1/me/phone", token, &json!({"code": wechat.phone_code("13712345678")})).await;
    assert_eq!(resp.expect_status(200)["phone"], "13712345678");
    assert_eq!(app.get("/api/v1/me", token).await.expect_status(200)["phone"], "13712345678");
    let abroad = app.post("/api/v1/me/phone", token, &json!({"code": wechat.phone_code("+852 91234567")})).await;
    haolin_tests::assert_invalid_field(&abroad, "code");
    let used = app.post("/api/v1/me/phone", token, &json!({"code": "never-issued"})).await;
    assert_error(&used, 401, "invalid_wechat_code");
    // A number another account has is refused, and the account keeps its own.
    let resident = app.register_resident().await;
    let taken = app.post("/api/v1/me/phone", token, &json!({"code": wechat.phone_code(&resident.phone)})).await;
    assert_error(&taken, 409, "already_exists");
    assert_eq!(app.get("/api/v1/me", token).await.expect_status(200)["phone"], "13712345678");
    assert_eq!(wechat.calls("stable_token"), 1, "the access token is fetched once and reused");
}

#[tokio::test]
async fn a_wechat_user_without_a_phone_must_give_a_contact_phone_with_a_wish() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat).await;
    let community = app.create_community().await;
    let login = wechat_login(&app, &wechat.login_code("openid-wish")).await.expect_status(200).clone();
    let token = str_of(&login, "access_token");
    let body = app.wish_body(&community);
    let resp = app.post("/api/v1/wishes", token, &body).await;
    haolin_tests::assert_invalid_field(&resp, "contact_phone");
    let mut with_phone = body.clone();
    with_phone["contact_phone"] = json!("13612345678");
    let wish = app.post("/api/v1/wishes", token, &with_phone).await;
    assert_eq!(wish.expect_status(201)["contact_phone"], "13612345678");
}

async fn phone_calls(app: &TestApp, wechat: &FakeWechat, n: usize) -> Vec<Value> {
    let mut tokens = Vec::new();
    for i in 0..n {
        let login = wechat_login(app, &wechat.login_code(&format!("openid-c{i}"))).await.expect_status(200).clone();
        tokens.push(str_of(&login, "access_token").to_owned());
    }
    let calls = tokens.iter().enumerate().map(|(i, token)| {
        let code = wechat.phone_code(&format!("135{:08}", i + n * 100 + wechat.calls("getuserphonenumber") as usize));
        async move { app.post("/api/v1/me/phone", token, &json!({ "code": code })).await }
    });
    futures_util::future::join_all(calls).await.into_iter().map(|r| r.expect_status(200).clone()).collect()
}

#[tokio::test]
async fn concurrent_calls_fetch_the_access_token_once_and_refresh_it_once_after_40001() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat).await;
    phone_calls(&app, &wechat, 8).await;
    assert_eq!(wechat.calls("stable_token"), 1, "eight concurrent calls share one token");
    wechat.reject_current_token();
    let before = wechat.calls("getuserphonenumber");
    phone_calls(&app, &wechat, 8).await;
    assert_eq!(wechat.calls("stable_token"), 2, "one refresh for all the calls that saw 40001");
    assert!(wechat.calls("getuserphonenumber") > before + 8, "the rejected calls were retried");
}
