//! Health checks, the web app at `/`, and unknown paths.

use haolin_tests::{INDEX_HTML, assert_error, spawn_app};

#[tokio::test]
async fn healthz_and_readyz_answer_200_without_a_token() {
    let app = spawn_app().await;
    assert_eq!(app.get_anon("/healthz").await.status, 200);
    assert_eq!(app.get_anon("/readyz").await.status, 200);
}

#[tokio::test]
async fn an_unknown_api_path_is_a_json_404() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let resp = app.get("/api/v1/no-such-thing", &admin).await;
    assert_error(&resp, 404, "not_found");
    let resp = app.get("/api/v1/wishes/x/y/z", &admin).await;
    assert_error(&resp, 404, "not_found");
}

#[tokio::test]
async fn the_web_app_is_served_at_the_root() {
    let app = spawn_app().await;
    let resp = app.get_anon("/").await;
    assert_eq!(resp.status, 200, "{}", resp.text);
    assert!(resp.text.contains("haolin-test-index"), "got {}", resp.text);
    assert_eq!(resp.text.trim(), INDEX_HTML);
}

#[tokio::test]
async fn office_routes_are_served_by_the_office_app_once_it_is_built() {
    let app = spawn_app().await;
    // Before the office app is built, its routes fall back to the main app like any client route.
    assert_eq!(app.get_anon("/admin/places/3").await.text.trim(), INDEX_HTML);
    let office = app.web_dir().join("office");
    std::fs::create_dir_all(&office).unwrap();
    std::fs::write(office.join("index.html"), "<p>haolin-office-index</p>").unwrap();
    std::fs::write(office.join("haolin-office.js"), "// office glue").unwrap();
    for path in ["/admin", "/admin/places/3", "/dispatcher", "/dispatcher/checkins", "/checkins/4/certificate"] {
        let resp = app.get_anon(path).await;
        assert_eq!((resp.status, resp.text.trim()), (200, "<p>haolin-office-index</p>"), "{path}");
    }
    assert_eq!(app.get_anon("/office/haolin-office.js").await.text, "// office glue");
    for path in ["/resident", "/administer", "/wishes/admin", "/member"] {
        assert_eq!(app.get_anon(path).await.text.trim(), INDEX_HTML, "{path}");
    }
}

#[tokio::test]
async fn a_server_without_a_configured_admin_still_starts_and_answers() {
    let app = haolin_tests::spawn_app_with(|env| {
        env.remove("HAOLIN_ADMIN_PHONE").remove("HAOLIN_ADMIN_PASSWORD");
    })
    .await;
    assert_eq!(app.get_anon("/readyz").await.status, 200);
    let resp = app
        .post_anon(
            "/api/v1/auth/login",
            &serde_json::json!({"phone": haolin_tests::ADMIN_PHONE, "password": haolin_tests::ADMIN_PASSWORD}),
        )
        .await;
    assert_error(&resp, 401, "invalid_credentials");
}
