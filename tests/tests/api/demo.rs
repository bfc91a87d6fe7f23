//! Demo data (`HAOLIN_DEMO=1`): the accounts of CONTRACT-NOTES.md and wishes in every status,
//! departments, a street officer and work orders in every status, seeded once.

use std::collections::BTreeSet;

use haolin_tests::{TestApp, spawn_app_with, str_of};
use serde_json::Value;

const DEMO_PASSWORD: &str = "haolin123";
const ACCOUNTS: [(&str, &str, &str); 6] = [
    ("13800000000", "区管理员", "admin"),
    ("13800000001", "王派单", "dispatcher"),
    ("13800000002", "李党员", "member"),
    ("13800000003", "张党员", "member"),
    ("13800000011", "赵阿姨", "resident"),
    ("13800000012", "钱大爷", "resident"),
];
const STATUSES: [&str; 8] =
    ["pending_review", "rejected", "open", "assigned", "claimed", "fulfilled", "confirmed", "cancelled"];

const ORDER_STATUSES: [&str; 10] = [
    "reported",
    "accepted",
    "declined",
    "escalated",
    "dispatched",
    "signed",
    "returned",
    "resolved",
    "reopened",
    "closed",
];

async fn demo_app() -> TestApp {
    // No configured admin: the demo seeds only an empty database.
    spawn_app_with(|env| {
        env.set("HAOLIN_DEMO", "1").remove("HAOLIN_ADMIN_PHONE").remove("HAOLIN_ADMIN_PASSWORD");
    })
    .await
}

async fn dispatcher_view(app: &TestApp) -> (Vec<Value>, Vec<Value>) {
    let login = app.login("13800000001", DEMO_PASSWORD).await;
    let token = str_of(&login, "access_token");
    let wishes = app.list_all_wishes(token, "").await;
    let resp = app.get("/api/v1/communities", token).await;
    let communities = resp.expect_status(200)["items"].as_array().unwrap().clone();
    (wishes, communities)
}

#[tokio::test]
async fn the_demo_accounts_log_in_with_their_roles_and_wishes_exist_in_every_status() {
    let app = demo_app().await;
    let mut community_id = None;
    for (phone, name, role) in ACCOUNTS {
        let login = app.login(phone, DEMO_PASSWORD).await;
        let me = app.get("/api/v1/me", str_of(&login, "access_token")).await;
        let me = me.expect_status(200);
        assert_eq!(me["name"], name, "{me}");
        let roles = me["roles"].as_array().unwrap();
        assert!(roles.contains(&Value::from(role)), "{phone} lacks {role}: {me}");
        if role == "dispatcher" || role == "member" {
            let ids = me["community_ids"].as_array().unwrap();
            assert_eq!(ids.len(), 1, "{me}");
            community_id.get_or_insert_with(|| ids[0].clone());
            assert_eq!(Some(&ids[0]), community_id.as_ref(), "all in the same community");
        }
    }
    let (wishes, communities) = dispatcher_view(&app).await;
    let c = communities
        .iter()
        .find(|c| c["code"] == "520201001001")
        .unwrap_or_else(|| panic!("no community 520201001001 in {communities:?}"));
    assert_eq!(c["name"], "和平社区");
    assert_eq!(Some(&c["id"]), community_id.as_ref());
    let statuses: BTreeSet<&str> = wishes.iter().map(|w| str_of(w, "status")).collect();
    for s in STATUSES {
        assert!(statuses.contains(s), "no demo wish in {s}: {statuses:?}");
    }
    // The demo residents see their own wishes.
    let login = app.login("13800000011", DEMO_PASSWORD).await;
    let mine = app.list_all_wishes(str_of(&login, "access_token"), "mine=true").await;
    assert!(!mine.is_empty(), "赵阿姨 has no wishes");
}

