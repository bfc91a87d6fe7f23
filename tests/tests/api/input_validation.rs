//! Bad input of every field → the documented status, code and `details.field`, and nothing written.

use haolin_tests::{ApiResponse, PASSWORD, TestApp, World, assert_error, assert_invalid_field, spawn_app, str_of};
use serde_json::{Value, json};

fn with(base: &Value, key: &str, v: Value) -> Value {
    let mut b = base.clone();
    b[key] = v;
    b
}

fn without(base: &Value, key: &str) -> Value {
    let mut b = base.clone();
    b.as_object_mut().unwrap().remove(key);
    b
}

/// How many wishes exist, as the world's dispatcher and resident see them (all of them, in tests
/// that post only in the world's community).
async fn wish_count(app: &TestApp, w: &World) -> (usize, usize) {
    (
        app.list_all_wishes(&w.dispatcher.token, "").await.len(),
        app.list_all_wishes(&w.resident.token, "mine=true").await.len(),
    )
}

/// Status, version and number of events of a wish, as the dispatcher sees it.
async fn wish_state(app: &TestApp, w: &World, id: &str) -> (Value, Value, usize) {
    let resp = app.get_wish(&w.dispatcher.token, id).await;
    let wish = resp.expect_status(200);
    (wish["status"].clone(), wish["version"].clone(), app.events(&w.dispatcher.token, id).await.len())
}

/// `None` if `resp` is a well-formed 422 `invalid_field` naming `field`, else what went wrong.
fn mismatch(resp: &ApiResponse, field: &str, what: &str) -> Option<String> {
    let error = &resp.body["error"];
    let ok = resp.status == 422
        && error["code"] == "invalid_field"
        && error["details"]["field"] == field
        && error["message"].as_str().is_some_and(|m| !m.is_empty());
    (!ok).then(|| format!("{what}: expected 422 invalid_field `{field}`, got {} {}", resp.status, resp.text))
}

// ---------------------------------------------------------------- POST /wishes

#[tokio::test]
async fn every_bad_field_of_a_new_wish_is_a_422_naming_it_and_writes_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let base = app.wish_body(&w.community_id);
    let cases: Vec<(Value, &str)> = vec![
        (with(&base, "title", json!("好".repeat(51))), "title"),
        (with(&base, "title", json!("")), "title"),
        (with(&base, "title", json!("   ")), "title"),
        (with(&base, "title", json!(" \t\u{3000} ")), "title"),
        (with(&base, "title", json!("买\u{0}菜")), "title"),
        (with(&base, "title", json!("买\u{7}菜")), "title"),
        (with(&base, "title", json!("买\n菜")), "title"),
        (with(&base, "title", json!("买\u{202e}菜")), "title"),
        (with(&base, "title", json!(123)), "title"),
        (with(&base, "title", json!(null)), "title"),
        (with(&base, "title", json!(["买菜"])), "title"),
        (without(&base, "title"), "title"),
        (with(&base, "description", json!("字".repeat(1001))), "description"),
        (with(&base, "description", json!("")), "description"),
        (with(&base, "description", json!("  \n\t ")), "description"),
        (with(&base, "description", json!("有\u{1b}[31m颜色")), "description"),
        (with(&base, "description", json!("a\u{2028}b")), "description"),
        (with(&base, "description", json!(true)), "description"),
        (without(&base, "description"), "description"),
        (with(&base, "category", json!("买彩票")), "category"),
        (with(&base, "category", json!("")), "category"),
        (with(&base, "category", json!(1)), "category"),
        (without(&base, "category"), "category"),
        (with(&base, "community_id", json!(5)), "community_id"),
        (with(&base, "community_id", json!(null)), "community_id"),
        (with(&base, "community_id", json!("no-such-community")), "community_id"),
        (without(&base, "community_id"), "community_id"),
        (with(&base, "contact_phone", json!("12345")), "contact_phone"),
        (with(&base, "contact_phone", json!("12800138000")), "contact_phone"),
        (with(&base, "contact_phone", json!("1380013800a")), "contact_phone"),
        (with(&base, "contact_phone", json!("138001380001")), "contact_phone"),
        (with(&base, "contact_phone", json!(13800138000_i64)), "contact_phone"),
        (with(&base, "contact_phone", json!("")), "contact_phone"),
        (with(&base, "expected_by", json!("not-a-date")), "expected_by"),
        (with(&base, "expected_by", json!("2000-01-01")), "expected_by"),
        (with(&base, "expected_by", json!(20991231)), "expected_by"),
        (with(&base, "foo", json!(1)), "foo"),
        (with(&base, "status", json!("open")), "status"),
    ];
    let mut failures = Vec::new();
    for (body, field) in &cases {
        let resp = app.post("/api/v1/wishes", &w.resident.token, body).await;
        failures.extend(mismatch(&resp, field, &format!("{field} in {body}")));
    }
    assert!(failures.is_empty(), "wrong answers:\n{}", failures.join("\n"));
    assert_eq!(wish_count(&app, &w).await, (0, 0), "a refused wish was written");

    // The boundaries themselves are fine.
    let ok = with(&with(&base, "title", json!("好".repeat(50))), "description", json!("字".repeat(1000)));
    app.post("/api/v1/wishes", &w.resident.token, &ok).await.expect_status(201);
    assert_eq!(wish_count(&app, &w).await, (1, 1));
}

