//! The audit log of administrative actions (`GET /api/v1/admin/audit`): every administrative
//! route, walked once from a table, leaves exactly one entry naming its actor, action and target
//! (with where the request came from); refused actions leave none; only admins read the log,
//! filtered and paged; and the table is append-only even against SQL.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use haolin_tests::{Actor, ApiResponse, TestApp, assert_error, assert_invalid_field, is_rfc3339, spawn_app, str_of};
use reqwest::Method;
use serde_json::{Value, json};

/// Every administrative route (only dispatchers, admins or staff may call it, and it changes
/// something) with the audit action it records. The wish actions dispatchers take (approve,
/// reject, dispatch, revoke) are not here: each is recorded, with its actor, in the wish's own
/// append-only event log.
const AUDITED: &[(&str, &str, &str)] = &[
    ("post", "/api/v1/admin/communities", "community_created"),
    ("post", "/api/v1/admin/users", "user_created"),
    ("post", "/api/v1/admin/places", "place_created"),
    ("patch", "/api/v1/admin/places/{id}", "place_updated"),
    ("post", "/api/v1/admin/places/{id}/retire", "place_retired"),
    ("post", "/api/v1/admin/places/import", "places_imported"),
    ("post", "/api/v1/admin/users/{id}/roles", "role_granted"),
    ("delete", "/api/v1/admin/users/{id}/roles", "role_revoked"),
    ("post", "/api/v1/unit-branches", "unit_branch_created"),
    ("post", "/api/v1/unit-branches/{id}/checkins", "unit_branch_checkin_filed"),
    ("post", "/api/v1/unit-branches/{id}/checkins/{checkin_id}/approve", "unit_branch_checkin_approved"),
    ("post", "/api/v1/unit-branches/{id}/checkins/{checkin_id}/reject", "unit_branch_checkin_rejected"),
    ("post", "/api/v1/checkins/{id}/approve", "checkin_approved"),
    ("post", "/api/v1/checkins/{id}/reject", "checkin_rejected"),
    ("post", "/api/v1/admin/party-orgs", "party_org_created"),
    ("patch", "/api/v1/admin/party-orgs/{id}", "party_org_updated"),
    ("post", "/api/v1/admin/party-orgs/{id}/retire", "party_org_retired"),
    ("post", "/api/v1/users/{id}/reset-codes", "reset_code_issued"),
    ("post", "/api/v1/residents", "resident_recorded"),
    ("post", "/api/v1/admin/departments", "department_created"),
    ("post", "/api/v1/admin/departments/{id}/staff", "department_staff_added"),
    ("delete", "/api/v1/admin/departments/{id}/staff", "department_staff_removed"),
    ("put", "/api/v1/admin/calendar/{year}", "calendar_uploaded"),
    ("post", "/api/v1/teams", "team_created"),
    ("post", "/api/v1/admin/time-bank/mint", "hours_minted"),
    ("post", "/api/v1/admin/time-bank/reversals", "transfer_reversed"),
    ("post", "/api/v1/admin/open311-keys", "open311_key_issued"),
    ("post", "/api/v1/admin/open311-keys/{id}/revoke", "open311_key_revoked"),
    ("post", "/api/v1/service-points", "service_point_created"),
    ("put", "/api/v1/service-points/{id}", "service_point_updated"),
    ("post", "/api/v1/service-points/{id}/retire", "service_point_retired"),
    ("post", "/api/v1/admin/property/companies", "property_company_created"),
    ("patch", "/api/v1/admin/property/companies/{id}", "property_company_updated"),
    ("post", "/api/v1/admin/property/companies/{id}/staff", "property_staff_added"),
    ("delete", "/api/v1/admin/property/companies/{id}/staff", "property_staff_removed"),
    ("post", "/api/v1/admin/property/estates", "property_estate_created"),
    ("patch", "/api/v1/admin/property/estates/{id}", "property_estate_updated"),
    ("post", "/api/v1/admin/property/import", "property_imported"),
];

/// The newest entry's id (`None` while the log is empty).
async fn newest_id(app: &TestApp) -> Option<i64> {
    let admin = app.admin_token().await;
    let page = app.get("/api/v1/admin/audit?limit=1", &admin).await;
    page.expect_status(200)["items"].get(0).map(|e| str_of(e, "id").parse::<i64>().unwrap())
}

/// The entries written after `since`, oldest first.
async fn entries_after(app: &TestApp, since: Option<i64>) -> Vec<Value> {
    let admin = app.admin_token().await;
    let page = app.get("/api/v1/admin/audit?limit=100", &admin).await;
    let mut items: Vec<Value> = page.expect_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| Some(str_of(e, "id").parse::<i64>().unwrap()) > since)
        .cloned()
        .collect();
    items.reverse();
    items
}

/// What one walked route must have recorded.
struct Expected<'a> {
    route: (&'static str, &'static str),
    actor: &'a str,
    action: &'static str,
    target_kind: &'static str,
}

/// Walks the administrative routes and checks their entries.
struct Walk<'a> {
    app: &'a TestApp,
    walked: BTreeSet<(&'static str, &'static str)>,
}

