//! Service points (红帆驿站, docs/SERVICE-POINTS.md): the list nearest first from a location and
//! from the caller's home grid, "open now" on a holiday and on a make-up working day (调休) of the
//! uploaded calendar, the map's grid outlines, maintenance scoped to a community's dispatchers and
//! admins (audited), and refusals of bad input that change nothing.

use haolin_tests::{Actor, TestApp, assert_error, assert_invalid_field, spawn_app, str_of};
use serde_json::{Value, json};

/// A square boundary around (lng, lat), 0.01° wide.
fn square(lng: f64, lat: f64) -> Value {
    let (a, b, c, d) = (lng - 0.005, lng + 0.005, lat - 0.005, lat + 0.005);
    json!({"type": "Polygon", "coordinates": [[[a, c], [b, c], [b, d], [a, d], [a, c]]]})
}

/// A community with two bounded grids, its dispatcher, and another community with its own.
struct Place {
    community: Value,
    grids: [Value; 2],
    dispatcher: Actor,
    other_community: Value,
    other_dispatcher: Actor,
}

async fn place(app: &TestApp) -> Place {
    let [_, street, community, _, _] = app.small_tree().await;
    let c = str_of(&community, "id").to_owned();
    let grid = |name: &'static str, lng: f64| {
        let c = c.clone();
        async move {
            app.create_place("grid", name, Some(&c), json!({"kind": "comprehensive", "boundary": square(lng, 26.59)}))
                .await
        }
    };
    let west = grid("西网格", 106.80).await;
    let east = grid("东网格", 106.90).await;
    let other = app.create_place("community", "河滨社区", Some(str_of(&street, "id")), json!({})).await;
    let dispatcher = app.create_actor(&["dispatcher"], &[&c]).await;
    let other_dispatcher = app.create_actor(&["dispatcher"], &[str_of(&other, "id")]).await;
    Place { community, grids: [west, east], dispatcher, other_community: other, other_dispatcher }
}

/// Monday–Friday `hours`, weekends closed.
fn weekdays(hours: &[&str], follows_calendar: bool) -> Value {
    let day: Vec<&str> = hours.to_vec();
    json!({"weekly": [day, day, day, day, day, [], []], "follows_calendar": follows_calendar})
}

fn point_body(community_id: &str, name: &str, lng: f64, lat: f64, hours: Value) -> Value {
    json!({
        "community_id": community_id, "name": name, "address": "和平路 1 号", "location": {"lng": lng, "lat": lat},
        "hours": hours, "services": ["代收快递", "休息饮水"], "contact": {"name": "王站长", "phone": "0858-8221234"},
    })
}

async fn create(app: &TestApp, token: &str, body: &Value) -> Value {
    app.post("/api/v1/service-points", token, body).await.expect_status(201).clone()
}

fn names(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|p| str_of(p, "name")).collect()
}