#[tokio::test]
async fn a_malformed_wrongly_typed_or_oversized_wish_body_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let token = Some(w.resident.token.as_str());
    let json_ct = Some("application/json");
    let path = "/api/v1/wishes";

    for raw in [r#"{"title": "#, "not json", r#"{"title": "a",}"#, "{'title': 'a'}"] {
        let resp = app.post_raw(path, token, json_ct, raw).await;
        assert_error(&resp, 400, "malformed_request");
    }

    let valid = serde_json::to_string(&app.wish_body(&w.community_id)).unwrap();
    for ct in ["text/plain", "application/x-www-form-urlencoded", "application/xml"] {
        let resp = app.post_raw(path, token, Some(ct), valid.clone()).await;
        assert_error(&resp, 415, "unsupported_media_type");
    }

    // Over 64 KiB.
    let big = with(&app.wish_body(&w.community_id), "description", json!("x".repeat(70 * 1024)));
    let resp = app.post_raw(path, token, json_ct, serde_json::to_vec(&big).unwrap()).await;
    assert_error(&resp, 413, "payload_too_large");

    assert_eq!(wish_count(&app, &w).await, (0, 0), "a refused wish was written");
    // The same body as JSON is accepted.
    app.post_raw(path, token, json_ct, valid).await.expect_status(201);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_malformed_whatever_fields_it_starts_with() {
    let app = spawn_app().await;
    let w = app.world().await;
    let token = Some(w.resident.token.as_str());
    // The syntax error comes after an unknown field, or after a field of the wrong type: still a
    // 400, because the body is not JSON at all.
    let mut failures = Vec::new();
    for raw in [r#"{"foo": 1, "title": "#, r#"{"title": 5, "description": "#] {
        let resp = app.post_raw("/api/v1/wishes", token, Some("application/json"), raw).await;
        if resp.status != 400 || resp.body["error"]["code"] != "malformed_request" {
            failures.push(format!("{raw}: expected 400 malformed_request, got {} {}", resp.status, resp.text));
        }
    }
    assert!(failures.is_empty(), "wrong answers:\n{}", failures.join("\n"));
    assert_eq!(wish_count(&app, &w).await, (0, 0));
}

// ---------------------------------------------------------------- register and login