impl Walk<'_> {
    /// Sends `request` (expecting `status`) and checks that it left exactly one entry, as
    /// expected, about the target `target` returns from the answer; returns the answer.
    async fn step(
        &mut self,
        expected: Expected<'_>,
        status: u16,
        request: reqwest::RequestBuilder,
        target: impl Fn(&Value) -> Option<String>,
    ) -> Value {
        let before = newest_id(self.app).await;
        let request_id = format!("req-{}", self.app.next_n());
        let resp = self.app.send(request.header("X-Request-Id", &request_id)).await;
        let body = resp.expect_status(status).clone();
        let new = entries_after(self.app, before).await;
        let (method, path) = expected.route;
        assert_eq!(new.len(), 1, "{method} {path} must leave exactly one audit entry: {new:?}");
        let e = &new[0];
        assert_eq!(e["actor_id"], expected.actor, "actor of {method} {path}: {e}");
        assert_eq!(e["action"], expected.action, "action of {method} {path}: {e}");
        assert_eq!(e["target_kind"], expected.target_kind, "target kind of {method} {path}: {e}");
        assert_eq!(e["target_id"].as_str().map(str::to_owned), target(&body), "target of {method} {path}: {e}");
        assert_eq!(e["request_id"], request_id.as_str(), "the request's X-Request-Id: {e}");
        assert_eq!(e["ip"], "127.0.0.1", "the client's address: {e}");
        assert!(is_rfc3339(str_of(e, "at")), "`at` is RFC 3339: {e}");
        assert!(e["details"].is_object(), "details is a JSON object: {e}");
        self.walked.insert(expected.route);
        e.clone()
    }
}

