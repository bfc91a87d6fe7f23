//! Work orders (工单) and the whistle (吹哨报到): the whole loop from a resident's report to the
//! call-back, every refusal with its code, deadlines on the working-day calendar, the overdue flag
//! with two instances, the scorecard against the event log, and the calendar upload.

use std::time::Duration;

use haolin_shared::domain::calendar::{WorkCalendar, WorkingHours, parse_holiday_year};
use haolin_tests::sse::Sse;
use haolin_tests::{
    Actor, TestApp, assert_conflict, assert_error, assert_invalid_field, run_sql, spawn_app, spawn_app_with, str_of,
};
use serde_json::{Value, json};

/// A street with one community and two grids, its people and two departments.
struct Street {
    district: Value,
    street: Value,
    community: Value,
    grid: Value,
    other_grid: Value,
    dispatcher: Actor,
    officer: Actor,
    grid_worker: Actor,
    resident: Actor,
    lead: (String, Actor),
    co: (String, Actor),
}

async fn department(app: &TestApp, name: &str, place: &Value) -> (String, Actor) {
    let admin = app.admin_token().await;
    let d = app.post("/api/v1/admin/departments", &admin, &json!({"name": name, "place_id": place["id"]})).await;
    let id = str_of(d.expect_status(201), "id").to_owned();
    let staff = app.register_resident().await;
    let added = app.post(&format!("/api/v1/admin/departments/{id}/staff"), &admin, &json!({"user_id": staff.id})).await;
    assert_eq!(added.status, 204, "{}", added.text);
    (id, staff)
}

async fn street(app: &TestApp) -> Street {
    let [district, street, community, grid, _] = app.small_tree().await;
    let other_grid =
        app.create_place("grid", "第二网格", Some(str_of(&community, "id")), json!({"kind": "comprehensive"})).await;
    let c = str_of(&community, "id");
    let dispatcher = app.create_actor(&["dispatcher"], &[c]).await;
    let officer = app.create_actor(&["street_officer"], &[]).await;
    app.grant_at(&officer.id, "street_officer", &street).await;
    let grid_worker = app.create_actor(&["grid_worker"], &[c]).await;
    app.grant_at(&grid_worker.id, "grid_worker", &grid).await;
    let resident = app.register_resident().await;
    app.put("/api/v1/me/home", &resident.token, &json!({"place_id": grid["id"]})).await.expect_status(200);
    let lead = department(app, "区城管局", &district).await;
    let co = department(app, "荷泉街道水务站", &street).await;
    Street { district, street, community, grid, other_grid, dispatcher, officer, grid_worker, resident, lead, co }
}

fn report_body(grid: &Value) -> Value {
    json!({"title": "楼道堆放杂物", "description": "三单元楼道堆满纸箱，存在消防隐患", "category": "市容环境", "grid_id": grid["id"]})
}

async fn act(app: &TestApp, actor: &Actor, order: &Value, action: &str, body: Value) -> Value {
    let resp = app.post(&format!("/api/v1/work-orders/{}/{action}", str_of(order, "id")), &actor.token, &body).await;
    resp.expect_status(200).clone()
}

async fn try_act(app: &TestApp, actor: &Actor, order: &Value, action: &str, body: Value) -> haolin_tests::ApiResponse {
    app.post(&format!("/api/v1/work-orders/{}/{action}", str_of(order, "id")), &actor.token, &body).await
}