#[tokio::test]
async fn every_bad_field_of_a_registration_is_a_422_naming_it_and_creates_no_account() {
    let app = spawn_app().await;
    let base = json!({"phone": "15800000001", "password": PASSWORD, "name": "新居民"});
    let phone = |n: u32| json!(format!("158000001{n:02}"));
    let mut cases: Vec<(Value, &str)> = vec![
        (with(&base, "phone", json!("12345")), "phone"),
        (with(&base, "phone", json!("23800138000")), "phone"),
        (with(&base, "phone", json!(13800138001_i64)), "phone"),
        (with(&base, "phone", json!("")), "phone"),
        (without(&base, "phone"), "phone"),
        (with(&base, "password", json!("short12")), "password"),
        (with(&base, "password", json!("p".repeat(129))), "password"),
        (with(&base, "password", json!(12345678)), "password"),
        (without(&base, "password"), "password"),
        (with(&base, "name", json!("")), "name"),
        (with(&base, "name", json!("   ")), "name"),
        (with(&base, "name", json!("名".repeat(31))), "name"),
        (with(&base, "name", json!("a\u{0}b")), "name"),
        (with(&base, "name", json!(5)), "name"),
        (without(&base, "name"), "name"),
        (with(&base, "roles", json!(["admin"])), "roles"),
    ];
    // Give each case whose phone is fine its own phone, so we can check nothing was created.
    let mut phones = Vec::new();
    for (i, (body, field)) in cases.iter_mut().enumerate() {
        if *field != "phone" {
            body["phone"] = phone(u32::try_from(i).unwrap());
            phones.push(str_of(body, "phone").to_owned());
        }
    }
    let mut failures = Vec::new();
    for (body, field) in &cases {
        let resp = app.post_anon("/api/v1/auth/register", body).await;
        failures.extend(mismatch(&resp, field, &format!("{field} in {body}")));
    }
    assert!(failures.is_empty(), "wrong answers:\n{}", failures.join("\n"));
    for p in &phones {
        let resp = app.post_anon("/api/v1/auth/login", &json!({"phone": p, "password": PASSWORD})).await;
        assert_error(&resp, 401, "invalid_credentials");
    }
    // Each of those phones can still be registered.
    let ok = with(&base, "phone", json!(phones[0]));
    app.post_anon("/api/v1/auth/register", &ok).await.expect_status(201);
    // Boundaries: 8 and 128 characters.
    for (n, pw) in [(90, "p".repeat(8)), (91, "p".repeat(128))] {
        let ok = with(&with(&base, "phone", phone(n)), "password", json!(pw));
        app.post_anon("/api/v1/auth/register", &ok).await.expect_status(201);
    }
}

