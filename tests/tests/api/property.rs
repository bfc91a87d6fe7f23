//! Property service ratings (红色物业, docs/PROPERTY.md): one rating per resident and period under a
//! race, changes while the period is open and not after, every scope refusal, the grade and the
//! red and black lists on a scripted period, comments without names, and the CSV import.

use haolin_tests::{Actor, TestApp, assert_error, assert_invalid_field, spawn_app, spawn_app_with, str_of};
use serde_json::{Value, json};

/// Two communities of one street, each with a grid and an estate served by its own company, the
/// companies' staff, the communities' dispatchers, a street officer and a resident at home in each
/// estate.
pub struct Estates {
    pub grid_a: Value,
    pub grid_b: Value,
    pub unit_a: Value,
    pub estate_a: String,
    pub estate_b: String,
    pub company_x: String,
    pub staff_x: Actor,
    pub staff_y: Actor,
    pub dispatcher_a: Actor,
    pub dispatcher_b: Actor,
    pub officer: Actor,
    pub resident_a: Actor,
    pub resident_b: Actor,
}

pub async fn company(app: &TestApp, name: &str) -> (String, Actor) {
    let admin = app.admin_token().await;
    let c = app.post("/api/v1/admin/property/companies", &admin, &json!({"name": name})).await;
    let id = str_of(c.expect_status(201), "id").to_owned();
    let staff = app.register_resident().await;
    let added =
        app.post(&format!("/api/v1/admin/property/companies/{id}/staff"), &admin, &json!({"user_id": staff.id})).await;
    assert_eq!(added.status, 204, "{}", added.text);
    (id, staff)
}

pub async fn estate(app: &TestApp, name: &str, company: &str, places: &[&Value]) -> String {
    let admin = app.admin_token().await;
    let ids: Vec<&str> = places.iter().map(|p| str_of(p, "id")).collect();
    let body = json!({"name": name, "company_id": company, "place_ids": ids});
    let e = app.post("/api/v1/admin/property/estates", &admin, &body).await;
    str_of(e.expect_status(201), "id").to_owned()
}

pub async fn resident_at(app: &TestApp, place: &Value) -> Actor {
    let r = app.register_resident().await;
    app.put("/api/v1/me/home", &r.token, &json!({"place_id": place["id"]})).await.expect_status(200);
    r
}

pub async fn estates(app: &TestApp) -> Estates {
    let [_, street, community, grid_a, unit_a] = app.small_tree().await;
    let community_b = app.create_place("community", "幸福社区", Some(str_of(&street, "id")), json!({})).await;
    let grid_b = app
        .create_place("grid", "幸福第一网格", Some(str_of(&community_b, "id")), json!({"kind": "comprehensive"}))
        .await;
    let (company_x, staff_x) = company(app, "黔城物业").await;
    let (company_y, staff_y) = company(app, "安居物业").await;
    let estate_a = estate(app, "和平小区", &company_x, &[&grid_a]).await;
    let estate_b = estate(app, "幸福小区", &company_y, &[&grid_b]).await;
    let dispatcher_a = app.create_actor(&["dispatcher"], &[str_of(&community, "id")]).await;
    let dispatcher_b = app.create_actor(&["dispatcher"], &[str_of(&community_b, "id")]).await;
    let officer = app.create_actor(&["street_officer"], &[]).await;
    app.grant_at(&officer.id, "street_officer", &street).await;
    let resident_a = resident_at(app, &unit_a).await;
    let resident_b = resident_at(app, &grid_b).await;
    Estates {
        grid_a,
        grid_b,
        unit_a,
        estate_a,
        estate_b,
        company_x,
        staff_x,
        staff_y,
        dispatcher_a,
        dispatcher_b,
        officer,
        resident_a,
        resident_b,
    }
}

fn stars(s: [i64; 5], comment: Option<&str>) -> Value {
    json!({"security": s[0], "cleaning": s[1], "greening": s[2], "orderly": s[3], "repair": s[4], "comment": comment})
}

fn rating_path(estate: &str) -> String {
    format!("/api/v1/property/estates/{estate}/rating")
}

