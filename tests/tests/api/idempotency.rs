//! `Idempotency-Key` on `POST /api/v1/wishes`.

use haolin_tests::{TestApp, assert_error, spawn_app, str_of};
use reqwest::Method;
use serde_json::Value;

async fn post_with_key(app: &TestApp, token: &str, key: &str, body: &Value) -> haolin_tests::ApiResponse {
    app.send(app.request(Method::POST, "/api/v1/wishes", Some(token)).header("Idempotency-Key", key).json(body)).await
}

#[tokio::test]
async fn a_replayed_post_with_the_same_key_returns_the_first_wish_and_creates_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let body = app.wish_body(&w.community_id);
    let first = post_with_key(&app, &w.resident.token, "key-0001", &body).await;
    let first = first.expect_status(201).clone();
    for _ in 0..3 {
        let again = post_with_key(&app, &w.resident.token, "key-0001", &body).await;
        let again = again.expect_status(201);
        assert_eq!(again["id"], first["id"]);
        assert_eq!(again["title"], first["title"]);
        assert_eq!(again["version"], first["version"]);
    }
    let mine = app.list_all_wishes(&w.resident.token, "mine=true").await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(app.events(&w.resident.token, str_of(&first, "id")).await.len(), 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_idempotency_key_reused() {
    let app = spawn_app().await;
    let w = app.world().await;
    let body = app.wish_body(&w.community_id);
    post_with_key(&app, &w.resident.token, "key-0002", &body).await.expect_status(201);
    let mut other = body.clone();
    other["title"] = "另一个心愿".into();
    let resp = post_with_key(&app, &w.resident.token, "key-0002", &other).await;
    assert_error(&resp, 422, "idempotency_key_reused");
    let mine = app.list_all_wishes(&w.resident.token, "mine=true").await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_ne!(mine[0]["title"], "另一个心愿");
}

#[tokio::test]
async fn different_keys_create_different_wishes() {
    let app = spawn_app().await;
    let w = app.world().await;
    let body = app.wish_body(&w.community_id);
    let a = post_with_key(&app, &w.resident.token, "key-a", &body).await;
    let b = post_with_key(&app, &w.resident.token, "key-b", &body).await;
    assert_ne!(a.expect_status(201)["id"], b.expect_status(201)["id"]);
    // And posts without a key are never deduplicated.
    app.post("/api/v1/wishes", &w.resident.token, &body).await.expect_status(201);
    app.post("/api/v1/wishes", &w.resident.token, &body).await.expect_status(201);
    assert_eq!(app.list_all_wishes(&w.resident.token, "mine=true").await.len(), 4);
}

#[tokio::test]
async fn idempotency_keys_are_per_account() {
    let app = spawn_app().await;
    let w = app.world().await;
    let other = app.register_resident().await;
    let body = app.wish_body(&w.community_id);
    let a = post_with_key(&app, &w.resident.token, "shared-key", &body).await;
    let b = post_with_key(&app, &other.token, "shared-key", &body).await;
    let a = a.expect_status(201);
    let b = b.expect_status(201);
    assert_ne!(a["id"], b["id"]);
    assert_eq!(b["resident"]["id"], other.id.as_str());
    assert_eq!(app.list_all_wishes(&other.token, "mine=true").await.len(), 1);
}

#[tokio::test]
async fn a_refused_post_with_a_key_writes_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mut bad = app.wish_body(&w.community_id);
    bad["title"] = "".into();
    let resp = post_with_key(&app, &w.resident.token, "key-bad", &bad).await;
    assert_error(&resp, 422, "invalid_field");
    assert!(app.list_all_wishes(&w.resident.token, "mine=true").await.is_empty());
}
