//! Account self-service: changing one's password (other sessions end, this one stays), listing
//! and signing out sessions, one-time password reset codes (issued by a dispatcher for a resident
//! of their community or by an admin; once, before expiry, rate-limited), and a WeChat account
//! setting its first password.

use std::time::Duration;

use haolin_tests::wechat_fake::FakeWechat;
use haolin_tests::{
    Actor, ApiResponse, PASSWORD, TestApp, assert_error, assert_invalid_field, spawn_app, spawn_app_with, str_of,
};
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "a-new-password-9";
/// A day-long window, so a rate-limit test never straddles the start of a new one.
const WINDOW: &str = "24h";

async fn login(app: &TestApp, phone: &str, password: &str) -> ApiResponse {
    app.post_anon("/api/v1/auth/login", &json!({"phone": phone, "password": password})).await
}

async fn change(app: &TestApp, token: &str, body: Value) -> ApiResponse {
    app.post("/api/v1/me/password", token, &body).await
}

async fn sessions(app: &TestApp, token: &str) -> Vec<Value> {
    let resp = app.get("/api/v1/me/sessions", token).await;
    resp.expect_status(200)["items"].as_array().unwrap().clone()
}

async fn issue(app: &TestApp, issuer: &str, user_id: &str) -> ApiResponse {
    app.post(&format!("/api/v1/users/{user_id}/reset-codes"), issuer, &json!({})).await
}

async fn redeem(app: &TestApp, phone: &str, code: &str, password: &str) -> ApiResponse {
    app.post_anon("/api/v1/auth/password-reset", &json!({"phone": phone, "code": code, "new_password": password})).await
}

/// Issues a code for `user` as `issuer` (201) and returns it.
async fn code_for(app: &TestApp, issuer: &str, user: &Actor) -> String {
    let resp = issue(app, issuer, &user.id).await;
    str_of(resp.expect_status(201), "code").to_owned()
}

/// The refusal every wrong, used or expired code gets; returns its message.
fn assert_bad_code(resp: &ApiResponse) -> String {
    assert_error(resp, 401, "invalid_credentials");
    str_of(&resp.body["error"], "message").to_owned()
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    let me = app.register_resident().await;
    let other = login(&app, &me.phone, PASSWORD).await.expect_status(200).clone();

    let body = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
    assert_eq!(change(&app, &me.token, body).await.status, 204);

    assert_error(&login(&app, &me.phone, PASSWORD).await, 401, "invalid_credentials");
    login(&app, &me.phone, NEW_PASSWORD).await.expect_status(200);
    app.get("/api/v1/me", &me.token).await.expect_status(200);
    let refreshed = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": me.refresh_token})).await;
    refreshed.expect_status(200);
    assert_error(&app.get("/api/v1/me", str_of(&other, "access_token")).await, 401, "invalid_token");
    let stale = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": other["refresh_token"]})).await;
    assert_error(&stale, 401, "invalid_refresh_token");
}

#[tokio::test]
async fn a_refused_password_change_changes_nothing() {
    let app = spawn_app().await;
    let me = app.register_resident().await;
    let other = login(&app, &me.phone, PASSWORD).await.expect_status(200).clone();
    let wrong = change(&app, &me.token, json!({"current_password": "not-my-password", "new_password": NEW_PASSWORD}));
    assert_invalid_field(&wrong.await, "current_password");
    assert_invalid_field(&change(&app, &me.token, json!({"new_password": NEW_PASSWORD})).await, "current_password");
    let short = change(&app, &me.token, json!({"current_password": PASSWORD, "new_password": "short"}));
    assert_invalid_field(&short.await, "new_password");
    let unknown = change(&app, &me.token, json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "x": 1}));
    assert_invalid_field(&unknown.await, "x");
    assert_error(
        &app.post_anon("/api/v1/me/password", &json!({"new_password": NEW_PASSWORD})).await,
        401,
        "missing_token",
    );
    login(&app, &me.phone, PASSWORD).await.expect_status(200);
    app.get("/api/v1/me", str_of(&other, "access_token")).await.expect_status(200);
}