#[tokio::test]
async fn the_demo_has_the_grid_hierarchy_party_organisations_check_ins_and_homes() {
    let app = demo_app().await;
    let token = |login: Value| str_of(&login, "access_token").to_owned();
    let zhao = token(app.login("13800000011", DEMO_PASSWORD).await);
    let me = app.get("/api/v1/me", &zhao).await;
    let home = &me.expect_status(200)["home"];
    assert_eq!(home["code"], "520201001001001001");
    let path: Vec<&str> = home["path"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(path, ["钟山区", "荷泉街道", "和平社区", "第一网格", "1栋十联户"]);
    let located = app.get("/api/v1/places/locate?lng=106.832&lat=26.592", &zhao).await;
    assert_eq!(located.expect_status(200)["name"], "第一网格");
    let mine = app.list_all_wishes(&zhao, "mine=true").await;
    assert!(mine.iter().all(|w| w["grid"]["name"] == "第一网格"), "demo wishes carry their grid");

    let committees = app.get("/api/v1/party-orgs", &zhao).await;
    assert_eq!(committees.expect_status(200)["items"][0]["name"], "荷泉街道党工委");
    let unit = str_of(home, "id");
    let household = app.get(&format!("/api/v1/party-orgs?place_id={unit}"), &zhao).await;
    let household = &household.expect_status(200)["items"][0];
    assert_eq!(household["level"], "central_household");
    assert_eq!(household["path"].as_array().unwrap().len(), 4, "under the group, branch and committee");

    let dispatcher = token(app.login("13800000001", DEMO_PASSWORD).await);
    let pending = app.get("/api/v1/checkins?status=pending", &dispatcher).await;
    let pending = pending.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["member"]["name"], "周党员");
    let approved = app.get("/api/v1/checkins?status=approved", &dispatcher).await;
    assert_eq!(approved.expect_status(200)["items"].as_array().unwrap().len(), 2);
    let community = str_of(&pending[0], "community_id");
    let figures = app.get(&format!("/api/v1/communities/{community}/checkin-stats"), &dispatcher).await;
    assert_eq!(figures.expect_status(200)["units_checked_in"], 1);
    assert_eq!(figures.body["members_checked_in"], 2);

    let worker = token(app.login("13800000004", DEMO_PASSWORD).await);
    let me = app.get("/api/v1/me", &worker).await;
    assert_eq!(me.expect_status(200)["place_roles"][0]["role"], "grid_worker");
    let head = token(app.login("13800000006", DEMO_PASSWORD).await);
    let mut body = app.wish_body(community);
    body["resident_id"] = me_id(&app, &zhao).await;
    let filed = app.post("/api/v1/wishes", &head, &body).await;
    assert_eq!(filed.expect_status(201)["grid"]["name"], "第一网格", "the household head files for 赵阿姨");
}

