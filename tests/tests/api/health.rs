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
    for path in [
        "/admin",
        "/admin/places/3",
        "/dispatcher",
        "/dispatcher/checkins",
        "/checkins/4/certificate",
        "/member",
        "/member/claims",
        "/resident/grid",
    ] {
        let resp = app.get_anon(path).await;
        assert_eq!((resp.status, resp.text.trim()), (200, "<p>haolin-office-index</p>"), "{path}");
    }
    assert_eq!(app.get_anon("/office/haolin-office.js").await.text, "// office glue");
    // The work-order pages: the orders app once it is built (the main app before, like any route).
    assert_eq!(app.get_anon("/street").await.text.trim(), INDEX_HTML);
    let orders = app.web_dir().join("orders");
    std::fs::create_dir_all(&orders).unwrap();
    std::fs::write(orders.join("index.html"), "<p>haolin-orders-index</p>").unwrap();
    for path in ["/dispatcher/orders", "/street", "/department", "/report", "/reports", "/patrol"] {
        let resp = app.get_anon(path).await;
        assert_eq!((resp.status, resp.text.trim()), (200, "<p>haolin-orders-index</p>"), "{path}");
    }
    assert_eq!(app.get_anon("/dispatcher").await.text.trim(), "<p>haolin-office-index</p>");
    let neighbourhood = app.web_dir().join("neighbourhood");
    std::fs::create_dir_all(&neighbourhood).unwrap();
    std::fs::write(neighbourhood.join("index.html"), "<p>haolin-neighbourhood-index</p>").unwrap();
    for path in ["/inbox", "/points", "/points/3", "/notices/7", "/property"] {
        let resp = app.get_anon(path).await;
        assert_eq!((resp.status, resp.text.trim()), (200, "<p>haolin-neighbourhood-index</p>"), "{path}");
    }
    for path in ["/resident", "/administer", "/wishes/admin", "/members", "/resident/new"] {
        assert_eq!(app.get_anon(path).await.text.trim(), INDEX_HTML, "{path}");
    }
}

#[tokio::test]
async fn volunteer_routes_are_served_by_the_volunteer_app_once_it_is_built() {
    let app = spawn_app().await;
    // Before it is built, its routes fall back to the main app like any client route.
    assert_eq!(app.get_anon("/volunteer/hours").await.text.trim(), INDEX_HTML);
    let volunteer = app.web_dir().join("volunteer");
    std::fs::create_dir_all(&volunteer).unwrap();
    std::fs::write(volunteer.join("index.html"), "<p>haolin-volunteer-index</p>").unwrap();
    std::fs::write(volunteer.join("haolin-volunteer.js"), "// volunteer glue").unwrap();
    for path in ["/volunteer", "/volunteer/", "/volunteer/activities/3", "/volunteer/scan", "/volunteer/teams/2/new"] {
        let resp = app.get_anon(path).await;
        assert_eq!((resp.status, resp.text.trim()), (200, "<p>haolin-volunteer-index</p>"), "{path}");
    }
    assert_eq!(app.get_anon("/volunteer/haolin-volunteer.js").await.text, "// volunteer glue");
    for path in ["/volunteers", "/resident", "/member/volunteer"] {
        assert_eq!(app.get_anon(path).await.text.trim(), INDEX_HTML, "{path}");
    }
}

#[tokio::test]
async fn the_entry_point_is_the_login_page_once_it_is_built() {
    let app = spawn_app().await;
    // Before the login page is built, `/` and `/login` are the main app's like any client route.
    assert_eq!(app.get_anon("/login").await.text.trim(), INDEX_HTML);
    let login = app.web_dir().join("login");
    std::fs::create_dir_all(&login).unwrap();
    std::fs::write(login.join("index.html"), "<p>haolin-login-page</p>").unwrap();
    for path in ["/", "/login", "/login/", "/register"] {
        let resp = app.get_anon(path).await;
        assert_eq!((resp.status, resp.text.trim()), (200, "<p>haolin-login-page</p>"), "{path}");
    }
    // Sent precompressed and revalidated like every index.html.
    std::fs::write(login.join("index.html.br"), b"login brotli twin").unwrap();
    for path in ["/", "/login", "/login/"] {
        let (status, h, body) = fetch(&app, reqwest::Method::GET, path, "gzip, deflate, br, zstd").await;
        assert_eq!((status, body.as_slice()), (200, b"login brotli twin".as_slice()), "{path}");
        assert_eq!((h[0].as_deref(), h[2].as_deref()), (Some("br"), Some("no-cache")), "{path}");
    }
    // Every other page is still its bundle's.
    for path in ["/resident", "/index.html", "/loginx", "/wishes/3", "/registered"] {
        assert_eq!(app.get_anon(path).await.text.trim(), INDEX_HTML, "{path}");
    }
}

