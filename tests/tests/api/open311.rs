//! The Open311 GeoReport v2 door (docs/OPEN311.md): the field lists of every document in JSON and
//! XML, every wish status mapped to `open`/`closed`, the filters and their limits, no personal
//! data in the public read, partner keys (admins only, audited, revocable, scoped to a community
//! or street) and a POST that becomes a wish a dispatcher reviews and approves.

use haolin_tests::{Actor, CATEGORY, TestApp, spawn_app, spawn_app_with, str_of, urlencode};
use serde_json::{Value, json};

const SERVICE_FIELDS: [&str; 7] =
    ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"];
const REQUEST_FIELDS: [&str; 17] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];
const POSTED_FIELDS: [&str; 3] = ["service_request_id", "service_notice", "account_id"];
const PARTNER_PHONE: &str = "13712345678";

fn square(lng: f64, lat: f64, size: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]]})
}

/// A district with a street holding two communities, each with a bounded grid, a dispatcher and
/// two members of the first community, and a resident.
struct Town {
    district: Value,
    street: Value,
    community: Value,
    grid: Value,
    other_community: Value,
    other_grid: Value,
    dispatcher: Actor,
    member: Actor,
    resident: Actor,
}

async fn town(app: &TestApp) -> Town {
    let [district, street, community, grid, _] = app.small_tree().await;
    let admin = app.admin_token().await;
    let path = format!("/api/v1/admin/places/{}", str_of(&grid, "id"));
    app.patch(&path, &admin, &json!({"boundary": square(104.80, 26.58, 0.02)})).await.expect_status(200);
    let other_community = app.create_place("community", "幸福社区", Some(str_of(&street, "id")), json!({})).await;
    let other_grid = app
        .create_place(
            "grid",
            "幸福第一网格",
            Some(str_of(&other_community, "id")),
            json!({"kind": "comprehensive", "boundary": square(104.90, 26.58, 0.02)}),
        )
        .await;
    let c = [str_of(&community, "id")];
    let (dispatcher, member, resident) = tokio::join!(
        app.create_actor(&["dispatcher"], &c),
        app.create_actor(&["member"], &c),
        app.register_resident(),
    );
    Town { district, street, community, grid, other_community, other_grid, dispatcher, member, resident }
}

/// Issues a key for `place` as the admin; returns the whole answer.
async fn issue(app: &TestApp, place: &Value, partner: &str) -> Value {
    let admin = app.admin_token().await;
    let body = json!({"partner": partner, "place_id": str_of(place, "id"), "contact_phone": PARTNER_PHONE});
    app.post("/api/v1/admin/open311-keys", &admin, &body).await.expect_status(201).clone()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&")
}

async fn post_form(app: &TestApp, path: &str, pairs: &[(&str, &str)]) -> haolin_tests::ApiResponse {
    app.post_raw(path, None, Some("application/x-www-form-urlencoded"), form(pairs)).await
}

