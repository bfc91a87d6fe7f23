//! The trust defects of an outside probe, each with the test that would have caught it: an
//! idempotent replay rendered for the resident instead of the filer (a phone-number leak), filing
//! for accounts the filer does not serve, a dispatcher deciding their own wish or check-in, tokens
//! in URLs, invisible or disguising characters in names, and figures of a community that does not
//! exist.

use haolin_tests::{assert_error, assert_invalid_field, spawn_app, str_of};
use serde_json::{Value, json};

/// Every phone number found in `text`: runs of 11 digits starting with 1.
fn phones_in(text: &str) -> Vec<String> {
    let digits: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < digits.len() {
        if digits[i].is_ascii_digit() {
            let start = i;
            while i < digits.len() && digits[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 11 && digits[start] == '1' {
                found.push(digits[start..i].iter().collect());
            }
        } else {
            i += 1;
        }
    }
    found
}

#[tokio::test]
async fn an_idempotent_replay_of_a_filed_wish_is_rendered_for_the_filer_without_the_residents_phone() {
    let app = spawn_app().await;
    let [_, _, community, grid, _] = app.small_tree().await;
    let worker = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&worker.id, "grid_worker", &grid).await;
    let resident = app.register_resident().await;
    app.put("/api/v1/me/home", &resident.token, &json!({"place_id": grid["id"]})).await.expect_status(200);
    let mut body = app.wish_body(str_of(&community, "id"));
    body["resident_id"] = json!(resident.id);
    let send = |key: &'static str, token: String, body: Value| {
        let app = &app;
        async move {
            app.send(
                app.request(reqwest::Method::POST, "/api/v1/wishes", Some(&token))
                    .header("Idempotency-Key", key)
                    .json(&body),
            )
            .await
        }
    };
    let first = send("filed-1", worker.token.clone(), body.clone()).await;
    assert_eq!(first.expect_status(201)["contact_phone"], Value::Null);
    for _ in 0..2 {
        let again = send("filed-1", worker.token.clone(), body.clone()).await;
        let replayed = again.expect_status(201);
        assert_eq!(again.header("Idempotent-Replayed"), Some("true"));
        assert_eq!(replayed["id"], first.body["id"], "the same wish");
        assert_eq!(replayed["contact_phone"], Value::Null, "rendered for the filer, as any read");
        assert!(
            !again.text.contains(&resident.phone),
            "the resident's phone leaked through the replay: {}",
            again.text
        );
    }
    // The resident's own replay shows their own phone, as their read of the wish does.
    let own = app.wish_body(str_of(&community, "id"));
    let mine = send("own-1", resident.token.clone(), own.clone()).await;
    assert_eq!(mine.expect_status(201)["contact_phone"], resident.phone.as_str());
    let mine_again = send("own-1", resident.token.clone(), own).await;
    assert_eq!(mine_again.expect_status(201)["contact_phone"], resident.phone.as_str());
    assert_eq!(mine_again.body["id"], mine.body["id"]);
}

#[tokio::test]
async fn filing_is_refused_the_same_way_for_unknown_homeless_and_elsewhere_residents() {
    let app = spawn_app().await;
    let [_, _, community, grid, _] = app.small_tree().await;
    let other_grid =
        app.create_place("grid", "第二网格", Some(str_of(&community, "id")), json!({"kind": "comprehensive"})).await;
    let worker = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&worker.id, "grid_worker", &grid).await;
    let homeless = app.register_resident().await;
    let elsewhere = app.register_resident().await;
    app.put("/api/v1/me/home", &elsewhere.token, &json!({"place_id": other_grid["id"]})).await.expect_status(200);
    let admin_id = app.create_actor(&["admin"], &[]).await.id;

    let mut answers = Vec::new();
    for who in ["99999999", homeless.id.as_str(), elsewhere.id.as_str(), admin_id.as_str()] {
        for grid_named in [None, Some(&grid), Some(&other_grid)] {
            let mut body = app.wish_body(str_of(&community, "id"));
            body["resident_id"] = json!(who);
            body["title"] = json!("代办买药");
            if let Some(g) = grid_named {
                body["grid_id"] = g["id"].clone();
            }
            let resp = app.post("/api/v1/wishes", &worker.token, &body).await;
            assert_error(&resp, 403, "forbidden");
            answers.push(resp.text.clone());
        }
    }
    answers.dedup();
    assert_eq!(answers.len(), 1, "the refusals differ, so they tell who exists or lives where: {answers:#?}");
    assert_eq!(app.list_all_wishes(&worker.token, "filed=true").await.len(), 0, "nothing was filed");
}

