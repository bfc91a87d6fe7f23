//! The OpenAPI document at `/api/openapi.json`: it lists every route of the contract, and every
//! route it lists is really served.

use std::time::Duration;

use haolin_tests::{TestApp, spawn_app, str_of};
use reqwest::Method;
use serde_json::{Value, json};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The paths and methods of API.md this issue covers.
fn contract_routes() -> Vec<(&'static str, &'static str)> {
    let mut routes = vec![
        ("post", "/api/v1/auth/register"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/wechat"),
        ("post", "/api/v1/auth/refresh"),
        ("post", "/api/v1/auth/logout"),
        ("get", "/api/v1/me"),
        ("post", "/api/v1/admin/users"),
        ("post", "/api/v1/admin/communities"),
        ("get", "/api/v1/communities"),
        ("get", "/api/v1/wishes"),
        ("post", "/api/v1/wishes"),
        ("get", "/api/v1/wishes/{id}"),
        ("get", "/api/v1/wishes/{id}/events"),
        ("get", "/api/v1/events/stream"),
    ];
    for action in [
        "approve", "reject", "dispatch", "accept", "decline", "claim", "release", "revoke", "fulfil", "dispute",
        "confirm", "cancel",
    ] {
        routes.push(("post", Box::leak(format!("/api/v1/wishes/{{id}}/{action}").into_boxed_str())));
    }
    routes
}

/// `/a/{x}/b` and `/a/{id}/b` are the same route.
fn normalise(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') && seg.ends_with('}') { "{}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

async fn document(app: &TestApp) -> Value {
    let resp = app.get_anon("/api/openapi.json").await;
    assert_eq!(resp.status, 200, "{}", resp.text);
    let ct = resp.header("content-type").unwrap_or_default();
    assert!(ct.starts_with("application/json"), "content-type {ct}");
    assert!(resp.body.is_object(), "not a JSON object: {}", resp.text);
    resp.body
}

#[tokio::test]
async fn the_openapi_document_is_openapi_3_and_lists_every_route_of_the_contract() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let version = str_of(&doc, "openapi");
    assert!(version.starts_with("3."), "openapi {version}");
    assert!(doc["info"]["title"].is_string(), "info.title");
    let paths = doc["paths"].as_object().expect("paths");
    let documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| ((*m).to_owned(), normalise(path)))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut missing = Vec::new();
    for (method, path) in contract_routes() {
        if !documented.contains(&(method.to_owned(), normalise(path))) {
            missing.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    assert!(missing.is_empty(), "routes missing from the OpenAPI document: {missing:?}");
    // And the health checks and the document itself are reachable (documented or not).
    assert_eq!(app.get_anon("/healthz").await.status, 200);
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let wish_id = str_of(&wish, "id").to_owned();
    let doc = document(&app).await;
    let paths = doc["paths"].as_object().expect("paths").clone();

    // A separate session for the calls, so that `logout` does not end the others.
    let caller = app.login(&w.dispatcher.phone, haolin_tests::PASSWORD).await;
    let token = str_of(&caller, "access_token").to_owned();

    let mut not_served = Vec::new();
    let mut checked = 0;
    let mut calls: Vec<(String, String)> = Vec::new();
    for (path, item) in &paths {
        for m in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            calls.push(((*m).to_owned(), path.clone()));
        }
    }
    // Logout last.
    calls.sort_by_key(|(_, p)| p.ends_with("/logout"));
    for (method, path) in calls {
        let has_params = path.contains('{');
        // Only the wish routes have a parameter we can fill with something that exists and is
        // visible to the caller; other parameterised routes could legitimately answer 404.
        if has_params && !path.starts_with("/api/v1/wishes/{") {
            continue;
        }
        let concrete: String = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { wish_id.as_str() } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let mut rb = app.request(m.clone(), &concrete, Some(&token)).timeout(Duration::from_secs(10));
        if m != Method::GET && m != Method::DELETE {
            rb = rb.json(&json!({}));
        }
        // Read only the head: a streaming route would never end.
        let resp = rb.send().await.unwrap_or_else(|e| panic!("{method} {concrete}: {e}"));
        let status = resp.status().as_u16();
        let body: Value =
            if status == 404 || status == 405 { resp.json().await.unwrap_or(Value::Null) } else { Value::Null };
        checked += 1;
        if status == 405 || (status == 404 && body["error"]["code"] == "not_found") {
            not_served.push(format!("{} {path} → {status} {body}", method.to_uppercase()));
        }
    }
    assert!(checked >= contract_routes().len(), "only {checked} routes checked");
    assert!(not_served.is_empty(), "documented but not served: {not_served:#?}");
}

#[tokio::test]
async fn an_undeclared_method_is_405_with_allow_and_a_bodyless_patch_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for (method, path, allow) in [
        (Method::PUT, "/api/v1/wishes", "GET, POST"),
        (Method::DELETE, "/api/v1/wishes/12", "GET"),
        (Method::GET, "/api/v1/wishes/12/approve", "POST"),
        (Method::POST, "/healthz", "GET"),
        (Method::GET, "/api/v1/admin/places/import", "POST"),
    ] {
        let resp = app.send(app.request(method.clone(), path, Some(&admin))).await;
        haolin_tests::assert_error(&resp, 405, "method_not_allowed");
        assert_eq!(resp.header("allow"), Some(allow), "{method} {path}");
    }
    let unknown = app.send(app.request(Method::PUT, "/api/v1/nothing-here", Some(&admin))).await;
    haolin_tests::assert_error(&unknown, 404, "not_found");

    let place = app.create_place("district", "钟山区", None, json!({"code": "520201"})).await;
    let path = format!("/api/v1/admin/places/{}", str_of(&place, "id"));
    let bodyless = app.send(app.request(Method::PATCH, &path, Some(&admin))).await;
    haolin_tests::assert_error(&bodyless, 400, "malformed_request");
    let array = app.send(app.request(Method::PATCH, &path, Some(&admin)).json(&json!([null, null]))).await;
    haolin_tests::assert_error(&array, 400, "malformed_request");
    let after = app.get(&format!("/api/v1/places/{}", str_of(&place, "id")), &admin).await;
    assert_eq!(after.expect_status(200)["name"], "钟山区", "nothing changed");

    // The document states the limits the server checks, and what every route of a kind answers.
    let doc = document(&app).await;
    let reason = &doc["components"]["schemas"]["ReasonRequest"]["properties"]["reason"];
    assert_eq!((reason["minLength"].as_u64(), reason["maxLength"].as_u64()), (Some(1), Some(500)), "{reason}");
    let limit = doc["paths"]["/api/v1/wishes"]["get"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "limit"))
        .cloned()
        .unwrap_or_default();
    assert_eq!((limit["schema"]["minimum"].as_u64(), limit["schema"]["maximum"].as_u64()), (Some(1), Some(100)));
    let approve = &doc["paths"]["/api/v1/wishes/{id}/approve"]["post"]["responses"];
    for status in ["200", "400", "401", "403", "404", "409", "413", "415", "422"] {
        assert!(approve.get(status).is_some(), "approve does not document {status}: {approve}");
    }
    let login = &doc["paths"]["/api/v1/auth/login"]["post"];
    assert!(login["requestBody"]["required"].as_bool().unwrap_or(false), "login needs a body: {login}");
    // Integral floats are integers, as the document's `integer` counts them.
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let version = haolin_tests::int_of(&wish, "version");
    let approved =
        app.act(&w.dispatcher.token, str_of(&wish, "id"), "approve", json!({"version": version as f64})).await;
    assert_eq!(approved.expect_status(200)["status"], "open");
}