#[tokio::test]
async fn points_are_listed_nearest_first_from_a_location_and_from_the_home_grid() {
    let app = spawn_app().await;
    let p = place(&app).await;
    let c = str_of(&p.community, "id");
    let all_day = weekdays(&["00:00-24:00"], false);
    for (name, lng) in [("中驿站", 106.85), ("西驿站", 106.80), ("东驿站", 106.90), ("远驿站", 107.2)] {
        create(&app, &p.dispatcher.token, &point_body(c, name, lng, 26.59, all_day.clone())).await;
    }
    let resident = app.register_resident().await;

    let from_west = app.get("/api/v1/service-points?lng=106.801&lat=26.59", &resident.token).await;
    assert_eq!(names(from_west.expect_status(200)), ["西驿站", "中驿站", "东驿站", "远驿站"]);
    let distances: Vec<i64> =
        from_west.body["items"].as_array().unwrap().iter().map(|p| p["distance_m"].as_i64().unwrap()).collect();
    // 0.001° of longitude at 26.59° N is about 99.5 m.
    assert!((95..=105).contains(&distances[0]), "{distances:?}");
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert_eq!(from_west.body["items"][0]["contact"]["phone"], "0858-8221234", "the public contact is shown");

    let none = app.get("/api/v1/service-points?near=home", &resident.token).await;
    assert_invalid_field(&none, "near");
    let home = app.put("/api/v1/me/home", &resident.token, &json!({"place_id": p.grids[1]["id"]})).await;
    home.expect_status(200);
    let from_home = app.get("/api/v1/service-points?near=home", &resident.token).await;
    assert_eq!(names(from_home.expect_status(200)), ["东驿站", "中驿站", "西驿站", "远驿站"]);
    assert_eq!(from_home.body["items"][0]["distance_m"], 0, "the east grid's centre is the point");

    // Pages follow the same order.
    let first = app.get("/api/v1/service-points?near=home&limit=3", &resident.token).await;
    assert_eq!(names(first.expect_status(200)), ["东驿站", "中驿站", "西驿站"]);
    let cursor = str_of(&first.body, "next_cursor");
    let rest = app.get(&format!("/api/v1/service-points?near=home&limit=3&cursor={cursor}"), &resident.token).await;
    assert_eq!(names(rest.expect_status(200)), ["远驿站"]);
    assert_eq!(rest.body["next_cursor"], Value::Null);

    let filtered = app
        .get(
            &format!("/api/v1/service-points?community_id={}&service=代收快递", str_of(&p.other_community, "id")),
            &resident.token,
        )
        .await;
    assert_eq!(filtered.expect_status(200)["items"], json!([]));

    // The map: both grids' outlines in one answer, with the box they span.
    let map = app.get("/api/v1/service-points/map", &resident.token).await;
    let grids = map.expect_status(200)["grids"].as_array().unwrap();
    assert_eq!(grids.len(), 2, "{}", map.text);
    assert_eq!(grids[0]["ring"].as_array().unwrap().len(), 5);
    let bbox = map.body["bbox"].as_array().unwrap();
    assert!((bbox[0].as_f64().unwrap() - 106.795).abs() < 1e-9 && (bbox[2].as_f64().unwrap() - 106.905).abs() < 1e-9);
    let scoped = app
        .get(&format!("/api/v1/service-points/map?place_id={}", str_of(&p.other_community, "id")), &resident.token)
        .await;
    assert_eq!(scoped.expect_status(200)["grids"], json!([]));
}

#[tokio::test]
async fn open_now_is_closed_on_a_holiday_and_open_on_a_make_up_working_day() {
    let app = spawn_app().await;
    let p = place(&app).await;
    let c = str_of(&p.community, "id");
    let admin = app.admin_token().await;
    // 2027-10-01 is a Friday off (国庆), 2027-10-09 a Saturday worked (调休).
    let file = json!({"year": 2027, "days": [
        {"name": "国庆节", "date": "2027-10-01", "isOffDay": true},
        {"name": "国庆节", "date": "2027-10-09", "isOffDay": false}]});
    app.put("/api/v1/admin/calendar/2027", &admin, &file).await.expect_status(200);
    let follows = create(
        &app,
        &p.dispatcher.token,
        &point_body(c, "随日历驿站", 106.80, 26.59, weekdays(&["08:30-12:00", "14:00-17:30"], true)),
    )
    .await;
    create(
        &app,
        &p.dispatcher.token,
        &point_body(c, "自定驿站", 106.81, 26.59, weekdays(&["08:30-12:00", "14:00-17:30"], false)),
    )
    .await;
    let resident = app.register_resident().await;
    let open_at = |at: &'static str| {
        let (app, token) = (&app, resident.token.clone());
        async move {
            let page = app.get(&format!("/api/v1/service-points?lng=106.80&lat=26.59&at={at}"), &token).await;
            page.expect_status(200)["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (str_of(p, "name").to_owned(), p["open_now"].as_bool().unwrap()))
                .collect::<Vec<_>>()
        }
    };
    let pair = |a: bool, b: bool| vec![("随日历驿站".to_owned(), a), ("自定驿站".to_owned(), b)];
    // 10:00 in Shanghai on the holiday: the point following the calendar is closed.
    assert_eq!(open_at("2027-10-01T02:00:00Z").await, pair(false, true));
    // 10:00 on the make-up Saturday: it opens with a working day's hours; the other keeps its weekend.
    assert_eq!(open_at("2027-10-09T02:00:00Z").await, pair(true, false));
    // 13:00 (the lunch break) and 17:30 (closing) on an ordinary Friday: both closed.
    assert_eq!(open_at("2027-10-08T05:00:00Z").await, pair(false, false));
    assert_eq!(open_at("2027-10-08T09:30:00Z").await, pair(false, false));
    assert_eq!(open_at("2027-10-08T09:29:59Z").await, pair(true, true));

    let open = app.get("/api/v1/service-points?open_now=true&at=2027-10-01T02:00:00%2B00:00", &resident.token).await;
    assert_eq!(names(open.expect_status(200)), ["自定驿站"]);
    let one = app.get(&format!("/api/v1/service-points/{}", str_of(&follows, "id")), &resident.token).await;
    assert_eq!(one.expect_status(200)["hours"]["weekly"][0], json!(["08:30-12:00", "14:00-17:30"]));
    assert_eq!(one.body["hours"]["follows_calendar"], true);
}

