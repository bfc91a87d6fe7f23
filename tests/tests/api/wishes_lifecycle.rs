//! The whole life of a wish, with each role: every allowed transition, its status, version,
//! claimant and event log.

use haolin_tests::{CATEGORY, assert_event, int_of, is_rfc3339, spawn_app, str_of};
use serde_json::{Value, json};

fn person(v: &Value) -> (&str, &str) {
    (str_of(v, "id"), str_of(v, "name"))
}

#[tokio::test]
async fn a_wish_goes_from_post_through_approve_claim_and_fulfil_to_a_rated_confirmation() {
    let app = spawn_app().await;
    let w = app.world().await;

    // Post (title and description are trimmed).
    let body = json!({
        "community_id": w.community_id,
        "title": "  帮忙买菜  ",
        "description": "  腿脚不便，想请人帮忙买菜。\n周末也可以。  ",
        "category": CATEGORY,
    });
    let resp = app.post("/api/v1/wishes", &w.resident.token, &body).await;
    let wish = resp.expect_status(201).clone();
    let id = str_of(&wish, "id").to_owned();
    assert_eq!(wish["status"], "pending_review");
    assert_eq!(wish["community_id"], w.community_id.as_str());
    assert_eq!(wish["title"], "帮忙买菜");
    assert_eq!(wish["description"], "腿脚不便，想请人帮忙买菜。\n周末也可以。");
    assert_eq!(wish["category"], CATEGORY);
    assert_eq!(person(&wish["resident"]), (w.resident.id.as_str(), w.resident.name.as_str()));
    assert!(wish["claimant"].is_null() && wish["claim_expires_at"].is_null() && wish["rating"].is_null());
    assert_eq!(wish["contact_phone"], w.resident.phone.as_str(), "defaults to the account's phone");
    assert!(is_rfc3339(str_of(&wish, "created_at")) && is_rfc3339(str_of(&wish, "updated_at")));
    let v0 = int_of(&wish, "version");

    let events = app.events(&w.resident.token, &id).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(&events[0], "post", None, "pending_review", Some(&w.resident.id), None);

    // Approve.
    let wish = app.step(&w, &w.dispatcher, &wish, "approve", json!({}), "open").await;
    assert_eq!(int_of(&wish, "version"), v0 + 1);

    // Claim: the claimant and a deadline 72 h away (the default).
    let wish = app.step(&w, &w.member, &wish, "claim", json!({}), "claimed").await;
    assert_eq!(person(&wish["claimant"]), (w.member.id.as_str(), w.member.name.as_str()));
    let expires = chrono::DateTime::parse_from_rfc3339(str_of(&wish, "claim_expires_at")).unwrap();
    let left = expires.signed_duration_since(chrono::Utc::now());
    assert!(
        (left - chrono::Duration::hours(72)).num_seconds().abs() < 120,
        "claim_expires_at {expires} is not 72 h away"
    );
    assert_eq!(wish["contact_phone"], w.resident.phone.as_str(), "the claimant sees the phone");

    // Fulfil with a note.
    let wish = app.step(&w, &w.member, &wish, "fulfil", json!({"note": "菜已送到家"}), "fulfilled").await;
    assert_eq!(person(&wish["claimant"]).0, w.member.id);
    assert_eq!(wish["fulfilment_note"], "菜已送到家");

    // Confirm with a rating and a comment.
    let wish =
        app.step(&w, &w.resident, &wish, "confirm", json!({"rating": 5, "comment": "非常感谢"}), "confirmed").await;
    assert_eq!(wish["rating"], 5);
    assert_eq!(wish["comment"], "非常感谢");
    assert_eq!(int_of(&wish, "version"), v0 + 4);

    // The resident reads the same wish and the same five events.
    let seen = app.get_wish(&w.resident.token, &id).await;
    let seen = seen.expect_status(200);
    assert_eq!(seen["status"], "confirmed");
    assert_eq!(seen["version"], wish["version"]);
    assert_eq!(seen["rating"], 5);
    let events = app.events(&w.resident.token, &id).await;
    let actions: Vec<&str> = events.iter().map(|e| str_of(e, "action")).collect();
    assert_eq!(actions, ["post", "approve", "claim", "fulfil", "confirm"]);
    let ats: Vec<&str> = events.iter().map(|e| str_of(e, "at")).collect();
    let mut sorted = ats.clone();
    sorted.sort_by_key(|a| chrono::DateTime::parse_from_rfc3339(a).unwrap());
    assert_eq!(ats, sorted, "events are oldest first");
}

