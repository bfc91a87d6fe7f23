//! Roles held at places (`POST`/`DELETE /admin/users/{id}/roles`) and their scope: a grid worker
//! of grid A files wishes for residents of A but not of B; a dispatcher granted at one community
//! acts there and nowhere else. Wishes carry the resident's grid.

use haolin_tests::{Actor, TestApp, assert_error, assert_invalid_field, spawn_app, str_of};
use reqwest::Method;
use serde_json::{Value, json};

async fn grant(app: &TestApp, user: &Actor, role: &str, place: &Value) -> haolin_tests::ApiResponse {
    let admin = app.admin_token().await;
    let body = json!({"role": role, "place_id": str_of(place, "id")});
    app.post(&format!("/api/v1/admin/users/{}/roles", user.id), &admin, &body).await
}

async fn revoke(app: &TestApp, user: &Actor, role: &str, place: &Value) -> haolin_tests::ApiResponse {
    let admin = app.admin_token().await;
    let body = json!({"role": role, "place_id": str_of(place, "id")});
    let rb = app.request(Method::DELETE, &format!("/api/v1/admin/users/{}/roles", user.id), Some(&admin)).json(&body);
    app.send(rb).await
}

#[tokio::test]
async fn a_grid_worker_files_wishes_for_residents_of_their_grid_and_not_of_another() {
    let app = spawn_app().await;
    let [_, _, community, grid_a, _] = app.small_tree().await;
    let grid_b =
        app.create_place("grid", "第二网格", Some(str_of(&community, "id")), json!({"kind": "comprehensive"})).await;
    let worker = app.create_actor(&["resident"], &[]).await;
    let resident = app.register_resident().await;
    app.put("/api/v1/me/home", &resident.token, &json!({"place_id": grid_a["id"]})).await.expect_status(200);
    let granted = grant(&app, &worker, "grid_worker", &grid_a).await;
    assert_eq!(granted.expect_status(200)["items"], json!([{"role": "grid_worker", "place_id": grid_a["id"]}]));

    let body = |grid: Option<&Value>, who: &str| {
        let mut b = app.wish_body(str_of(&community, "id"));
        if let Some(grid) = grid {
            b["grid_id"] = grid["id"].clone();
        }
        b["resident_id"] = json!(who);
        b
    };
    let filed = app.post("/api/v1/wishes", &worker.token, &body(Some(&grid_a), &resident.id)).await;
    let filed = filed.expect_status(201).clone();
    assert_eq!(filed["resident"]["id"], resident.id.as_str());
    assert_eq!(filed["grid_id"], grid_a["id"]);
    let seen = app.get_wish(&resident.token, str_of(&filed, "id")).await;
    let seen = seen.expect_status(200);
    assert_eq!(seen["contact_phone"], resident.phone.as_str(), "the resident's phone is the default contact");
    let events = app.events(&resident.token, str_of(&filed, "id")).await;
    assert_eq!(events[0]["actor_id"], worker.id.as_str(), "the log names the grid worker who filed it");
    let unnamed = app.post("/api/v1/wishes", &worker.token, &body(None, &resident.id)).await;
    assert_eq!(unnamed.expect_status(201)["grid_id"], grid_a["id"], "the home grid is taken when none is named");

    // The worker serves this resident, so a wrong grid is named as such.
    assert_invalid_field(
        &app.post("/api/v1/wishes", &worker.token, &body(Some(&grid_b), &resident.id)).await,
        "grid_id",
    );
    let neighbour = app.register_resident().await;
    assert_error(
        &app.post("/api/v1/wishes", &neighbour.token, &body(Some(&grid_a), &resident.id)).await,
        403,
        "forbidden",
    );
    let own = app.post("/api/v1/wishes", &resident.token, &body(Some(&grid_a), &resident.id)).await;
    assert_eq!(own.expect_status(201)["resident"]["id"], resident.id.as_str(), "naming oneself is allowed");

    // A resident of grid B: refused until the worker also serves grid B.
    let across = app.register_resident().await;
    app.put("/api/v1/me/home", &across.token, &json!({"place_id": grid_b["id"]})).await.expect_status(200);
    assert_error(&app.post("/api/v1/wishes", &worker.token, &body(None, &across.id)).await, 403, "forbidden");
    grant(&app, &worker, "grid_leader", &grid_b).await.expect_status(200);
    app.post("/api/v1/wishes", &worker.token, &body(None, &across.id)).await.expect_status(201);
    revoke(&app, &worker, "grid_worker", &grid_a).await.expect_status(200);
    assert_error(&app.post("/api/v1/wishes", &worker.token, &body(None, &resident.id)).await, 403, "forbidden");
    assert_error(&revoke(&app, &worker, "grid_worker", &grid_a).await, 404, "not_found");
}