#[tokio::test]
async fn today_made_a_holiday_closes_the_points_that_follow_the_calendar_now() {
    let app = spawn_app().await;
    let p = place(&app).await;
    let c = str_of(&p.community, "id");
    let admin = app.admin_token().await;
    let every_day = |follows: bool| json!({"weekly": vec![vec!["00:00-24:00"]; 7], "follows_calendar": follows});
    create(&app, &p.dispatcher.token, &point_body(c, "随日历驿站", 106.80, 26.59, every_day(true))).await;
    create(&app, &p.dispatcher.token, &point_body(c, "全年驿站", 106.81, 26.59, every_day(false))).await;
    let resident = app.register_resident().await;
    let open_now = || async {
        let page = app.get("/api/v1/service-points?lng=106.80&lat=26.59", &resident.token).await;
        page.expect_status(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["open_now"].as_bool().unwrap())
            .collect::<Vec<_>>()
    };
    let today = chrono::Utc::now() + chrono::Duration::hours(8);
    // Near midnight the day could turn between the upload and the read: skip those two minutes.
    if today.format("%H:%M").to_string().as_str() >= "23:59" {
        return;
    }
    let holiday_on = |date: chrono::DateTime<chrono::Utc>| {
        json!({"year": date.format("%Y").to_string().parse::<i32>().unwrap(),
            "days": [{"name": "测试假日", "date": date.format("%Y-%m-%d").to_string(), "isOffDay": true}]})
    };
    let year = today.format("%Y").to_string();
    app.put(&format!("/api/v1/admin/calendar/{year}"), &admin, &holiday_on(today)).await.expect_status(200);
    assert_eq!(open_now().await, [false, true], "today is a holiday");
    let tomorrow = today + chrono::Duration::days(1);
    if tomorrow.format("%Y").to_string() == year {
        app.put(&format!("/api/v1/admin/calendar/{year}"), &admin, &holiday_on(tomorrow)).await.expect_status(200);
        assert_eq!(open_now().await, [true, true], "today is an ordinary day again");
    }
}

