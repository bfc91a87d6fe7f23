//! Party organisations of the four-level architecture: a street committee → community branch →
//! grid branch or party group → central household, each at a place of its level and under the
//! organisation of the place above; refusals, retiring, and the parent following a moved place.

use haolin_tests::{ApiResponse, TestApp, assert_error, assert_invalid_field, spawn_app, str_of};
use serde_json::{Value, json};

async fn create(app: &TestApp, level: &str, name: &str, place: &Value, leader: Option<&str>) -> ApiResponse {
    let admin = app.admin_token().await;
    let mut body = json!({"level": level, "name": name, "place_id": place["id"]});
    if let Some(leader) = leader {
        body["leader_id"] = json!(leader);
    }
    app.post("/api/v1/admin/party-orgs", &admin, &body).await
}

async fn retire(app: &TestApp, org: &Value) -> ApiResponse {
    let admin = app.admin_token().await;
    app.post(&format!("/api/v1/admin/party-orgs/{}/retire", str_of(org, "id")), &admin, &json!({})).await
}

fn names(list: &ApiResponse) -> Vec<String> {
    list.expect_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_four_levels_are_built_top_down_with_their_paths() {
    let app = spawn_app().await;
    let [_, street, community, grid, unit] = app.small_tree().await;
    let member = app.create_actor(&["member"], &[str_of(&community, "id")]).await;

    let committee = create(&app, "street_committee", "荷泉街道党工委", &street, None).await;
    let committee = committee.expect_status(201).clone();
    assert_eq!(committee["parent_id"], Value::Null);
    assert_eq!(committee["place"]["code"], "520201001");
    let branch = create(&app, "community_branch", "和平社区党支部", &community, None).await.expect_status(201).clone();
    assert_eq!(branch["parent_id"], committee["id"]);
    let group = create(&app, "party_group", "第一网格党小组", &grid, None).await.expect_status(201).clone();
    assert_eq!(group["parent_id"], branch["id"]);
    let household = create(&app, "central_household", "张家党员中心户", &unit, Some(&member.id)).await;
    let household = household.expect_status(201).clone();
    assert_eq!(household["parent_id"], group["id"]);
    assert_eq!(household["leader"]["id"], member.id.as_str());
    let path: Vec<&str> = household["path"].as_array().unwrap().iter().map(|o| o["level"].as_str().unwrap()).collect();
    assert_eq!(path, ["street_committee", "community_branch", "party_group", "central_household"]);

    // Browsing, as anyone logged in.
    let resident = app.register_resident().await;
    assert_eq!(names(&app.get("/api/v1/party-orgs", &resident.token).await), ["荷泉街道党工委"]);
    let under = app.get(&format!("/api/v1/party-orgs?parent_id={}", str_of(&committee, "id")), &resident.token).await;
    assert_eq!(names(&under), ["和平社区党支部"]);
    let at = app.get(&format!("/api/v1/party-orgs?place_id={}", str_of(&unit, "id")), &resident.token).await;
    assert_eq!(names(&at), ["张家党员中心户"]);
    let one = app.get(&format!("/api/v1/party-orgs/{}", str_of(&household, "id")), &resident.token).await;
    assert_eq!(one.expect_status(200), &household);

    // Rename and change the leader.
    let admin = app.admin_token().await;
    let renamed = app
        .patch(
            &format!("/api/v1/admin/party-orgs/{}", str_of(&group, "id")),
            &admin,
            &json!({"name": "第一网格党支部"}),
        )
        .await;
    assert_eq!(renamed.expect_status(200)["name"], "第一网格党支部");
}

#[tokio::test]
async fn organisations_in_the_wrong_place_or_without_a_parent_are_refused() {
    let app = spawn_app().await;
    let [district, street, community, grid, unit] = app.small_tree().await;
    // No committee at the street yet: a community branch has nothing to sit under.
    assert_invalid_field(&create(&app, "community_branch", "党支部", &community, None).await, "place_id");
    assert_invalid_field(&create(&app, "street_committee", "党工委", &district, None).await, "place_id");
    assert_invalid_field(&create(&app, "grid_branch", "党支部", &community, None).await, "place_id");
    create(&app, "street_committee", "荷泉街道党工委", &street, None).await.expect_status(201);
    assert_error(&create(&app, "street_committee", "第二个党工委", &street, None).await, 409, "already_exists");
    create(&app, "community_branch", "和平社区党支部", &community, None).await.expect_status(201);
    create(&app, "grid_branch", "网格党支部", &grid, None).await.expect_status(201);
    assert_invalid_field(&create(&app, "central_household", "中心户", &unit, None).await, "leader_id");
    assert_invalid_field(&create(&app, "central_household", "中心户", &unit, Some("999999")).await, "leader_id");
    assert_invalid_field(&create(&app, "party_group", "", &grid, None).await, "name");
    assert_invalid_field(&create(&app, "brigade", "x", &grid, None).await, "level");

    let resident = app.register_resident().await;
    let body = json!({"level": "street_committee", "name": "x", "place_id": street["id"]});
    assert_error(&app.post("/api/v1/admin/party-orgs", &resident.token, &body).await, 403, "forbidden");
    let listed = app.get(&format!("/api/v1/party-orgs?place_id={}", str_of(&unit, "id")), &resident.token).await;
    assert!(names(&listed).is_empty(), "nothing was created by the refusals");
}

#[tokio::test]
async fn retiring_keeps_history_and_is_refused_while_work_remains_below() {
    let app = spawn_app().await;
    let [_, street, community, _, _] = app.small_tree().await;
    let committee = create(&app, "street_committee", "荷泉街道党工委", &street, None).await.expect_status(201).clone();
    let branch = create(&app, "community_branch", "和平社区党支部", &community, None).await.expect_status(201).clone();

    assert_error(&retire(&app, &committee).await, 409, "place_in_use");
    // A place with an organisation in service cannot be retired either.
    let admin = app.admin_token().await;
    let empty = app.create_place("community", "新社区", Some(str_of(&street, "id")), json!({})).await;
    let org = create(&app, "community_branch", "新社区党支部", &empty, None).await.expect_status(201).clone();
    let retire_place = |p: &Value| format!("/api/v1/admin/places/{}/retire", str_of(p, "id"));
    assert_error(&app.post(&retire_place(&empty), &admin, &json!({})).await, 409, "place_in_use");
    let retired = retire(&app, &org).await;
    assert!(retired.expect_status(200)["retired_at"].is_string());
    assert_eq!(retire(&app, &org).await.body["retired_at"], retired.body["retired_at"], "retiring twice is the first");
    app.post(&retire_place(&empty), &admin, &json!({})).await.expect_status(200);

    // A new branch may replace a retired one; history lists both, newest first.
    retire(&app, &branch).await.expect_status(200);
    create(&app, "community_branch", "和平社区第二党支部", &community, None).await.expect_status(201);
    let history = app.get(&format!("/api/v1/party-orgs?place_id={}", str_of(&community, "id")), &admin).await;
    assert_eq!(names(&history), ["和平社区第二党支部", "和平社区党支部"]);
    let rename = app
        .patch(&format!("/api/v1/admin/party-orgs/{}", str_of(&branch, "id")), &admin, &json!({"name": "改名"}))
        .await;
    assert_error(&rename, 409, "place_in_use");
}

#[tokio::test]
async fn an_organisation_follows_its_place_when_the_place_moves() {
    let app = spawn_app().await;
    let [district, street_a, community, _, _] = app.small_tree().await;
    let street_b = app.create_place("street", "大湾街道", Some(str_of(&district, "id")), json!({})).await;
    create(&app, "street_committee", "荷泉街道党工委", &street_a, None).await.expect_status(201);
    let committee_b =
        create(&app, "street_committee", "大湾街道党工委", &street_b, None).await.expect_status(201).clone();
    let branch = create(&app, "community_branch", "和平社区党支部", &community, None).await.expect_status(201).clone();

    let admin = app.admin_token().await;
    let moved = app
        .patch(
            &format!("/api/v1/admin/places/{}", str_of(&community, "id")),
            &admin,
            &json!({"parent_id": street_b["id"]}),
        )
        .await;
    moved.expect_status(200);
    let after = app.get(&format!("/api/v1/party-orgs/{}", str_of(&branch, "id")), &admin).await;
    assert_eq!(after.expect_status(200)["parent_id"], committee_b["id"]);
    assert_eq!(after.body["place"]["code"], moved.body["code"]);
}