/// The field names of a JSON record.
fn keys(record: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = record.as_object().expect("an object").keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn sorted(fields: &[&'static str]) -> Vec<&'static str> {
    let mut f = fields.to_vec();
    f.sort_unstable();
    f
}

/// An XML document's items: for each child of the root named `item`, its children's names (in
/// order) and texts.
fn xml_items(text: &str, root: &str, item: &str) -> Vec<Vec<(String, String)>> {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not XML ({e}): {text}"));
    let r = doc.root_element();
    assert_eq!(r.tag_name().name(), root, "{text}");
    r.children()
        .filter(|n| n.is_element())
        .map(|n| {
            assert_eq!(n.tag_name().name(), item, "{text}");
            n.children()
                .filter(|c| c.is_element())
                .map(|c| (c.tag_name().name().to_owned(), c.text().unwrap_or("").to_owned()))
                .collect()
        })
        .collect()
}

fn names(item: &[(String, String)]) -> Vec<&str> {
    item.iter().map(|(n, _)| n.as_str()).collect()
}

fn assert_error_doc_json(resp: &haolin_tests::ApiResponse, status: u16) {
    assert_eq!(resp.status, status, "{}", resp.text);
    let errors = resp.body.as_array().unwrap_or_else(|| panic!("errors must be an array: {}", resp.text));
    assert_eq!(errors.len(), 1);
    assert_eq!(keys(&errors[0]), ["code", "description"]);
    assert_eq!(errors[0]["code"], json!(status));
    assert!(!str_of(&errors[0], "description").is_empty());
}

fn assert_error_doc_xml(resp: &haolin_tests::ApiResponse, status: u16) {
    assert_eq!(resp.status, status, "{}", resp.text);
    assert!(resp.header("content-type").unwrap_or("").starts_with("text/xml"), "{:?}", resp.headers);
    let items = xml_items(&resp.text, "errors", "error");
    assert_eq!(items.len(), 1);
    assert_eq!(names(&items[0]), ["code", "description"]);
    assert_eq!(items[0][0].1, status.to_string());
}

#[tokio::test]
async fn services_and_their_definitions_follow_the_georeport_field_lists_in_json_and_xml() {
    let app = spawn_app().await;
    let t = town(&app).await;

    let resp = app.get_anon("/open311/v2/services.json").await;
    let services = resp.expect_status(200).as_array().expect("an array").clone();
    assert!(resp.header("content-type").unwrap_or("").starts_with("application/json"));
    assert_eq!(services.len(), 7, "one service per default category: {services:?}");
    for s in &services {
        assert_eq!(keys(s), sorted(&SERVICE_FIELDS), "{s}");
        assert_eq!(s["service_code"], s["service_name"]);
        assert_eq!(s["metadata"], false);
        assert_eq!(s["type"], "realtime");
        assert_eq!(s["group"], "微心愿");
    }
    assert!(services.iter().any(|s| s["service_code"] == CATEGORY));

    let resp = app.get_anon("/open311/v2/services.xml").await;
    assert_eq!(resp.status, 200);
    assert!(resp.header("content-type").unwrap_or("").starts_with("text/xml"));
    let items = xml_items(&resp.text, "services", "service");
    assert_eq!(items.len(), 7);
    for item in &items {
        assert_eq!(names(item), SERVICE_FIELDS);
        assert_eq!(item[3].1, "false");
    }
    let district = str_of(&t.district, "code");
    let scoped = app.get_anon(&format!("/open311/v2/services.json?jurisdiction_id={district}")).await;
    assert_eq!(scoped.expect_status(200).as_array().map(Vec::len), Some(7));
    assert_error_doc_json(&app.get_anon("/open311/v2/services.json?jurisdiction_id=999999").await, 404);
    assert_error_doc_xml(&app.get_anon("/open311/v2/services.xml?jurisdiction_id=999999").await, 404);

    let code = urlencode(CATEGORY);
    let def = app.get_anon(&format!("/open311/v2/services/{code}.json")).await;
    assert_eq!(def.expect_status(200), &json!({"service_code": CATEGORY, "attributes": []}));
    let def = app.get_anon(&format!("/open311/v2/services/{code}.xml")).await;
    assert_eq!(def.status, 200);
    let doc = roxmltree::Document::parse(&def.text).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "service_definition");
    let children: Vec<&str> =
        doc.root_element().children().filter(|n| n.is_element()).map(|n| n.tag_name().name()).collect();
    assert_eq!(children, ["service_code", "attributes"]);
    assert_error_doc_json(&app.get_anon(&format!("/open311/v2/services/{}.json", urlencode("买彩票"))).await, 404);
    assert_error_doc_xml(&app.get_anon(&format!("/open311/v2/services/{}.xml", urlencode("买彩票"))).await, 404);
    // Another method: 405 with Allow, in the spec's error shape.
    let put = app.send(app.request(reqwest::Method::PUT, "/open311/v2/services.json", None)).await;
    assert_error_doc_json(&put, 405);
    assert_eq!(put.header("allow"), Some("GET, POST"));
    let delete = app.send(app.request(reqwest::Method::DELETE, "/open311/v2/requests/1.json", None)).await;
    assert_error_doc_json(&delete, 405);
    assert_eq!(delete.header("allow"), Some("GET"));
    // Neither .json nor .xml.
    assert_error_doc_json(&app.get_anon("/open311/v2/services.csv").await, 404);
    assert_error_doc_json(&app.get_anon("/open311/v2/nothing.json").await, 404);
}

/// A wish in every status we have, in the town's community and grid; returns `(status, id)`.
async fn wishes_in_every_status(app: &TestApp, t: &Town) -> Vec<(&'static str, String)> {
    let c = str_of(&t.community, "id").to_owned();
    let grid = str_of(&t.grid, "id").to_owned();
    let post = || async {
        let mut body = app.wish_body(&c);
        body["grid_id"] = json!(grid);
        body["description"] = json!(format!("请联系{}，电话{}，住三栋二单元", t.resident.name, t.resident.phone));
        let resp = app.post("/api/v1/wishes", &t.resident.token, &body).await;
        str_of(resp.expect_status(201), "id").to_owned()
    };
    let d = &t.dispatcher.token;
    let m = &t.member.token;
    let mut out = Vec::new();
    out.push(("pending_review", post().await));
    let id = post().await;
    app.act_ok(d, &id, "reject", json!({"reason": "不属于微心愿范围"})).await;
    out.push(("rejected", id));
    let id = post().await;
    app.act_ok(d, &id, "approve", json!({})).await;
    out.push(("open", id));
    let id = post().await;
    app.act_ok(d, &id, "dispatch", json!({"member_id": t.member.id})).await;
    out.push(("assigned", id));
    let id = post().await;
    app.act_ok(d, &id, "approve", json!({})).await;
    app.act_ok(m, &id, "claim", json!({})).await;
    out.push(("claimed", id.clone()));
    let id = post().await;
    app.act_ok(d, &id, "approve", json!({})).await;
    app.act_ok(m, &id, "claim", json!({})).await;
    app.act_ok(m, &id, "fulfil", json!({"note": "已送到"})).await;
    out.push(("fulfilled", id.clone()));
    let id = post().await;
    app.act_ok(d, &id, "approve", json!({})).await;
    app.act_ok(m, &id, "claim", json!({})).await;
    app.act_ok(m, &id, "fulfil", json!({"note": "已送到"})).await;
    app.act_ok(&t.resident.token, &id, "confirm", json!({"rating": 5})).await;
    out.push(("confirmed", id));
    let id = post().await;
    app.act_ok(&t.resident.token, &id, "cancel", json!({"reason": "不需要了"})).await;
    out.push(("cancelled", id));
    out
}

#[tokio::test]
async fn every_status_maps_to_open_or_closed_and_the_public_read_holds_no_personal_data() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let wishes = wishes_in_every_status(&app, &t).await;

    let resp = app.get_anon("/open311/v2/requests.json").await;
    let items = resp.expect_status(200).as_array().expect("an array").clone();
    assert_eq!(items.len(), wishes.len(), "{items:?}");
    for item in &items {
        assert_eq!(keys(item), sorted(&REQUEST_FIELDS), "{item}");
    }
    let by_id =
        |id: &str| items.iter().find(|i| i["service_request_id"] == id).unwrap_or_else(|| panic!("{id} missing"));
    for (ours, id) in &wishes {
        let r = by_id(id);
        let closed = matches!(*ours, "confirmed" | "rejected" | "cancelled");
        assert_eq!(r["status"], if closed { "closed" } else { "open" }, "{ours}: {r}");
        assert!(!str_of(r, "status_notes").is_empty(), "{ours}: notes");
        assert_eq!(r["service_code"], CATEGORY);
        assert_eq!(r["service_name"], CATEGORY);
        assert_eq!(r["agency_responsible"], t.community["name"]);
        // Location at grid level only: the grid's name and code, the centroid of its boundary.
        assert_eq!(r["address"], t.grid["name"]);
        assert_eq!(r["address_id"], t.grid["code"]);
        assert!((r["lat"].as_f64().unwrap() - 26.59).abs() < 1e-9, "{r}");
        assert!((r["long"].as_f64().unwrap() - 104.81).abs() < 1e-9, "{r}");
        // The text nobody approved is not published.
        let unreviewed = matches!(*ours, "pending_review" | "rejected");
        assert_eq!(str_of(r, "description").is_empty(), unreviewed, "{ours}: {r}");
        assert!(haolin_tests::is_rfc3339(str_of(r, "requested_datetime")));
        assert!(haolin_tests::is_rfc3339(str_of(r, "updated_datetime")));
    }
    let statuses: std::collections::BTreeSet<&str> = wishes.iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses.len(), 8, "every WishStatus is covered");

    let xml = app.get_anon("/open311/v2/requests.xml").await;
    assert_eq!(xml.status, 200);
    let xml_requests = xml_items(&xml.text, "service_requests", "request");
    assert_eq!(xml_requests.len(), wishes.len());
    for item in &xml_requests {
        assert_eq!(names(item), REQUEST_FIELDS);
    }

    let one = app.get_anon(&format!("/open311/v2/requests/{}.json", wishes[6].1)).await;
    let one = one.expect_status(200).as_array().expect("an array of one").clone();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["status"], "closed");
    let one = app.get_anon(&format!("/open311/v2/requests/{}.xml", wishes[2].1)).await;
    let one = xml_items(&one.text, "service_requests", "request");
    assert_eq!(one.len(), 1);
    assert_eq!(one[0][1], ("status".to_owned(), "open".to_owned()));
    assert_error_doc_json(&app.get_anon("/open311/v2/requests/999999.json").await, 404);
    assert_error_doc_xml(&app.get_anon("/open311/v2/requests/abc.xml").await, 404);

    // Nobody's phone or name, nor the wish's description, in any form of the public read.
    for body in [&resp.text, &xml.text] {
        for secret in [&t.resident.phone, &t.resident.name, &t.member.phone, &t.member.name, &t.dispatcher.name] {
            assert!(!body.contains(secret.as_str()), "{secret} leaked: {body}");
        }
        assert!(!body.contains("三栋二单元"), "the description leaked");
    }
}