#[tokio::test]
async fn malformed_wrongly_typed_and_oversized_auth_bodies_are_refused() {
    let app = spawn_app().await;
    for (path, malformed) in [
        ("/api/v1/auth/register", r#"{"phone": "1"#),
        ("/api/v1/auth/login", r#"{"phone": "15800000001", "password": }"#),
        ("/api/v1/auth/refresh", r#"{"refresh_token": "abc"#),
    ] {
        let resp = app.post_raw(path, None, Some("application/json"), malformed).await;
        assert_error(&resp, 400, "malformed_request");
        let resp = app
            .post_raw(path, None, Some("text/plain"), r#"{"phone": "15800000001", "password": "password-123"}"#)
            .await;
        assert_error(&resp, 415, "unsupported_media_type");
        let big = json!({"phone": "15800000001", "password": PASSWORD, "name": "x".repeat(70 * 1024)});
        let resp = app.post_raw(path, None, Some("application/json"), serde_json::to_vec(&big).unwrap()).await;
        assert_error(&resp, 413, "payload_too_large");
    }
    let resp = app.post_anon("/api/v1/auth/login", &json!({"phone": "15800000001", "password": PASSWORD})).await;
    assert_error(&resp, 401, "invalid_credentials");
}

#[tokio::test]
async fn every_bad_field_of_a_login_is_a_422_naming_it() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let base = json!({"phone": resident.phone, "password": PASSWORD});
    let cases: Vec<(Value, &str)> = vec![
        (without(&base, "phone"), "phone"),
        (without(&base, "password"), "password"),
        (with(&base, "phone", json!(13800138000_i64)), "phone"),
        (with(&base, "password", json!(12345678)), "password"),
        (with(&base, "password", json!(null)), "password"),
        (with(&base, "remember_me", json!(true)), "remember_me"),
    ];
    let mut failures = Vec::new();
    for (body, field) in &cases {
        let resp = app.post_anon("/api/v1/auth/login", body).await;
        failures.extend(mismatch(&resp, field, &format!("{field} in {body}")));
    }
    assert!(failures.is_empty(), "wrong answers:\n{}", failures.join("\n"));
    app.login(&resident.phone, PASSWORD).await;
}

#[tokio::test]
async fn bad_refresh_bodies_are_422() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    for (body, field) in [
        (json!({}), "refresh_token"),
        (json!({"refresh_token": 5}), "refresh_token"),
        (json!({"refresh_token": resident.refresh_token, "extra": 1}), "extra"),
    ] {
        let resp = app.post_anon("/api/v1/auth/refresh", &body).await;
        assert_invalid_field(&resp, field);
    }
    // None of that used up the refresh token.
    let resp = app.post_anon("/api/v1/auth/refresh", &json!({"refresh_token": resident.refresh_token})).await;
    resp.expect_status(200);
}

// ---------------------------------------------------------------- admin

#[tokio::test]
async fn every_bad_field_of_an_admin_created_user_is_a_422_naming_it_and_creates_no_account() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let community = app.create_community().await;
    let base = json!({
        "phone": "15900000000", "password": PASSWORD, "name": "新党员",
        "roles": ["member"], "community_ids": [community],
    });
    let mut cases: Vec<(Value, &str)> = vec![
        (with(&base, "roles", json!(["wizard"])), "roles[0]"),
        (with(&base, "roles", json!(["member", "wizard"])), "roles[1]"),
        (with(&base, "roles", json!([5])), "roles[0]"),
        (with(&base, "roles", json!("member")), "roles"),
        (without(&base, "roles"), "roles"),
        (with(&base, "community_ids", json!([])), "community_ids"),
        (without(&base, "community_ids"), "community_ids"),
        (with(&with(&base, "roles", json!(["dispatcher"])), "community_ids", json!([])), "community_ids"),
        (with(&base, "community_ids", json!(["no-such-community"])), "community_ids"),
        (with(&base, "community_ids", json!("abc")), "community_ids"),
        (with(&base, "phone", json!("1590000000")), "phone"),
        (with(&base, "phone", json!(15900000000_i64)), "phone"),
        (with(&base, "password", json!("1234567")), "password"),
        (with(&base, "name", json!("")), "name"),
        (with(&base, "name", json!("名".repeat(31))), "name"),
        (with(&base, "is_superuser", json!(true)), "is_superuser"),
    ];
    let mut phones = Vec::new();
    for (i, (body, field)) in cases.iter_mut().enumerate() {
        if *field != "phone" {
            body["phone"] = json!(format!("159000001{i:02}"));
            phones.push(str_of(body, "phone").to_owned());
        }
    }
    let mut failures = Vec::new();
    for (body, field) in &cases {
        let resp = app.post("/api/v1/admin/users", &admin, body).await;
        failures.extend(mismatch(&resp, field, &format!("{field} in {body}")));
    }
    assert!(failures.is_empty(), "wrong answers:\n{}", failures.join("\n"));
    for p in &phones {
        let resp = app.post_anon("/api/v1/auth/login", &json!({"phone": p, "password": PASSWORD})).await;
        assert_error(&resp, 401, "invalid_credentials");
    }

    // A taken phone is a conflict.
    app.post("/api/v1/admin/users", &admin, &base).await.expect_status(201);
    let resp = app.post("/api/v1/admin/users", &admin, &with(&base, "name", json!("另一个"))).await;
    assert_error(&resp, 409, "already_exists");
    // A resident needs no community.
    let resident = with(&with(&base, "phone", json!("15900000999")), "roles", json!(["resident"]));
    app.post("/api/v1/admin/users", &admin, &without(&resident, "community_ids")).await.expect_status(201);
}

#[tokio::test]
async fn every_bad_field_of_a_new_community_is_a_422_naming_it_and_creates_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let base = json!({"name": "和平社区", "code": "HP000001"});
    let cases: Vec<(Value, &str)> = vec![
        (with(&base, "code", json!("abc12")), "code"),
        (with(&base, "code", json!("abc-1234")), "code"),
        (with(&base, "code", json!("abc 1234")), "code"),
        (with(&base, "code", json!("a".repeat(33))), "code"),
        (with(&base, "code", json!("社区编码一二三")), "code"),
        (with(&base, "code", json!(12345678)), "code"),
        (without(&base, "code"), "code"),
        (with(&base, "name", json!("")), "name"),
        (with(&base, "name", json!("  ")), "name"),
        (with(&base, "name", json!("名".repeat(51))), "name"),
        (with(&base, "name", json!("和\u{0}平")), "name"),
        (with(&base, "name", json!("和\u{202e}平")), "name"),
        (with(&base, "name", json!("\u{200b}")), "name"),
        (with(&base, "name", json!(5)), "name"),
        (without(&base, "name"), "name"),
        (with(&base, "street_code", json!(5)), "street_code"),
        (with(&base, "owner", json!("me")), "owner"),
    ];
    let mut failures = Vec::new();
    for (body, field) in &cases {
        let resp = app.post("/api/v1/admin/communities", &admin, body).await;
        failures.extend(mismatch(&resp, field, &format!("{field} in {body}")));
    }
    assert!(failures.is_empty(), "wrong answers:\n{}", failures.join("\n"));
    let list = app.get("/api/v1/communities", &admin).await;
    assert_eq!(list.expect_status(200)["items"], json!([]));

    // Boundaries, then a duplicate code.
    let resp = app.post("/api/v1/admin/communities", &admin, &base).await;
    let created = resp.expect_status(201);
    assert_eq!(created["name"], "和平社区");
    assert_eq!(created["code"], "HP000001");
    assert!(created["id"].is_string());
    let long = json!({"name": "名".repeat(30), "code": "a".repeat(32), "street_code": "520201001"});
    app.post("/api/v1/admin/communities", &admin, &long).await.expect_status(201);
    let short = json!({"name": "短", "code": "abc123"});
    app.post("/api/v1/admin/communities", &admin, &short).await.expect_status(201);
    let dup = with(&base, "name", json!("另一个名字"));
    let resp = app.post("/api/v1/admin/communities", &admin, &dup).await;
    assert_error(&resp, 409, "already_exists");
    let list = app.get("/api/v1/communities", &admin).await;
    assert_eq!(list.expect_status(200)["items"].as_array().unwrap().len(), 3);
}