#[tokio::test]
async fn a_dispatcher_granted_at_a_community_acts_there_and_not_in_another() {
    let app = spawn_app().await;
    let [_, street, here, ..] = app.small_tree().await;
    let there = app.create_place("community", "别的社区", Some(str_of(&street, "id")), json!({})).await;
    let dispatcher = app.create_actor(&["resident"], &[]).await;
    let resident = app.register_resident().await;
    grant(&app, &dispatcher, "dispatcher", &here).await.expect_status(200);
    grant(&app, &dispatcher, "dispatcher", &here).await.expect_status(200);

    let mine = app.post_wish(&resident.token, str_of(&here, "id")).await;
    let other = app.post_wish(&resident.token, str_of(&there, "id")).await;
    let approved = app.act_ok(&dispatcher.token, str_of(&mine, "id"), "approve", json!({})).await;
    assert_eq!(approved["status"], "open");
    assert_error(&app.act(&dispatcher.token, str_of(&other, "id"), "approve", json!({})).await, 404, "not_found");
    let stats = app.get(&format!("/api/v1/communities/{}/stats", str_of(&there, "id")), &dispatcher.token).await;
    assert_error(&stats, 404, "not_found");

    let member = app.create_actor(&["resident"], &[]).await;
    grant(&app, &member, "member", &here).await.expect_status(200);
    app.act_ok(&member.token, str_of(&mine, "id"), "claim", json!({})).await;

    revoke(&app, &dispatcher, "dispatcher", &here).await.expect_status(200);
    let third = app.post_wish(&resident.token, str_of(&here, "id")).await;
    assert_error(&app.act(&dispatcher.token, str_of(&third, "id"), "approve", json!({})).await, 404, "not_found");
}

#[tokio::test]
async fn each_role_is_granted_only_at_its_level_and_only_by_an_admin() {
    let app = spawn_app().await;
    let [district, street, community, grid, unit] = app.small_tree().await;
    let user = app.create_actor(&["resident"], &[]).await;
    assert_invalid_field(&grant(&app, &user, "dispatcher", &grid).await, "place_id");
    assert_invalid_field(&grant(&app, &user, "grid_worker", &community).await, "place_id");
    assert_invalid_field(&grant(&app, &user, "household_head", &grid).await, "place_id");
    assert_invalid_field(&grant(&app, &user, "street_officer", &district).await, "place_id");
    assert_invalid_field(&grant(&app, &user, "admin", &district).await, "role");
    assert_invalid_field(&grant(&app, &user, "resident", &street).await, "role");

    grant(&app, &user, "household_head", &unit).await.expect_status(200);
    grant(&app, &user, "street_officer", &street).await.expect_status(200);
    let listed = grant(&app, &user, "member", &community).await;
    let items = listed.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3, "{items:?}");
    for (role, place) in [("household_head", &unit), ("street_officer", &street), ("member", &community)] {
        assert!(items.contains(&json!({"role": role, "place_id": place["id"]})), "{role} in {items:?}");
    }
    let admin = app.admin_token().await;
    let again = app.get(&format!("/api/v1/admin/users/{}/roles", user.id), &admin).await;
    assert_eq!(again.expect_status(200)["items"].as_array().unwrap().len(), 3);

    let w = app.world().await;
    let body = json!({"role": "grid_worker", "place_id": str_of(&grid, "id")});
    let path = format!("/api/v1/admin/users/{}/roles", user.id);
    assert_error(&app.post(&path, &w.dispatcher.token, &body).await, 403, "forbidden");
    assert_error(&app.post("/api/v1/admin/users/987654/roles", &admin, &body).await, 404, "not_found");
    let grid_leader = json!({"phone": app.next_phone(), "password": haolin_tests::PASSWORD, "name": "网格长",
        "roles": ["grid_leader"], "community_ids": [str_of(&community, "id")]});
    assert_invalid_field(&app.post("/api/v1/admin/users", &admin, &grid_leader).await, "roles");

    app.post(&format!("/api/v1/admin/places/{}/retire", str_of(&unit, "id")), &admin, &json!({})).await;
    let retired = app.get(&format!("/api/v1/places/{}", str_of(&unit, "id")), &admin).await;
    assert!(retired.expect_status(200)["retired_at"].is_string());
    let other = app.create_actor(&["resident"], &[]).await;
    assert_error(&grant(&app, &other, "household_head", &unit).await, 409, "place_in_use");
}

