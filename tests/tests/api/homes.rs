//! A resident registers their home (a grid or a ten-household unit, chosen from the tree or found
//! from a location), `GET /me` shows it with its path and code and every role held at a place,
//! wishes carry the home's grid, and household heads file wishes for the residents of their unit.

use haolin_tests::{TestApp, assert_error, assert_invalid_field, spawn_app, str_of};
use serde_json::{Value, json};

/// A square boundary around (lng, lat), 0.01° wide.
fn square(lng: f64, lat: f64) -> Value {
    let (a, b, c, d) = (lng - 0.005, lng + 0.005, lat - 0.005, lat + 0.005);
    json!({"type": "Polygon", "coordinates": [[[a, c], [b, c], [b, d], [a, d], [a, c]]]})
}

async fn set_home(app: &TestApp, token: &str, body: Value) -> haolin_tests::ApiResponse {
    app.put("/api/v1/me/home", token, &body).await
}

#[tokio::test]
async fn a_resident_registers_a_grid_or_a_unit_and_me_shows_it_with_its_path() {
    let app = spawn_app().await;
    let [_, _, community, grid, unit] = app.small_tree().await;
    let resident = app.register_resident().await;
    let before = app.get("/api/v1/me", &resident.token).await;
    assert_eq!(before.expect_status(200)["home"], Value::Null);
    assert_eq!(before.body["place_roles"], json!([]));

    let me = set_home(&app, &resident.token, json!({"place_id": grid["id"]})).await;
    let me = me.expect_status(200);
    assert_eq!(me["id"], resident.id.as_str(), "the answer is the whole account");
    assert_eq!(me["home"]["id"], grid["id"]);
    assert_eq!(me["home"]["code"], "520201001001001");
    let path: Vec<&str> = me["home"]["path"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(path, ["520201", "520201001", "520201001001", "520201001001001"]);
    assert_eq!(app.get("/api/v1/me", &resident.token).await.body["home"]["id"], grid["id"], "it is stored");

    let me = set_home(&app, &resident.token, json!({"place_id": unit["id"]})).await;
    assert_eq!(me.expect_status(200)["home"]["level"], "unit");
    assert_eq!(me.body["home"]["path"][2]["id"], community["id"]);

    assert_eq!(app.delete("/api/v1/me/home", &resident.token).await.status, 204);
    assert_eq!(app.get("/api/v1/me", &resident.token).await.body["home"], Value::Null);
}

#[tokio::test]
async fn a_home_is_found_from_a_location_inside_a_grid_boundary() {
    let app = spawn_app().await;
    let [_, _, community, _, _] = app.small_tree().await;
    let bounded = app
        .create_place(
            "grid",
            "万达广场专属网格",
            Some(str_of(&community, "id")),
            json!({"kind": "dedicated", "boundary": square(106.83, 26.59)}),
        )
        .await;
    let resident = app.register_resident().await;
    let me = set_home(&app, &resident.token, json!({"location": {"lng": 106.831, "lat": 26.589}})).await;
    assert_eq!(me.expect_status(200)["home"]["id"], bounded["id"]);

    let nowhere = set_home(&app, &resident.token, json!({"location": {"lng": 100.0, "lat": 20.0}})).await;
    assert_error(&nowhere, 404, "not_found");
    assert_eq!(app.get("/api/v1/me", &resident.token).await.body["home"]["id"], bounded["id"], "nothing changed");
}

#[tokio::test]
async fn bad_homes_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let [district, street, community, grid, _] = app.small_tree().await;
    let resident = app.register_resident().await;
    set_home(&app, &resident.token, json!({"place_id": grid["id"]})).await.expect_status(200);
    for place in [&district, &street, &community] {
        assert_invalid_field(&set_home(&app, &resident.token, json!({"place_id": place["id"]})).await, "place_id");
    }
    assert_invalid_field(&set_home(&app, &resident.token, json!({"place_id": "999999"})).await, "place_id");
    assert_invalid_field(&set_home(&app, &resident.token, json!({})).await, "place_id");
    let both = json!({"place_id": grid["id"], "location": {"lng": 106.0, "lat": 26.0}});
    assert_invalid_field(&set_home(&app, &resident.token, both).await, "place_id");
    let far = json!({"location": {"lng": 190.0, "lat": 26.0}});
    assert_invalid_field(&set_home(&app, &resident.token, far).await, "location.lng");
    assert_invalid_field(&set_home(&app, &resident.token, json!({"location": {"lng": 1}})).await, "location.lat");
    assert_invalid_field(&set_home(&app, &resident.token, json!({"place": "x"})).await, "place");

    let retired =
        app.create_place("grid", "旧网格", Some(str_of(&community, "id")), json!({"kind": "comprehensive"})).await;
    let admin = app.admin_token().await;
    app.post(&format!("/api/v1/admin/places/{}/retire", str_of(&retired, "id")), &admin, &json!({}))
        .await
        .expect_status(200);
    assert_invalid_field(&set_home(&app, &resident.token, json!({"place_id": retired["id"]})).await, "place_id");
    assert_eq!(app.get("/api/v1/me", &resident.token).await.body["home"]["id"], grid["id"], "nothing changed");
    assert_error(
        &app.put("/api/v1/me/home", "not-a-token", &json!({"place_id": grid["id"]})).await,
        401,
        "invalid_token",
    );
}