// ---------------------------------------------------------------- actions

/// Sends each `(action, body, field)` as `token` and checks a 422 naming `field`, then that the
/// wish did not change.
async fn refuse_all(app: &TestApp, w: &World, wish: &Value, token: &str, cases: &[(&str, Value, &str)]) {
    let id = str_of(wish, "id");
    let before = wish_state(app, w, id).await;
    let mut failures = Vec::new();
    for (action, body, field) in cases {
        let resp = app.act(token, id, action, body.clone()).await;
        failures.extend(mismatch(&resp, field, &format!("{action} {body}")));
    }
    assert!(failures.is_empty(), "wrong answers:\n{}", failures.join("\n"));
    assert_eq!(wish_state(app, w, id).await, before, "a refused action changed the wish");
}

#[tokio::test]
async fn bad_reasons_on_reject_are_422_and_change_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    refuse_all(
        &app,
        &w,
        &wish,
        &w.dispatcher.token,
        &[
            ("reject", json!({}), "reason"),
            ("reject", json!({"reason": ""}), "reason"),
            ("reject", json!({"reason": "   "}), "reason"),
            ("reject", json!({"reason": "理".repeat(501)}), "reason"),
            ("reject", json!({"reason": "a\u{0}b"}), "reason"),
            ("reject", json!({"reason": 5}), "reason"),
            ("reject", json!({"reason": null}), "reason"),
            ("reject", json!({"reason": "ok", "why": "x"}), "why"),
            ("reject", json!({"reason": "ok", "version": "1"}), "version"),
            ("approve", json!({"version": "1"}), "version"),
            ("approve", json!({"status": "open"}), "status"),
            ("dispatch", json!({}), "member_id"),
            ("dispatch", json!({"member_id": 5}), "member_id"),
            ("cancel", json!({"reason": ""}), "reason"),
            ("cancel", json!({"reason": "理".repeat(501)}), "reason"),
        ],
    )
    .await;
    // 500 characters is fine.
    let wish =
        app.act_ok(&w.dispatcher.token, str_of(&wish, "id"), "reject", json!({"reason": "理".repeat(500)})).await;
    assert_eq!(wish["status"], "rejected");
}

