//! Content safety against the fake WeChat server (`wxa/msg_sec_check` v2): `risky` is a 422 and
//! stores nothing, `review` stores the wish flagged for its dispatchers, and WeChat being down
//! accepts (fail-open) or refuses (fail-closed) as configured.

use haolin_tests::wechat_fake::{FakeWechat, Mode};
use haolin_tests::{Actor, TestApp, World, assert_error, spawn_app_with, str_of};
use serde_json::json;

async fn app_with(wechat: &FakeWechat, fail_open: bool) -> TestApp {
    spawn_app_with(|env| {
        wechat.configure(env);
        env.set("HAOLIN_WECHAT__CONTENT_CHECK", "true")
            .set("HAOLIN_WECHAT__CONTENT_CHECK_FAIL_OPEN", if fail_open { "true" } else { "false" });
    })
    .await
}

async fn bind(app: &TestApp, wechat: &FakeWechat, actor: &Actor, openid: &str) {
    let resp = app.post("/api/v1/me/wechat", &actor.token, &json!({"code": wechat.login_code(openid)})).await;
    resp.expect_status(200);
}

async fn world_on_wechat(app: &TestApp, wechat: &FakeWechat) -> World {
    let w = app.world().await;
    bind(app, wechat, &w.resident, "openid-resident").await;
    bind(app, wechat, &w.member, "openid-member").await;
    w
}

async fn post_with(app: &TestApp, w: &World, title: &str, description: &str) -> haolin_tests::ApiResponse {
    let mut body = app.wish_body(&w.community_id);
    body["title"] = json!(title);
    body["description"] = json!(description);
    app.post("/api/v1/wishes", &w.resident.token, &body).await
}

#[tokio::test]
async fn a_risky_title_is_refused_and_nothing_is_stored() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, true).await;
    let w = world_on_wechat(&app, &wechat).await;
    wechat.flag_word("赌博", "risky");
    let resp = post_with(&app, &w, "一起去赌博", "周末组局").await;
    let details = assert_error(&resp, 422, "content_risky");
    assert_eq!(details["field"], "title");
    assert!(app.list_all_wishes(&w.resident.token, "mine=true").await.is_empty());
    let inbox = app.get("/api/v1/notifications", &w.dispatcher.token).await.expect_status(200).clone();
    assert!(inbox["items"].as_array().unwrap().is_empty(), "no notice of a wish never stored");
    assert!(wechat.calls("msg_sec_check") >= 1);
}

#[tokio::test]
async fn a_text_sent_for_review_is_stored_and_flagged_for_dispatchers_only() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, true).await;
    let w = world_on_wechat(&app, &wechat).await;
    wechat.flag_word("可疑", "review");
    let flagged = post_with(&app, &w, "帮忙搬家", "有些可疑的箱子要搬").await.expect_status(201).clone();
    assert!(flagged.get("flagged").is_none(), "the resident does not see the flag: {flagged}");
    let clean = app.post_wish(&w.resident.token, &w.community_id).await;
    let seen = app.get_wish(&w.dispatcher.token, str_of(&flagged, "id")).await.expect_status(200).clone();
    assert_eq!(seen["flagged"], true);
    let seen_clean = app.get_wish(&w.dispatcher.token, str_of(&clean, "id")).await.expect_status(200).clone();
    assert_eq!(seen_clean["flagged"], false);
    let inbox = app.get("/api/v1/notifications", &w.dispatcher.token).await.expect_status(200).clone();
    let notes: Vec<&str> = inbox["items"].as_array().unwrap().iter().map(|n| n["body"].as_str().unwrap()).collect();
    assert!(notes.iter().any(|b| b.contains("复核")), "the dispatcher is told: {notes:?}");
}

#[tokio::test]
async fn notes_and_comments_are_checked_too() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, true).await;
    let w = world_on_wechat(&app, &wechat).await;
    let wish = app.claimed_wish(&w).await;
    let id = str_of(&wish, "id");
    wechat.flag_word("违禁", "risky");
    let refused = app.act(&w.member.token, id, "fulfil", json!({"note": "送了违禁品"})).await;
    assert_eq!(assert_error(&refused, 422, "content_risky")["field"], "note");
    assert_eq!(app.get_wish(&w.member.token, id).await.expect_status(200)["status"], "claimed", "nothing changed");
    app.act_ok(&w.member.token, id, "fulfil", json!({"note": "已送到"})).await;
    wechat.flag_word("差评理由", "review");
    app.act_ok(&w.resident.token, id, "confirm", json!({"rating": 2, "comment": "差评理由如下"})).await;
    assert_eq!(app.get_wish(&w.dispatcher.token, id).await.expect_status(200)["flagged"], true);
}

#[tokio::test]
async fn wechat_down_accepts_the_text_when_failing_open() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, true).await;
    let w = world_on_wechat(&app, &wechat).await;
    wechat.set_mode(Mode::Down);
    app.post_wish(&w.resident.token, &w.community_id).await;
}

#[tokio::test]
async fn wechat_down_refuses_the_text_when_failing_closed() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, false).await;
    let w = world_on_wechat(&app, &wechat).await;
    wechat.set_mode(Mode::Down);
    let resp = post_with(&app, &w, "帮忙买菜", "腿脚不便").await;
    assert_error(&resp, 503, "wechat_unavailable");
    assert!(app.list_all_wishes(&w.resident.token, "mine=true").await.is_empty());
    wechat.set_mode(Mode::Up);
    post_with(&app, &w, "帮忙买菜", "腿脚不便").await.expect_status(201);
}

#[tokio::test]
async fn text_from_accounts_without_a_wechat_identity_is_not_sent_to_wechat() {
    let wechat = FakeWechat::start();
    let app = app_with(&wechat, false).await;
    let w = app.world().await;
    wechat.flag_word("帮忙", "risky");
    app.post_wish(&w.resident.token, &w.community_id).await;
    assert_eq!(wechat.calls("msg_sec_check"), 0);
}
