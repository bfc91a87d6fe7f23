//! The place hierarchy: codes derived from the parent, browsing, and the admin's create, rename,
//! move and retire with their refusals. Communities are places of level `community`.

use haolin_tests::{assert_error, assert_invalid_field, spawn_app, str_of};
use serde_json::{Value, json};

fn codes_of(path: &Value) -> Vec<&str> {
    path.as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn each_place_takes_its_parents_code_followed_by_three_digits() {
    let app = spawn_app().await;
    let [district, street, community, grid, unit] = app.small_tree().await;
    assert_eq!(district["code"], "520201");
    assert_eq!(street["code"], "520201001");
    assert_eq!(community["code"], "520201001001");
    assert_eq!(grid["code"], "520201001001001");
    assert_eq!(grid["kind"], "comprehensive");
    assert_eq!(unit["code"], "520201001001001001");
    assert_eq!(unit["level"], "unit");
    assert_eq!(unit["parent_id"], grid["id"]);
    assert_eq!(
        codes_of(&unit["path"]),
        vec!["520201", "520201001", "520201001001", "520201001001001", "520201001001001001"]
    );
    assert!(unit["retired_at"].is_null());

    let second = app.create_place("street", "黄土坡街道", Some(str_of(&district, "id")), json!({})).await;
    assert_eq!(second["code"], "520201002", "the next free segment");
    let chosen =
        app.create_place("street", "德坞街道", Some(str_of(&district, "id")), json!({"code": "520201010"})).await;
    assert_eq!(chosen["code"], "520201010");
    let after = app.create_place("street", "大湾街道", Some(str_of(&district, "id")), json!({})).await;
    assert_eq!(after["code"], "520201011", "one past the highest segment in use");
}

#[tokio::test]
async fn anyone_logged_in_browses_the_tree_by_parent_level_and_code() {
    let app = spawn_app().await;
    let [district, street, community, grid, _] = app.small_tree().await;
    let resident = app.register_resident().await;
    app.create_place("grid", "商务楼宇网格", Some(str_of(&community, "id")), json!({"kind": "dedicated"})).await;

    let path = format!("/api/v1/places?parent_id={}", str_of(&community, "id"));
    let grids = app.get(&path, &resident.token).await;
    let items = grids.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], grid["id"]);
    assert_eq!(items[1]["kind"], "dedicated");
    assert_eq!(codes_of(&items[1]["path"])[..3], ["520201", "520201001", "520201001001"]);

    let streets = app.get("/api/v1/places?level=street", &resident.token).await;
    let streets = streets.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(streets.len(), 1);
    assert_eq!(streets[0]["id"], street["id"]);

    let roots = app.get("/api/v1/places", &resident.token).await;
    assert_eq!(roots.expect_status(200)["items"][0]["id"], district["id"]);

    let found = app.get("/api/v1/places/by-code/520201001001001", &resident.token).await;
    assert_eq!(found.expect_status(200)["id"], grid["id"]);
    let one = app.get(&format!("/api/v1/places/{}", str_of(&street, "id")), &resident.token).await;
    assert_eq!(one.expect_status(200)["name"], "荷泉街道");

    assert_error(&app.get("/api/v1/places/by-code/999999", &resident.token).await, 404, "not_found");
    assert_error(&app.get("/api/v1/places/987654", &resident.token).await, 404, "not_found");
    assert_invalid_field(&app.get("/api/v1/places?level=village", &resident.token).await, "level");
    assert_error(&app.get_anon("/api/v1/places").await, 401, "missing_token");
}