#[tokio::test]
async fn a_grid_worker_records_a_resident_without_a_phone_and_files_for_them() {
    let app = spawn_app().await;
    let [_, _, community, grid, unit] = app.small_tree().await;
    let other_grid =
        app.create_place("grid", "第二网格", Some(str_of(&community, "id")), json!({"kind": "comprehensive"})).await;
    let worker = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&worker.id, "grid_worker", &grid).await;
    let dispatcher = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&dispatcher.id, "dispatcher", &community).await;

    let record = app.post("/api/v1/residents", &worker.token, &json!({"name": "王奶奶", "home_id": unit["id"]})).await;
    let record = record.expect_status(201).clone();
    assert_eq!(record["name"], "王奶奶");
    assert_eq!(record["has_phone"], false);
    assert_eq!(record["can_log_in"], false);
    assert_eq!(record["home"]["id"], unit["id"]);

    let mut body = app.wish_body(str_of(&community, "id"));
    body["resident_id"] = record["id"].clone();
    let filed = app.post("/api/v1/wishes", &worker.token, &body).await;
    let filed = filed.expect_status(201).clone();
    assert_eq!(filed["resident"]["id"], record["id"]);
    assert_eq!(filed["grid_id"], grid["id"]);
    let seen = app.get_wish(&dispatcher.token, str_of(&filed, "id")).await;
    assert_eq!(seen.expect_status(200)["contact_phone"], worker.phone.as_str(), "no phone of their own: the filer's");

    let listed = app.get("/api/v1/residents", &worker.token).await;
    let listed = listed.expect_status(200);
    assert!(listed["items"].as_array().unwrap().iter().any(|r| r["id"] == record["id"]), "{listed}");
    assert!(phones_in(&listed.to_string()).is_empty(), "the list shows no phone numbers: {listed}");

    // With a phone: kept, never shown; a phone another account has is a conflict.
    let with_phone = app
        .post(
            "/api/v1/residents",
            &worker.token,
            &json!({"name": "李爷爷", "home_id": grid["id"], "phone": "13912345678"}),
        )
        .await;
    let with_phone = with_phone.expect_status(201).clone();
    assert_eq!(with_phone["has_phone"], true);
    assert!(!with_phone.to_string().contains("13912345678"));
    let taken = json!({"name": "重名", "home_id": grid["id"], "phone": "13912345678"});
    assert_error(&app.post("/api/v1/residents", &worker.token, &taken).await, 409, "already_exists");

    // Only at a home in a grid the worker serves; the fields are checked.
    let outside =
        app.post("/api/v1/residents", &worker.token, &json!({"name": "张三", "home_id": other_grid["id"]})).await;
    assert_error(&outside, 403, "forbidden");
    let resident = app.register_resident().await;
    assert_error(
        &app.post("/api/v1/residents", &resident.token, &json!({"name": "张三", "home_id": grid["id"]})).await,
        403,
        "forbidden",
    );
    assert_error(&app.get("/api/v1/residents", &resident.token).await, 403, "forbidden");
    for (bad, field) in [
        (json!({"name": "", "home_id": grid["id"]}), "name"),
        (json!({"name": "张\u{202e}三", "home_id": grid["id"]}), "name"),
        (json!({"name": "张三", "home_id": community["id"]}), "home_id"),
        (json!({"name": "张三", "home_id": "999999"}), "home_id"),
        (json!({"name": "张三", "home_id": grid["id"], "phone": "12345"}), "phone"),
    ] {
        assert_invalid_field(&app.post("/api/v1/residents", &worker.token, &bad).await, field);
    }
    let listed = app.get("/api/v1/residents", &worker.token).await;
    assert_eq!(listed.expect_status(200)["items"].as_array().map(Vec::len), Some(2), "refusals recorded nobody");
}