#[tokio::test]
async fn the_filters_select_and_the_window_is_at_most_ninety_days() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let wishes = wishes_in_every_status(&app, &t).await;
    let ids = |resp: &haolin_tests::ApiResponse| -> Vec<String> {
        resp.expect_status(200)
            .as_array()
            .expect("an array")
            .iter()
            .map(|r| str_of(r, "service_request_id").to_owned())
            .collect()
    };
    let closed = ids(&app.get_anon("/open311/v2/requests.json?status=closed").await);
    assert_eq!(closed.len(), 3);
    let open = ids(&app.get_anon("/open311/v2/requests.json?status=open").await);
    assert_eq!(open.len(), 5);
    assert_eq!(ids(&app.get_anon("/open311/v2/requests.json?status=open,closed").await).len(), 8);
    assert_error_doc_json(&app.get_anon("/open311/v2/requests.json?status=pending").await, 400);

    // Newest first.
    let all = ids(&app.get_anon("/open311/v2/requests.json").await);
    let mut expected: Vec<String> = wishes.iter().map(|(_, id)| id.clone()).collect();
    expected.reverse();
    assert_eq!(all, expected);

    let two = format!("{},{}", wishes[0].1, wishes[7].1);
    let picked = ids(&app.get_anon(&format!("/open311/v2/requests.json?service_request_id={two}&status=open")).await);
    assert_eq!(picked, [wishes[7].1.clone(), wishes[0].1.clone()], "service_request_id overrides status");
    assert_error_doc_json(&app.get_anon("/open311/v2/requests.json?service_request_id=x").await, 400);

    let code = urlencode(CATEGORY);
    assert_eq!(ids(&app.get_anon(&format!("/open311/v2/requests.json?service_code={code}")).await).len(), 8);
    let other = urlencode("法律咨询");
    assert!(ids(&app.get_anon(&format!("/open311/v2/requests.json?service_code={other}")).await).is_empty());
    assert_error_doc_xml(
        &app.get_anon(&format!("/open311/v2/requests.xml?service_code={}", urlencode("买彩票"))).await,
        400,
    );

    let now = chrono::Utc::now();
    let at = |d: chrono::Duration| urlencode(&(now + d).to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let days = chrono::Duration::days;
    let q = format!("/open311/v2/requests.json?start_date={}&end_date={}", at(days(-10)), at(days(1)));
    assert_eq!(ids(&app.get_anon(&q).await).len(), 8);
    let q = format!("/open311/v2/requests.json?start_date={}", at(days(1)));
    assert!(ids(&app.get_anon(&q).await).is_empty());
    let q = format!("/open311/v2/requests.json?end_date={}", at(days(-1)));
    assert!(ids(&app.get_anon(&q).await).is_empty());
    let q = format!("/open311/v2/requests.json?start_date={}&end_date={}", at(days(-100)), at(days(1)));
    assert_error_doc_json(&app.get_anon(&q).await, 400);
    let q = format!("/open311/v2/requests.xml?start_date={}&end_date={}", at(days(1)), at(days(-1)));
    assert_error_doc_xml(&app.get_anon(&q).await, 400);
    assert_error_doc_json(&app.get_anon("/open311/v2/requests.json?start_date=yesterday").await, 400);

    let district = str_of(&t.district, "code");
    let scoped = ids(&app.get_anon(&format!("/open311/v2/requests.json?jurisdiction_id={district}")).await);
    assert_eq!(scoped.len(), 8);
    let elsewhere = app.create_place("district", "水城区", None, json!({"code": "520221"})).await;
    let q = format!("/open311/v2/requests.json?jurisdiction_id={}", str_of(&elsewhere, "code"));
    assert!(ids(&app.get_anon(&q).await).is_empty());
    let q = format!("/open311/v2/requests/{}.json?jurisdiction_id={}", wishes[0].1, str_of(&elsewhere, "code"));
    assert_error_doc_json(&app.get_anon(&q).await, 404);
    // A street's code is not a jurisdiction.
    let q = format!("/open311/v2/requests.json?jurisdiction_id={}", str_of(&t.street, "code"));
    assert_error_doc_json(&app.get_anon(&q).await, 404);
}