/// A request as `token`, with a JSON body unless `body` is null.
fn req(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> reqwest::RequestBuilder {
    let rb = app.request(method, path, Some(token));
    if body.is_null() { rb } else { rb.json(&body) }
}

fn id_of(v: &Value) -> Option<String> {
    v.get("id").and_then(Value::as_str).map(str::to_owned)
}

async fn admin_id(app: &TestApp) -> String {
    let admin = app.admin_token().await;
    str_of(app.get("/api/v1/me", &admin).await.expect_status(200), "id").to_owned()
}

#[tokio::test]
async fn every_administrative_route_leaves_exactly_its_audit_entry() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let admin_id = admin_id(&app).await;
    let mut walk = Walk { app: &app, walked: BTreeSet::new() };
    let by_admin = |route, action, target_kind| Expected { route, actor: &admin_id, action, target_kind };

    let community = walk
        .step(
            by_admin(("post", "/api/v1/admin/communities"), "community_created", "community"),
            201,
            req(
                &app,
                Method::POST,
                "/api/v1/admin/communities",
                &admin,
                json!({"name": "审计社区", "code": "AUDIT0001"}),
            ),
            id_of,
        )
        .await;
    assert_eq!(community["details"]["code"], "AUDIT0001");
    let phone = app.next_phone();
    let created = walk
        .step(
            by_admin(("post", "/api/v1/admin/users"), "user_created", "user"),
            201,
            req(
                &app,
                Method::POST,
                "/api/v1/admin/users",
                &admin,
                json!({
                    "phone": phone, "password": haolin_tests::PASSWORD, "name": "新调度员",
                    "roles": ["dispatcher"], "community_ids": [community["target_id"]],
                }),
            ),
            id_of,
        )
        .await;
    assert_eq!(created["details"]["roles"], json!(["dispatcher"]));
    assert!(!created.to_string().contains(haolin_tests::PASSWORD), "no password in the log: {created}");

    // The place tree.
    let district = walk
        .step(
            by_admin(("post", "/api/v1/admin/places"), "place_created", "place"),
            201,
            req(
                &app,
                Method::POST,
                "/api/v1/admin/places",
                &admin,
                json!({"level": "district", "name": "钟山区", "code": "520201"}),
            ),
            id_of,
        )
        .await;
    assert_eq!(district["details"]["level"], "district");
    let district_id = district["target_id"].as_str().unwrap().to_owned();
    let street = app.create_place("street", "荷泉街道", Some(&district_id), json!({})).await;
    let place_community = app.create_place("community", "和平社区", Some(str_of(&street, "id")), json!({})).await;
    let cid = str_of(&place_community, "id").to_owned();
    let grid = app.create_place("grid", "第一网格", Some(&cid), json!({"kind": "comprehensive"})).await;
    let grid_id = str_of(&grid, "id").to_owned();
    let renamed = walk
        .step(
            by_admin(("patch", "/api/v1/admin/places/{id}"), "place_updated", "place"),
            200,
            req(
                &app,
                Method::PATCH,
                &format!("/api/v1/admin/places/{grid_id}"),
                &admin,
                json!({"name": "第一网格（新）"}),
            ),
            id_of,
        )
        .await;
    assert_eq!(renamed["details"]["name"], "第一网格（新）");
    let spare = app.create_place("grid", "备用网格", Some(&cid), json!({"kind": "dedicated"})).await;
    let spare_id = str_of(&spare, "id");
    walk.step(
        by_admin(("post", "/api/v1/admin/places/{id}/retire"), "place_retired", "place"),
        200,
        req(&app, Method::POST, &format!("/api/v1/admin/places/{spare_id}/retire"), &admin, Value::Null),
        id_of,
    )
    .await;
    let csv = "level,code,name,kind\nstreet,520201002,黄土坡街道,\ncommunity,520201002001,德坞社区,\n";
    let imported = walk
        .step(
            by_admin(("post", "/api/v1/admin/places/import"), "places_imported", "place_import"),
            200,
            app.request(Method::POST, "/api/v1/admin/places/import", Some(&admin))
                .header(reqwest::header::CONTENT_TYPE, "text/csv")
                .body(csv),
            |_| None,
        )
        .await;
    assert_eq!(imported["details"]["created"], 2);

    // Roles at places.
    let dispatcher = app.create_actor(&["resident"], &[]).await;
    let grant_path = format!("/api/v1/admin/users/{}/roles", dispatcher.id);
    let granted = walk
        .step(
            by_admin(("post", "/api/v1/admin/users/{id}/roles"), "role_granted", "user"),
            200,
            req(&app, Method::POST, &grant_path, &admin, json!({"role": "dispatcher", "place_id": cid})),
            |_| Some(dispatcher.id.clone()),
        )
        .await;
    assert_eq!(granted["details"], json!({"role": "dispatcher", "place_id": cid}));
    app.grant_at(&dispatcher.id, "grid_worker", &grid).await;
    walk.step(
        by_admin(("delete", "/api/v1/admin/users/{id}/roles"), "role_revoked", "user"),
        200,
        req(&app, Method::DELETE, &grant_path, &admin, json!({"role": "grid_worker", "place_id": grid_id})),
        |_| Some(dispatcher.id.clone()),
    )
    .await;

    // Work-unit branches and their check-ins, decided by the community's dispatcher.
    let by_dispatcher = |route, action, target_kind| Expected { route, actor: &dispatcher.id, action, target_kind };
    let branch = walk
        .step(
            by_admin(("post", "/api/v1/unit-branches"), "unit_branch_created", "unit_branch"),
            201,
            req(&app, Method::POST, "/api/v1/unit-branches", &admin, json!({"name": "区财政局党支部"})),
            id_of,
        )
        .await;
    let branch_path = format!("/api/v1/unit-branches/{}/checkins", branch["target_id"].as_str().unwrap());
    let letter = json!({"community_id": cid, "letter_ref": "钟财函〔2026〕3号"});
    let filed = walk
        .step(
            by_admin(
                ("post", "/api/v1/unit-branches/{id}/checkins"),
                "unit_branch_checkin_filed",
                "unit_branch_checkin",
            ),
            201,
            req(&app, Method::POST, &branch_path, &admin, letter.clone()),
            id_of,
        )
        .await;
    let approve = format!("{branch_path}/{}/approve", filed["target_id"].as_str().unwrap());
    walk.step(
        by_dispatcher(
            ("post", "/api/v1/unit-branches/{id}/checkins/{checkin_id}/approve"),
            "unit_branch_checkin_approved",
            "unit_branch_checkin",
        ),
        200,
        req(&app, Method::POST, &approve, &dispatcher.token, Value::Null),
        id_of,
    )
    .await;
    let other_branch = app.post("/api/v1/unit-branches", &admin, &json!({"name": "区卫健局党支部"})).await;
    let other_path = format!("/api/v1/unit-branches/{}/checkins", str_of(other_branch.expect_status(201), "id"));
    let other = app.post(&other_path, &admin, &letter).await;
    let reject = format!("{other_path}/{}/reject", str_of(other.expect_status(201), "id"));
    let rejected = walk
        .step(
            by_dispatcher(
                ("post", "/api/v1/unit-branches/{id}/checkins/{checkin_id}/reject"),
                "unit_branch_checkin_rejected",
                "unit_branch_checkin",
            ),
            200,
            req(&app, Method::POST, &reject, &dispatcher.token, json!({"reason": "介绍信不全"})),
            id_of,
        )
        .await;
    assert_eq!(rejected["details"]["reason"], "介绍信不全");

    // Members' check-ins.
    let checkin_body =
        |n: u32| json!({"community_id": cid, "certificate_no": format!("FWZ-{n}"), "letter_ref": "介绍信"});
    let member = app.register_resident().await;
    let mine = app.post("/api/v1/checkins", &member.token, &checkin_body(1)).await;
    let mine_id = str_of(mine.expect_status(201), "id").to_owned();
    let approved = walk
        .step(
            by_dispatcher(("post", "/api/v1/checkins/{id}/approve"), "checkin_approved", "checkin"),
            200,
            req(&app, Method::POST, &format!("/api/v1/checkins/{mine_id}/approve"), &dispatcher.token, Value::Null),
            id_of,
        )
        .await;
    assert_eq!(approved["details"]["member_id"], member.id.as_str());
    let other_member = app.register_resident().await;
    let theirs = app.post("/api/v1/checkins", &other_member.token, &checkin_body(2)).await;
    let theirs_id = str_of(theirs.expect_status(201), "id").to_owned();
    walk.step(
        by_dispatcher(("post", "/api/v1/checkins/{id}/reject"), "checkin_rejected", "checkin"),
        200,
        req(
            &app,
            Method::POST,
            &format!("/api/v1/checkins/{theirs_id}/reject"),
            &dispatcher.token,
            json!({"reason": "证件号有误"}),
        ),
        id_of,
    )
    .await;

    // Party organisations.
    let street_id = str_of(&street, "id");
    let org_body = json!({"level": "street_committee", "name": "荷泉街道党工委", "place_id": street_id});
    let org = walk
        .step(
            by_admin(("post", "/api/v1/admin/party-orgs"), "party_org_created", "party_org"),
            201,
            req(&app, Method::POST, "/api/v1/admin/party-orgs", &admin, org_body),
            id_of,
        )
        .await;
    let org_id = org["target_id"].as_str().unwrap().to_owned();
    walk.step(
        by_admin(("patch", "/api/v1/admin/party-orgs/{id}"), "party_org_updated", "party_org"),
        200,
        req(
            &app,
            Method::PATCH,
            &format!("/api/v1/admin/party-orgs/{org_id}"),
            &admin,
            json!({"name": "荷泉街道党工委（新）"}),
        ),
        id_of,
    )
    .await;
    walk.step(
        by_admin(("post", "/api/v1/admin/party-orgs/{id}/retire"), "party_org_retired", "party_org"),
        200,
        req(&app, Method::POST, &format!("/api/v1/admin/party-orgs/{org_id}/retire"), &admin, Value::Null),
        id_of,
    )
    .await;

    // A reset code for a resident living in the dispatcher's community.
    let resident = app.register_resident().await;
    app.put("/api/v1/me/home", &resident.token, &json!({"place_id": grid_id})).await.expect_status(200);
    let issued = walk
        .step(
            by_dispatcher(("post", "/api/v1/users/{id}/reset-codes"), "reset_code_issued", "user"),
            201,
            req(
                &app,
                Method::POST,
                &format!("/api/v1/users/{}/reset-codes", resident.id),
                &dispatcher.token,
                Value::Null,
            ),
            |b| b.get("user_id").and_then(Value::as_str).map(str::to_owned),
        )
        .await;
    assert!(issued["details"]["expires_at"].is_string(), "{issued}");

    // Grid staff record a resident who has no phone.
    let worker = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&worker.id, "grid_worker", &json!({"id": grid_id})).await;
    let recorded = walk
        .step(
            Expected {
                route: ("post", "/api/v1/residents"),
                actor: &worker.id,
                action: "resident_recorded",
                target_kind: "user",
            },
            201,
            req(&app, Method::POST, "/api/v1/residents", &worker.token, json!({"name": "王奶奶", "home_id": grid_id})),
            id_of,
        )
        .await;
    assert_eq!(recorded["details"]["has_phone"], false, "{recorded}");

    // Departments and the working-day calendar.
    let department = walk
        .step(
            by_admin(("post", "/api/v1/admin/departments"), "department_created", "department"),
            201,
            req(
                &app,
                Method::POST,
                "/api/v1/admin/departments",
                &admin,
                json!({"name": "区城管局", "place_id": district_id}),
            ),
            id_of,
        )
        .await;
    let department_id = str_of(&department, "target_id").to_owned();
    let staff_path = format!("/api/v1/admin/departments/{department_id}/staff");
    let staff = json!({"user_id": worker.id});
    for (method, route, action) in [
        (Method::POST, ("post", "/api/v1/admin/departments/{id}/staff"), "department_staff_added"),
        (Method::DELETE, ("delete", "/api/v1/admin/departments/{id}/staff"), "department_staff_removed"),
    ] {
        let entry = walk
            .step(
                by_admin(route, action, "department"),
                204,
                req(&app, method, &staff_path, &admin, staff.clone()),
                |_| Some(department_id.clone()),
            )
            .await;
        assert_eq!(entry["details"]["user_id"], worker.id.as_str(), "{entry}");
    }
    let year = json!({"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]});
    let uploaded = walk
        .step(
            by_admin(("put", "/api/v1/admin/calendar/{year}"), "calendar_uploaded", "calendar"),
            200,
            req(&app, Method::PUT, "/api/v1/admin/calendar/2027", &admin, year),
            |_| Some("2027".to_owned()),
        )
        .await;
    assert_eq!(uploaded["details"]["days"], 1, "{uploaded}");

    // Volunteer teams and the time bank (docs/TIME-BANK.md): a team, hours minted into a
    // community's pool (the entry names the transfer it wrote), and that transfer reversed (the
    // entry names the transfer reversed).
    let community_id = str_of(&community, "target_id").to_owned();
    let leader_id = str_of(&created, "target_id").to_owned();
    let team = walk
        .step(
            by_admin(("post", "/api/v1/teams"), "team_created", "team"),
            201,
            req(
                &app,
                Method::POST,
                "/api/v1/teams",
                &admin,
                json!({"name": "红马甲志愿服务队", "place_id": community_id, "leader_id": leader_id}),
            ),
            id_of,
        )
        .await;
    assert_eq!(team["details"]["name"], "红马甲志愿服务队", "{team}");
    let minted = walk
        .step(
            by_admin(("post", "/api/v1/admin/time-bank/mint"), "hours_minted", "transfer"),
            201,
            req(
                &app,
                Method::POST,
                "/api/v1/admin/time-bank/mint",
                &admin,
                json!({"community_id": community_id, "minutes": 600, "reason": "2026年度志愿服务预算"}),
            ),
            id_of,
        )
        .await;
    assert_eq!(minted["details"]["minutes"], 600, "{minted}");
    let mint_id = minted["target_id"].as_str().map(str::to_owned);
    let reversed = walk
        .step(
            by_admin(("post", "/api/v1/admin/time-bank/reversals"), "transfer_reversed", "transfer"),
            201,
            req(
                &app,
                Method::POST,
                "/api/v1/admin/time-bank/reversals",
                &admin,
                json!({"transfer_id": mint_id, "reason": "预算调整，冲正"}),
            ),
            |_| mint_id.clone(),
        )
        .await;
    assert_eq!(reversed["details"]["minutes"], 600, "{reversed}");

    // Open311 partner keys (docs/OPEN311.md): issued (the entry names the key and its system
    // account, never the secret) and revoked.
    let issued = walk
        .step(
            by_admin(("post", "/api/v1/admin/open311-keys"), "open311_key_issued", "open311_key"),
            201,
            req(
                &app,
                Method::POST,
                "/api/v1/admin/open311-keys",
                &admin,
                json!({"partner": "区12345热线", "place_id": community_id, "contact_phone": "13712345678"}),
            ),
            |v| v["key"].get("id").and_then(Value::as_str).map(str::to_owned),
        )
        .await;
    assert_eq!(issued["details"]["partner"], "区12345热线", "{issued}");
    assert!(issued["details"]["account_id"].is_string(), "{issued}");
    assert!(!issued.to_string().contains("o311_"), "no secret in the log: {issued}");
    let key_id = issued["target_id"].as_str().map(str::to_owned);
    walk.step(
        by_admin(("post", "/api/v1/admin/open311-keys/{id}/revoke"), "open311_key_revoked", "open311_key"),
        200,
        req(
            &app,
            Method::POST,
            &format!("/api/v1/admin/open311-keys/{}/revoke", key_id.as_deref().unwrap_or("0")),
            &admin,
            json!({}),
        ),
        |_| key_id.clone(),
    )
    .await;

    // Service points (docs/SERVICE-POINTS.md): created, edited and retired.
    let point = json!({"name": "红帆驿站", "address": "和平路 1 号", "location": {"lng": 106.83, "lat": 26.59},
        "hours": {"weekly": [["09:00-17:00"], [], [], [], [], [], []], "follows_calendar": true},
        "services": ["代收快递"], "contact": {"name": "王站长", "phone": "0858-8221234"}});
    let mut create_point = point.clone();
    create_point["community_id"] = json!(community_id);
    let created_point = walk
        .step(
            by_admin(("post", "/api/v1/service-points"), "service_point_created", "service_point"),
            201,
            req(&app, Method::POST, "/api/v1/service-points", &admin, create_point),
            |v| v.get("id").and_then(Value::as_str).map(str::to_owned),
        )
        .await;
    assert_eq!(created_point["details"]["name"], "红帆驿站", "{created_point}");
    let point_id = created_point["target_id"].as_str().map(str::to_owned);
    let point_path = format!("/api/v1/service-points/{}", point_id.as_deref().unwrap_or("0"));
    walk.step(
        by_admin(("put", "/api/v1/service-points/{id}"), "service_point_updated", "service_point"),
        200,
        req(&app, Method::PUT, &point_path, &admin, point),
        |_| point_id.clone(),
    )
    .await;
    walk.step(
        by_admin(("post", "/api/v1/service-points/{id}/retire"), "service_point_retired", "service_point"),
        200,
        req(&app, Method::POST, &format!("{point_path}/retire"), &admin, json!({})),
        |_| point_id.clone(),
    )
    .await;

    // Property ratings (docs/PROPERTY.md): a company with its staff, an estate, an import.
    let company = walk
        .step(
            by_admin(("post", "/api/v1/admin/property/companies"), "property_company_created", "property_company"),
            201,
            req(&app, Method::POST, "/api/v1/admin/property/companies", &admin, json!({"name": "黔城物业"})),
            id_of,
        )
        .await;
    assert_eq!(company["details"]["name"], "黔城物业", "{company}");
    let company_id = company["target_id"].as_str().map(str::to_owned);
    let company_path = format!("/api/v1/admin/property/companies/{}", company_id.as_deref().unwrap_or("0"));
    walk.step(
        by_admin(("patch", "/api/v1/admin/property/companies/{id}"), "property_company_updated", "property_company"),
        200,
        req(&app, Method::PATCH, &company_path, &admin, json!({"name": "黔城红色物业"})),
        |_| company_id.clone(),
    )
    .await;
    let staff = app.register_resident().await;
    let staff_path = format!("{company_path}/staff");
    for (method, action) in [(Method::POST, "property_staff_added"), (Method::DELETE, "property_staff_removed")] {
        let route = if method == Method::POST { "post" } else { "delete" };
        walk.step(
            by_admin((route, "/api/v1/admin/property/companies/{id}/staff"), action, "property_company"),
            204,
            req(&app, method, &staff_path, &admin, json!({"user_id": staff.id})),
            |_| company_id.clone(),
        )
        .await;
    }
    let estate_grid = app.create_place("grid", "物业网格", Some(&community_id), json!({"kind": "comprehensive"})).await;
    let estate_body = json!({"name": "和平小区", "company_id": company_id, "place_ids": [str_of(&estate_grid, "id")]});
    let estate = walk
        .step(
            by_admin(("post", "/api/v1/admin/property/estates"), "property_estate_created", "property_estate"),
            201,
            req(&app, Method::POST, "/api/v1/admin/property/estates", &admin, estate_body.clone()),
            id_of,
        )
        .await;
    let estate_id = estate["target_id"].as_str().map(str::to_owned);
    let mut renamed = estate_body;
    renamed["name"] = json!("和平家园");
    walk.step(
        by_admin(("patch", "/api/v1/admin/property/estates/{id}"), "property_estate_updated", "property_estate"),
        200,
        req(
            &app,
            Method::PATCH,
            &format!("/api/v1/admin/property/estates/{}", estate_id.as_deref().unwrap_or("0")),
            &admin,
            renamed,
        ),
        |_| estate_id.clone(),
    )
    .await;
    let import_grid = app.create_place("grid", "导入网格", Some(&community_id), json!({"kind": "comprehensive"})).await;
    let csv = format!("company,estate,places\r\n安居物业,幸福小区,{}\r\n", str_of(&import_grid, "code"));
    let imported = walk
        .step(
            by_admin(("post", "/api/v1/admin/property/import"), "property_imported", "property_import"),
            200,
            app.request(Method::POST, "/api/v1/admin/property/import", Some(&admin))
                .header("Content-Type", "text/csv")
                .body(csv.into_bytes()),
            |_| None,
        )
        .await;
    assert_eq!(imported["details"]["created"], 2, "a company and an estate: {imported}");

    let all: BTreeSet<_> = AUDITED.iter().map(|(m, p, _)| (*m, *p)).collect();
    let missed: Vec<_> = all.difference(&walk.walked).collect();
    assert!(missed.is_empty(), "administrative routes not walked: {missed:?}");
}

#[tokio::test]
async fn every_changing_admin_route_of_the_openapi_document_is_in_the_audited_table() {
    let app = spawn_app().await;
    let doc = app.get_anon("/api/openapi.json").await;
    let doc = doc.expect_status(200);
    let audited: BTreeSet<(String, String)> = AUDITED.iter().map(|(m, p, _)| ((*m).to_owned(), normalise(p))).collect();
    let mut missing = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let changes = matches!(method.as_str(), "post" | "put" | "patch" | "delete");
            if changes && path.starts_with("/api/v1/admin/") && !audited.contains(&(method.clone(), normalise(path))) {
                missing.push(format!("{method} {path}"));
            }
        }
    }
    assert!(missing.is_empty(), "admin routes without an audit entry in the table: {missing:?}");
}