#[tokio::test]
async fn a_dispatcher_dispatches_a_posted_wish_and_the_named_member_accepts_it() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let body = json!({"member_id": w.member.id});
    let wish = app.step(&w, &w.dispatcher, &wish, "dispatch", body, "assigned").await;
    assert_eq!(person(&wish["assignee"]).0, w.member.id);
    assert!(wish["claimant"].is_null(), "{wish}");

    // The assignee sees it, without the phone until accepting.
    let seen = app.get_wish(&w.member.token, str_of(&wish, "id")).await;
    let seen = seen.expect_status(200);
    assert_eq!(seen["status"], "assigned");
    assert!(seen["contact_phone"].is_null(), "assignee before accepting: {seen}");

    let wish = app.step(&w, &w.member, &wish, "accept", json!({}), "claimed").await;
    assert_eq!(person(&wish["claimant"]), (w.member.id.as_str(), w.member.name.as_str()));
    assert!(wish["claim_expires_at"].is_string(), "{wish}");
    assert_eq!(wish["contact_phone"], w.resident.phone.as_str());
}

#[tokio::test]
async fn an_open_wish_can_be_dispatched_and_a_decline_returns_it_to_the_pool() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.open_wish(&w).await;
    let wish = app.step(&w, &w.dispatcher, &wish, "dispatch", json!({"member_id": w.member2.id}), "assigned").await;
    assert_eq!(person(&wish["assignee"]).0, w.member2.id);
    let wish = app.step(&w, &w.member2, &wish, "decline", json!({"reason": "这周出差"}), "open").await;
    assert!(wish["assignee"].is_null() && wish["claimant"].is_null(), "{wish}");

    // A decline without a reason is fine too.
    let wish = app.step(&w, &w.dispatcher, &wish, "dispatch", json!({"member_id": w.member.id}), "assigned").await;
    let wish = app.step(&w, &w.member, &wish, "decline", json!({}), "open").await;
    // And anyone in the pool may claim it now.
    app.step(&w, &w.member2, &wish, "claim", json!({}), "claimed").await;
}

#[tokio::test]
async fn a_claimant_releases_a_wish_with_a_reason_and_another_member_claims_it() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.claimed_wish(&w).await;
    let wish = app.step(&w, &w.member, &wish, "release", json!({"reason": "临时有事"}), "open").await;
    assert!(wish["claimant"].is_null(), "{wish}");
    assert!(wish["claim_expires_at"].is_null(), "{wish}");
    let wish = app.step(&w, &w.member2, &wish, "claim", json!({}), "claimed").await;
    assert_eq!(person(&wish["claimant"]).0, w.member2.id);
}

#[tokio::test]
async fn a_dispatcher_revokes_a_claim_and_an_assignment() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.claimed_wish(&w).await;
    let wish = app.step(&w, &w.dispatcher, &wish, "revoke", json!({"reason": "长时间未处理"}), "open").await;
    assert!(wish["claimant"].is_null(), "{wish}");

    let wish = app.step(&w, &w.dispatcher, &wish, "dispatch", json!({"member_id": w.member2.id}), "assigned").await;
    let wish = app.step(&w, &w.dispatcher, &wish, "revoke", json!({"reason": "改派他人"}), "open").await;
    assert!(wish["assignee"].is_null(), "{wish}");
}

#[tokio::test]
async fn a_resident_disputes_a_fulfilment_and_the_same_claimant_tries_again() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.fulfilled_wish(&w).await;
    let wish = app.step(&w, &w.resident, &wish, "dispute", json!({"reason": "还没有送到"}), "claimed").await;
    assert_eq!(person(&wish["claimant"]).0, w.member.id);
    let wish = app.step(&w, &w.member, &wish, "fulfil", json!({"note": "这次真的送到了"}), "fulfilled").await;
    let wish = app.step(&w, &w.resident, &wish, "confirm", json!({"rating": 3}), "confirmed").await;
    assert_eq!(wish["rating"], 3);
}

