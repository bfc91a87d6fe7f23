//! Background jobs with short configured durations: claim expiry and auto-confirmation.

use std::time::Duration;

use haolin_tests::{assert_event, spawn_app_with, str_of};
use serde_json::json;

const DEADLINE: Duration = Duration::from_secs(10);

#[tokio::test]
async fn an_expired_claim_returns_to_open_recorded_as_expire_by_nobody() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_WISHES__CLAIM_TTL", "300ms")
            .set("HAOLIN_WISHES__AUTO_CONFIRM_AFTER", "1h")
            .set("HAOLIN_JOBS__INTERVAL", "50ms");
    })
    .await;
    let w = app.world().await;
    let wish = app.claimed_wish(&w).await;
    let id = str_of(&wish, "id").to_owned();
    let claimed_version = wish["version"].as_i64().unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(str_of(&wish, "claim_expires_at")).unwrap();
    let left = expires.signed_duration_since(chrono::Utc::now());
    assert!(left <= chrono::Duration::seconds(1), "claim_expires_at is {left} away, not ~300 ms");

    let reopened = app
        .eventually(DEADLINE, "the claim to expire", || {
            let app = &app;
            let id = id.clone();
            let token = w.dispatcher.token.clone();
            async move {
                let resp = app.get_wish(&token, &id).await;
                let wish = resp.expect_status(200).clone();
                (wish["status"] == "open").then_some(wish)
            }
        })
        .await;
    assert!(reopened["claimant"].is_null(), "{reopened}");
    assert!(reopened["claim_expires_at"].is_null(), "{reopened}");
    assert_eq!(reopened["version"].as_i64(), Some(claimed_version + 1));
    let events = app.events(&w.dispatcher.token, &id).await;
    assert_eq!(events.len(), 4, "{events:?}");
    assert_event(&events[3], "expire", Some("claimed"), "open", None, None);

    // Back in the pool: another member may claim it.
    app.act_ok(&w.member2.token, &id, "claim", json!({})).await;
}

#[tokio::test]
async fn a_fulfilled_wish_is_auto_confirmed_after_the_configured_wait() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_WISHES__CLAIM_TTL", "1h")
            .set("HAOLIN_WISHES__AUTO_CONFIRM_AFTER", "300ms")
            .set("HAOLIN_JOBS__INTERVAL", "50ms");
    })
    .await;
    let w = app.world().await;
    let wish = app.fulfilled_wish(&w).await;
    let id = str_of(&wish, "id").to_owned();
    let fulfilled_version = wish["version"].as_i64().unwrap();
    let confirmed = app
        .eventually(DEADLINE, "the auto-confirmation", || {
            let app = &app;
            let id = id.clone();
            let token = w.resident.token.clone();
            async move {
                let resp = app.get_wish(&token, &id).await;
                let wish = resp.expect_status(200).clone();
                (wish["status"] == "confirmed").then_some(wish)
            }
        })
        .await;
    assert_eq!(confirmed["version"].as_i64(), Some(fulfilled_version + 1));
    assert_eq!(confirmed["claimant"]["id"], w.member.id.as_str());
    let events = app.events(&w.resident.token, &id).await;
    assert_eq!(events.len(), 5, "{events:?}");
    assert_event(&events[4], "auto_confirm", Some("fulfilled"), "confirmed", None, None);
    // The resident can no longer confirm it.
    let resp = app.act(&w.resident.token, &id, "confirm", json!({"rating": 5})).await;
    haolin_tests::assert_conflict(&resp, "invalid_state", "confirmed");
}

#[tokio::test]
async fn only_claims_past_their_deadline_expire_and_fulfilled_wishes_do_not() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_WISHES__CLAIM_TTL", "1s")
            .set("HAOLIN_WISHES__AUTO_CONFIRM_AFTER", "1h")
            .set("HAOLIN_JOBS__INTERVAL", "50ms");
    })
    .await;
    let w = app.world().await;
    // `a` is claimed and fulfilled at once; `b` is claimed later and stays claimed, so by the time
    // `b` expires, `a`'s claim deadline has long passed too.
    let a = app.claimed_wish(&w).await;
    app.act_ok(&w.member.token, str_of(&a, "id"), "fulfil", json!({"note": "完成"})).await;
    let b = app.open_wish(&w).await;
    let b = app.act_ok(&w.member2.token, str_of(&b, "id"), "claim", json!({})).await;
    let b_id = str_of(&b, "id").to_owned();
    app.eventually(DEADLINE, "the unfulfilled claim to expire", || {
        let app = &app;
        let id = b_id.clone();
        let token = w.dispatcher.token.clone();
        async move {
            let resp = app.get_wish(&token, &id).await;
            (resp.expect_status(200)["status"] == "open").then_some(())
        }
    })
    .await;
    let a_now = app.get_wish(&w.dispatcher.token, str_of(&a, "id")).await;
    assert_eq!(a_now.expect_status(200)["status"], "fulfilled");
    let events = app.events(&w.dispatcher.token, str_of(&a, "id")).await;
    assert!(events.iter().all(|e| e["action"] != "expire"), "{events:?}");
}