#[tokio::test]
async fn a_wish_carries_a_grid_of_its_own_community() {
    let app = spawn_app().await;
    let [_, street, community, grid, _] = app.small_tree().await;
    let elsewhere = app.create_place("community", "别的社区", Some(str_of(&street, "id")), json!({})).await;
    let foreign_grid =
        app.create_place("grid", "别处网格", Some(str_of(&elsewhere, "id")), json!({"kind": "dedicated"})).await;
    let resident = app.register_resident().await;
    let mut body = app.wish_body(str_of(&community, "id"));
    body["grid_id"] = grid["id"].clone();
    let wish = app.post("/api/v1/wishes", &resident.token, &body).await;
    assert_eq!(wish.expect_status(201)["grid_id"], grid["id"]);
    body["grid_id"] = foreign_grid["id"].clone();
    assert_invalid_field(&app.post("/api/v1/wishes", &resident.token, &body).await, "grid_id");
    body["grid_id"] = community["id"].clone();
    assert_invalid_field(&app.post("/api/v1/wishes", &resident.token, &body).await, "grid_id");
    let plain = app.post_wish(&resident.token, str_of(&elsewhere, "id")).await;
    assert!(plain["grid_id"].is_null());

    let admin = app.admin_token().await;
    app.post(&format!("/api/v1/admin/places/{}/retire", str_of(&foreign_grid, "id")), &admin, &json!({}))
        .await
        .expect_status(200);
    app.act_ok(&resident.token, str_of(&plain, "id"), "cancel", json!({})).await;
    app.post(&format!("/api/v1/admin/places/{}/retire", str_of(&elsewhere, "id")), &admin, &json!({}))
        .await
        .expect_status(200);
    let refused = app.post("/api/v1/wishes", &resident.token, &app.wish_body(str_of(&elsewhere, "id"))).await;
    assert_error(&refused, 409, "place_in_use");
}

#[tokio::test]
async fn a_street_officer_reads_the_figures_of_communities_in_their_street_only() {
    let app = spawn_app().await;
    let [district, street, community, ..] = app.small_tree().await;
    let other_street = app.create_place("street", "黄土坡街道", Some(str_of(&district, "id")), json!({})).await;
    let elsewhere = app.create_place("community", "别的社区", Some(str_of(&other_street, "id")), json!({})).await;
    let officer = app.create_actor(&["resident"], &[]).await;
    for path in ["stats", "checkin-stats"] {
        let here = format!("/api/v1/communities/{}/{path}", str_of(&community, "id"));
        assert_error(&app.get(&here, &officer.token).await, 404, "not_found");
    }
    grant(&app, &officer, "street_officer", &street).await.expect_status(200);
    for path in ["stats", "checkin-stats"] {
        let here = format!("/api/v1/communities/{}/{path}", str_of(&community, "id"));
        assert_eq!(app.get(&here, &officer.token).await.expect_status(200)["community_id"], community["id"]);
        let there = format!("/api/v1/communities/{}/{path}", str_of(&elsewhere, "id"));
        assert_error(&app.get(&there, &officer.token).await, 404, "not_found");
    }
    let members = format!("/api/v1/communities/{}/members", str_of(&community, "id"));
    assert_error(&app.get(&members, &officer.token).await, 404, "not_found");
}