#[tokio::test]
async fn only_the_communitys_dispatchers_and_admins_maintain_its_points_and_each_change_is_audited() {
    let app = spawn_app().await;
    let p = place(&app).await;
    let c = str_of(&p.community, "id");
    let admin = app.admin_token().await;
    let resident = app.register_resident().await;
    let member = app.create_actor(&["member"], &[c]).await;
    let body = point_body(c, "和平驿站", 106.80, 26.59, weekdays(&["09:00-17:00"], true));
    for token in [&resident.token, &member.token, &p.other_dispatcher.token] {
        assert_error(&app.post("/api/v1/service-points", token, &body).await, 403, "forbidden");
    }
    let point = create(&app, &p.dispatcher.token, &body).await;
    let id = str_of(&point, "id");
    assert_eq!(point["community_name"], "和平社区");
    let path = format!("/api/v1/service-points/{id}");
    let mut edit = body.clone();
    edit.as_object_mut().unwrap().remove("community_id");
    edit["name"] = json!("和平红帆驿站");
    edit["grid_id"] = p.grids[0]["id"].clone();
    for token in [&resident.token, &member.token, &p.other_dispatcher.token] {
        assert_error(&app.put(&path, token, &edit).await, 403, "forbidden");
        assert_error(&app.post(&format!("{path}/retire"), token, &json!({})).await, 403, "forbidden");
    }
    assert_error(&app.put("/api/v1/service-points/999999", &p.dispatcher.token, &edit).await, 404, "not_found");
    let unchanged = app.get(&path, &resident.token).await;
    assert_eq!(unchanged.expect_status(200)["name"], "和平驿站", "the refusals changed nothing");

    let edited = app.put(&path, &p.dispatcher.token, &edit).await;
    assert_eq!(edited.expect_status(200)["name"], "和平红帆驿站");
    assert_eq!(edited.body["grid_id"], p.grids[0]["id"]);
    // A grid of another community is refused.
    let other_grid = app
        .create_place("grid", "河滨网格", Some(str_of(&p.other_community, "id")), json!({"kind": "comprehensive"}))
        .await;
    let mut foreign = edit.clone();
    foreign["grid_id"] = other_grid["id"].clone();
    assert_invalid_field(&app.put(&path, &admin, &foreign).await, "grid_id");
    // The admin maintains every community's points.
    let by_admin = create(
        &app,
        &admin,
        &point_body(str_of(&p.other_community, "id"), "河滨驿站", 106.9, 26.59, weekdays(&["09:00-17:00"], false)),
    )
    .await;
    assert_eq!(by_admin["community_id"], p.other_community["id"]);

    let retired = app.post(&format!("{path}/retire"), &p.dispatcher.token, &json!({})).await;
    assert!(retired.expect_status(200)["retired_at"].is_string());
    assert_error(&app.put(&path, &p.dispatcher.token, &edit).await, 409, "place_in_use");
    let listed = app.get("/api/v1/service-points", &resident.token).await;
    assert_eq!(names(listed.expect_status(200)), ["河滨驿站"], "a retired point is not listed");
    assert_error(&app.get(&path, &resident.token).await, 404, "not_found");
    app.get(&path, &p.dispatcher.token).await.expect_status(200);

    let log = app.get("/api/v1/admin/audit?target_kind=service_point&limit=100", &admin).await;
    let actions: Vec<(&str, &str)> = log.expect_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (str_of(e, "action"), str_of(e, "actor_id")))
        .collect();
    let d = p.dispatcher.id.as_str();
    assert_eq!(
        actions.iter().filter(|(_, actor)| *actor == d).map(|(a, _)| *a).collect::<Vec<_>>(),
        ["service_point_retired", "service_point_updated", "service_point_created"],
        "{}",
        log.text
    );
    assert_eq!(actions.len(), 4, "the admin's creation too, and nothing for the refusals: {}", log.text);
}

#[tokio::test]
async fn bad_hours_bad_locations_and_bad_fields_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let p = place(&app).await;
    let c = str_of(&p.community, "id");
    let good = point_body(c, "和平驿站", 106.80, 26.59, weekdays(&["09:00-17:00"], false));
    let point = create(&app, &p.dispatcher.token, &good).await;
    let path = format!("/api/v1/service-points/{}", str_of(&point, "id"));
    let before = app.get(&path, &p.dispatcher.token).await.expect_status(200).clone();

    let with = |field: &str, value: Value| {
        let mut b = good.clone();
        b[field] = value;
        b
    };
    let cases = [
        (with("hours", weekdays(&["17:00-09:00"], false)), "hours.weekly"),
        (with("hours", weekdays(&["09:00-12:00", "11:00-14:00"], false)), "hours.weekly"),
        (with("hours", weekdays(&["9:00-17:00"], false)), "hours.weekly"),
        (with("hours", weekdays(&["09:00-24:30"], false)), "hours.weekly"),
        (with("hours", json!({"weekly": [["09:00-17:00"]], "follows_calendar": false})), "hours.weekly"),
        (with("location", json!({"lng": 181.0, "lat": 26.59})), "location"),
        (with("location", json!({"lng": 106.8, "lat": -91.0})), "location"),
        (with("services", json!([])), "services"),
        (with("services", json!(["代收快递", "代收快递"])), "services"),
        (with("services", json!(["一项名字非常非常长的服务项目"])), "services"),
        (with("name", json!("   ")), "name"),
        (with("contact", json!({"name": "王站长", "phone": "12345"})), "contact.phone"),
        (with("grid_id", json!("abc")), "grid_id"),
    ];
    let mut edit_base = good.clone();
    edit_base.as_object_mut().unwrap().remove("community_id");
    for (body, field) in &cases {
        assert_invalid_field(&app.post("/api/v1/service-points", &p.dispatcher.token, body).await, field);
        let mut edit = body.clone();
        edit.as_object_mut().unwrap().remove("community_id");
        assert_invalid_field(&app.put(&path, &p.dispatcher.token, &edit).await, field);
    }
    let listed = app.get("/api/v1/service-points", &p.dispatcher.token).await;
    assert_eq!(listed.expect_status(200)["items"].as_array().unwrap().len(), 1, "nothing was created");
    assert_eq!(app.get(&path, &p.dispatcher.token).await.body, before, "nothing was changed");

    // The list's query: each bad value names its field; a repeated key is malformed.
    let resident = app.register_resident().await;
    for (query, field) in [
        ("lng=106.8", "lat"),
        ("lat=26.5", "lng"),
        ("lng=200&lat=26.5", "lng"),
        ("near=work", "near"),
        ("near=home&lng=1&lat=2", "near"),
        ("service=", "service"),
        ("open_now=maybe", "open_now"),
        ("at=yesterday", "at"),
        ("limit=0", "limit"),
        ("community_id=x", "community_id"),
    ] {
        assert_invalid_field(&app.get(&format!("/api/v1/service-points?{query}"), &resident.token).await, field);
    }
    assert_error(&app.get("/api/v1/service-points?cursor=nonsense", &resident.token).await, 400, "malformed_request");
    assert_eq!(app.get("/api/v1/service-points?limit=1&limit=2", &resident.token).await.status, 400);
    assert_error(&app.get("/api/v1/service-points/map?place_id=999999", &resident.token).await, 404, "not_found");
    assert_error(&app.get_anon("/api/v1/service-points").await, 401, "missing_token");
}

