//! Subscribe messages against the fake WeChat server: credits granted by the client and spent
//! exactly, nothing sent without one, 43101 stops sending, `thing` fields cut to 20 characters,
//! one access token for many sends (refreshed once on 40001), failures listed for admins, and
//! the outbox surviving a restart between the wish change and the send.

use std::time::Duration;

use haolin_tests::wechat_fake::{FakeWechat, Mode};
use haolin_tests::{Actor, TestApp, World, assert_error, assert_invalid_field, spawn_app_with, str_of};
use serde_json::{Value, json};

const APPROVED: &str = "tmpl-approved";
const CLAIMED: &str = "tmpl-claimed";

async fn app_with(wechat: &FakeWechat, extra: &[(&str, &str)]) -> TestApp {
    spawn_app_with(|env| {
        wechat.configure(env);
        env.set("HAOLIN_WECHAT__TEMPLATES__WISH_APPROVED__ID", APPROVED)
            .set("HAOLIN_WECHAT__TEMPLATES__WISH_CLAIMED__ID", CLAIMED)
            .set("HAOLIN_WECHAT__OUTBOX_INTERVAL", "100ms")
            .set("HAOLIN_WECHAT__OUTBOX_BACKOFF", "100ms");
        for (k, v) in extra {
            env.set(k, v);
        }
    })
    .await
}

/// Binds a WeChat identity to `actor` and grants `credits` for `template`.
async fn subscribe(app: &TestApp, wechat: &FakeWechat, actor: &Actor, openid: &str, template: &str, credits: usize) {
    let bind = app.post("/api/v1/me/wechat", &actor.token, &json!({"code": wechat.login_code(openid)})).await;
    bind.expect_status(200);
    for _ in 0..credits {
        let resp = app.post("/api/v1/me/subscriptions", &actor.token, &json!({ "template_ids": [template] })).await;
        resp.expect_status(200);
    }
}

async fn credits(app: &TestApp, actor: &Actor, template: &str) -> i64 {
    let body = app.get("/api/v1/me/subscriptions", &actor.token).await.expect_status(200).clone();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["template_id"] == template)
        .map_or(0, |c| c["credits"].as_i64().unwrap())
}

async fn approve_new_wish(app: &TestApp, w: &World) -> Value {
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    app.act_ok(&w.dispatcher.token, str_of(&wish, "id"), "approve", json!({})).await
}

async fn sent_count(app: &TestApp, wechat: &FakeWechat, n: usize) -> Vec<Value> {
    app.eventually(Duration::from_secs(15), &format!("{n} subscribe messages"), || async {
        let sent = wechat.sent();
        (sent.len() >= n).then_some(sent)
    })
    .await
}

async fn outbox(app: &TestApp, status: &str) -> Vec<Value> {
    let admin = app.admin_token().await;
    let resp = app.get(&format!("/api/v1/admin/outbox?status={status}"), &admin).await;
    resp.expect_status(200)["items"].as_array().cloned().unwrap()
}

/// Waits until no outbox row is pending or being sent.
async fn settled(app: &TestApp) {
    app.eventually(Duration::from_secs(15), "the outbox to settle", || async {
        (outbox(app, "pending").await.is_empty() && outbox(app, "sending").await.is_empty()).then_some(())
    })
    .await;
}

#[tokio::test]
async fn credits_are_spent_exactly_and_nothing_is_sent_without_one() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, &[]).await;
    let w = app.world().await;
    subscribe(&app, &wechat, &w.resident, "openid-res", APPROVED, 2).await;
    assert_eq!(credits(&app, &w.resident, APPROVED).await, 2);
    let wishes = [approve_new_wish(&app, &w).await, approve_new_wish(&app, &w).await, approve_new_wish(&app, &w).await];
    sent_count(&app, &wechat, 2).await;
    settled(&app).await;
    let sent = wechat.sent();
    assert_eq!(sent.len(), 2, "two credits, two messages");
    assert_ne!(sent[0]["page"], sent[1]["page"], "two different wishes, one message each");
    assert_eq!(credits(&app, &w.resident, APPROVED).await, 0);
    for message in &sent {
        assert_eq!(message["touser"], "openid-res");
        assert_eq!(message["template_id"], APPROVED);
        let page = message["page"].as_str().unwrap();
        // Which two of the three approvals use the two credits depends on the sender's timing.
        assert!(wishes.iter().any(|wish| page.ends_with(&format!("?id={}", str_of(wish, "id")))), "{page}");
        assert!(message["data"]["thing1"]["value"].as_str().is_some_and(|t| !t.is_empty()));
    }
    // The inbox has all three either way.
    let inbox = app.get("/api/v1/notifications", &w.resident.token).await.expect_status(200).clone();
    assert_eq!(inbox["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "wish_approved").count(), 3);
    // The claim has a template too, but the resident granted no credit for it: nothing is sent.
    app.act_ok(&w.member.token, str_of(&wishes[0], "id"), "claim", json!({})).await;
    settled(&app).await;
    assert_eq!(credits(&app, &w.resident, CLAIMED).await, 0);
    assert_eq!(wechat.calls("subscribe_send"), 2);
}

#[tokio::test]
async fn only_configured_templates_take_credits() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, &[]).await;
    let resident = app.register_resident().await;
    let bad = app.post("/api/v1/me/subscriptions", &resident.token, &json!({"template_ids": [APPROVED, "nope"]})).await;
    assert_invalid_field(&bad, "template_ids[1]");
    assert_eq!(credits(&app, &resident, APPROVED).await, 0, "a refused request adds nothing");
    let empty = app.post("/api/v1/me/subscriptions", &resident.token, &json!({"template_ids": []})).await;
    assert_invalid_field(&empty, "template_ids");
    let both =
        app.post("/api/v1/me/subscriptions", &resident.token, &json!({"template_ids": [APPROVED, CLAIMED]})).await;
    assert_eq!(both.expect_status(200)["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_43101_answer_stops_sending_to_that_user_and_the_inbox_remains() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, &[]).await;
    let w = app.world().await;
    subscribe(&app, &wechat, &w.resident, "openid-refuser", APPROVED, 3).await;
    wechat.set_send_error(Some(43101));
    approve_new_wish(&app, &w).await;
    app.eventually(Duration::from_secs(15), "the refused message to be skipped", || async {
        let skipped = outbox(&app, "skipped").await;
        (!skipped.is_empty()).then_some(skipped)
    })
    .await;
    assert_eq!(credits(&app, &w.resident, APPROVED).await, 0, "43101 drops the remaining credits");
    approve_new_wish(&app, &w).await;
    approve_new_wish(&app, &w).await;
    settled(&app).await;
    assert_eq!(wechat.calls("subscribe_send"), 1, "no further attempt after 43101");
    let inbox = app.get("/api/v1/notifications/unread-count", &w.resident.token).await.expect_status(200).clone();
    assert_eq!(inbox["unread"], 3);
}

#[tokio::test]
async fn thing_fields_are_cut_to_twenty_characters() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, &[]).await;
    let w = app.world().await;
    subscribe(&app, &wechat, &w.resident, "openid-long", APPROVED, 1).await;
    let mut body = app.wish_body(&w.community_id);
    let title = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十";
    body["title"] = json!(title);
    let wish = app.post("/api/v1/wishes", &w.resident.token, &body).await.expect_status(201).clone();
    app.act_ok(&w.dispatcher.token, str_of(&wish, "id"), "approve", json!({})).await;
    let sent = sent_count(&app, &wechat, 1).await;
    let value = sent[0]["data"]["thing1"]["value"].as_str().unwrap();
    assert_eq!(value.chars().count(), 20);
    assert!(title.starts_with(value));
}