/// `/a/{x}/b` and `/a/{id}/b` are the same route.
fn normalise(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/")
}

#[tokio::test]
async fn refused_administrative_actions_leave_no_entry() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let [_, street, community, grid, _] = app.small_tree().await;
    let cid = str_of(&community, "id");
    let dispatcher = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&dispatcher.id, "dispatcher", &community).await;
    let outsider = app.create_actor(&["resident"], &[]).await;
    let other_community = app.create_place("community", "幸福社区", Some(str_of(&street, "id")), json!({})).await;
    let foreign = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&foreign.id, "dispatcher", &other_community).await;
    let resident = app.register_resident().await;
    app.put("/api/v1/me/home", &resident.token, &json!({"place_id": grid["id"]})).await.expect_status(200);
    let member = app.register_resident().await;
    let filed = app
        .post(
            "/api/v1/checkins",
            &member.token,
            &json!({"community_id": cid, "certificate_no": "FWZ-9", "letter_ref": "介绍信"}),
        )
        .await;
    let checkin_id = str_of(filed.expect_status(201), "id").to_owned();

    let before = newest_id(&app).await;
    let place = json!({"level": "grid", "name": "新网格", "parent_id": cid, "kind": "comprehensive"});
    let refusals: Vec<(&str, ApiResponse, u16, &str)> = vec![
        ("place by a resident", app.post("/api/v1/admin/places", &outsider.token, &place).await, 403, "forbidden"),
        (
            "place with a bad name",
            app.post("/api/v1/admin/places", &admin, &json!({"level": "grid", "name": "", "parent_id": cid, "kind": "comprehensive"})).await,
            422,
            "invalid_field",
        ),
        (
            "role by a dispatcher",
            app.post(&format!("/api/v1/admin/users/{}/roles", outsider.id), &dispatcher.token, &json!({"role": "grid_worker", "place_id": grid["id"]})).await,
            403,
            "forbidden",
        ),
        (
            "role at the wrong level",
            app.post(&format!("/api/v1/admin/users/{}/roles", outsider.id), &admin, &json!({"role": "grid_worker", "place_id": cid})).await,
            422,
            "invalid_field",
        ),
        (
            "retire a place with places under it",
            app.post(&format!("/api/v1/admin/places/{cid}/retire"), &admin, &json!({})).await,
            409,
            "place_in_use",
        ),
        (
            "import with an error",
            app.import_csv(&admin, "level,code,name,kind\nstreet,999,坏街道,\n").await,
            422,
            "invalid_import",
        ),
        (
            "community by a dispatcher",
            app.post("/api/v1/admin/communities", &dispatcher.token, &json!({"name": "某社区", "code": "NOPE00001"})).await,
            403,
            "forbidden",
        ),
        (
            "party org by a resident",
            app.post("/api/v1/admin/party-orgs", &outsider.token, &json!({"level": "street_committee", "name": "某党工委", "place_id": street["id"]})).await,
            403,
            "forbidden",
        ),
        (
            "check-in decided by its own member",
            app.post(&format!("/api/v1/checkins/{checkin_id}/approve"), &member.token, &json!({})).await,
            403,
            "forbidden",
        ),
        (
            "reset code by a dispatcher of another community",
            app.post(&format!("/api/v1/users/{}/reset-codes", resident.id), &foreign.token, &json!({})).await,
            403,
            "forbidden",
        ),
        (
            "reset code by a resident",
            app.post(&format!("/api/v1/users/{}/reset-codes", resident.id), &outsider.token, &json!({})).await,
            403,
            "forbidden",
        ),
        (
            "user with a bad phone",
            app.post("/api/v1/admin/users", &admin, &json!({"phone": "123", "password": haolin_tests::PASSWORD, "name": "某人", "roles": ["resident"], "community_ids": []})).await,
            422,
            "invalid_field",
        ),
    ];
    for (what, resp, status, code) in &refusals {
        assert_eq!(resp.status, *status, "{what}: {}", resp.text);
        assert_error(resp, *status, code);
    }
    let new = entries_after(&app, before).await;
    assert!(new.is_empty(), "refused actions were recorded: {new:?}");
}

