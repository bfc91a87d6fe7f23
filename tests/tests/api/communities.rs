//! What a dispatcher needs around the queue: the community's members (to dispatch to) and the
//! wishes counted by status. Only the community's dispatchers (and admins) may ask.

use haolin_tests::{assert_error, spawn_app, str_of};
use serde_json::{Value, json};

#[tokio::test]
async fn a_dispatcher_lists_and_searches_the_members_of_their_community() {
    let app = spawn_app().await;
    let w = app.world().await;
    let other = app.create_community().await;
    let outsider = app.create_actor(&["member"], &[other.as_str()]).await;

    let resp = app.get(&format!("/api/v1/communities/{}/members", w.community_id), &w.dispatcher.token).await;
    let items = resp.expect_status(200)["items"].as_array().unwrap().clone();
    let ids: Vec<&str> = items.iter().map(|m| str_of(m, "id")).collect();
    assert_eq!(items.len(), 2, "exactly the two members of the community: {items:?}");
    assert!(ids.contains(&w.member.id.as_str()) && ids.contains(&w.member2.id.as_str()));
    assert!(!ids.contains(&outsider.id.as_str()), "a member of another community is not listed");
    assert!(items.iter().all(|m| m.get("phone").is_none()), "no phone numbers in the list");

    let path = format!("/api/v1/communities/{}/members?q={}", w.community_id, w.member2.name);
    let found = app.get(&path, &w.dispatcher.token).await;
    let found = found.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["id"], w.member2.id.as_str());
}

#[tokio::test]
async fn only_the_communitys_dispatchers_may_list_its_members_or_counts() {
    let app = spawn_app().await;
    let w = app.world().await;
    let other = app.create_community().await;
    let foreign = app.create_actor(&["dispatcher"], &[other.as_str()]).await;
    for path in ["members", "stats"] {
        let path = format!("/api/v1/communities/{}/{path}", w.community_id);
        for token in [&w.member.token, &w.resident.token, &foreign.token] {
            assert_error(&app.get(&path, token).await, 404, "not_found");
        }
    }
    assert_error(&app.get("/api/v1/communities/abc/stats", &w.dispatcher.token).await, 404, "not_found");
}

#[tokio::test]
async fn the_stats_count_the_communitys_wishes_by_status() {
    let app = spawn_app().await;
    let w = app.world().await;
    app.post_wish(&w.resident.token, &w.community_id).await;
    app.open_wish(&w).await;
    app.claimed_wish(&w).await;
    let other = app.create_community().await;
    app.post_wish(&w.resident.token, &other).await;

    let resp = app.get(&format!("/api/v1/communities/{}/stats", w.community_id), &w.dispatcher.token).await;
    let body = resp.expect_status(200);
    assert_eq!(body["community_id"], w.community_id.as_str());
    let counts = body["counts"].as_array().unwrap();
    assert_eq!(counts.len(), 8, "every status is listed, zero included");
    let count = |s: &str| counts.iter().find(|c| c["status"] == s).map(|c| c["count"].clone()).unwrap_or(Value::Null);
    assert_eq!(count("pending_review"), json!(1));
    assert_eq!(count("open"), json!(1));
    assert_eq!(count("claimed"), json!(1));
    assert_eq!(count("confirmed"), json!(0));
    let admin = app.admin_token().await;
    assert_eq!(app.get(&format!("/api/v1/communities/{}/stats", w.community_id), &admin).await.status, 200);
}

#[tokio::test]
async fn me_names_the_community_of_each_scoped_role() {
    let app = spawn_app().await;
    let a = app.create_community().await;
    let b = app.create_community().await;
    let admin = app.admin_token().await;
    let phone = app.next_phone();
    let body = json!({"phone": phone, "password": haolin_tests::PASSWORD, "name": "双重身份",
        "roles": ["member", "resident"], "community_ids": [a]});
    app.post("/api/v1/admin/users", &admin, &body).await.expect_status(201);
    let login = app.login(&phone, haolin_tests::PASSWORD).await;
    let me = app.get("/api/v1/me", str_of(&login, "access_token")).await;
    let me = me.expect_status(200);
    let grants = me["grants"].as_array().unwrap();
    assert!(grants.contains(&json!({"role": "member", "community_id": a})), "{grants:?}");
    assert!(grants.contains(&json!({"role": "resident", "community_id": null})), "{grants:?}");
    assert!(!grants.iter().any(|g| g["community_id"] == b.as_str()));
}