fn given(v: &Value) -> [i64; 5] {
    ["security", "cleaning", "greening", "orderly", "repair"].map(|k| v[k].as_i64().unwrap_or(0))
}

async fn results(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let resp = app.get(&format!("/api/v1/property/results?limit=100{query}"), token).await;
    resp.expect_status(200)["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_race_of_twenty_submissions_from_one_resident_leaves_one_rating() {
    let app = spawn_app().await;
    let e = estates(&app).await;
    let path = rating_path(&e.estate_a);
    let submitted: Vec<[i64; 5]> =
        (0..20).map(|i| [1 + i % 5, 1 + (i / 5) % 5, 5 - i % 5, 3, 1 + (i * 3) % 5]).collect();
    let answers = futures_util::future::join_all(submitted.iter().enumerate().map(|(i, s)| {
        let body = stars(*s, Some(&format!("第 {i} 次提交")));
        let (app, token, path) = (&app, e.resident_a.token.clone(), path.clone());
        async move { app.put(&path, &token, &body).await }
    }))
    .await;
    for a in &answers {
        assert!(matches!(a.status, 200 | 201 | 409), "{} {}", a.status, a.text);
    }
    assert!(answers.iter().any(|a| a.status == 201), "no submission created the rating");
    let mine = app.get(&path, &e.resident_a.token).await;
    let mine = mine.expect_status(200);
    assert!(submitted.contains(&given(mine)), "the rating {mine} is none of the submitted ones");
    let rows = results(&app, &e.dispatcher_a.token, &format!("&estate_id={}", e.estate_a)).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["raters"], 1, "{}", rows[0]);
    let comments = app.get(&format!("/api/v1/property/comments?estate_id={}", e.estate_a), &e.staff_x.token).await;
    assert_eq!(comments.expect_status(200)["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_rating_changes_while_its_period_is_open_and_never_once_closed() {
    let app = spawn_app().await;
    let e = estates(&app).await;
    let path = rating_path(&e.estate_a);
    let token = &e.resident_a.token;
    let mine = app.get("/api/v1/property/mine", token).await;
    let mine = mine.expect_status(200).clone();
    assert_eq!(mine["estate"]["id"], e.estate_a.as_str());
    assert_eq!(mine["estate"]["company"]["name"], "黔城物业");
    assert!(mine["rating"].is_null());
    let period = str_of(&mine["period"], "key").to_owned();
    assert_error(&app.get(&path, token).await, 404, "not_found");

    let first = app.put(&path, token, &stars([3, 3, 3, 3, 3], None)).await;
    assert_eq!(first.expect_status(201)["period"], period.as_str());
    let mut body = stars([5, 4, 3, 2, 1], Some("  保修响应慢，其他都好  "));
    body["period"] = json!(period);
    let changed = app.put(&path, token, &body).await;
    let changed = changed.expect_status(200);
    assert_eq!(given(changed), [5, 4, 3, 2, 1]);
    assert_eq!(changed["comment"], "保修响应慢，其他都好");
    let mine = app.get("/api/v1/property/mine", token).await;
    assert_eq!(given(&mine.expect_status(200)["rating"]), [5, 4, 3, 2, 1]);

    // A period that has closed refuses changes; one not yet open, or a malformed one, is invalid.
    let mut closed = stars([1, 1, 1, 1, 1], None);
    closed["period"] = json!("2020-01");
    let refused = app.put(&path, token, &closed).await;
    assert_invalid_field_or_conflict(&refused);
    closed["period"] = json!("2999-12");
    assert_invalid_field(&app.put(&path, token, &closed).await, "period");
    closed["period"] = json!("2026-13");
    assert_invalid_field(&app.put(&path, token, &closed).await, "period");
    assert_invalid_field(&app.put(&path, token, &stars([0, 3, 3, 3, 3], None)).await, "security");
    assert_invalid_field(&app.put(&path, token, &stars([3, 3, 3, 3, 6], None)).await, "repair");
    let long = "好".repeat(201);
    assert_invalid_field(&app.put(&path, token, &stars([3, 3, 3, 3, 3], Some(&long))).await, "comment");
    assert_invalid_field(&app.put(&path, token, &stars([3, 3, 3, 3, 3], Some("坏\u{0007}"))).await, "comment");
    // Nothing refused changed the rating.
    assert_eq!(given(app.get(&path, token).await.expect_status(200)), [5, 4, 3, 2, 1]);
    assert_error(&app.get(&format!("{path}?period=2020-01"), token).await, 404, "not_found");
    assert_invalid_field(&app.get(&format!("{path}?period="), token).await, "period");
}

fn assert_invalid_field_or_conflict(resp: &haolin_tests::ApiResponse) {
    let details = assert_error(resp, 409, "invalid_state");
    assert_eq!(details["field"], "period", "{details}");
}

#[tokio::test]
async fn residents_rate_and_read_only_their_own_estate_and_staff_read_comments_without_names() {
    let app = spawn_app().await;
    let e = estates(&app).await;
    let ok = app.put(&rating_path(&e.estate_a), &e.resident_a.token, &stars([4, 4, 4, 4, 4], Some("电梯很干净"))).await;
    ok.expect_status(201);
    let body = stars([1, 1, 1, 1, 1], Some("刷榜"));

    // A resident of another estate, one without a home, an unknown estate.
    assert_error(&app.put(&rating_path(&e.estate_a), &e.resident_b.token, &body).await, 403, "forbidden");
    assert_error(&app.get(&rating_path(&e.estate_a), &e.resident_b.token).await, 403, "forbidden");
    let homeless = app.register_resident().await;
    assert_error(&app.put(&rating_path(&e.estate_a), &homeless.token, &body).await, 403, "forbidden");
    let nothing = app.get("/api/v1/property/mine", &homeless.token).await;
    let nothing = nothing.expect_status(200);
    assert!(
        nothing["home_place_id"].is_null() && nothing["estate"].is_null() && nothing["rating"].is_null(),
        "{nothing}"
    );
    assert_error(&app.put(&rating_path("999999"), &e.resident_a.token, &body).await, 404, "not_found");
    // The company's own staff may not rate it, even living there.
    app.put("/api/v1/me/home", &e.staff_x.token, &json!({"place_id": e.grid_a["id"]})).await.expect_status(200);
    assert_error(&app.put(&rating_path(&e.estate_a), &e.staff_x.token, &body).await, 403, "forbidden");
    // Residents read no results or comments.
    assert_error(&app.get("/api/v1/property/results", &e.resident_a.token).await, 403, "forbidden");
    assert_error(&app.get("/api/v1/property/comments", &e.resident_a.token).await, 403, "forbidden");
    assert_error(&app.get("/api/v1/property/estates", &e.resident_a.token).await, 403, "forbidden");

    // The company's staff, the community's dispatcher, the street and admins read the comment,
    // without the resident's name, phone or account.
    let admin = app.admin_token().await;
    let filter = format!("/api/v1/property/comments?estate_id={}", e.estate_a);
    for token in [&e.staff_x.token, &e.dispatcher_a.token, &e.officer.token, &admin] {
        let resp = app.get(&filter, token).await;
        let items = resp.expect_status(200)["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 1, "{}", resp.text);
        let c = &items[0];
        assert_eq!(c["comment"], "电梯很干净");
        assert_eq!(c["stars"], json!([4, 4, 4, 4, 4]));
        let keys: Vec<&str> = c.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        assert_eq!(keys, ["comment", "estate", "id", "period", "stars", "updated_at"]);
        assert!(!resp.text.contains(&e.resident_a.name) && !resp.text.contains(&e.resident_a.phone), "{}", resp.text);
    }
    // Another company's staff and another community's dispatcher: the estate is not theirs.
    for token in [&e.staff_y.token, &e.dispatcher_b.token] {
        assert_error(&app.get(&filter, token).await, 404, "not_found");
        let all = app.get("/api/v1/property/comments", token).await;
        assert_eq!(all.expect_status(200)["items"], json!([]), "{}", all.text);
        assert_error(&app.get(&format!("/api/v1/property/estates/{}", e.estate_a), token).await, 404, "not_found");
        let rows = results(&app, token, "").await;
        assert!(rows.iter().all(|r| r["estate"]["id"] != e.estate_a.as_str()), "{rows:?}");
    }
    // Residents' own ratings stay theirs: another resident of the same estate sees only theirs.
    let neighbour = resident_at(&app, &e.unit_a).await;
    assert_error(&app.get(&rating_path(&e.estate_a), &neighbour.token).await, 404, "not_found");
    let _ = &e.grid_b;
    let _ = &e.company_x;
}

/// The scripted period: estate A (company X) with five raters, B (company Y) with five, C
/// (company X) with four, under a district that lists from four raters and reds from 97 points.
#[tokio::test]
async fn the_grade_and_the_red_and_black_lists_follow_the_district_rules() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_PROPERTY__LIST_MIN_RATERS", "4").set("HAOLIN_PROPERTY__RED_MIN_POINTS", "97");
    })
    .await;
    let e = estates(&app).await;
    let grid_c = app
        .create_place("grid", "第三网格", Some(str_of(&e.grid_a, "parent_id")), json!({"kind": "comprehensive"}))
        .await;
    let estate_c = estate(&app, "和平东苑", &e.company_x, &[&grid_c]).await;
    let a: [[i64; 5]; 5] = [[5, 5, 5, 5, 5], [5, 4, 4, 5, 4], [4, 4, 5, 4, 4], [5, 5, 4, 4, 3], [4, 5, 5, 4, 5]];
    let b: [[i64; 5]; 5] = [[2, 3, 4, 1, 2], [3, 3, 3, 2, 2], [4, 2, 2, 1, 3], [1, 2, 3, 2, 2], [5, 3, 2, 1, 4]];
    for (estate, grid, rows) in
        [(&e.estate_a, &e.grid_a, &a[..]), (&e.estate_b, &e.grid_b, &b[..]), (&estate_c, &grid_c, &[[5; 5]; 4][..])]
    {
        for s in rows {
            let r = resident_at(&app, grid).await;
            app.put(&rating_path(estate), &r.token, &stars(*s, None)).await.expect_status(201);
        }
    }
    let admin = app.admin_token().await;
    let rows = results(&app, &admin, "").await;
    let by_estate = |id: &str| rows.iter().find(|r| r["estate"]["id"] == id).cloned().expect("the estate's line");
    let ra = by_estate(&e.estate_a);
    assert_eq!(ra["raters"], 5);
    assert_eq!(
        ra["averages"],
        json!({"security": 4.6, "cleaning": 4.6, "greening": 4.6, "orderly": 4.4, "repair": 4.2})
    );
    assert_eq!(ra["satisfaction"], 0.96);
    assert_eq!(ra["points"], 96.0);
    assert_eq!(ra["grade"], "A");
    assert_eq!(ra["list"], Value::Null, "96 points are below the red line of 97");
    let rb = by_estate(&e.estate_b);
    assert_eq!(
        rb["averages"],
        json!({"security": 3.0, "cleaning": 2.6, "greening": 2.8, "orderly": 1.4, "repair": 2.6})
    );
    assert_eq!(rb["satisfaction"], 0.16);
    assert_eq!(rb["points"], 16.0);
    assert_eq!(rb["grade"], "D");
    assert_eq!(rb["list"], "black");
    let rc = by_estate(&estate_c);
    assert_eq!((rc["raters"].clone(), rc["points"].clone(), rc["grade"].clone()), (json!(4), json!(100.0), json!("A")));
    assert_eq!(rc["list"], "red");

    let companies = app.get("/api/v1/property/company-results", &admin).await;
    let companies = companies.expect_status(200)["items"].as_array().cloned().unwrap_or_default();
    let x = companies.iter().find(|c| c["company"]["id"] == e.company_x.as_str()).expect("company X");
    // 44 of 45 duty marks were 4 or 5 stars.
    assert_eq!(
        (x["raters"].clone(), x["satisfaction"].clone(), x["points"].clone()),
        (json!(9), json!(0.9778), json!(97.8))
    );
    assert_eq!((x["grade"].clone(), x["list"].clone()), (json!("A"), json!("red")));
    assert!(x["estate"].is_null());
    // Company staff see their own company only; a dispatcher the companies serving their estates.
    let own = app.get("/api/v1/property/company-results", &e.staff_y.token).await;
    let own = own.expect_status(200)["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(own.len(), 1);
    assert_eq!((own[0]["points"].clone(), own[0]["list"].clone()), (json!(16.0), json!("black")));
    let mine = results(&app, &e.dispatcher_a.token, "").await;
    let ids: Vec<&str> = mine.iter().map(|r| str_of(&r["estate"], "id")).collect();
    assert_eq!(ids, [e.estate_a.as_str(), estate_c.as_str()]);
    // An earlier period has no ratings: every estate listed with no grade.
    let before = results(&app, &admin, "&period=2020-01").await;
    assert!(before.iter().all(|r| r["raters"] == 0 && r["grade"].is_null() && r["list"].is_null()), "{before:?}");
    assert_invalid_field(&app.get("/api/v1/property/results?period=20-01", &admin).await, "period");
}

#[tokio::test]
async fn the_csv_import_applies_a_good_file_once_and_refuses_a_bad_one_whole() {
    let app = spawn_app().await;
    let [_, street, community, grid, unit] = app.small_tree().await;
    let grid2 =
        app.create_place("grid", "第二网格", Some(str_of(&community, "id")), json!({"kind": "comprehensive"})).await;
    let other = app.create_place("community", "幸福社区", Some(str_of(&street, "id")), json!({})).await;
    let far = app.create_place("grid", "幸福网格", Some(str_of(&other, "id")), json!({"kind": "comprehensive"})).await;
    let admin = app.admin_token().await;
    let code = |p: &Value| str_of(p, "code").to_owned();
    let good = format!(
        "\u{feff}company,estate,places\r\n黔城物业,和平小区,{}\r\n\"黔城物业\",和平东苑,{};{}\r\n安居物业,幸福小区,{}\r\n",
        code(&grid),
        code(&grid2),
        code(&grid2),
        code(&far)
    );
    let resp =
        app.post_raw("/api/v1/admin/property/import", Some(&admin), Some("text/csv"), good.clone().into_bytes()).await;
    assert_eq!(resp.expect_status(200), &json!({"created": 5, "updated": 0, "unchanged": 0}));
    let again = app.post_raw("/api/v1/admin/property/import", Some(&admin), Some("text/csv"), good.into_bytes()).await;
    assert_eq!(again.expect_status(200), &json!({"created": 0, "updated": 0, "unchanged": 3}));
    let estates = app.get("/api/v1/property/estates?limit=100", &admin).await;
    let estates = estates.expect_status(200)["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(estates.len(), 3);
    let heping = estates.iter().find(|e| e["name"] == "和平小区").expect("和平小区");
    assert_eq!(heping["place_ids"], json!([grid["id"]]));
    assert_eq!(heping["company"]["name"], "黔城物业");

    // Every bad line is reported and nothing is applied.
    let bad = format!(
        "company,estate,places\n新物业,新小区,{}\n,无名,{}\n坏物业,跨社区,{};{}\n坏物业,不存在,999999999999999\n坏物业,区,{}\n",
        code(&unit),
        code(&unit),
        code(&grid),
        code(&far),
        code(&community)
    );
    let refused = app.post_raw("/api/v1/admin/property/import", Some(&admin), Some("text/csv"), bad.into_bytes()).await;
    let body = assert_error(&refused, 422, "invalid_import");
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    let lines: Vec<(i64, &str)> =
        errors.iter().map(|e| (e["line"].as_i64().unwrap_or(0), e["column"].as_str().unwrap_or(""))).collect();
    // Line 3 also names the unit line 2 took.
    assert_eq!(lines, [(3, "company"), (3, "places"), (4, "places"), (5, "places"), (6, "places")], "{body}");
    let companies = app.get("/api/v1/property/companies?limit=100", &admin).await;
    assert_eq!(companies.expect_status(200)["items"].as_array().map(Vec::len), Some(2), "nothing applied");
    let no_header =
        app.post_raw("/api/v1/admin/property/import", Some(&admin), Some("text/csv"), b"a,b\n".to_vec()).await;
    assert_error(&no_header, 422, "invalid_import");
    let resident = app.register_resident().await;
    let forbidden = app
        .post_raw(
            "/api/v1/admin/property/import",
            Some(&resident.token),
            Some("text/csv"),
            b"company,estate,places\n".to_vec(),
        )
        .await;
    assert_error(&forbidden, 403, "forbidden");
}

#[tokio::test]
async fn admins_keep_companies_and_estates_and_each_change_is_audited() {
    let app = spawn_app().await;
    let e = estates(&app).await;
    let admin = app.admin_token().await;
    let dup = app.post("/api/v1/admin/property/companies", &admin, &json!({"name": "黔城物业"})).await;
    assert_error(&dup, 409, "already_exists");
    let renamed = app
        .patch(&format!("/api/v1/admin/property/companies/{}", e.company_x), &admin, &json!({"name": "黔城红色物业"}))
        .await;
    assert_eq!(renamed.expect_status(200)["name"], "黔城红色物业");
    // A place already in another estate, places of two communities, a community as a place.
    let taken = json!({"name": "重叠小区", "company_id": e.company_x, "place_ids": [e.grid_a["id"]]});
    assert_invalid_field(&app.post("/api/v1/admin/property/estates", &admin, &taken).await, "place_ids");
    let mixed = json!({"name": "跨社区", "company_id": e.company_x, "place_ids": [e.unit_a["id"], e.grid_b["id"]]});
    assert_invalid_field(&app.post("/api/v1/admin/property/estates", &admin, &mixed).await, "place_ids[1]");
    let empty = json!({"name": "空小区", "company_id": e.company_x, "place_ids": []});
    assert_invalid_field(&app.post("/api/v1/admin/property/estates", &admin, &empty).await, "place_ids");
    let moved = app
        .patch(
            &format!("/api/v1/admin/property/estates/{}", e.estate_b),
            &admin,
            &json!({"company_id": e.company_x, "name": "幸福家园"}),
        )
        .await;
    let moved = moved.expect_status(200);
    assert_eq!((moved["name"].clone(), moved["company"]["id"].clone()), (json!("幸福家园"), json!(e.company_x)));
    // Staff of X now read B's comments; staff taken off read nothing.
    app.get(&format!("/api/v1/property/comments?estate_id={}", e.estate_b), &e.staff_x.token).await.expect_status(200);
    let off = app
        .send(
            app.request(
                reqwest::Method::DELETE,
                &format!("/api/v1/admin/property/companies/{}/staff", e.company_x),
                Some(&admin),
            )
            .json(&json!({"user_id": e.staff_x.id})),
        )
        .await;
    assert_eq!(off.status, 204, "{}", off.text);
    assert_error(&app.get("/api/v1/property/comments", &e.staff_x.token).await, 403, "forbidden");
    let audit = app.get("/api/v1/admin/audit?limit=100", &admin).await;
    let actions: Vec<String> = audit.expect_status(200)["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["action"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    for action in [
        "property_company_created",
        "property_company_updated",
        "property_estate_created",
        "property_estate_updated",
        "property_staff_added",
        "property_staff_removed",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} missing from {actions:?}");
    }
    assert_error(
        &app.post("/api/v1/admin/property/companies", &e.dispatcher_a.token, &json!({"name": "某物业"})).await,
        403,
        "forbidden",
    );
}

async fn download(app: &TestApp, path: &str, token: Option<&str>) -> (u16, String, Vec<u8>) {
    let resp = app.request(reqwest::Method::GET, path, token).send().await.expect("the request is sent");
    let status = resp.status().as_u16();
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, ct, resp.bytes().await.expect("the body is read").to_vec())
}

