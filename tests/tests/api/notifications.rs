//! In-app notifications: each wish change that concerns someone notifies them (and only them,
//! and never the actor), written with the change itself; the list is newest first and pages;
//! read one, read all, unread count; the claim-expiry reminder is written once.

use std::time::Duration;

use futures_util::future::join_all;
use haolin_tests::{TestApp, assert_error, spawn_app, spawn_app_with, str_of};
use serde_json::{Value, json};

async fn inbox(app: &TestApp, token: &str) -> Vec<Value> {
    let resp = app.get("/api/v1/notifications?limit=100", token).await;
    resp.expect_status(200)["items"].as_array().cloned().unwrap()
}

async fn unread(app: &TestApp, token: &str) -> i64 {
    app.get("/api/v1/notifications/unread-count", token).await.expect_status(200)["unread"].as_i64().unwrap()
}

fn kinds(items: &[Value]) -> Vec<&str> {
    items.iter().map(|n| n["kind"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn each_wish_change_notifies_the_people_it_concerns_and_not_the_actor() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    let pending = inbox(&app, &w.dispatcher.token).await;
    assert_eq!(kinds(&pending), ["wish_pending_review"]);
    assert_eq!(pending[0]["wish_id"], id);
    assert!(pending[0]["title"].as_str().unwrap().contains(str_of(&wish, "title")));
    assert!(inbox(&app, &w.resident.token).await.is_empty(), "the poster is not told of their own post");

    app.act_ok(&w.dispatcher.token, id, "approve", json!({})).await;
    app.act_ok(&w.member.token, id, "claim", json!({})).await;
    app.act_ok(&w.member.token, id, "fulfil", json!({"note": "已送到家门口"})).await;
    let resident = inbox(&app, &w.resident.token).await;
    assert_eq!(kinds(&resident), ["wish_fulfilled", "wish_claimed", "wish_approved"], "newest first");
    assert_eq!(resident[0]["body"], "已送到家门口");
    assert!(resident.iter().all(|n| n["read_at"].is_null() && n["created_at"].as_str().is_some()));
    assert_eq!(unread(&app, &w.resident.token).await, 3);
    assert!(inbox(&app, &w.member.token).await.is_empty(), "the member acted; nothing concerns them");
    assert!(inbox(&app, &w.member2.token).await.is_empty());
    assert_eq!(inbox(&app, &w.dispatcher.token).await.len(), 1);
}

#[tokio::test]
async fn a_rejection_carries_its_reason_and_a_dispatch_notifies_the_member() {
    let app = spawn_app().await;
    let w = app.world().await;
    let rejected = app.post_wish(&w.resident.token, &w.community_id).await;
    app.act_ok(&w.dispatcher.token, str_of(&rejected, "id"), "reject", json!({"reason": "不属于服务范围"})).await;
    let dispatched = app.post_wish(&w.resident.token, &w.community_id).await;
    let body = json!({"member_id": w.member.id});
    app.act_ok(&w.dispatcher.token, str_of(&dispatched, "id"), "dispatch", body).await;
    let resident = inbox(&app, &w.resident.token).await;
    assert_eq!(kinds(&resident), ["wish_rejected"]);
    assert_eq!(resident[0]["body"], "不属于服务范围");
    let member = inbox(&app, &w.member.token).await;
    assert_eq!(kinds(&member), ["wish_assigned"]);
    assert_eq!(member[0]["wish_id"], str_of(&dispatched, "id"));
    app.act_ok(&w.member.token, str_of(&dispatched, "id"), "accept", json!({})).await;
    assert_eq!(kinds(&inbox(&app, &w.resident.token).await), ["wish_claimed", "wish_rejected"]);
}

#[tokio::test]
async fn a_lost_claim_race_notifies_the_resident_once() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.open_wish(&w).await;
    let id = str_of(&wish, "id");
    let tokens = [&w.member.token, &w.member2.token];
    let claims = join_all(tokens.iter().map(|t| app.act(t, id, "claim", json!({})))).await;
    assert_eq!(claims.iter().filter(|r| r.status == 200).count(), 1);
    let claimed = inbox(&app, &w.resident.token).await.into_iter().filter(|n| n["kind"] == "wish_claimed").count();
    assert_eq!(claimed, 1, "only the change that happened is notified");
}

#[tokio::test]
async fn notifications_are_read_one_by_one_or_all_at_once_and_only_by_their_owner() {
    let app = spawn_app().await;
    let w = app.world().await;
    for _ in 0..3 {
        app.post_wish(&w.resident.token, &w.community_id).await;
    }
    let items = inbox(&app, &w.dispatcher.token).await;
    assert_eq!(items.len(), 3);
    let first = str_of(&items[0], "id");
    let read = app.post(&format!("/api/v1/notifications/{first}/read"), &w.dispatcher.token, &json!({})).await;
    assert_eq!(read.status, 204, "{}", read.text);
    assert_eq!(unread(&app, &w.dispatcher.token).await, 2);
    assert!(inbox(&app, &w.dispatcher.token).await[0]["read_at"].as_str().is_some());
    // Reading twice is harmless; someone else's, or one that does not exist, is a 404.
    let again = app.post(&format!("/api/v1/notifications/{first}/read"), &w.dispatcher.token, &json!({})).await;
    assert_eq!(again.status, 204);
    let other = app.post(&format!("/api/v1/notifications/{first}/read"), &w.resident.token, &json!({})).await;
    assert_error(&other, 404, "not_found");
    let bogus = app.post("/api/v1/notifications/abc/read", &w.dispatcher.token, &json!({})).await;
    assert_error(&bogus, 404, "not_found");
    assert_eq!(unread(&app, &w.dispatcher.token).await, 2);
    let all = app.post("/api/v1/notifications/read-all", &w.dispatcher.token, &json!({})).await;
    assert_eq!(all.status, 204, "{}", all.text);
    assert_eq!(unread(&app, &w.dispatcher.token).await, 0);
    let anon = app.get_anon("/api/v1/notifications").await;
    assert_error(&anon, 401, "missing_token");
}

#[tokio::test]
async fn the_notification_list_pages_with_a_cursor() {
    let app = spawn_app().await;
    let w = app.world().await;
    for _ in 0..5 {
        app.post_wish(&w.resident.token, &w.community_id).await;
    }
    let first = app.get("/api/v1/notifications?limit=2", &w.dispatcher.token).await.expect_status(200).clone();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let mut seen: Vec<String> = first["items"].as_array().unwrap().iter().map(|n| str_of(n, "id").to_owned()).collect();
    let mut cursor = first["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let page = app
            .get(&format!("/api/v1/notifications?limit=2&cursor={}", haolin_tests::urlencode(&c)), &w.dispatcher.token)
            .await
            .expect_status(200)
            .clone();
        seen.extend(page["items"].as_array().unwrap().iter().map(|n| str_of(n, "id").to_owned()));
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 5);
    let ids: Vec<i64> = seen.iter().map(|s| s.parse().unwrap()).collect();
    assert!(ids.windows(2).all(|p| p[0] > p[1]), "newest first: {ids:?}");
    haolin_tests::assert_invalid_field(&app.get("/api/v1/notifications?limit=0", &w.dispatcher.token).await, "limit");
}

#[tokio::test]
async fn a_member_is_reminded_once_when_their_claim_expires_within_the_hour() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_WISHES__CLAIM_TTL", "30m").set("HAOLIN_JOBS__INTERVAL", "100ms");
    })
    .await;
    let w = app.world().await;
    let wish = app.claimed_wish(&w).await;
    let reminders = app
        .eventually(Duration::from_secs(10), "the claim expiry reminder", || async {
            let items = inbox(&app, &w.member.token).await;
            let found: Vec<Value> = items.into_iter().filter(|n| n["kind"] == "claim_expiring").collect();
            (!found.is_empty()).then_some(found)
        })
        .await;
    assert_eq!(reminders[0]["wish_id"], str_of(&wish, "id"));
    // Five more job rounds (100 ms apart) write no second reminder for the same deadline.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = inbox(&app, &w.member.token).await;
    assert_eq!(after.iter().filter(|n| n["kind"] == "claim_expiring").count(), 1);
}