#[tokio::test]
async fn a_dispatcher_decides_neither_their_own_wish_nor_their_own_check_in() {
    let app = spawn_app().await;
    let w = app.world().await;
    let c = [w.community_id.as_str()];
    let second = app.create_actor(&["dispatcher"], &c).await;

    let own = app.post_wish(&w.dispatcher.token, &w.community_id).await;
    let id = str_of(&own, "id");
    for action in ["approve", "reject", "dispatch"] {
        let body = match action {
            "reject" => json!({"reason": "重复"}),
            "dispatch" => json!({"member_id": w.member.id}),
            _ => json!({}),
        };
        assert_error(&app.act(&w.dispatcher.token, id, action, body).await, 403, "own_wish");
    }
    assert_eq!(app.get_wish(&w.dispatcher.token, id).await.expect_status(200)["status"], "pending_review", "unchanged");
    app.act(&second.token, id, "approve", json!({})).await.expect_status(200);

    // A dispatcher who is also a party member files a check-in to their own community.
    let filed = app
        .post(
            "/api/v1/checkins",
            &w.dispatcher.token,
            &json!({"community_id": w.community_id, "certificate_no": "FWZ-2026-0042", "letter_ref": "钟组介〔2026〕42号"}),
        )
        .await;
    let checkin = str_of(filed.expect_status(201), "id").to_owned();
    for action in ["approve", "reject"] {
        let body = if action == "reject" { json!({"reason": "材料不全"}) } else { json!({}) };
        let resp = app.post(&format!("/api/v1/checkins/{checkin}/{action}"), &w.dispatcher.token, &body).await;
        assert_error(&resp, 403, "forbidden");
    }
    let decided = app.post(&format!("/api/v1/checkins/{checkin}/approve"), &second.token, &json!({})).await;
    assert_eq!(decided.expect_status(200)["status"], "approved");
}

#[tokio::test]
async fn a_token_in_the_url_is_accepted_by_the_event_stream_only() {
    let app = spawn_app().await;
    let resident = app.register_resident().await;
    let token = &resident.token;
    for path in ["/api/v1/me", "/api/v1/notifications", "/api/v1/wishes"] {
        let resp = app.get_anon(&format!("{path}?access_token={token}")).await;
        assert_error(&resp, 401, "missing_token");
    }
    let resp = app.get_anon(&format!("/api/v1/me?access_token={token}")).await;
    assert!(!resp.text.contains(&resident.phone));
    // The stream still takes it (an EventSource cannot send headers).
    let stream = app
        .client
        .get(app.url(&format!("/api/v1/events/stream?access_token={token}")))
        .send()
        .await
        .expect("the stream answers");
    assert_eq!(stream.status().as_u16(), 200);
    assert_eq!(
        stream.headers().get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/event-stream"),
        "the stream opened with the token in its URL"
    );
}

#[tokio::test]
async fn names_people_read_refuse_disguising_and_invisible_characters_everywhere() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let [_, _, community, grid, unit] = app.small_tree().await;
    let bad_names = ["和\u{202e}平", "和\u{2066}平", "和\u{2028}平", "\u{200b}", " \u{200b}\u{feff} "];
    for bad in bad_names {
        let place = json!({"level": "grid", "name": bad, "parent_id": community["id"], "kind": "comprehensive"});
        assert_invalid_field(&app.post("/api/v1/admin/places", &admin, &place).await, "name");
        let rename = format!("/api/v1/admin/places/{}", str_of(&grid, "id"));
        assert_invalid_field(&app.patch(&rename, &admin, &json!({"name": bad})).await, "name");
        let households = json!({"households": [bad]});
        let path = format!("/api/v1/admin/places/{}", str_of(&unit, "id"));
        assert_invalid_field(&app.patch(&path, &admin, &households).await, "households");
        assert_invalid_field(&app.post("/api/v1/unit-branches", &admin, &json!({"name": bad})).await, "name");
        let org = json!({"name": bad, "level": "community_branch", "place_id": community["id"]});
        assert_invalid_field(&app.post("/api/v1/admin/party-orgs", &admin, &org).await, "name");
        let community_body = json!({"name": bad, "code": "BAD0001"});
        assert_invalid_field(&app.post("/api/v1/admin/communities", &admin, &community_body).await, "name");
        let mut wish = app.wish_body(str_of(&community, "id"));
        wish["title"] = json!(bad);
        let resident = app.register_resident().await;
        assert_invalid_field(&app.post("/api/v1/wishes", &resident.token, &wish).await, "title");
    }
    // Nothing was renamed or created.
    let place = app.get(&format!("/api/v1/places/{}", str_of(&grid, "id")), &admin).await;
    assert_eq!(place.expect_status(200)["name"], "第一网格");
}

#[tokio::test]
async fn figures_of_a_community_that_does_not_exist_are_not_found() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let w = app.world().await;
    for path in ["stats", "members", "checkin-stats"] {
        assert_error(&app.get(&format!("/api/v1/communities/99999999/{path}"), &admin).await, 404, "not_found");
        app.get(&format!("/api/v1/communities/{}/{path}", w.community_id), &admin).await.expect_status(200);
        app.get(&format!("/api/v1/communities/{}/{path}", w.community_id), &w.dispatcher.token)
            .await
            .expect_status(200);
    }
}