/// The export for the housing bureau: the same lines as the results, cell by cell, in CSV (BOM,
/// a company name a spreadsheet would run as a formula escaped) and XLSX (numbers as numbers),
/// through a one-time link too; refused to residents and for a bad period.
#[tokio::test]
async fn the_property_ratings_export_holds_the_results_cell_by_cell() {
    use calamine::{Data, Reader, Xlsx};
    let app = spawn_app().await;
    let e = estates(&app).await;
    let admin = app.admin_token().await;
    app.patch(&format!("/api/v1/admin/property/companies/{}", e.company_x), &admin, &json!({"name": "=黔城物业"}))
        .await
        .expect_status(200);
    // 7 of 10 duty marks are 4 or 5 stars: 70 points, grade B.
    for s in [[5, 4, 3, 2, 1], [4, 4, 4, 4, 4]] {
        let r = resident_at(&app, &e.grid_a).await;
        app.put(&rating_path(&e.estate_a), &r.token, &stars(s, None)).await.expect_status(201);
    }
    let token = &e.dispatcher_a.token;
    let (status, ct, bytes) = download(&app, "/api/v1/exports/property-ratings.csv", Some(token)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert!(ct.starts_with("text/csv"), "{ct}");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[3..]);
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect()).collect();
    let header = [
        "评价周期",
        "街道",
        "社区",
        "小区",
        "物业服务企业",
        "参评人数",
        "保安",
        "保洁",
        "保绿",
        "保序",
        "保修",
        "满意度",
        "得分",
        "等级",
        "榜单",
    ];
    assert_eq!(rows[0], header);
    // The dispatcher of A's community: A only.
    assert_eq!(rows.len(), 2, "{rows:?}");
    let period =
        str_of(&app.get("/api/v1/property/mine", &e.resident_a.token).await.expect_status(200)["period"], "key")
            .to_owned();
    let expected = [
        period.as_str(),
        "荷泉街道",
        "和平社区",
        "和平小区",
        "'=黔城物业",
        "2",
        "4.5",
        "4",
        "3.5",
        "3",
        "2.5",
        "0.7",
        "70",
        "B",
        "",
    ];
    assert_eq!(rows[1], expected);
    let json_line = &results(&app, token, "").await[0];
    assert_eq!(json_line["points"], 70.0);
    assert_eq!(json_line["satisfaction"], 0.7);

    // XLSX through a one-time link: the same cells, numbers as numbers, the name as text.
    let link =
        app.post("/api/v1/exports/links", token, &json!({"path": "/api/v1/exports/property-ratings.xlsx"})).await;
    let url = str_of(link.expect_status(200), "url").to_owned();
    let (status, _, bytes) = download(&app, &url, None).await;
    assert_eq!(status, 200);
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an XLSX workbook");
    let range = workbook.worksheet_range_at(0).expect("a first sheet").expect("a readable sheet");
    let sheet: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(sheet.len(), 2);
    assert_eq!(sheet[1][4], Data::String("=黔城物业".into()));
    assert_eq!(sheet[1][5], Data::Float(2.0));
    assert_eq!(sheet[1][12], Data::Float(70.0));
    assert_eq!(sheet[1][13], Data::String("B".into()));
    let (again, _, _) = download(&app, &url, None).await;
    assert_eq!(again, 401, "a link works once");

    // Refusals: a resident, a bad or empty period; an admin sees both estates.
    let (status, _, _) = download(&app, "/api/v1/exports/property-ratings.csv", Some(&e.resident_a.token)).await;
    assert_eq!(status, 403);
    for bad in ["?period=2026-13", "?period="] {
        let (status, _, body) =
            download(&app, &format!("/api/v1/exports/property-ratings.xlsx{bad}"), Some(token)).await;
        assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
    }
    let (_, _, all) = download(&app, "/api/v1/exports/property-ratings.csv?period=2020-01", Some(&admin)).await;
    let text = String::from_utf8_lossy(&all);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("2020-01,荷泉街道,幸福社区,幸福小区,安居物业,0,,,,,,,,,"), "{text}");
}