#[tokio::test]
async fn a_partner_post_becomes_a_wish_a_dispatcher_reviews_and_approves() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let issued = issue(&app, &t.community, "区12345热线").await;
    let api_key = str_of(&issued, "api_key").to_owned();
    assert!(api_key.starts_with("o311_") && api_key.len() > 40, "{api_key}");
    assert_eq!(issued["key"]["place_id"], t.community["id"]);
    assert_eq!(issued["key"]["partner"], "区12345热线");
    assert!(issued["key"]["revoked_at"].is_null());

    let caller_phone = "13698765432";
    let pairs = [
        ("api_key", api_key.as_str()),
        ("jurisdiction_id", str_of(&t.district, "code")),
        ("service_code", CATEGORY),
        ("lat", "26.595"),
        ("long", "104.805"),
        ("description", "独居老人家中水管漏水\n需要志愿者帮忙联系维修"),
        ("first_name", "张"),
        ("last_name", "三"),
        ("email", "zhang@example.com"),
        ("phone", caller_phone),
        ("device_id", "hotline-7"),
        ("account_id", "call-20260101-1"),
        ("attribute[floor]", "3"),
    ];
    let resp = post_form(&app, "/open311/v2/requests.json", &pairs).await;
    let answer = resp.expect_status(201).as_array().expect("an array").clone();
    assert_eq!(answer.len(), 1);
    assert_eq!(keys(&answer[0]), sorted(&POSTED_FIELDS));
    let id = str_of(&answer[0], "service_request_id").to_owned();

    // A retry of the same call replays the first wish instead of filing a second.
    let again = post_form(&app, "/open311/v2/requests.json", &pairs).await;
    assert_eq!(again.expect_status(201)[0]["service_request_id"], json!(id));
    let xml_again = post_form(&app, "/open311/v2/requests.xml", &pairs).await;
    assert_eq!(xml_again.status, 201, "{}", xml_again.text);
    let posted = xml_items(&xml_again.text, "service_requests", "request");
    assert_eq!(names(&posted[0]), POSTED_FIELDS);
    assert_eq!(posted[0][0].1, id);

    // The dispatcher finds it waiting for review, in the grid the point lies in, with the
    // caller's phone as the contact; the resident of record is the partner's system account.
    let pending = app
        .list_all_wishes(
            &t.dispatcher.token,
            &format!("community_id={}&status=pending_review", str_of(&t.community, "id")),
        )
        .await;
    let wish = pending.iter().find(|w| w["id"] == json!(id)).unwrap_or_else(|| panic!("not in review: {pending:?}"));
    assert_eq!(wish["status"], "pending_review");
    assert_eq!(wish["grid_id"], t.grid["id"]);
    assert_eq!(wish["title"], "独居老人家中水管漏水");
    assert_eq!(wish["category"], CATEGORY);
    assert_eq!(wish["contact_phone"], caller_phone);
    assert_eq!(pending.iter().filter(|w| w["title"] == "独居老人家中水管漏水").count(), 1, "one wish, not two");
    let notices = app.get("/api/v1/notifications", &t.dispatcher.token).await;
    assert!(notices.text.contains("独居老人家中水管漏水"), "the dispatcher is told: {}", notices.text);
    app.act_ok(&t.dispatcher.token, &id, "approve", json!({})).await;

    let read = app.get_anon(&format!("/open311/v2/requests/{id}.json")).await;
    let r = &read.expect_status(200)[0];
    assert_eq!(r["status"], "open");
    assert_eq!(r["description"], "独居老人家中水管漏水");
    assert!(!read.text.contains(caller_phone), "the caller's phone is never public");

    // Without a phone the partner's desk phone is the contact.
    let plain = [("api_key", api_key.as_str()), ("service_code", CATEGORY), ("description", "楼道灯坏了")];
    let resp = post_form(&app, "/open311/v2/requests", &plain).await;
    let second = str_of(&resp.expect_status(201)[0], "service_request_id").to_owned();
    assert_ne!(second, id);
    let wish = app.get_wish(&t.dispatcher.token, &second).await;
    assert_eq!(wish.expect_status(200)["contact_phone"], PARTNER_PHONE);
    assert!(wish.body["grid_id"].is_null());

    // Bad input is a 400 in the spec's shape, and files nothing.
    let before =
        app.list_all_wishes(&t.dispatcher.token, &format!("community_id={}", str_of(&t.community, "id"))).await;
    for bad in [
        vec![("api_key", api_key.as_str()), ("description", "没有服务类型")],
        vec![("api_key", api_key.as_str()), ("service_code", "买彩票"), ("description", "未知服务类型")],
        vec![("api_key", api_key.as_str()), ("service_code", CATEGORY)],
        vec![("api_key", api_key.as_str()), ("service_code", CATEGORY), ("description", "x"), ("phone", "123")],
        vec![("api_key", api_key.as_str()), ("service_code", CATEGORY), ("description", "x"), ("lat", "26.5")],
        vec![
            ("api_key", api_key.as_str()),
            ("service_code", CATEGORY),
            ("description", "x"),
            ("lat", "91"),
            ("long", "1"),
        ],
    ] {
        assert_error_doc_json(&post_form(&app, "/open311/v2/requests.json", &bad).await, 400);
    }
    let json_body = app
        .post_raw("/open311/v2/requests.json", None, Some("application/json"), json!({"api_key": api_key}).to_string())
        .await;
    assert_error_doc_json(&json_body, 400);
    let wrong_district = [
        ("api_key", api_key.as_str()),
        ("service_code", CATEGORY),
        ("description", "x"),
        ("jurisdiction_id", "999999"),
    ];
    assert_error_doc_json(&post_form(&app, "/open311/v2/requests.json", &wrong_district).await, 404);
    let after = app.list_all_wishes(&t.dispatcher.token, &format!("community_id={}", str_of(&t.community, "id"))).await;
    assert_eq!(after.len(), before.len(), "a refused POST files nothing");
}