#[tokio::test]
async fn bad_bodies_on_claimant_actions_are_422_and_change_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.claimed_wish(&w).await;
    refuse_all(
        &app,
        &w,
        &wish,
        &w.member.token,
        &[
            ("release", json!({}), "reason"),
            ("release", json!({"reason": ""}), "reason"),
            ("release", json!({"reason": "理".repeat(501)}), "reason"),
            ("release", json!({"reason": ["x"]}), "reason"),
            ("fulfil", json!({}), "note"),
            ("fulfil", json!({"note": ""}), "note"),
            ("fulfil", json!({"note": " \n "}), "note"),
            ("fulfil", json!({"note": "记".repeat(501)}), "note"),
            ("fulfil", json!({"note": "a\u{7f}b"}), "note"),
            ("fulfil", json!({"note": 1}), "note"),
            ("fulfil", json!({"note": "ok", "photo": "x"}), "photo"),
        ],
    )
    .await;
    refuse_all(
        &app,
        &w,
        &wish,
        &w.dispatcher.token,
        &[
            ("revoke", json!({}), "reason"),
            ("revoke", json!({"reason": ""}), "reason"),
            ("revoke", json!({"reason": "理".repeat(501)}), "reason"),
        ],
    )
    .await;
}

#[tokio::test]
async fn bad_ratings_comments_and_dispute_reasons_are_422_and_change_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.fulfilled_wish(&w).await;
    refuse_all(
        &app,
        &w,
        &wish,
        &w.resident.token,
        &[
            ("confirm", json!({}), "rating"),
            ("confirm", json!({"rating": 0}), "rating"),
            ("confirm", json!({"rating": 6}), "rating"),
            ("confirm", json!({"rating": -1}), "rating"),
            ("confirm", json!({"rating": "5"}), "rating"),
            ("confirm", json!({"rating": 2.5}), "rating"),
            ("confirm", json!({"rating": null}), "rating"),
            ("confirm", json!({"rating": 1000}), "rating"),
            ("confirm", json!({"rating": 5, "comment": "评".repeat(501)}), "comment"),
            ("confirm", json!({"rating": 5, "comment": ""}), "comment"),
            ("confirm", json!({"rating": 5, "comment": "a\u{0}b"}), "comment"),
            ("confirm", json!({"rating": 5, "comment": 5}), "comment"),
            ("confirm", json!({"rating": 5, "stars": 5}), "stars"),
            ("dispute", json!({}), "reason"),
            ("dispute", json!({"reason": ""}), "reason"),
            ("dispute", json!({"reason": "理".repeat(501)}), "reason"),
        ],
    )
    .await;
    // Boundaries 1 and 5 are fine (5 here).
    let done = app
        .act_ok(&w.resident.token, str_of(&wish, "id"), "confirm", json!({"rating": 5, "comment": "评".repeat(500)}))
        .await;
    assert_eq!(done["rating"], 5);
}