#[tokio::test]
async fn sessions_are_listed_without_tokens_and_signed_out_one_by_one_or_all_but_this_one() {
    let app = spawn_app().await;
    let me = app.register_resident().await;
    let second = login(&app, &me.phone, PASSWORD).await.expect_status(200).clone();
    let third = login(&app, &me.phone, PASSWORD).await.expect_status(200).clone();
    let refreshed = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": second["refresh_token"]})).await;
    let second = refreshed.expect_status(200).clone();

    let resp = app.get("/api/v1/me/sessions", &me.token).await;
    for token in
        [me.token.as_str(), &me.refresh_token, str_of(&second, "access_token"), str_of(&second, "refresh_token")]
    {
        assert!(!resp.text.contains(token), "a token in the session list: {}", resp.text);
    }
    let list = sessions(&app, &me.token).await;
    assert_eq!(list.len(), 3, "{list:?}");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1, "{list:?}");
    assert!(list.iter().all(|s| haolin_tests::is_rfc3339(str_of(s, "created_at"))));
    let refreshed: Vec<&Value> = list.iter().filter(|s| s["last_refreshed_at"].is_string()).collect();
    assert_eq!(refreshed.len(), 1, "only the second session was refreshed: {list:?}");
    let second_id = str_of(refreshed[0], "id").to_owned();
    assert_eq!(
        sessions(&app, str_of(&second, "access_token")).await.iter().find(|s| s["current"] == true).unwrap()["id"],
        second_id.as_str()
    );

    assert_eq!(app.delete(&format!("/api/v1/me/sessions/{second_id}"), &me.token).await.status, 204);
    assert_error(&app.get("/api/v1/me", str_of(&second, "access_token")).await, 401, "invalid_token");
    assert_error(&app.delete(&format!("/api/v1/me/sessions/{second_id}"), &me.token).await, 404, "not_found");
    assert_eq!(sessions(&app, &me.token).await.len(), 2);

    // Another account's session is not found, and stays.
    let neighbour = app.register_resident().await;
    let theirs = sessions(&app, &neighbour.token).await;
    let theirs_id = str_of(&theirs[0], "id");
    assert_error(&app.delete(&format!("/api/v1/me/sessions/{theirs_id}"), &me.token).await, 404, "not_found");
    app.get("/api/v1/me", &neighbour.token).await.expect_status(200);

    let out = app.post("/api/v1/me/sessions/sign-out-others", &me.token, &json!({})).await;
    assert_eq!(out.status, 204, "{}", out.text);
    assert_error(&app.get("/api/v1/me", str_of(&third, "access_token")).await, 401, "invalid_token");
    let left = sessions(&app, &me.token).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["current"], true);
    app.get("/api/v1/me", &me.token).await.expect_status(200);
}

#[tokio::test]
async fn a_reset_code_works_once_and_ends_every_session() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let resident = app.register_resident().await;
    let resp = issue(&app, &admin, &resident.id).await;
    let issued = resp.expect_status(201).clone();
    assert_eq!(resp.header("cache-control"), Some("no-store"));
    assert_eq!(issued["user_id"], resident.id.as_str());
    let code = str_of(&issued, "code").to_owned();
    assert!(code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
    assert!(haolin_tests::is_rfc3339(str_of(&issued, "expires_at")));

    assert_eq!(redeem(&app, &resident.phone, &code, NEW_PASSWORD).await.status, 204);
    assert_error(&app.get("/api/v1/me", &resident.token).await, 401, "invalid_token");
    let stale = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": resident.refresh_token})).await;
    assert_error(&stale, 401, "invalid_refresh_token");
    assert_error(&login(&app, &resident.phone, PASSWORD).await, 401, "invalid_credentials");
    login(&app, &resident.phone, NEW_PASSWORD).await.expect_status(200);

    let used = assert_bad_code(&redeem(&app, &resident.phone, &code, "yet-another-password").await);
    let wrong_code = if code == "00000000" { "11111111" } else { "00000000" };
    let wrong = assert_bad_code(&redeem(&app, &resident.phone, wrong_code, "yet-another-password").await);
    let unknown = assert_bad_code(&redeem(&app, &app.next_phone(), &code, "yet-another-password").await);
    assert_eq!(used, wrong, "a used code and a wrong one answer alike");
    assert_eq!(wrong, unknown, "an unknown phone answers alike");
    login(&app, &resident.phone, NEW_PASSWORD).await.expect_status(200);
    assert_invalid_field(&redeem(&app, &resident.phone, &code, "short").await, "new_password");

    let log = app.get(&format!("/api/v1/admin/audit?target_kind=user&target_id={}", resident.id), &admin).await;
    let log = log.expect_status(200)["items"].as_array().unwrap().clone();
    let actions: Vec<&str> = log.iter().map(|e| str_of(e, "action")).collect();
    assert_eq!(actions, ["password_reset_with_code", "reset_code_issued"]);
    assert_eq!(log[0]["actor_id"], resident.id.as_str(), "the resident reset their own password");
    assert!(!log.iter().any(|e| e.to_string().contains(&code)), "the code is not in the log: {log:?}");
}