#[tokio::test]
async fn a_key_files_only_inside_its_community_or_street() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let community_key = issue(&app, &t.community, "社区合作平台").await;
    let key = str_of(&community_key, "api_key");
    let base = [("api_key", key), ("service_code", CATEGORY), ("description", "帮忙换灯泡")];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut v: Vec<(&str, &str)> = base.to_vec();
        v.extend_from_slice(extra);
        v
    };
    // Community B, by its code, by its grid's code or by a point in its grid: refused.
    let other_code = str_of(&t.other_community, "code").to_owned();
    let other_grid_code = str_of(&t.other_grid, "code").to_owned();
    for pairs in [
        vec![("api_key", key), ("service_code", CATEGORY), ("description", "x"), ("address_id", other_code.as_str())],
        vec![
            ("api_key", key),
            ("service_code", CATEGORY),
            ("description", "x"),
            ("address_id", other_grid_code.as_str()),
        ],
        with(&[("lat", "26.59"), ("long", "104.91")]),
        with(&[("address_id", "000000")]),
    ] {
        assert_error_doc_json(&post_form(&app, "/open311/v2/requests.json", &pairs).await, 400);
    }
    let admin = app.admin_token().await;
    let in_b = app.list_all_wishes(&admin, &format!("community_id={}", str_of(&t.other_community, "id"))).await;
    assert!(in_b.is_empty(), "nothing filed in community B: {in_b:?}");
    // Its own grid's code lands in that grid.
    let own_grid =
        [("api_key", key), ("service_code", CATEGORY), ("description", "x"), ("address_id", str_of(&t.grid, "code"))];
    let resp = post_form(&app, "/open311/v2/requests.json", &own_grid).await;
    let id = str_of(&resp.expect_status(201)[0], "service_request_id").to_owned();
    assert_eq!(app.get_wish(&admin, &id).await.expect_status(200)["grid_id"], t.grid["id"]);

    // A street key needs a location, and files in the community that holds it.
    let street_key = issue(&app, &t.street, "街道网格平台").await;
    let skey = str_of(&street_key, "api_key");
    let nowhere = [("api_key", skey), ("service_code", CATEGORY), ("description", "没有位置")];
    assert_error_doc_json(&post_form(&app, "/open311/v2/requests.json", &nowhere).await, 400);
    let outside =
        [("api_key", skey), ("service_code", CATEGORY), ("description", "x"), ("lat", "20.0"), ("long", "100.0")];
    assert_error_doc_json(&post_form(&app, "/open311/v2/requests.json", &outside).await, 400);
    let in_b =
        [("api_key", skey), ("service_code", CATEGORY), ("description", "帮忙"), ("lat", "26.59"), ("long", "104.91")];
    let resp = post_form(&app, "/open311/v2/requests.json", &in_b).await;
    let id = str_of(&resp.expect_status(201)[0], "service_request_id").to_owned();
    let wish = app.get_wish(&admin, &id).await;
    assert_eq!(wish.expect_status(200)["community_id"], t.other_community["id"]);
    assert_eq!(wish.body["grid_id"], t.other_grid["id"]);
    let by_code = [
        ("api_key", skey),
        ("service_code", CATEGORY),
        ("description", "帮忙"),
        ("address_id", str_of(&t.community, "code")),
    ];
    let resp = post_form(&app, "/open311/v2/requests.json", &by_code).await;
    let id = str_of(&resp.expect_status(201)[0], "service_request_id").to_owned();
    assert_eq!(app.get_wish(&admin, &id).await.expect_status(200)["community_id"], t.community["id"]);
}