#[tokio::test]
async fn many_sends_share_one_access_token_and_refresh_it_once_after_40001() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, &[]).await;
    let w = app.world().await;
    subscribe(&app, &wechat, &w.resident, "openid-many", APPROVED, 20).await;
    for _ in 0..10 {
        approve_new_wish(&app, &w).await;
    }
    sent_count(&app, &wechat, 10).await;
    assert_eq!(wechat.calls("stable_token"), 1);
    wechat.reject_current_token();
    for _ in 0..10 {
        approve_new_wish(&app, &w).await;
    }
    sent_count(&app, &wechat, 20).await;
    settled(&app).await;
    assert_eq!(wechat.calls("stable_token"), 2, "one refresh after 40001");
    assert_eq!(wechat.sent().len(), 20, "each message sent once");
    assert_eq!(credits(&app, &w.resident, APPROVED).await, 0);
}

#[tokio::test]
async fn failed_sends_are_retried_then_listed_for_admins_and_keep_their_credit() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, &[("HAOLIN_WECHAT__OUTBOX_MAX_ATTEMPTS", "2")]).await;
    let w = app.world().await;
    subscribe(&app, &wechat, &w.resident, "openid-fail", APPROVED, 1).await;
    wechat.set_send_error(Some(-1));
    approve_new_wish(&app, &w).await;
    let failed = app
        .eventually(Duration::from_secs(15), "the message to fail for good", || async {
            let failed = outbox(&app, "failed").await;
            (!failed.is_empty()).then_some(failed)
        })
        .await;
    assert_eq!(failed[0]["attempts"], 2);
    assert_eq!(failed[0]["user_id"], w.resident.id.as_str());
    assert!(failed[0]["last_error"].as_str().unwrap().contains("-1"), "{failed:?}");
    assert_eq!(wechat.calls("subscribe_send"), 2);
    assert_eq!(credits(&app, &w.resident, APPROVED).await, 1, "an undelivered message costs no credit");
    let forbidden = app.get("/api/v1/admin/outbox?status=failed", &w.dispatcher.token).await;
    assert_error(&forbidden, 403, "forbidden");
    let admin = app.admin_token().await;
    assert_invalid_field(&app.get("/api/v1/admin/outbox?status=lost", &admin).await, "status");
}

#[tokio::test]
async fn a_message_queued_before_a_restart_is_sent_once_after_it() {
    let wechat = FakeWechat::start();
    let mut app = app_with(&wechat, &[]).await;
    let w = app.world().await;
    subscribe(&app, &wechat, &w.resident, "openid-restart", APPROVED, 1).await;
    wechat.set_mode(Mode::Down);
    approve_new_wish(&app, &w).await;
    app.eventually(Duration::from_secs(15), "a failed first attempt", || async {
        let pending = outbox(&app, "pending").await;
        pending.iter().any(|r| r["attempts"].as_i64().unwrap() >= 1).then_some(())
    })
    .await;
    app.restart().await;
    wechat.set_mode(Mode::Up);
    sent_count(&app, &wechat, 1).await;
    settled(&app).await;
    assert_eq!(wechat.sent().len(), 1);
    assert_eq!(outbox(&app, "sent").await.len(), 1);
    assert_eq!(credits(&app, &w.resident, APPROVED).await, 0);
}