/// The demo: 赵阿姨 lives in 和平小区 and has not rated this month; 钱大爷 has; 黄物业 (黔城物业's
/// staff) reads this month's comment without 钱大爷's name; last month's results are graded.
#[tokio::test]
async fn the_demo_has_companies_estates_and_months_of_ratings() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_DEMO", "1").remove("HAOLIN_ADMIN_PHONE").remove("HAOLIN_ADMIN_PASSWORD");
    })
    .await;
    let token = |v: Value| str_of(&v, "access_token").to_owned();
    let zhao = token(app.login("13800000011", "haolin123").await);
    let mine = app.get("/api/v1/property/mine", &zhao).await;
    let mine = mine.expect_status(200);
    assert_eq!(mine["estate"]["name"], "和平小区");
    assert_eq!(mine["estate"]["company"]["name"], "黔城物业服务有限公司");
    assert!(mine["rating"].is_null(), "{mine}");
    let qian = token(app.login("13800000012", "haolin123").await);
    assert!(!app.get("/api/v1/property/mine", &qian).await.expect_status(200)["rating"].is_null());
    let staff = token(app.login("13800000031", "haolin123").await);
    let comments = app.get("/api/v1/property/comments", &staff).await;
    assert_eq!(comments.expect_status(200)["items"][0]["comment"], "电梯维修及时，点赞");
    assert!(!comments.text.contains("钱大爷") && !comments.text.contains("13800000012"));
    let dispatcher = token(app.login("13800000001", "haolin123").await);
    let companies = app.get("/api/v1/property/company-results", &dispatcher).await;
    let companies = companies.expect_status(200)["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(companies.len(), 2, "{companies:?}");
}