#[tokio::test]
async fn a_community_made_the_old_way_is_a_place_and_keeps_its_id() {
    let app = spawn_app().await;
    let [_, street, ..] = app.small_tree().await;
    let admin = app.admin_token().await;
    let body = json!({"name": "老社区", "code": "LEGACY0001", "street_code": "520201001"});
    let community = app.post("/api/v1/admin/communities", &admin, &body).await.expect_status(201).clone();
    let place = app.get(&format!("/api/v1/places/{}", str_of(&community, "id")), &admin).await;
    let place = place.expect_status(200);
    assert_eq!(place["level"], "community");
    assert_eq!(place["code"], "LEGACY0001");
    assert_eq!(place["parent_id"], street["id"], "placed under the street of its street_code");

    let grid =
        app.create_place("grid", "老网格", Some(str_of(&community, "id")), json!({"kind": "comprehensive"})).await;
    assert_eq!(grid["code"], "LEGACY0001001");
    let taken =
        json!({"level": "community", "name": "重复", "parent_id": str_of(&street, "id"), "code": "520201001001"});
    assert_error(&app.post("/api/v1/admin/places", &admin, &taken).await, 409, "already_exists");
    let clash = json!({"name": "撞码", "code": "520201001001"});
    assert_error(&app.post("/api/v1/admin/communities", &admin, &clash).await, 409, "already_exists");

    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    assert_eq!(wish["community_id"], w.community_id.as_str(), "community ids stay valid for wishes");
    let listed = app.get("/api/v1/communities?limit=100", &admin).await;
    let ids: Vec<String> =
        listed.expect_status(200)["items"].as_array().unwrap().iter().map(|c| str_of(c, "id").to_owned()).collect();
    assert!(ids.contains(&w.community_id));
}

#[tokio::test]
async fn creating_places_refuses_wrong_levels_kinds_codes_and_callers() {
    let app = spawn_app().await;
    let [district, street, community, grid, _] = app.small_tree().await;
    let admin = app.admin_token().await;
    let post = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move { app.post("/api/v1/admin/places", &admin, &body).await }
    };
    let (d, s, c, g) = (str_of(&district, "id"), str_of(&street, "id"), str_of(&community, "id"), str_of(&grid, "id"));
    assert_invalid_field(
        &post(json!({"level": "grid", "name": "跳级", "parent_id": s, "kind": "comprehensive"})).await,
        "parent_id",
    );
    assert_invalid_field(&post(json!({"level": "grid", "name": "无类型", "parent_id": c})).await, "kind");
    assert_invalid_field(
        &post(json!({"level": "unit", "name": "有类型", "parent_id": g, "kind": "dedicated"})).await,
        "kind",
    );
    assert_invalid_field(
        &post(json!({"level": "street", "name": "乱码", "parent_id": d, "code": "520202001"})).await,
        "code",
    );
    assert_invalid_field(
        &post(json!({"level": "street", "name": "零段", "parent_id": d, "code": "520201000"})).await,
        "code",
    );
    assert_invalid_field(&post(json!({"level": "district", "name": "无码区"})).await, "code");
    assert_invalid_field(
        &post(json!({"level": "district", "name": "有上级", "code": "520202", "parent_id": d})).await,
        "parent_id",
    );
    assert_invalid_field(&post(json!({"level": "street", "name": "无上级"})).await, "parent_id");
    assert_invalid_field(&post(json!({"level": "street", "name": "", "parent_id": d})).await, "name");
    assert_invalid_field(&post(json!({"level": "street", "name": "外星", "parent_id": "99999"})).await, "parent_id");
    assert_invalid_field(&post(json!({"level": "planet", "name": "外星"})).await, "level");
    assert_error(&post(json!({"level": "district", "name": "重复区", "code": "520201"})).await, 409, "already_exists");

    let w = app.world().await;
    let body = json!({"level": "street", "name": "越权", "parent_id": d});
    for token in [&w.dispatcher.token, &w.member.token, &w.resident.token] {
        assert_error(&app.post("/api/v1/admin/places", token, &body).await, 403, "forbidden");
    }
    let children = app.get(&format!("/api/v1/places?parent_id={d}"), &admin).await;
    assert_eq!(children.expect_status(200)["items"].as_array().unwrap().len(), 1, "nothing refused was created");
}