fn actions(order: &Value) -> Vec<&str> {
    order["actions"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

/// An order whistled to the lead and the co-handling department.
async fn whistled(app: &TestApp, s: &Street) -> Value {
    let order = app.post("/api/v1/work-orders", &s.resident.token, &report_body(&s.grid)).await;
    let order = order.expect_status(201).clone();
    act(app, &s.dispatcher, &order, "accept", json!({})).await;
    act(app, &s.dispatcher, &order, "escalate", json!({"reason": "涉及多个部门，社区无法协调"})).await;
    act(app, &s.officer, &order, "whistle", json!({"lead_department_id": s.lead.0, "co_department_ids": [s.co.0]}))
        .await
}

#[tokio::test]
async fn a_report_goes_through_the_whistle_to_a_satisfied_call_back_and_the_scorecard_counts_it() {
    let app = spawn_app().await;
    let s = street(&app).await;

    let order = app.post("/api/v1/work-orders", &s.resident.token, &report_body(&s.grid)).await;
    let order = order.expect_status(201).clone();
    assert_eq!(order["status"], "reported");
    assert_eq!(order["source"], "resident");
    assert_eq!(order["grid"]["id"], s.grid["id"]);
    assert_eq!(order["street_id"], s.street["id"]);
    assert!(actions(&order).is_empty(), "the resident has nothing to do yet: {order}");

    let pending = app
        .get(
            &format!("/api/v1/work-orders?community_id={}&status=reported", str_of(&s.community, "id")),
            &s.dispatcher.token,
        )
        .await;
    assert_eq!(pending.expect_status(200)["items"][0]["id"], order["id"]);
    assert_eq!(actions(&pending.body["items"][0]), ["accept", "decline", "dispatch", "escalate"]);

    let accepted = act(&app, &s.dispatcher, &order, "accept", json!({"version": order["version"]})).await;
    assert_eq!(accepted["status"], "accepted");
    let escalated = act(&app, &s.dispatcher, &order, "escalate", json!({"reason": "涉及多个部门"})).await;
    assert_eq!(escalated["status"], "escalated");
    assert_eq!(
        actions(&app.get(&format!("/api/v1/work-orders/{}", str_of(&order, "id")), &s.officer.token).await.body),
        ["whistle", "supervise"]
    );

    let body = json!({"lead_department_id": s.lead.0, "co_department_ids": [s.co.0], "priority": "normal"});
    let whistled = act(&app, &s.officer, &order, "whistle", body).await;
    assert_eq!(whistled["status"], "dispatched");
    let departments = whistled["departments"].as_array().unwrap();
    assert_eq!(departments.len(), 2);
    assert_eq!(
        (departments[0]["id"].as_str(), departments[0]["lead"].as_bool()),
        (Some(s.lead.0.as_str()), Some(true))
    );
    assert!(whistled["sign_due_at"].is_string() && whistled["resolve_due_at"].is_string(), "{whistled}");

    // Each department finds it in its inbox; the lead signs, the co-handler reports (报到) too.
    for (_, staff) in [&s.lead, &s.co] {
        let inbox = app.get("/api/v1/work-orders?inbox=true", &staff.token).await;
        assert_eq!(inbox.expect_status(200)["items"][0]["id"], order["id"], "{}", inbox.text);
    }
    let signed = act(&app, &s.lead.1, &order, "sign", json!({})).await;
    assert_eq!(signed["status"], "signed");
    let co_signed = act(&app, &s.co.1, &order, "sign", json!({})).await;
    assert_eq!(co_signed["status"], "signed", "a co-handler's signature leaves the status");
    assert!(co_signed["departments"].as_array().unwrap().iter().all(|d| d["signed_at"].is_string()), "{co_signed}");
    let co_inbox = app.get("/api/v1/work-orders?inbox=true", &s.co.1.token).await;
    assert_eq!(co_inbox.expect_status(200)["items"], json!([]), "signed: out of the co-handler's inbox");

    let resolved = act(&app, &s.lead.1, &order, "resolve", json!({"note": "已联系物业清理完毕"})).await;
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(
        actions(&app.get(&format!("/api/v1/work-orders/{}", str_of(&order, "id")), &s.resident.token).await.body),
        ["visit"]
    );
    let closed = act(&app, &s.resident, &order, "visit", json!({"satisfaction": "satisfied"})).await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["satisfaction"], "satisfied");

    let events = app.get(&format!("/api/v1/work-orders/{}/events", str_of(&order, "id")), &s.resident.token).await;
    let kinds: Vec<&str> =
        events.expect_status(200)["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["report", "accept", "escalate", "whistle", "whistle", "sign", "sign", "resolve", "visit"]);

    // The resident heard of the resolution; the lead's staff of the whistle.
    let inbox = app.get("/api/v1/notifications", &s.resident.token).await;
    assert!(inbox.text.contains("已办结"), "{}", inbox.text);
    let staff_inbox = app.get("/api/v1/notifications", &s.lead.1.token).await;
    assert!(staff_inbox.text.contains("街道吹哨"), "{}", staff_inbox.text);

    let card = app
        .get(&format!("/api/v1/work-orders/scorecard?unit=street&id={}", str_of(&s.street, "id")), &s.officer.token)
        .await;
    let total = card.expect_status(200)["total"].clone();
    for (key, want) in [
        ("received", 1),
        ("dispatched", 2),
        ("signed_on_time", 2),
        ("resolved", 1),
        ("resolved_on_time", 1),
        ("visited", 1),
        ("satisfied", 1),
        ("whistles", 1),
        ("whistle_assignments", 2),
        ("whistle_signed_on_time", 2),
    ] {
        assert_eq!(total[key], want, "{key} in {total}");
    }
    assert_eq!(total["response_rate"], 1.0);
    assert_eq!(total["solve_rate"], 1.0);
    assert_eq!(total["satisfaction_rate"], 1.0);
    let dept = app.get(&format!("/api/v1/work-orders/scorecard?unit=department&id={}", s.co.0), &s.co.1.token).await;
    assert_eq!(dept.expect_status(200)["total"]["received"], 1, "{}", dept.text);
    assert_eq!(dept.body["total"]["resolved"], 0, "the co-handler resolved nothing");
}

#[tokio::test]
async fn a_grid_handles_what_the_community_dispatches_and_an_unsatisfied_call_back_reopens_it() {
    let app = spawn_app().await;
    let s = street(&app).await;
    let order =
        app.post("/api/v1/work-orders", &s.resident.token, &report_body(&s.grid)).await.expect_status(201).clone();
    let dispatched =
        act(&app, &s.dispatcher, &order, "dispatch", json!({"grid_id": s.grid["id"], "priority": "urgent"})).await;
    assert_eq!(dispatched["status"], "dispatched");
    assert_eq!(dispatched["handler_grid"]["id"], s.grid["id"]);
    // Urgent: clock time, sign within an hour.
    let at = chrono::DateTime::parse_from_rfc3339(str_of(&dispatched, "dispatched_at")).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(str_of(&dispatched, "sign_due_at")).unwrap();
    assert_eq!((due - at).num_minutes(), 60);
    act(&app, &s.grid_worker, &order, "sign", json!({})).await;
    act(&app, &s.grid_worker, &order, "resolve", json!({"note": "已清理"})).await;
    let reopened =
        act(&app, &s.resident, &order, "visit", json!({"satisfaction": "unsatisfied", "note": "还没清理干净"})).await;
    assert_eq!(reopened["status"], "reopened");
    let again = act(&app, &s.dispatcher, &order, "dispatch", json!({"grid_id": s.other_grid["id"]})).await;
    assert_eq!(again["status"], "dispatched");
    assert!(again["signed_at"].is_null() && again["resolution_note"].is_null(), "a new round: {again}");

    // On the spot (即报即办): created closed, counted resolved on time.
    let mut body = report_body(&s.grid);
    body["resolved_on_spot"] = json!("当场劝离，已清理");
    let on_spot = app.post("/api/v1/work-orders", &s.grid_worker.token, &body).await;
    assert_eq!(on_spot.expect_status(201)["status"], "closed");
    assert_eq!(on_spot.body["source"], "on_spot");
}

#[tokio::test]
async fn every_refusal_has_its_code_and_changes_nothing() {
    let app = spawn_app().await;
    let s = street(&app).await;
    let stranger = app.register_resident().await;
    let other_dispatcher = app.create_actor(&["dispatcher"], &[&app.create_community().await]).await;

    // Reports: bad fields, another grid, a resident setting the priority.
    let mut bad = report_body(&s.grid);
    bad["category"] = json!("不存在的类别");
    assert_invalid_field(&app.post("/api/v1/work-orders", &s.resident.token, &bad).await, "category");
    assert_invalid_field(
        &app.post("/api/v1/work-orders", &s.resident.token, &report_body(&s.other_grid)).await,
        "grid_id",
    );
    assert_invalid_field(&app.post("/api/v1/work-orders", &stranger.token, &report_body(&s.grid)).await, "grid_id");
    let mut urgent = report_body(&s.grid);
    urgent["priority"] = json!("urgent");
    assert_invalid_field(&app.post("/api/v1/work-orders", &s.resident.token, &urgent).await, "priority");
    let mut on_spot = report_body(&s.grid);
    on_spot["resolved_on_spot"] = json!("已处理");
    assert_invalid_field(&app.post("/api/v1/work-orders", &s.resident.token, &on_spot).await, "resolved_on_spot");
    let mine = app.get("/api/v1/work-orders?mine=true", &s.resident.token).await;
    assert_eq!(mine.expect_status(200)["items"], json!([]), "nothing was stored");

    let order =
        app.post("/api/v1/work-orders", &s.resident.token, &report_body(&s.grid)).await.expect_status(201).clone();
    // Wrong role, wrong scope.
    assert_error(&try_act(&app, &s.resident, &order, "accept", json!({})).await, 403, "forbidden");
    assert_error(&try_act(&app, &other_dispatcher, &order, "accept", json!({})).await, 404, "not_found");
    assert_error(
        &try_act(&app, &stranger, &order, "visit", json!({"satisfaction": "satisfied"})).await,
        404,
        "not_found",
    );
    assert_error(
        &try_act(&app, &s.dispatcher, &order, "whistle", json!({"lead_department_id": s.lead.0})).await,
        403,
        "forbidden",
    );
    assert_invalid_field(&try_act(&app, &s.dispatcher, &order, "decline", json!({})).await, "reason");
    assert_invalid_field(
        &try_act(&app, &s.dispatcher, &order, "dispatch", json!({"grid_id": "999999"})).await,
        "grid_id",
    );
    assert_conflict(
        &try_act(&app, &s.dispatcher, &order, "accept", json!({"version": 99})).await,
        "version_conflict",
        "reported",
    );

    // A lost race: two accepts at once, one wins and the other is told the status now.
    let (a, b) = tokio::join!(
        try_act(&app, &s.dispatcher, &order, "accept", json!({})),
        try_act(&app, &s.dispatcher, &order, "accept", json!({}))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
    let loser = if a.status == 409 { &a } else { &b };
    assert_conflict(loser, "invalid_state", "accepted");

    // A department that was not whistled sees nothing; staff of the co-handler may not resolve.
    let order = whistled(&app, &s).await;
    let (_, outsider) = department(&app, "区供电局", &s.district).await;
    assert_error(&try_act(&app, &outsider, &order, "sign", json!({})).await, 404, "not_found");
    act(&app, &s.lead.1, &order, "sign", json!({})).await;
    assert_error(&try_act(&app, &s.co.1, &order, "resolve", json!({"note": "好了"})).await, 403, "forbidden");

    // One extension only; a return after the window.
    let ext = json!({"days": 3, "reason": "需要协调施工队"});
    assert_invalid_field(
        &try_act(&app, &s.lead.1, &order, "request_extension", json!({"days": 30, "reason": "太久"})).await,
        "days",
    );
    act(&app, &s.lead.1, &order, "request_extension", ext.clone()).await;
    assert_error(&try_act(&app, &s.lead.1, &order, "request_extension", ext).await, 409, "extension_used");
    let before = app.get(&format!("/api/v1/work-orders/{}", str_of(&order, "id")), &s.officer.token).await.body["resolve_due_at"].clone();
    let granted = act(&app, &s.officer, &order, "grant_extension", json!({})).await;
    assert_eq!(granted["extension"]["state"], "granted");
    assert!(granted["resolve_due_at"].as_str() > before.as_str(), "{before} → {}", granted["resolve_due_at"]);
    assert_error(
        &try_act(&app, &s.officer, &order, "refuse_extension", json!({"reason": "不行"})).await,
        409,
        "extension_used",
    );

    let late = whistled(&app, &s).await;
    run_sql(&app.database_url, &format!("UPDATE work_orders SET return_until = 1 WHERE id = {}", str_of(&late, "id")));
    assert_error(
        &try_act(&app, &s.lead.1, &late, "return", json!({"reason": "不属于本部门职责"})).await,
        409,
        "return_window_closed",
    );
    let fresh = whistled(&app, &s).await;
    let returned = act(&app, &s.lead.1, &fresh, "return", json!({"reason": "不属于本部门职责"})).await;
    assert_eq!(returned["status"], "returned");
    assert_eq!(
        app.get(&format!("/api/v1/work-orders/{}", str_of(&late, "id")), &s.officer.token).await.body["status"],
        "dispatched"
    );
}

#[tokio::test]
async fn deadlines_follow_the_uploaded_holidays_and_make_up_working_days() {
    let app = spawn_app().await;
    let s = street(&app).await;
    let admin = app.admin_token().await;
    // This year's file with the next nine days off (a holiday week like 国庆) and the Saturday
    // after them worked (调休): a five-working-day deadline must skip the first and count the second.
    let today = chrono::Utc::now() + chrono::Duration::hours(8);
    let year = today.format("%Y").to_string().parse::<i32>().unwrap();
    let mut days = Vec::new();
    let mut d = today.date_naive();
    for _ in 0..9 {
        d = d.succ_opt().unwrap();
        if d.format("%Y").to_string().parse::<i32>().unwrap() == year {
            days.push(json!({"name": "国庆节", "date": d.format("%Y-%m-%d").to_string(), "isOffDay": true}));
        }
    }
    // The first Saturday after the nine days (the ninth may be a Saturday itself).
    let mut saturday = d.succ_opt().unwrap();
    while saturday.format("%u").to_string() != "6" {
        saturday = saturday.succ_opt().unwrap();
    }
    if saturday.format("%Y").to_string().parse::<i32>().unwrap() == year {
        days.push(json!({"name": "国庆节", "date": saturday.format("%Y-%m-%d").to_string(), "isOffDay": false}));
    }
    let file = json!({"year": year, "days": days});
    let uploaded = app.put(&format!("/api/v1/admin/calendar/{year}"), &admin, &file).await;
    assert!(uploaded.expect_status(200)["years"].as_array().unwrap().contains(&json!(year)), "{}", uploaded.text);

    let order =
        app.post("/api/v1/work-orders", &s.resident.token, &report_body(&s.grid)).await.expect_status(201).clone();
    let dispatched = act(&app, &s.dispatcher, &order, "dispatch", json!({"grid_id": s.grid["id"]})).await;
    let ms = |key: &str| chrono::DateTime::parse_from_rfc3339(str_of(&dispatched, key)).unwrap().timestamp_millis();
    let calendar = WorkCalendar::new(WorkingHours::default()).with_year(parse_holiday_year(&file.to_string()).unwrap());
    assert_eq!(ms("resolve_due_at"), calendar.add_working_days(ms("dispatched_at"), 5));
    assert_eq!(ms("sign_due_at"), calendar.add_working_minutes(ms("dispatched_at"), 240));
    assert!(calendar.is_working_time(ms("resolve_due_at") - 1), "a deadline lands in working time");
}

#[tokio::test]
async fn a_malformed_calendar_is_refused_with_its_line_and_nothing_changes() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let before = app.get("/api/v1/admin/calendar", &admin).await.expect_status(200).clone();
    assert!(before["years"].as_array().unwrap().contains(&json!(2026)), "2026 is shipped: {before}");
    assert_eq!(before["working_hours"], "09:00-17:00");

    let bad = "{\n  \"year\": 2027,\n  \"days\": [\n    {\"name\": \"元旦\", \"date\": \"2027-13-01\", \"isOffDay\": true}\n  ]\n}";
    let resp = app
        .send(
            app.request(reqwest::Method::PUT, "/api/v1/admin/calendar/2027", Some(&admin))
                .header("Content-Type", "application/json")
                .body(bad),
        )
        .await;
    let details = assert_error(&resp, 422, "invalid_import");
    assert_eq!(details["errors"][0]["line"], 4, "{}", resp.text);
    let weekday_makeup = json!({"year": 2027, "days": [{"name": "春节", "date": "2027-02-03", "isOffDay": false}]});
    assert_error(&app.put("/api/v1/admin/calendar/2027", &admin, &weekday_makeup).await, 422, "invalid_import");
    let other_year = json!({"year": 2028, "days": [{"name": "元旦", "date": "2028-01-01", "isOffDay": true}]});
    assert_error(&app.put("/api/v1/admin/calendar/2027", &admin, &other_year).await, 422, "invalid_import");
    let resident = app.register_resident().await;
    let good = json!({"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]});
    assert_error(&app.put("/api/v1/admin/calendar/2027", &resident.token, &good).await, 403, "forbidden");
    assert_eq!(app.get("/api/v1/admin/calendar", &admin).await.body, before, "nothing changed");

    let after = app.put("/api/v1/admin/calendar/2027", &admin, &good).await;
    assert!(after.expect_status(200)["years"].as_array().unwrap().contains(&json!(2027)), "{}", after.text);
    let ready = app.get_anon("/readyz").await;
    assert!(ready.expect_status(200)["details"]["calendar"]["fallback_years"].is_array(), "{}", ready.text);
}

#[tokio::test]
async fn two_instances_flag_an_overdue_order_once() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_JOBS__INTERVAL", "100ms");
    })
    .await;
    let second = spawn_app_with(|env| {
        env.set("DATABASE_URL", &app.database_url).set("HAOLIN_JOBS__INTERVAL", "100ms");
    })
    .await;
    let s = street(&app).await;
    let order = whistled(&app, &s).await;
    let id = str_of(&order, "id").to_owned();
    run_sql(&app.database_url, &format!("UPDATE work_orders SET sign_due_at = 1 WHERE id = {id}"));
    let flagged = app
        .eventually(Duration::from_secs(15), "the overdue flag", || {
            let (app, token, id) = (&app, s.officer.token.clone(), id.clone());
            async move {
                let o = app.get(&format!("/api/v1/work-orders/{id}"), &token).await.body.clone();
                (o["overdue"] == true).then_some(o)
            }
        })
        .await;
    assert!(flagged["supervised"].as_bool().unwrap(), "{flagged}");
    // Give both instances a few more rounds, then count the flags in the log.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let events = second.get(&format!("/api/v1/work-orders/{id}/events"), &s.officer.token).await;
    let flags =
        events.expect_status(200)["items"].as_array().unwrap().iter().filter(|e| e["action"] == "flag_overdue").count();
    assert_eq!(flags, 1, "{}", events.text);
    let overdue = app.get("/api/v1/work-orders?overdue=true", &s.officer.token).await;
    assert_eq!(overdue.expect_status(200)["items"][0]["id"], id.as_str());
    assert!(app.get("/api/v1/notifications", &s.officer.token).await.text.contains("超过签收时限"));
}

#[tokio::test]
async fn changes_arrive_live_to_those_who_see_the_order_and_a_reconnect_catches_up() {
    let app = spawn_app().await;
    let s = street(&app).await;
    let mut resident = Sse::open_orders(&app, &s.resident.token, None).await;
    let mut dispatcher = Sse::open_orders(&app, &s.dispatcher.token, None).await;
    let mut stranger = Sse::open_orders(&app, &app.register_resident().await.token, None).await;
    let order =
        app.post("/api/v1/work-orders", &s.resident.token, &report_body(&s.grid)).await.expect_status(201).clone();
    let id = str_of(&order, "id");
    let seen = dispatcher.next_in_status(id, "reported").await;
    assert_eq!(actions(&seen.data), ["accept", "decline", "dispatch", "escalate"], "as the dispatcher sees it");
    act(&app, &s.dispatcher, &order, "accept", json!({})).await;
    let accepted = resident.next_in_status(id, "accepted").await;
    assert_eq!(accepted.data["title"], order["title"]);
    assert!(stranger.next(Duration::from_millis(800)).await.is_none(), "a stranger hears nothing");

    // Reconnecting after the accept replays what changed since.
    act(&app, &s.dispatcher, &order, "escalate", json!({"reason": "需要街道协调"})).await;
    let mut again = Sse::open_orders(&app, &s.resident.token, Some(&accepted.id)).await;
    again.next_in_status(id, "escalated").await;
}

#[tokio::test]
async fn a_subscribed_reporter_gets_a_wechat_message_when_the_order_is_resolved() {
    let wechat = haolin_tests::wechat_fake::FakeWechat::start();
    let app = spawn_app_with(|env| {
        wechat.configure(env);
        env.set("HAOLIN_WECHAT__TEMPLATES__ORDER_RESOLVED__ID", "tmpl-order-resolved")
            .set("HAOLIN_WECHAT__OUTBOX_INTERVAL", "100ms");
    })
    .await;
    let s = street(&app).await;
    let bind =
        app.post("/api/v1/me/wechat", &s.resident.token, &json!({"code": wechat.login_code("openid-reporter")})).await;
    bind.expect_status(200);
    let grant = json!({"template_ids": ["tmpl-order-resolved"]});
    app.post("/api/v1/me/subscriptions", &s.resident.token, &grant).await.expect_status(200);

    let order =
        app.post("/api/v1/work-orders", &s.resident.token, &report_body(&s.grid)).await.expect_status(201).clone();
    act(&app, &s.dispatcher, &order, "dispatch", json!({"grid_id": s.grid["id"]})).await;
    act(&app, &s.grid_worker, &order, "sign", json!({})).await;
    act(&app, &s.grid_worker, &order, "resolve", json!({"note": "已清理"})).await;
    let sent = app
        .eventually(Duration::from_secs(15), "the subscribe message", || async {
            let sent = wechat.sent();
            (!sent.is_empty()).then_some(sent)
        })
        .await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["touser"], "openid-reporter");
    assert_eq!(sent[0]["template_id"], "tmpl-order-resolved");
    assert_eq!(sent[0]["page"], format!("pages/order/detail?id={}", str_of(&order, "id")));
}