#[tokio::test]
async fn wishes_without_a_grid_carry_the_home_grid_of_their_community() {
    let app = spawn_app().await;
    let [_, street, community, grid, unit] = app.small_tree().await;
    let other = app.create_place("community", "幸福社区", Some(str_of(&street, "id")), json!({})).await;
    let resident = app.register_resident().await;
    set_home(&app, &resident.token, json!({"place_id": unit["id"]})).await.expect_status(200);

    let wish = app.post("/api/v1/wishes", &resident.token, &app.wish_body(str_of(&community, "id"))).await;
    assert_eq!(wish.expect_status(201)["grid_id"], grid["id"], "a unit's home gives its grid");
    assert_eq!(
        wish.body["grid"],
        json!({"id": grid["id"], "code": "520201001001001", "name": "第一网格", "level": "grid"})
    );
    assert_eq!(wish.body["community"]["code"], "520201001001", "a wish shows where it is by code and name");
    let listed = app.list_all_wishes(&resident.token, "mine=true").await;
    assert!(listed.iter().any(|w| w["grid"]["code"] == "520201001001001"), "lists show it too");
    let elsewhere = app.post("/api/v1/wishes", &resident.token, &app.wish_body(str_of(&other, "id"))).await;
    assert_eq!(elsewhere.expect_status(201)["grid_id"], Value::Null, "the home grid is not in that community");
}

#[tokio::test]
async fn me_lists_every_role_held_at_a_place_with_its_path() {
    let app = spawn_app().await;
    let [_, street, community, grid, unit] = app.small_tree().await;
    let staff = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&staff.id, "grid_worker", &grid).await;
    app.grant_at(&staff.id, "household_head", &unit).await;
    app.grant_at(&staff.id, "street_officer", &street).await;
    app.grant_at(&staff.id, "dispatcher", &community).await;
    let me = app.get("/api/v1/me", &staff.token).await;
    let held: Vec<(String, String, usize)> = me.expect_status(200)["place_roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            assert_eq!(h["path"].as_array().unwrap().last().unwrap()["id"], h["place"]["id"]);
            (
                h["role"].as_str().unwrap().to_owned(),
                h["place"]["code"].as_str().unwrap().to_owned(),
                h["path"].as_array().unwrap().len(),
            )
        })
        .collect();
    let mut expected = vec![
        ("dispatcher".to_owned(), "520201001001".to_owned(), 3),
        ("grid_worker".to_owned(), "520201001001001".to_owned(), 4),
        ("household_head".to_owned(), "520201001001001001".to_owned(), 5),
        ("street_officer".to_owned(), "520201001".to_owned(), 2),
    ];
    let mut held = held;
    held.sort();
    expected.sort();
    assert_eq!(held, expected);
}