#[tokio::test]
async fn renaming_a_community_renames_it_in_the_community_list_too() {
    let app = spawn_app().await;
    let [_, _, community, grid, _] = app.small_tree().await;
    let admin = app.admin_token().await;
    let path = format!("/api/v1/admin/places/{}", str_of(&community, "id"));
    let renamed = app.patch(&path, &admin, &json!({"name": " 幸福社区 "})).await;
    assert_eq!(renamed.expect_status(200)["name"], "幸福社区");
    let list = app.get("/api/v1/communities", &admin).await;
    let listed = list.expect_status(200)["items"].as_array().unwrap().clone();
    assert!(listed.iter().any(|c| c["id"] == community["id"] && c["name"] == "幸福社区"), "{listed:?}");

    let grid_path = format!("/api/v1/admin/places/{}", str_of(&grid, "id"));
    let rekinded = app.patch(&grid_path, &admin, &json!({"kind": "dedicated"})).await;
    assert_eq!(rekinded.expect_status(200)["kind"], "dedicated");
    assert_invalid_field(&app.patch(&path, &admin, &json!({"kind": "dedicated"})).await, "kind");
    assert_invalid_field(&app.patch(&path, &admin, &json!({"name": ""})).await, "name");
    let w = app.world().await;
    assert_error(&app.patch(&path, &w.dispatcher.token, &json!({"name": "越权"})).await, 403, "forbidden");
    assert_error(&app.patch("/api/v1/admin/places/98765", &admin, &json!({"name": "无"})).await, 404, "not_found");
}

#[tokio::test]
async fn moving_a_community_recodes_it_and_everything_under_it() {
    let app = spawn_app().await;
    let [district, street, community, grid, unit] = app.small_tree().await;
    let admin = app.admin_token().await;
    let other = app.create_place("street", "黄土坡街道", Some(str_of(&district, "id")), json!({})).await;
    app.create_place("community", "先来社区", Some(str_of(&other, "id")), json!({})).await;

    let path = format!("/api/v1/admin/places/{}", str_of(&community, "id"));
    let moved = app.patch(&path, &admin, &json!({"parent_id": str_of(&other, "id")})).await;
    let moved = moved.expect_status(200);
    assert_eq!(moved["code"], "520201002002");
    assert_eq!(moved["parent_id"], other["id"]);
    let unit_now = app.get(&format!("/api/v1/places/{}", str_of(&unit, "id")), &admin).await;
    assert_eq!(unit_now.expect_status(200)["code"], "520201002002001001");
    let grid_now = app.get("/api/v1/places/by-code/520201002002001", &admin).await;
    assert_eq!(grid_now.expect_status(200)["id"], grid["id"]);
    assert_error(&app.get("/api/v1/places/by-code/520201001001", &admin).await, 404, "not_found");
    let list = app.get("/api/v1/communities", &admin).await;
    let listed = list.expect_status(200)["items"].as_array().unwrap().clone();
    assert!(
        listed
            .iter()
            .any(|c| c["id"] == community["id"] && c["code"] == "520201002002" && c["street_code"] == "520201002")
    );

    assert_invalid_field(&app.patch(&path, &admin, &json!({"parent_id": str_of(&district, "id")})).await, "parent_id");
    let district_path = format!("/api/v1/admin/places/{}", str_of(&district, "id"));
    assert_invalid_field(
        &app.patch(&district_path, &admin, &json!({"parent_id": str_of(&street, "id")})).await,
        "parent_id",
    );
}