#[tokio::test]
async fn keys_are_managed_by_admins_only_audited_and_a_revoked_or_unknown_key_is_refused() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let body =
        json!({"partner": "区12345热线", "place_id": str_of(&t.community, "id"), "contact_phone": PARTNER_PHONE});
    let refused = app.post("/api/v1/admin/open311-keys", &t.dispatcher.token, &body).await;
    haolin_tests::assert_error(&refused, 403, "forbidden");
    haolin_tests::assert_error(&app.get("/api/v1/admin/open311-keys", &t.dispatcher.token).await, 403, "forbidden");
    haolin_tests::assert_error(&app.post_anon("/api/v1/admin/open311-keys", &body).await, 401, "missing_token");
    let admin = app.admin_token().await;
    for (field, bad) in [
        ("partner", json!({"partner": " ", "place_id": str_of(&t.community, "id"), "contact_phone": PARTNER_PHONE})),
        ("place_id", json!({"partner": "p", "place_id": str_of(&t.grid, "id"), "contact_phone": PARTNER_PHONE})),
        ("place_id", json!({"partner": "p", "place_id": str_of(&t.district, "id"), "contact_phone": PARTNER_PHONE})),
        ("contact_phone", json!({"partner": "p", "place_id": str_of(&t.community, "id"), "contact_phone": "12"})),
    ] {
        haolin_tests::assert_invalid_field(&app.post("/api/v1/admin/open311-keys", &admin, &bad).await, field);
    }

    let issued = issue(&app, &t.community, "区12345热线").await;
    let api_key = str_of(&issued, "api_key").to_owned();
    let key_id = str_of(&issued["key"], "id").to_owned();
    let list = app.get("/api/v1/admin/open311-keys", &admin).await;
    let items = list.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0], issued["key"]);
    assert!(!list.text.contains(&api_key), "the secret is shown once only");

    let pairs = |k: &str| {
        vec![("api_key", k.to_owned()), ("service_code", CATEGORY.to_owned()), ("description", "x".to_owned())]
    };
    let send = |p: Vec<(&'static str, String)>| {
        let body = p.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
        app.post_raw("/open311/v2/requests.json", None, Some("application/x-www-form-urlencoded"), body)
    };
    assert_error_doc_json(&send(pairs("o311_not-a-key")).await, 403);
    assert_error_doc_json(
        &send(vec![("service_code", CATEGORY.to_owned()), ("description", "x".to_owned())]).await,
        403,
    );
    let body = form(&[("api_key", "o311_wrong"), ("service_code", CATEGORY), ("description", "x")]);
    let xml = app.post_raw("/open311/v2/requests.xml", None, Some("application/x-www-form-urlencoded"), body).await;
    assert_error_doc_xml(&xml, 403);
    send(pairs(&api_key)).await.expect_status(201);

    haolin_tests::assert_error(
        &app.post(&format!("/api/v1/admin/open311-keys/{key_id}/revoke"), &t.dispatcher.token, &json!({})).await,
        403,
        "forbidden",
    );
    let revoked = app.post(&format!("/api/v1/admin/open311-keys/{key_id}/revoke"), &admin, &json!({})).await;
    assert!(haolin_tests::is_rfc3339(str_of(revoked.expect_status(200), "revoked_at")));
    let again = app.post(&format!("/api/v1/admin/open311-keys/{key_id}/revoke"), &admin, &json!({})).await;
    assert_eq!(again.expect_status(200)["revoked_at"], revoked.body["revoked_at"], "revoking twice changes nothing");
    haolin_tests::assert_error(
        &app.post("/api/v1/admin/open311-keys/999999/revoke", &admin, &json!({})).await,
        404,
        "not_found",
    );
    assert_error_doc_json(&send(pairs(&api_key)).await, 403);

    let audit = app.get("/api/v1/admin/audit?target_kind=open311_key", &admin).await;
    let entries = audit.expect_status(200)["items"].as_array().unwrap().clone();
    let actions: Vec<&str> = entries.iter().map(|e| str_of(e, "action")).collect();
    assert_eq!(actions, ["open311_key_revoked", "open311_key_issued"], "{entries:?}");
    assert!(entries.iter().all(|e| e["target_id"] == json!(key_id)));
    assert!(!audit.text.contains(&api_key), "the secret is not in the audit log");
}