/// `haolin generate --scale small`: companies per street, an estate per comprehensive grid, a year
/// of monthly ratings whose results the API grades.
#[tokio::test]
async fn the_generator_adds_companies_estates_and_a_year_of_ratings() {
    let app = spawn_app().await;
    let out = tokio::process::Command::new(haolin_tests::binary_path())
        .args(["generate", "--seed", "5", "--scale", "small"])
        .env("DATABASE_URL", &app.database_url)
        .env("HAOLIN_DATA_DIR", app.data_dir())
        .output()
        .await
        .expect("run haolin generate");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("property: 8 companies, 18 estates, "), "{stdout}");
    let admin = app.admin_token().await;
    let rows = results(&app, &admin, "").await;
    assert_eq!(rows.len(), 18);
    let mine = app.get("/api/v1/property/mine", &admin).await;
    let period = str_of(&mine.expect_status(200)["period"], "key").to_owned();
    let earlier = format!("{}-{:02}", &period[..4], 1);
    for query in ["", &format!("&period={earlier}")] {
        let rows = results(&app, &admin, query).await;
        assert!(rows.iter().filter(|r| r["raters"].as_i64() > Some(0)).count() > 10, "{query}: {rows:?}");
        assert!(rows.iter().all(|r| r["raters"] == 0 || r["grade"].is_string()), "{rows:?}");
    }
}