#[tokio::test]
async fn a_household_head_files_wishes_for_the_residents_of_their_unit_only() {
    let app = spawn_app().await;
    let [_, _, community, grid, unit] = app.small_tree().await;
    let other_unit = app.create_place("unit", "二号楼十联户", Some(str_of(&grid, "id")), json!({})).await;
    let head = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&head.id, "household_head", &unit).await;
    let neighbour = app.register_resident().await;
    set_home(&app, &neighbour.token, json!({"place_id": unit["id"]})).await.expect_status(200);
    let stranger = app.register_resident().await;
    set_home(&app, &stranger.token, json!({"place_id": other_unit["id"]})).await.expect_status(200);
    let unregistered = app.register_resident().await;

    let for_resident = |id: &str| {
        let mut b = app.wish_body(str_of(&community, "id"));
        b["resident_id"] = json!(id);
        b
    };
    let filed = app.post("/api/v1/wishes", &head.token, &for_resident(&neighbour.id)).await;
    let filed = filed.expect_status(201);
    assert_eq!(filed["resident"]["id"], neighbour.id.as_str());
    assert_eq!(filed["grid_id"], grid["id"], "the wish takes the unit's grid");
    assert_eq!(app.get_wish(&neighbour.token, str_of(filed, "id")).await.status, 200, "the resident sees it");
    // The household head follows what they filed, without the resident's phone.
    let followed = app.get_wish(&head.token, str_of(filed, "id")).await;
    assert_eq!(followed.expect_status(200)["contact_phone"], Value::Null);
    let listed = app.list_all_wishes(&head.token, "filed=true").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], filed["id"]);
    assert!(app.list_all_wishes(&neighbour.token, "filed=true").await.is_empty(), "the resident filed none for others");
    assert_error(&app.get_wish(&stranger.token, str_of(filed, "id")).await, 404, "not_found");

    // A resident of another unit and one with no home get the same refusal: nothing tells the head
    // where anyone lives.
    let elsewhere = app.post("/api/v1/wishes", &head.token, &for_resident(&stranger.id)).await;
    assert_error(&elsewhere, 403, "forbidden");
    let homeless = app.post("/api/v1/wishes", &head.token, &for_resident(&unregistered.id)).await;
    assert_eq!(homeless.status, 403);
    assert_eq!(homeless.body, elsewhere.body);
    let mine = app.list_all_wishes(&stranger.token, "mine=true").await;
    assert!(mine.is_empty(), "nothing was filed for the stranger");
}

#[tokio::test]
async fn a_grid_worker_cannot_file_for_a_resident_registered_in_another_grid() {
    let app = spawn_app().await;
    let [_, _, community, grid_a, _] = app.small_tree().await;
    let grid_b =
        app.create_place("grid", "第二网格", Some(str_of(&community, "id")), json!({"kind": "comprehensive"})).await;
    let worker = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&worker.id, "grid_worker", &grid_a).await;
    let resident = app.register_resident().await;
    set_home(&app, &resident.token, json!({"place_id": grid_b["id"]})).await.expect_status(200);
    let mut body = app.wish_body(str_of(&community, "id"));
    body["resident_id"] = json!(resident.id);
    body["grid_id"] = grid_a["id"].clone();
    // Naming the worker's own grid or none: the same refusal, which does not say where the
    // resident lives.
    let named = app.post("/api/v1/wishes", &worker.token, &body).await;
    assert_error(&named, 403, "forbidden");
    body.as_object_mut().unwrap().remove("grid_id");
    let unnamed = app.post("/api/v1/wishes", &worker.token, &body).await;
    assert_eq!(unnamed.body, named.body);

    set_home(&app, &resident.token, json!({"place_id": grid_a["id"]})).await.expect_status(200);
    let filed = app.post("/api/v1/wishes", &worker.token, &body).await;
    assert_eq!(filed.expect_status(201)["grid_id"], grid_a["id"], "the home grid is taken when none is named");
}