#[tokio::test]
async fn the_read_answers_at_most_a_thousand_requests_newest_first() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let first = app.post_wish(&t.resident.token, str_of(&t.community, "id")).await;
    let id = str_of(&first, "id");
    // 1,004 older wishes, one second apart, straight into the table.
    haolin_tests::run_sql(
        &app.database_url,
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1004) \
             INSERT INTO wishes (community_id, resident_id, posted_by, title, description, category, contact_phone, \
                                 status, created_at, updated_at) \
             SELECT w.community_id, w.resident_id, w.posted_by, w.title, w.description, w.category, w.contact_phone, \
                    'open', w.created_at - n.i * 1000, w.updated_at FROM n, wishes w WHERE w.id = {id}"
        ),
    );
    let resp = app.get_anon("/open311/v2/requests.json").await;
    let items = resp.expect_status(200).as_array().expect("an array").clone();
    assert_eq!(items.len(), 1000, "at most 1,000 rows");
    assert_eq!(items[0]["service_request_id"], json!(id), "the newest first");
    let times: Vec<&str> = items.iter().map(|r| str_of(r, "requested_datetime")).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let xml = app.get_anon("/open311/v2/requests.xml").await;
    assert_eq!(xml_items(&xml.text, "service_requests", "request").len(), 1000);
}