#[tokio::test]
async fn a_resident_cancels_a_wish_before_it_is_claimed() {
    let app = spawn_app().await;
    let w = app.world().await;
    // pending_review, without a reason
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    app.step(&w, &w.resident, &wish, "cancel", json!({}), "cancelled").await;
    // open, with a reason
    let wish = app.open_wish(&w).await;
    app.step(&w, &w.resident, &wish, "cancel", json!({"reason": "已经解决了"}), "cancelled").await;
    // assigned
    let wish = app.open_wish(&w).await;
    let wish = app.step(&w, &w.dispatcher, &wish, "dispatch", json!({"member_id": w.member.id}), "assigned").await;
    app.step(&w, &w.resident, &wish, "cancel", json!({"reason": "不需要了"}), "cancelled").await;
}

#[tokio::test]
async fn a_dispatcher_cancels_a_wish_in_any_live_status() {
    let app = spawn_app().await;
    let w = app.world().await;
    let reason = json!({"reason": "重复提交"});
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    app.step(&w, &w.dispatcher, &wish, "cancel", reason.clone(), "cancelled").await;
    let wish = app.open_wish(&w).await;
    app.step(&w, &w.dispatcher, &wish, "cancel", reason.clone(), "cancelled").await;
    let wish = app.claimed_wish(&w).await;
    let wish = app.step(&w, &w.dispatcher, &wish, "cancel", reason.clone(), "cancelled").await;
    assert_eq!(wish["status"], "cancelled");
    let wish = app.fulfilled_wish(&w).await;
    app.step(&w, &w.dispatcher, &wish, "cancel", reason, "cancelled").await;
}

#[tokio::test]
async fn a_dispatcher_rejects_a_posted_wish_with_a_reason() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let wish = app.step(&w, &w.dispatcher, &wish, "reject", json!({"reason": "不属于微心愿范围"}), "rejected").await;
    let seen = app.get_wish(&w.resident.token, str_of(&wish, "id")).await;
    assert_eq!(seen.expect_status(200)["status"], "rejected");
}

#[tokio::test]
async fn an_action_with_the_current_version_succeeds() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let v = int_of(&wish, "version");
    let wish = app.step(&w, &w.dispatcher, &wish, "approve", json!({"version": v}), "open").await;
    app.step(&w, &w.member, &wish, "claim", json!({"version": v + 1}), "claimed").await;
}

#[tokio::test]
async fn actions_accept_an_empty_body() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    // No body and no content type at all.
    let wish = app.act_ok(&w.dispatcher.token, id, "approve", Value::Null).await;
    assert_eq!(wish["status"], "open");
    let wish = app.act_ok(&w.member.token, id, "claim", Value::Null).await;
    assert_eq!(wish["status"], "claimed");
    // An empty body with a JSON content type.
    let resp = app
        .post_raw(&format!("/api/v1/wishes/{id}/release"), Some(&w.member.token), Some("application/json"), "")
        .await;
    // release needs a reason, so an empty body is a missing field, not a malformed request.
    haolin_tests::assert_invalid_field(&resp, "reason");
    let resp = app
        .post_raw(
            &format!("/api/v1/wishes/{id}/fulfil"),
            Some(&w.member.token),
            Some("application/json"),
            r#"{"note":"好了"}"#,
        )
        .await;
    assert_eq!(resp.expect_status(200)["status"], "fulfilled");
}

#[tokio::test]
async fn a_wish_posted_with_a_contact_phone_and_expected_date_keeps_them() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mut body = app.wish_body(&w.community_id);
    body["contact_phone"] = json!("139 0000 1234");
    body["expected_by"] = json!("2099-12-31");
    let resp = app.post("/api/v1/wishes", &w.resident.token, &body).await;
    let wish = resp.expect_status(201);
    assert_eq!(wish["contact_phone"], "13900001234", "normalised");
    assert!(str_of(wish, "expected_by").starts_with("2099-12-31"), "expected_by: {}", wish["expected_by"]);
    let seen = app.get_wish(&w.dispatcher.token, str_of(wish, "id")).await;
    assert_eq!(seen.expect_status(200)["contact_phone"], "13900001234");
}