#[tokio::test]
async fn a_newer_code_replaces_the_older_one() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let resident = app.register_resident().await;
    let first = code_for(&app, &admin, &resident).await;
    let second = code_for(&app, &admin, &resident).await;
    if first != second {
        assert_bad_code(&redeem(&app, &resident.phone, &first, NEW_PASSWORD).await);
    }
    assert_eq!(redeem(&app, &resident.phone, &second, NEW_PASSWORD).await.status, 204);
}

#[tokio::test]
async fn an_expired_code_is_refused_like_a_wrong_one() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_AUTH__RESET_CODE_TTL", "1s");
    })
    .await;
    let admin = app.admin_token().await;
    let resident = app.register_resident().await;
    let code = code_for(&app, &admin, &resident).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let expired = assert_bad_code(&redeem(&app, &resident.phone, &code, NEW_PASSWORD).await);
    let wrong_code = if code == "00000000" { "11111111" } else { "00000000" };
    assert_eq!(expired, assert_bad_code(&redeem(&app, &resident.phone, wrong_code, NEW_PASSWORD).await));
    login(&app, &resident.phone, PASSWORD).await.expect_status(200);
    app.get("/api/v1/me", &resident.token).await.expect_status(200);
}

#[tokio::test]
async fn a_dispatcher_issues_codes_only_for_residents_of_their_community() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let [_, street, community, grid, unit] = app.small_tree().await;
    let elsewhere = app.create_place("community", "幸福社区", Some(str_of(&street, "id")), json!({})).await;
    let far_grid =
        app.create_place("grid", "幸福网格", Some(str_of(&elsewhere, "id")), json!({"kind": "comprehensive"})).await;
    let dispatcher = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&dispatcher.id, "dispatcher", &community).await;
    let foreign = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&foreign.id, "dispatcher", &elsewhere).await;
    let home = |r: &Actor, place: &Value| {
        let (token, id) = (r.token.clone(), place["id"].clone());
        let app = &app;
        async move { app.put("/api/v1/me/home", &token, &json!({"place_id": id})).await.expect_status(200).clone() }
    };

    let at_grid = app.register_resident().await;
    home(&at_grid, &grid).await;
    let at_unit = app.register_resident().await;
    home(&at_unit, &unit).await;
    let far = app.register_resident().await;
    home(&far, &far_grid).await;
    let member = app.create_actor(&["member"], &[str_of(&community, "id")]).await;
    let nowhere = app.register_resident().await;
    let worker = app.create_actor(&["resident"], &[]).await;
    home(&worker, &grid).await;
    app.grant_at(&worker.id, "grid_worker", &grid).await;

    for ok in [&at_grid, &at_unit, &member] {
        issue(&app, &dispatcher.token, &ok.id).await.expect_status(201);
    }
    for refused in [&far, &nowhere, &worker, &foreign] {
        assert_error(&issue(&app, &dispatcher.token, &refused.id).await, 403, "forbidden");
    }
    assert_error(&issue(&app, &foreign.token, &at_grid.id).await, 403, "forbidden");
    issue(&app, &foreign.token, &far.id).await.expect_status(201);
    assert_error(&issue(&app, &at_grid.token, &at_unit.id).await, 403, "forbidden");
    assert_error(&issue(&app, &dispatcher.token, "999999").await, 403, "forbidden");
    assert_error(&issue(&app, &admin, "999999").await, 404, "not_found");
    assert_invalid_field(&issue(&app, &dispatcher.token, &dispatcher.id).await, "id");
    // An admin may issue for anyone, staff included.
    issue(&app, &admin, &worker.id).await.expect_status(201);
    issue(&app, &admin, &dispatcher.id).await.expect_status(201);
}