#[tokio::test]
async fn the_demo_has_service_points_around_its_grid_with_a_call_number_each() {
    let app = haolin_tests::spawn_app_with(|env| {
        env.set("HAOLIN_DEMO", "1");
    })
    .await;
    let zhao = app.login("13800000011", "haolin123").await;
    let token = str_of(&zhao, "access_token");
    let page = app.get("/api/v1/service-points?lng=106.8325&lat=26.5925", token).await;
    let items = page.expect_status(200)["items"].as_array().unwrap();
    assert_eq!(items.len(), 6, "{}", page.text);
    assert_eq!(items[0]["name"], "和平社区党群服务中心");
    assert!(items.iter().all(|p| !str_of(&p["contact"], "phone").is_empty()));
    let map = app.get("/api/v1/service-points/map", token).await;
    assert_eq!(map.expect_status(200)["grids"].as_array().unwrap().len(), 1, "the demo's one bounded grid");
}

#[tokio::test]
async fn the_generated_district_has_its_points_inside_bounded_grids_of_their_communities() {
    let app = spawn_app().await;
    let out = tokio::process::Command::new(haolin_tests::binary_path())
        .args(["generate", "--seed", "7", "--scale", "small"])
        .env("DATABASE_URL", &app.database_url)
        .env("HAOLIN_DATA_DIR", app.data_dir())
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let admin = app.admin_token().await;
    let page = app.get("/api/v1/service-points?limit=100", &admin).await;
    let points = page.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(points.len(), 12, "the small scale's twelve points");
    let map = app.get("/api/v1/service-points/map", &admin).await;
    let grids = map.expect_status(200)["grids"].as_array().unwrap();
    assert_eq!(grids.len(), 20, "every generated grid has a boundary");
    let communities: std::collections::BTreeSet<&str> = points.iter().map(|p| str_of(p, "community_id")).collect();
    assert_eq!(communities.len(), 4, "spread over the communities");
    for p in &points {
        let grid = grids.iter().find(|g| g["id"] == p["grid_id"]).expect("the point's grid is drawn");
        assert_eq!(grid["community_id"], p["community_id"]);
        let ring = grid["ring"].as_array().unwrap();
        let (lng, lat) = (p["location"]["lng"].as_f64().unwrap(), p["location"]["lat"].as_f64().unwrap());
        let xs: Vec<f64> = ring.iter().map(|q| q[0].as_f64().unwrap()).collect();
        let ys: Vec<f64> = ring.iter().map(|q| q[1].as_f64().unwrap()).collect();
        let inside = |v: f64, vs: &[f64]| {
            vs.iter().cloned().fold(f64::MAX, f64::min) <= v && v <= vs.iter().cloned().fold(f64::MIN, f64::max)
        };
        assert!(inside(lng, &xs) && inside(lat, &ys), "{p}");
    }
}