#[tokio::test]
async fn bad_decline_reasons_are_422_and_change_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.open_wish(&w).await;
    let wish =
        app.act_ok(&w.dispatcher.token, str_of(&wish, "id"), "dispatch", json!({"member_id": w.member.id})).await;
    refuse_all(
        &app,
        &w,
        &wish,
        &w.member.token,
        &[
            ("decline", json!({"reason": ""}), "reason"),
            ("decline", json!({"reason": "理".repeat(501)}), "reason"),
            ("decline", json!({"reason": 3}), "reason"),
            ("accept", json!({"note": "x"}), "note"),
            ("accept", json!({"version": true}), "version"),
        ],
    )
    .await;
}

#[tokio::test]
async fn malformed_and_non_json_action_bodies_are_refused() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    let before = wish_state(&app, &w, id).await;
    let path = format!("/api/v1/wishes/{id}/reject");
    let token = Some(w.dispatcher.token.as_str());
    let resp = app.post_raw(&path, token, Some("application/json"), r#"{"reason": "#).await;
    assert_error(&resp, 400, "malformed_request");
    let resp = app.post_raw(&path, token, Some("text/plain"), r#"{"reason": "不合适"}"#).await;
    assert_error(&resp, 415, "unsupported_media_type");
    let big = json!({"reason": "x".repeat(70 * 1024)});
    let resp = app.post_raw(&path, token, Some("application/json"), serde_json::to_vec(&big).unwrap()).await;
    assert_error(&resp, 413, "payload_too_large");
    assert_eq!(wish_state(&app, &w, id).await, before);
}

// ---------------------------------------------------------------- queries

#[tokio::test]
async fn bad_list_queries_are_refused_with_the_documented_codes() {
    let app = spawn_app().await;
    let w = app.world().await;
    app.post_wish(&w.resident.token, &w.community_id).await;
    let t = &w.dispatcher.token;
    let mut failures = Vec::new();
    for q in ["limit=0", "limit=101", "limit=-1", "limit=abc", "limit=1.5"] {
        let resp = app.get(&format!("/api/v1/wishes?{q}"), t).await;
        failures.extend(mismatch(&resp, "limit", q));
    }
    for q in ["status=bogus", "status=OPEN", "status=open,claimed"] {
        let resp = app.get(&format!("/api/v1/wishes?{q}"), t).await;
        failures.extend(mismatch(&resp, "status", q));
    }
    assert!(failures.is_empty(), "wrong answers:\n{}", failures.join("\n"));
    for q in ["cursor=garbage", "cursor=%00%01", "cursor=eyJ4IjoxfQ"] {
        let resp = app.get(&format!("/api/v1/wishes?{q}"), t).await;
        assert_error(&resp, 400, "malformed_request");
    }
    // The limits themselves are fine.
    for q in ["limit=1", "limit=100", "status=open"] {
        app.get(&format!("/api/v1/wishes?{q}"), t).await.expect_status(200);
    }
}

#[tokio::test]
async fn the_configured_body_limit_is_enforced() {
    let app = haolin_tests::spawn_app_with(|env| {
        env.set("HAOLIN_HTTP__BODY_LIMIT", "2048");
    })
    .await;
    let w = app.world().await;
    let big = with(&app.wish_body(&w.community_id), "description", json!("x".repeat(3000)));
    let resp = app.post("/api/v1/wishes", &w.resident.token, &big).await;
    assert_error(&resp, 413, "payload_too_large");
    assert_eq!(wish_count(&app, &w).await, (0, 0));
    app.post_wish(&w.resident.token, &w.community_id).await;
}
