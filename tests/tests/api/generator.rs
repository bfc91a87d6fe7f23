//! `haolin generate --seed N --scale small`: a consistent, deterministic district (every code
//! unique and derived from its parent's, every wish in a grid of its community), usable at once
//! by the server on the same database.

use std::collections::{HashMap, HashSet};

use haolin_tests::{TestApp, binary_path, spawn_app, str_of, urlencode};
use serde_json::Value;

async fn generate(app: &TestApp, seed: u64) -> String {
    let out = tokio::process::Command::new(binary_path())
        .args(["generate", "--seed", &seed.to_string(), "--scale", "small"])
        .env("DATABASE_URL", &app.database_url)
        .env("HAOLIN_DATA_DIR", app.data_dir())
        .output()
        .await
        .expect("run haolin generate");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "generate failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

async fn all_places(app: &TestApp, token: &str, level: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/places?level={level}&limit=100");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", urlencode(c)));
        }
        let body = app.get(&path, token).await.expect_status(200).clone();
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

#[tokio::test]
async fn the_small_district_is_consistent_and_the_same_for_the_same_seed() {
    let app = spawn_app().await;
    let report = generate(&app, 3).await;
    assert!(report.contains("2000 wishes"), "{report}");
    let admin = app.admin_token().await;

    let mut codes = HashSet::new();
    let mut by_id: HashMap<String, Value> = HashMap::new();
    for (level, count) in [("district", 1), ("street", 2), ("community", 4), ("grid", 20), ("unit", 150)] {
        let places = all_places(&app, &admin, level).await;
        assert_eq!(places.len(), count, "{level}s");
        for p in places {
            assert!(codes.insert(str_of(&p, "code").to_owned()), "code {} is not unique", p["code"]);
            by_id.insert(str_of(&p, "id").to_owned(), p);
        }
    }
    for p in by_id.values() {
        let Some(parent) = p["parent_id"].as_str() else {
            assert_eq!(p["code"], "520201");
            continue;
        };
        let parent_code = str_of(&by_id[parent], "code");
        let code = str_of(p, "code");
        assert!(code.len() == parent_code.len() + 3 && code.starts_with(parent_code), "{code} under {parent_code}");
    }
    let dedicated = by_id.values().filter(|p| p["kind"] == "dedicated").count();
    assert_eq!(dedicated, 2);

    let wishes = app.list_all_wishes(&admin, "").await;
    assert_eq!(wishes.len(), 2000);
    let mut statuses = HashSet::new();
    for w in &wishes {
        let grid = &by_id[str_of(w, "grid_id")];
        assert_eq!(grid["level"], "grid");
        assert_eq!(grid["parent_id"], w["community_id"], "wish {} lies in a grid of its community", w["id"]);
        statuses.insert(str_of(w, "status").to_owned());
    }
    for s in ["pending_review", "open", "claimed", "fulfilled", "confirmed", "rejected", "cancelled"] {
        assert!(statuses.contains(s), "some wish is {s}");
    }
    let sample = &wishes[0];
    let events = app.get(&format!("/api/v1/wishes/{}/events", str_of(sample, "id")), &admin).await;
    assert_eq!(events.expect_status(200)["items"][0]["action"], "post");

    // Generated accounts work: the first community's dispatcher sees its checked-in members.
    let login = app.login("13400000000", "haolin123").await;
    let token = str_of(&login, "access_token").to_owned();
    let grants = login["user"]["grants"].as_array().unwrap();
    let dispatching = grants.iter().find(|g| g["role"] == "dispatcher").expect("a dispatcher grant");
    let community = str_of(dispatching, "community_id").to_owned();
    let figures = app.get(&format!("/api/v1/communities/{community}/checkin-stats"), &token).await;
    let figures = figures.expect_status(200);
    assert_eq!(figures["members_checked_in"], 15);
    assert_eq!(figures["units_checked_in"], 4);
    assert!(figures["wishes_claimed"].as_i64().unwrap() > 0);

    // The party organisations: a committee per street, a branch per community, one per
    // comprehensive grid, each under the organisation of the place above.
    let committees = app.get("/api/v1/party-orgs", &token).await;
    let committees = committees.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(committees.len(), 2);
    for committee in &committees {
        let branches = app.get(&format!("/api/v1/party-orgs?parent_id={}", str_of(committee, "id")), &token).await;
        let branches = branches.expect_status(200)["items"].as_array().unwrap().clone();
        assert_eq!(branches.len(), 2, "two communities per street");
        for branch in &branches {
            assert_eq!(branch["parent_id"], committee["id"]);
            let grids = app.get(&format!("/api/v1/party-orgs?parent_id={}", str_of(branch, "id")), &token).await;
            for grid_org in grids.expect_status(200)["items"].as_array().unwrap() {
                assert_eq!(grid_org["parent_id"], branch["id"]);
                assert_eq!(grid_org["place"]["level"], "grid");
            }
        }
    }
    // Residents registered their homes: a grid.
    let resident = app.login("13500000000", "haolin123").await;
    let me = app.get("/api/v1/me", str_of(&resident, "access_token")).await;
    assert_eq!(me.expect_status(200)["home"]["level"], "grid");

    let twin = spawn_app().await;
    generate(&twin, 3).await;
    let twin_admin = twin.admin_token().await;
    let names = |places: Vec<Value>| places.iter().map(|p| format!("{}={}", p["code"], p["name"])).collect::<Vec<_>>();
    assert_eq!(
        names(all_places(&twin, &twin_admin, "community").await),
        names(all_places(&app, &admin, "community").await),
        "the same seed gives the same district"
    );
    let again = tokio::process::Command::new(binary_path())
        .args(["generate", "--seed", "3", "--scale", "small"])
        .env("DATABASE_URL", &app.database_url)
        .env("HAOLIN_DATA_DIR", app.data_dir())
        .output()
        .await
        .unwrap();
    assert!(!again.status.success(), "a second district with the same codes is refused");
}