#[tokio::test]
async fn the_demo_has_departments_a_street_officer_and_work_orders_in_every_status() {
    let app = demo_app().await;
    let token = |login: Value| str_of(&login, "access_token").to_owned();
    let officer = token(app.login("13800000007", DEMO_PASSWORD).await);
    let me = app.get("/api/v1/me", &officer).await;
    let held = &me.expect_status(200)["place_roles"][0];
    assert_eq!(held["role"], "street_officer", "{me:?}");
    assert_eq!(held["place"]["name"], "荷泉街道");
    let street = str_of(&held["place"], "id").to_owned();

    let departments = app.get("/api/v1/departments", &officer).await;
    let departments = departments.expect_status(200)["items"].as_array().unwrap().clone();
    let names: BTreeSet<&str> = departments.iter().map(|d| str_of(d, "name")).collect();
    for name in ["区城管局", "区住建局", "区水务局", "区供电局", "荷泉街道综合执法队"] {
        assert!(names.contains(name), "no department {name}: {names:?}");
    }
    let street_department = departments.iter().find(|d| d["name"] == "荷泉街道综合执法队").unwrap();
    assert_eq!(street_department["place_id"].as_str(), Some(street.as_str()), "the street's own department");

    // The street officer sees every order of the street: one in each status.
    let mut orders: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/work-orders?street_id={street}&limit=100");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", haolin_tests::urlencode(c)));
        }
        let page = app.get(&path, &officer).await.expect_status(200).clone();
        orders.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let statuses: BTreeSet<&str> = orders.iter().map(|o| str_of(o, "status")).collect();
    for s in ORDER_STATUSES {
        assert!(statuses.contains(s), "no demo order in {s}: {statuses:?}");
    }
    let overdue = orders.iter().find(|o| o["overdue"] == true).expect("an overdue order");
    assert_eq!(overdue["status"], "dispatched");
    assert!(overdue["supervised"].as_bool().unwrap(), "flagged overdue is supervised: {overdue}");
    let events = app.get(&format!("/api/v1/work-orders/{}/events", str_of(overdue, "id")), &officer).await;
    let flag = events.expect_status(200)["items"].as_array().unwrap().iter().find(|e| e["action"] == "flag_overdue");
    assert!(flag.is_some_and(|e| e["actor"].is_null()), "flagged by the system: {}", events.text);
    let whistled = orders
        .iter()
        .find(|o| o["departments"].as_array().is_some_and(|d| d.len() == 2) && o["status"] == "signed")
        .expect("a live order whistled to a lead department and a co-handler");
    assert!(whistled["supervised"].as_bool().unwrap() && whistled["overdue"] == false, "supervised by the street");
    assert!(whistled["supervision_note"].is_string(), "{whistled}");
    assert_eq!(whistled["departments"][0]["lead"], true);

    // Both departments' staff find the whistled order; the lead's staff may resolve it.
    for (phone, lead) in [("13800000009", true), ("13800000008", false)] {
        let staff = token(app.login(phone, DEMO_PASSWORD).await);
        let order = app.get(&format!("/api/v1/work-orders/{}", str_of(whistled, "id")), &staff).await;
        let actions = order.expect_status(200)["actions"].as_array().unwrap().clone();
        assert_eq!(actions.contains(&Value::from("resolve")), lead, "{phone}: {actions:?}");
    }

    // The officer reads the street's scorecard; it counts the demo's history.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let from = today - chrono::Duration::days(60);
    let card = app
        .get(&format!("/api/v1/work-orders/scorecard?unit=street&id={street}&from={from}&to={today}"), &officer)
        .await;
    let total = &card.expect_status(200)["total"];
    assert_eq!(total["received"], orders.len(), "{total}");
    assert_eq!(total["whistles"], 2, "{total}");
    assert_eq!(total["whistle_assignments"], 4, "{total}");
    assert_eq!(total["visited"], 3, "{total}");
    assert_eq!(total["satisfied"], 1, "{total}");
    assert_eq!(total["basic"], 1, "{total}");
    assert_eq!(total["supervised"], 2, "a person's supervision and the system's flag: {total}");
    assert!(total["response_rate"].as_f64().is_some(), "{total}");
}

async fn me_id(app: &TestApp, token: &str) -> Value {
    app.get("/api/v1/me", token).await.body["id"].clone()
}

#[tokio::test]
async fn starting_the_demo_twice_on_the_same_database_does_not_duplicate_it() {
    let mut app = demo_app().await;
    let (wishes, communities) = dispatcher_view(&app).await;
    let mut first: Vec<String> = wishes.iter().map(|w| str_of(w, "id").to_owned()).collect();
    first.sort();
    app.restart().await;
    let (wishes, again) = dispatcher_view(&app).await;
    let mut second: Vec<String> = wishes.iter().map(|w| str_of(w, "id").to_owned()).collect();
    second.sort();
    assert_eq!(first, second, "the demo wishes changed on restart");
    assert_eq!(communities, again, "the communities changed on restart");
    // Still one account per demo phone: registering one is a conflict, logging in works.
    for (phone, _, _) in ACCOUNTS {
        app.login(phone, DEMO_PASSWORD).await;
        let body = serde_json::json!({"phone": phone, "password": "another-password", "name": "重复"});
        let resp = app.post_anon("/api/v1/auth/register", &body).await;
        haolin_tests::assert_error(&resp, 409, "already_exists");
    }
}

#[tokio::test]
async fn without_the_demo_flag_the_database_starts_empty() {
    let app = spawn_app_with(|_| {}).await;
    let resp = app
        .post_anon("/api/v1/auth/login", &serde_json::json!({"phone": "13800000001", "password": DEMO_PASSWORD}))
        .await;
    haolin_tests::assert_error(&resp, 401, "invalid_credentials");
    let admin = app.admin_token().await;
    let resp = app.get("/api/v1/communities", &admin).await;
    assert_eq!(resp.expect_status(200)["items"], serde_json::json!([]));
}
