//! The WeChat access token shared by two instances on one PostgreSQL and one Redis (always,
//! whatever HAOLIN_TEST_BACKEND says): fetched once, and refreshed once after a 40001, however
//! many concurrent calls on either instance need it; and one outbox drained by both sends each
//! message once.

use futures_util::future::join_all;
use haolin_tests::wechat_fake::FakeWechat;
use haolin_tests::{TestApp, TestDatabase, spawn_app_with, str_of};
use serde_json::json;

const SHARED_REDIS: &str = "redis://127.0.0.1:6379";

/// Logs in `n` WeChat users on alternating instances, then has them all take their phone number
/// at once (each call needs the access token).
async fn concurrent_phone_calls(apps: [&TestApp; 2], wechat: &FakeWechat, round: usize, n: usize) {
    let mut callers = Vec::new();
    for i in 0..n {
        let app = apps[i % 2];
        let code = wechat.login_code(&format!("openid-r{round}-{i}"));
        let login = app.post_anon("/api/v1/auth/wechat", &json!({ "code": code })).await;
        callers.push((app, str_of(login.expect_status(200), "access_token").to_owned()));
    }
    let calls = callers.iter().enumerate().map(|(i, (app, token))| {
        let code = wechat.phone_code(&format!("13{}{:08}", 5 + round, i));
        async move { app.post("/api/v1/me/phone", token, &json!({ "code": code })).await }
    });
    for resp in join_all(calls).await {
        resp.expect_status(200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_fetch_one_access_token_and_refresh_it_once_after_40001() {
    let wechat = FakeWechat::start();
    let db = TestDatabase::postgres();
    let prefix = format!(
        "wxtest{}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    );
    let start = || {
        spawn_app_with(|env| {
            wechat.configure(env);
            env.set("DATABASE_URL", &db.url).set("REDIS_URL", SHARED_REDIS).set("HAOLIN_REDIS_PREFIX", &prefix);
        })
    };
    let a = start().await;
    let b = start().await;
    concurrent_phone_calls([&a, &b], &wechat, 0, 10).await;
    assert_eq!(wechat.calls("stable_token"), 1, "one token for both instances");
    wechat.reject_current_token();
    concurrent_phone_calls([&a, &b], &wechat, 1, 10).await;
    assert_eq!(wechat.calls("stable_token"), 2, "one refresh for both instances after 40001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_draining_one_outbox_send_each_message_once() {
    let wechat = FakeWechat::start();
    let db = TestDatabase::postgres();
    let prefix = format!(
        "wxout{}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    );
    let start = || {
        spawn_app_with(|env| {
            wechat.configure(env);
            env.set("DATABASE_URL", &db.url)
                .set("REDIS_URL", SHARED_REDIS)
                .set("HAOLIN_REDIS_PREFIX", &prefix)
                .set("HAOLIN_WECHAT__TEMPLATES__WISH_APPROVED__ID", "tmpl-approved")
                .set("HAOLIN_WECHAT__OUTBOX_INTERVAL", "50ms");
        })
    };
    let a = start().await;
    let b = start().await;
    let w = a.world().await;
    let bind = a.post("/api/v1/me/wechat", &w.resident.token, &json!({"code": wechat.login_code("openid-out")})).await;
    bind.expect_status(200);
    for _ in 0..30 {
        let resp =
            b.post("/api/v1/me/subscriptions", &w.resident.token, &json!({"template_ids": ["tmpl-approved"]})).await;
        resp.expect_status(200);
    }
    let wishes = join_all((0..20).map(|_| a.post_wish(&w.resident.token, &w.community_id))).await;
    let approvals = wishes.iter().enumerate().map(|(i, wish)| {
        let app = if i % 2 == 0 { &a } else { &b };
        app.act_ok(&w.dispatcher.token, str_of(wish, "id"), "approve", json!({}))
    });
    join_all(approvals).await;
    a.eventually(std::time::Duration::from_secs(20), "twenty messages", || async {
        (wechat.sent().len() >= 20).then_some(())
    })
    .await;
    // A few more rounds of both senders change nothing.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut pages: Vec<String> = wechat.sent().iter().map(|m| m["page"].as_str().unwrap().to_owned()).collect();
    assert_eq!(pages.len(), 20, "each message sent once");
    pages.sort();
    pages.dedup();
    assert_eq!(pages.len(), 20, "no wish notified twice");
    let credits = a.get("/api/v1/me/subscriptions", &w.resident.token).await.expect_status(200).clone();
    assert_eq!(credits["items"][0]["credits"], 10, "exactly one credit per message");
}