#[tokio::test]
async fn a_place_with_open_work_cannot_be_retired_and_a_retired_one_stays_in_history() {
    let app = spawn_app().await;
    let [_, street, community, grid, unit] = app.small_tree().await;
    let admin = app.admin_token().await;
    let retire = |id: &Value| format!("/api/v1/admin/places/{}/retire", id.as_str().unwrap());

    let refused = app.post(&retire(&street["id"]), &admin, &json!({})).await;
    assert_error(&refused, 409, "place_in_use");
    assert!(refused.body["error"]["message"].as_str().unwrap().contains("下级"));

    let resident = app.register_resident().await;
    let wish = app.post_wish(&resident.token, str_of(&community, "id")).await;
    for place in [&unit, &grid] {
        let done = app.post(&retire(&place["id"]), &admin, &json!({})).await;
        assert!(done.expect_status(200)["retired_at"].is_string());
    }
    let refused = app.post(&retire(&community["id"]), &admin, &json!({})).await;
    assert_error(&refused, 409, "place_in_use");
    assert!(refused.body["error"]["message"].as_str().unwrap().contains("心愿"));

    app.act_ok(&resident.token, str_of(&wish, "id"), "cancel", json!({})).await;
    let retired = app.post(&retire(&community["id"]), &admin, &json!({})).await;
    let retired = retired.expect_status(200).clone();
    assert!(retired["retired_at"].is_string());
    let again = app.post(&retire(&community["id"]), &admin, &json!({})).await;
    assert_eq!(again.expect_status(200)["retired_at"], retired["retired_at"], "retiring twice changes nothing");

    let kept = app.get(&format!("/api/v1/places/{}", str_of(&grid, "id")), &admin).await;
    assert!(kept.expect_status(200)["retired_at"].is_string(), "a retired place is still shown");
    let events = app.events(&resident.token, str_of(&wish, "id")).await;
    assert_eq!(events.len(), 2, "the wish's history is untouched");

    let body =
        json!({"level": "grid", "name": "新网格", "parent_id": str_of(&community, "id"), "kind": "comprehensive"});
    assert_error(&app.post("/api/v1/admin/places", &admin, &body).await, 409, "place_in_use");
    let path = format!("/api/v1/admin/places/{}", str_of(&community, "id"));
    assert_error(&app.patch(&path, &admin, &json!({"name": "复活"})).await, 409, "place_in_use");
    let recoded = app.create_place("community", "接替社区", Some(str_of(&street, "id")), json!({})).await;
    assert_eq!(recoded["code"], "520201001002", "a retired place's code is never reused");
    let w = app.world().await;
    assert_error(&app.post(&retire(&street["id"]), &w.dispatcher.token, &json!({})).await, 403, "forbidden");
}

fn square(lng: f64, lat: f64, size: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]]})
}

#[tokio::test]
async fn a_resident_finds_their_grid_from_a_point_inside_its_boundary() {
    let app = spawn_app().await;
    let [_, _, community, grid, _] = app.small_tree().await;
    let admin = app.admin_token().await;
    let c = str_of(&community, "id");
    let market = app
        .create_place(
            "grid",
            "菜市场专属网格",
            Some(c),
            json!({"kind": "dedicated", "boundary": square(104.83, 26.59, 0.01)}),
        )
        .await;
    assert_eq!(market["boundary"]["type"], "Polygon");
    let path = format!("/api/v1/admin/places/{}", str_of(&grid, "id"));
    let bounded = app.patch(&path, &admin, &json!({"boundary": square(104.80, 26.58, 0.01)})).await;
    assert_eq!(bounded.expect_status(200)["boundary"]["coordinates"][0][0], json!([104.80, 26.58]));
    let unit = app
        .create_place(
            "unit",
            "三号楼十联户",
            Some(str_of(&grid, "id")),
            json!({"households": ["3栋1单元101", " 3栋1单元102 "]}),
        )
        .await;
    assert_eq!(unit["households"], json!(["3栋1单元101", "3栋1单元102"]));

    let resident = app.register_resident().await;
    let found = app.get("/api/v1/places/locate?lng=104.835&lat=26.595", &resident.token).await;
    assert_eq!(found.expect_status(200)["id"], market["id"]);
    let found = app.get("/api/v1/places/locate?lng=104.805&lat=26.585", &resident.token).await;
    assert_eq!(found.expect_status(200)["id"], grid["id"]);
    assert_error(&app.get("/api/v1/places/locate?lng=100.0&lat=20.0", &resident.token).await, 404, "not_found");
    assert_invalid_field(&app.get("/api/v1/places/locate?lng=200&lat=20", &resident.token).await, "lng");

    let open_ring = json!({"type": "Polygon", "coordinates": [[[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0]]]});
    assert_invalid_field(&app.patch(&path, &admin, &json!({"boundary": open_ring})).await, "boundary");
    let community_path = format!("/api/v1/admin/places/{c}");
    assert_invalid_field(
        &app.patch(&community_path, &admin, &json!({"boundary": square(1.0, 1.0, 1.0)})).await,
        "boundary",
    );
    assert_invalid_field(&app.patch(&path, &admin, &json!({"households": ["一户"]})).await, "households");
}