#[tokio::test]
async fn a_key_posting_too_often_is_refused_with_retry_after() {
    // Three per window, and a window of a day, so the test cannot straddle two windows.
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_LIMITS__OPEN311_POSTS_PER_KEY", "3").set("HAOLIN_LIMITS__WINDOW", "24h");
    })
    .await;
    let t = town(&app).await;
    let issued = issue(&app, &t.community, "区12345热线").await;
    let key = str_of(&issued, "api_key");
    for n in 0..3 {
        let description = format!("第{n}个请求");
        let pairs = [("api_key", key), ("service_code", CATEGORY), ("description", description.as_str())];
        post_form(&app, "/open311/v2/requests.json", &pairs).await.expect_status(201);
    }
    let pairs = [("api_key", key), ("service_code", CATEGORY), ("description", "一个太多")];
    let refused = post_form(&app, "/open311/v2/requests.xml", &pairs).await;
    assert_error_doc_xml(&refused, 429);
    assert!(refused.header("retry-after").is_some_and(|s| s.parse::<u32>().is_ok()), "{:?}", refused.headers);
    // Another partner's key is not held back.
    let other = issue(&app, &t.community, "社区合作平台").await;
    let pairs = [("api_key", str_of(&other, "api_key")), ("service_code", CATEGORY), ("description", "另一个伙伴")];
    post_form(&app, "/open311/v2/requests.json", &pairs).await.expect_status(201);
}