#[tokio::test]
async fn only_admins_read_the_audit_log() {
    let app = spawn_app().await;
    let w = app.world().await;
    let officer = app.create_actor(&["street_officer"], &[]).await;
    for who in [&w.resident, &w.member, &w.dispatcher, &officer] {
        assert_error(&app.get("/api/v1/admin/audit", &who.token).await, 403, "forbidden");
    }
    assert_error(&app.get_anon("/api/v1/admin/audit").await, 401, "missing_token");
    let admin = app.admin_token().await;
    app.get("/api/v1/admin/audit", &admin).await.expect_status(200);
}

#[tokio::test]
async fn no_route_edits_the_log() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    app.create_community().await;
    for method in [Method::PUT, Method::PATCH, Method::DELETE, Method::POST] {
        let resp = app.send(app.request(method.clone(), "/api/v1/admin/audit", Some(&admin)).json(&json!({}))).await;
        assert!(matches!(resp.status, 404 | 405), "{method} /admin/audit answered {}: {}", resp.status, resp.text);
    }
    let entry = app.get("/api/v1/admin/audit", &admin).await.expect_status(200)["items"][0].clone();
    let id = str_of(&entry, "id");
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let resp = app.send(app.request(method.clone(), &format!("/api/v1/admin/audit/{id}"), Some(&admin))).await;
        assert!(matches!(resp.status, 404 | 405), "{method} /admin/audit/{id} answered {}", resp.status);
    }
    let after = app.get("/api/v1/admin/audit", &admin).await.expect_status(200)["items"][0].clone();
    assert_eq!(after, entry, "the entry is unchanged");
}

