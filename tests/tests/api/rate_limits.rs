//! Rate limits on login, registration and posting: the N+1th attempt in the window is a 429 with
//! `Retry-After`, and other accounts are not affected.

use haolin_tests::{PASSWORD, assert_error, spawn_app_with};
use serde_json::json;

/// The windows are fixed and aligned to the clock (a 1-minute window restarts at every minute), so
/// a test whose attempts straddle a window's end would see the count restart. A day-long window
/// makes that vanishingly rare however slowly the machine runs the test.
const WINDOW: &str = "24h";
const WINDOW_SECS: u64 = 24 * 3600;

#[tokio::test]
async fn the_login_after_the_limit_is_refused_with_retry_after() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_LIMITS__LOGIN_PER_ACCOUNT", "3").set("HAOLIN_LIMITS__WINDOW", WINDOW);
    })
    .await;
    let a = app.register_resident().await;
    let b = app.register_resident().await;
    for _ in 0..3 {
        let ok = app.post_anon("/api/v1/auth/login", &json!({"phone": a.phone, "password": PASSWORD})).await;
        assert_eq!(ok.status, 200, "{}", ok.text);
    }
    let refused = app.post_anon("/api/v1/auth/login", &json!({"phone": a.phone, "password": PASSWORD})).await;
    assert_error(&refused, 429, "rate_limited");
    let retry: u64 = refused.header("retry-after").expect("Retry-After").parse().expect("seconds");
    assert!((1..=WINDOW_SECS).contains(&retry), "Retry-After {retry}");
    // Wrong passwords count too, and another account is unaffected.
    let wrong = app.post_anon("/api/v1/auth/login", &json!({"phone": a.phone, "password": "wrong-password"})).await;
    assert_error(&wrong, 429, "rate_limited");
    let other = app.post_anon("/api/v1/auth/login", &json!({"phone": b.phone, "password": PASSWORD})).await;
    assert_eq!(other.status, 200);
}

#[tokio::test]
async fn registrations_and_wishes_are_limited_too() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_LIMITS__REGISTER_PER_IP", "2")
            .set("HAOLIN_LIMITS__WISHES_PER_ACCOUNT", "2")
            .set("HAOLIN_LIMITS__WINDOW", WINDOW);
    })
    .await;
    let community = app.create_community().await;
    let resident = app.register_resident().await;
    app.register_resident().await;
    let third = app
        .post_anon("/api/v1/auth/register", &json!({"phone": app.next_phone(), "password": PASSWORD, "name": "三号"}))
        .await;
    assert_error(&third, 429, "rate_limited");

    app.post_wish(&resident.token, &community).await;
    app.post_wish(&resident.token, &community).await;
    let body = app.wish_body(&community);
    let refused = app.post("/api/v1/wishes", &resident.token, &body).await;
    assert_error(&refused, 429, "rate_limited");
    let mine = app.list_all_wishes(&resident.token, "mine=true").await;
    assert_eq!(mine.len(), 2, "the refused wish was not stored");
}