#[tokio::test]
async fn an_estate_follows_its_community_to_another_street() {
    let app = spawn_app().await;
    let e = estates(&app).await;
    let admin = app.admin_token().await;
    let community_b = str_of(&e.grid_b, "parent_id").to_owned();
    let street =
        app.get(&format!("/api/v1/places/{community_b}"), &admin).await.expect_status(200)["parent_id"].clone();
    let district = app.get(&format!("/api/v1/places/{}", street.as_str().unwrap_or_default()), &admin).await;
    let district = district.expect_status(200)["parent_id"].clone();
    let other = app.create_place("street", "黄土坡街道", district.as_str(), json!({})).await;
    let other_officer = app.create_actor(&["street_officer"], &[]).await;
    app.grant_at(&other_officer.id, "street_officer", &other).await;
    let before = app.get(&format!("/api/v1/property/estates/{}", e.estate_b), &other_officer.token).await;
    assert!(matches!(before.status, 403 | 404), "not theirs before the move: {}", before.text);

    let path = format!("/api/v1/admin/places/{community_b}");
    app.patch(&path, &admin, &json!({"parent_id": str_of(&other, "id")})).await.expect_status(200);
    let estate = app.get(&format!("/api/v1/property/estates/{}", e.estate_b), &other_officer.token).await;
    assert_eq!(estate.expect_status(200)["name"], "幸福小区", "the new street's officer oversees the estate");
    let ids: Vec<Value> = results(&app, &e.officer.token, "").await.iter().map(|r| r["estate"]["id"].clone()).collect();
    assert!(!ids.contains(&json!(e.estate_b)), "the old street's officer no longer does: {ids:?}");
    assert!(ids.contains(&json!(e.estate_a)), "but still oversees the estate that stayed: {ids:?}");
}