/// Runs `sql` on the test server's database; says whether the database refused it.
fn refused_by_database(database_url: &str, sql: &str) -> (bool, String) {
    let out = haolin_tests::sql_output(database_url, sql);
    (!out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn the_database_refuses_to_update_or_delete_audit_entries() {
    let app = spawn_app().await;
    app.create_community().await;
    let before = entries_after(&app, None).await;
    assert!(!before.is_empty());
    for sql in ["UPDATE audit_log SET action = 'tampered'", "DELETE FROM audit_log"] {
        let (refused, stderr) = refused_by_database(&app.database_url, sql);
        assert!(refused, "{sql} was allowed");
        assert!(stderr.contains("append-only"), "{sql}: {stderr}");
    }
    assert_eq!(entries_after(&app, None).await, before, "the log is as it was");
}

/// Three communities created by the admin and one role granted by them, for the filters.
async fn some_history(app: &TestApp) -> (Actor, Vec<String>) {
    let mut communities = Vec::new();
    for _ in 0..3 {
        communities.push(app.create_community().await);
    }
    let [_, _, community, _, _] = app.small_tree().await;
    let user = app.create_actor(&["resident"], &[]).await;
    app.grant_at(&user.id, "dispatcher", &community).await;
    (user, communities)
}

#[tokio::test]
async fn the_log_is_filtered_by_actor_action_target_and_time_and_paged_newest_first() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let admin_id = admin_id(&app).await;
    let start = chrono_now();
    let (user, communities) = some_history(&app).await;

    let created = app.get("/api/v1/admin/audit?action=community_created", &admin).await;
    let ids: Vec<&str> =
        created.expect_status(200)["items"].as_array().unwrap().iter().map(|e| str_of(e, "target_id")).collect();
    let expected: Vec<&str> = communities.iter().rev().map(String::as_str).collect();
    assert_eq!(ids, expected, "newest first");

    let about = app.get(&format!("/api/v1/admin/audit?target_kind=user&target_id={}", user.id), &admin).await;
    let actions: Vec<&str> =
        about.expect_status(200)["items"].as_array().unwrap().iter().map(|e| str_of(e, "action")).collect();
    assert_eq!(actions, ["role_granted", "user_created"]);

    let by_admin = app.get(&format!("/api/v1/admin/audit?actor_id={admin_id}&limit=100"), &admin).await;
    let by_admin = by_admin.expect_status(200)["items"].as_array().unwrap().clone();
    assert!(by_admin.iter().all(|e| e["actor_id"] == admin_id.as_str()));
    let by_user = app.get(&format!("/api/v1/admin/audit?actor_id={}", user.id), &admin).await;
    assert_eq!(by_user.expect_status(200)["items"], json!([]), "the user took no administrative action");

    let future = app.get("/api/v1/admin/audit?since=2999-01-01T00:00:00Z", &admin).await;
    assert_eq!(future.expect_status(200)["items"], json!([]));
    let past = app.get(&format!("/api/v1/admin/audit?until={}", haolin_tests::urlencode(&start)), &admin).await;
    assert_eq!(past.expect_status(200)["items"], json!([]), "nothing before the test started");
    let window =
        app.get(&format!("/api/v1/admin/audit?since={}&limit=100", haolin_tests::urlencode(&start)), &admin).await;
    assert_eq!(window.expect_status(200)["items"].as_array().unwrap().len(), by_admin.len());

    // Pages of two, following the cursor, give the whole log once, newest first.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/admin/audit?limit=2&cursor={c}"),
            None => "/api/v1/admin/audit?limit=2".to_owned(),
        };
        let page = app.get(&path, &admin).await;
        let page = page.expect_status(200).clone();
        seen.extend(page["items"].as_array().unwrap().iter().map(|e| str_of(e, "id").parse::<i64>().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "every entry once, newest first");
    assert_eq!(seen.len(), by_admin.len(), "every entry of this test was the admin's");

    assert_invalid_field(&app.get("/api/v1/admin/audit?action=nonsense", &admin).await, "action");
    assert_invalid_field(&app.get("/api/v1/admin/audit?target_kind=wish", &admin).await, "target_kind");
    assert_invalid_field(&app.get("/api/v1/admin/audit?since=yesterday", &admin).await, "since");
    assert_invalid_field(&app.get("/api/v1/admin/audit?actor_id=x", &admin).await, "actor_id");
    assert_invalid_field(&app.get("/api/v1/admin/audit?limit=101", &admin).await, "limit");
    assert_error(&app.get("/api/v1/admin/audit?cursor=garbage", &admin).await, 400, "malformed_request");
}

/// Now as RFC 3339, from the system clock (the server's clock on this machine).
fn chrono_now() -> String {
    let out = Command::new("date").args(["-u", "+%Y-%m-%dT%H:%M:%S.%3NZ"]).output().expect("date runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test]
async fn an_entry_that_cannot_be_written_fails_the_request_and_never_goes_missing_silently() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let [_, _, community, grid, _] = app.small_tree().await;
    let user = app.create_actor(&["resident"], &[]).await;
    // A fault injected in the database: entries of two actions can no longer be written.
    let fault = if app.database_url.starts_with("sqlite:") {
        "CREATE TRIGGER audit_fault BEFORE INSERT ON audit_log \
         WHEN NEW.action IN ('role_granted', 'place_created') BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
    } else {
        "CREATE FUNCTION audit_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
           IF NEW.action IN ('role_granted', 'place_created') THEN RAISE EXCEPTION 'injected fault'; END IF; \
           RETURN NEW; END; $$; \
         CREATE TRIGGER audit_fault BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_fault();"
    };
    haolin_tests::run_sql(&app.database_url, fault);

    // Written in the action's transaction: the action is undone with it.
    let place = json!({"level": "grid", "name": "无记录网格", "parent_id": community["id"], "kind": "comprehensive"});
    let refused = app.post("/api/v1/admin/places", &admin, &place).await;
    assert_error(&refused, 500, "internal");
    let grids = app.get(&format!("/api/v1/places?parent_id={}", str_of(&community, "id")), &admin).await;
    let names: Vec<&str> =
        grids.expect_status(200)["items"].as_array().unwrap().iter().map(|p| str_of(p, "name")).collect();
    assert!(!names.contains(&"无记录网格"), "the place was created without its entry: {names:?}");

    // Written after a one-statement action: the request fails and the entry is logged whole.
    let body = json!({"role": "grid_worker", "place_id": grid["id"]});
    let failed = app.post(&format!("/api/v1/admin/users/{}/roles", user.id), &admin, &body).await;
    assert_error(&failed, 500, "internal");
    let logged = app
        .eventually(Duration::from_secs(5), "the unwritten entry in the server's log", || async {
            let tail = app.stderr_tail();
            tail.lines()
                .find(|l| l.contains("audit entry could not be written") && l.contains("role_granted"))
                .map(str::to_owned)
        })
        .await;
    assert!(logged.contains(&user.id) && logged.contains("grid_worker"), "the whole entry is logged: {logged}");
}