#[tokio::test]
async fn a_hashed_file_carries_no_validators_and_no_disposition() {
    let app = spawn_app().await;
    let dir = app.web_dir();
    std::fs::write(dir.join("haolin-web-a40916185f529f5b.js"), b"// glue").unwrap();
    let headers = |resp: reqwest::Response| {
        ["etag", "last-modified", "content-disposition"].map(|h| resp.headers().get(h).is_some())
    };
    let resp = app.client.get(app.url("/haolin-web-a40916185f529f5b.js")).send().await.expect("the server answers");
    assert_eq!(resp.status(), 200);
    assert_eq!(headers(resp), [false, false, false], "never revalidated, so no etag or last-modified");
    // An index.html is revalidated, so it keeps its validators.
    let resp = app.client.get(app.url("/resident")).send().await.expect("the server answers");
    assert_eq!(headers(resp), [true, true, false]);
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

/// `GET path` with `Accept-Encoding: accept` (none when empty): status, the headers asked for, and
/// the body's bytes as they came over the wire.
async fn fetch(
    app: &haolin_tests::TestApp,
    method: reqwest::Method,
    path: &str,
    accept: &str,
) -> (u16, Vec<Option<String>>, Vec<u8>) {
    let mut rb = app.client.request(method, app.url(path));
    if !accept.is_empty() {
        rb = rb.header("Accept-Encoding", accept);
    }
    let resp = rb.send().await.expect("the server answers");
    let status = resp.status().as_u16();
    let headers = ["content-encoding", "vary", "cache-control", "content-type"]
        .iter()
        .map(|h| resp.headers().get(*h).and_then(|v| v.to_str().ok()).map(str::to_owned))
        .collect();
    (status, headers, resp.bytes().await.expect("a body").to_vec())
}

#[tokio::test]
async fn the_web_app_is_sent_precompressed_as_the_client_accepts_and_cached_by_its_hash() {
    let app = spawn_app().await;
    let dir = app.web_dir();
    let wasm = "haolin-web-a40916185f529f5b_bg.wasm";
    std::fs::write(dir.join(wasm), b"\0asm raw bytes").unwrap();
    std::fs::write(dir.join(format!("{wasm}.br")), b"brotli twin").unwrap();
    std::fs::write(dir.join(format!("{wasm}.gz")), b"gzip twin").unwrap();
    std::fs::write(dir.join("index.html.br"), b"index brotli twin").unwrap();
    std::fs::write(dir.join("robots.txt"), b"User-agent: *").unwrap();
    let path = format!("/{wasm}");
    let everything = "gzip, deflate, br, zstd";

    let (status, h, body) = fetch(&app, reqwest::Method::GET, &path, everything).await;
    assert_eq!(status, 200);
    assert_eq!(body, b"brotli twin", "the brotli file is sent as built, not compressed again");
    assert_eq!(h[0].as_deref(), Some("br"));
    assert_eq!(h[1].as_deref(), Some("Accept-Encoding"));
    assert_eq!(h[2].as_deref(), Some("public, max-age=31536000, immutable"));
    assert_eq!(h[3].as_deref(), Some("application/wasm"), "the type of the file, not of its twin");

    let (_, h, body) = fetch(&app, reqwest::Method::GET, &path, "gzip, deflate").await;
    assert_eq!((h[0].as_deref(), body.as_slice()), (Some("gzip"), b"gzip twin".as_slice()));
    let (_, h, body) = fetch(&app, reqwest::Method::GET, &path, "br;q=0, gzip").await;
    assert_eq!((h[0].as_deref(), body.as_slice()), (Some("gzip"), b"gzip twin".as_slice()), "q=0 refuses brotli");
    let (_, h, body) = fetch(&app, reqwest::Method::GET, &path, "").await;
    assert_eq!(body, b"\0asm raw bytes", "a client that accepts nothing gets the file itself");
    assert_ne!(h[0].as_deref(), Some("br"));
    let (status, h, body) = fetch(&app, reqwest::Method::HEAD, &path, everything).await;
    assert_eq!((status, h[0].as_deref(), body.len()), (200, Some("br"), 0));

    // Every index.html, whatever path serves it, is revalidated; a file without a twin is sent as is.
    for route in ["/", "/index.html", "/wishes/12", "/resident"] {
        let (status, h, body) = fetch(&app, reqwest::Method::GET, route, everything).await;
        assert_eq!(status, 200, "{route}");
        assert_eq!(h[2].as_deref(), Some("no-cache"), "{route}");
        assert_eq!(body, b"index brotli twin", "{route}");
        assert_eq!(h[3].as_deref().map(|t| t.starts_with("text/html")), Some(true), "{route}");
    }
    let (_, h, body) = fetch(&app, reqwest::Method::GET, "/robots.txt", everything).await;
    assert_eq!((body.as_slice(), h[2].as_deref()), (b"User-agent: *".as_slice(), Some("no-cache")));
    // Nothing outside the folder, and no hidden files.
    std::fs::write(dir.join(".built"), b"stamp").unwrap();
    for sneaky in ["/../Cargo.toml", "/%2e%2e/Cargo.toml", "/.built", "/..%2fCargo.toml"] {
        let (status, _, body) = fetch(&app, reqwest::Method::GET, sneaky, "").await;
        assert!(
            status == 200 && body.starts_with(b"<!doctype") || status >= 400 || body == INDEX_HTML.as_bytes(),
            "{sneaky}: {status} {:?}",
            String::from_utf8_lossy(&body)
        );
        assert_ne!(body, b"stamp", "{sneaky}");
        assert!(!String::from_utf8_lossy(&body).contains("[workspace]"), "{sneaky} escaped the folder");
    }
}