#[tokio::test]
async fn wrong_codes_count_against_the_phone_and_a_right_one_comes_too_late() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_LIMITS__RESET_ATTEMPTS_PER_PHONE", "3").set("HAOLIN_LIMITS__WINDOW", WINDOW);
    })
    .await;
    let admin = app.admin_token().await;
    let resident = app.register_resident().await;
    let neighbour = app.register_resident().await;
    let code = code_for(&app, &admin, &resident).await;
    let neighbour_code = code_for(&app, &admin, &neighbour).await;
    let wrong_code = if code == "00000000" { "11111111" } else { "00000000" };
    for _ in 0..3 {
        assert_bad_code(&redeem(&app, &resident.phone, wrong_code, NEW_PASSWORD).await);
    }
    let limited = redeem(&app, &resident.phone, &code, NEW_PASSWORD).await;
    assert_error(&limited, 429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
    login(&app, &resident.phone, PASSWORD).await.expect_status(200);
    assert_eq!(
        redeem(&app, &neighbour.phone, &neighbour_code, NEW_PASSWORD).await.status,
        204,
        "another phone is not limited"
    );
}

#[tokio::test]
async fn reset_codes_are_limited_per_account_and_per_issuer() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_LIMITS__RESET_CODES_PER_ACCOUNT", "2")
            .set("HAOLIN_LIMITS__RESET_CODES_PER_ISSUER", "4")
            .set("HAOLIN_LIMITS__WINDOW", WINDOW);
    })
    .await;
    let admin = app.admin_token().await;
    let (a, b, c) = (app.register_resident().await, app.register_resident().await, app.register_resident().await);
    code_for(&app, &admin, &a).await;
    let kept = code_for(&app, &admin, &a).await;
    let third = issue(&app, &admin, &a.id).await;
    assert_error(&third, 429, "rate_limited");
    assert!(third.header("retry-after").is_some());
    code_for(&app, &admin, &b).await;
    assert_error(&issue(&app, &admin, &c.id).await, 429, "rate_limited");
    // The refused third code did not replace the second.
    assert_eq!(redeem(&app, &a.phone, &kept, NEW_PASSWORD).await.status, 204);
}

#[tokio::test]
async fn a_wechat_account_sets_a_password_once_it_has_a_phone_and_then_logs_in_with_it() {
    let wechat = FakeWechat::start();
    let app = spawn_app_with(|env| {
        wechat.configure(env);
    })
    .await;
    let admin = app.admin_token().await;
    let login_body = app.post_anon("/api/v1/auth/wechat", &json!({"code": wechat.login_code("openid-pw")})).await;
    let login_body = login_body.expect_status(200).clone();
    let token = str_of(&login_body, "access_token").to_owned();
    let id = str_of(&login_body["user"], "id").to_owned();

    assert_error(&change(&app, &token, json!({"new_password": NEW_PASSWORD})).await, 409, "phone_required");
    assert_error(&issue(&app, &admin, &id).await, 409, "phone_required");
    let phone = app.next_phone();
    app.post("/api/v1/me/phone", &token, &json!({"code": wechat.phone_code(&phone)})).await.expect_status(200);
    assert_error(&login(&app, &phone, NEW_PASSWORD).await, 401, "invalid_credentials");

    assert_eq!(change(&app, &token, json!({"new_password": NEW_PASSWORD})).await.status, 204);
    let by_phone = login(&app, &phone, NEW_PASSWORD).await;
    assert_eq!(by_phone.expect_status(200)["user"]["id"], id.as_str());
    app.get("/api/v1/me", &token).await.expect_status(200);
    // Now it has a password: changing it needs the current one.
    assert_invalid_field(&change(&app, &token, json!({"new_password": "third-password"})).await, "current_password");
    let again = app.post_anon("/api/v1/auth/wechat", &json!({"code": wechat.login_code("openid-pw")})).await;
    assert_eq!(again.expect_status(200)["user"]["id"], id.as_str(), "WeChat login still works");
}
