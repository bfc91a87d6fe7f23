//! Notices (通知公告): a notice reaches exactly the residents whose home lies in the addressed grid,
//! community or street and the members checked in to a community in or under it — in their list,
//! their inbox, their WeChat (where subscribed) and their live stream; nobody else sees it (404).
//! Staff post only within their scope, a resident never; limits and the content check refuse
//! with 4xx and store nothing; a notice ends at its end date; marking read is idempotent; the
//! poster edits and withdraws (audited).

use std::time::Duration;

use haolin_tests::sse::Sse;
use haolin_tests::wechat_fake::FakeWechat;
use haolin_tests::{
    Actor, ApiResponse, TestApp, assert_error, assert_invalid_field, spawn_app, spawn_app_with, str_of,
};
use serde_json::{Value, json};

/// Two streets: street S (communities C with grid G and unit U, C2 with grid G2) and street S2
/// (community C3 with grid G3); residents at home in U, G, G2, G3 and nowhere; members of C and
/// C3; a dispatcher of C and of C2; a street officer of S.
struct Town {
    street: Value,
    community: Value,
    grid: Value,
    unit: Value,
    community2: Value,
    community3: Value,
    at_unit: Actor,
    at_grid: Actor,
    at_grid2: Actor,
    at_grid3: Actor,
    homeless: Actor,
    member: Actor,
    member3: Actor,
    dispatcher: Actor,
    dispatcher2: Actor,
    officer: Actor,
}

async fn resident_at(app: &TestApp, place: &Value) -> Actor {
    let r = app.register_resident().await;
    app.put("/api/v1/me/home", &r.token, &json!({"place_id": place["id"]})).await.expect_status(200);
    r
}

async fn town(app: &TestApp) -> Town {
    let [district, street, community, grid, unit] = app.small_tree().await;
    let id = |v: &Value| str_of(v, "id").to_owned();
    let community2 = app.create_place("community", "光明社区", Some(&id(&street)), json!({})).await;
    let grid2 = app.create_place("grid", "光明一网格", Some(&id(&community2)), json!({"kind": "comprehensive"})).await;
    let street2 = app.create_place("street", "大湾街道", Some(&id(&district)), json!({})).await;
    let community3 = app.create_place("community", "大湾社区", Some(&id(&street2)), json!({})).await;
    let grid3 = app.create_place("grid", "大湾一网格", Some(&id(&community3)), json!({"kind": "comprehensive"})).await;
    let officer = app.create_actor(&["street_officer"], &[]).await;
    app.grant_at(&officer.id, "street_officer", &street).await;
    Town {
        at_unit: resident_at(app, &unit).await,
        at_grid: resident_at(app, &grid).await,
        at_grid2: resident_at(app, &grid2).await,
        at_grid3: resident_at(app, &grid3).await,
        homeless: app.register_resident().await,
        member: app.create_actor(&["member"], &[&id(&community)]).await,
        member3: app.create_actor(&["member"], &[&id(&community3)]).await,
        dispatcher: app.create_actor(&["dispatcher"], &[&id(&community)]).await,
        dispatcher2: app.create_actor(&["dispatcher"], &[&id(&community2)]).await,
        officer,
        street,
        community,
        grid,
        unit,
        community2,
        community3,
    }
}

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

fn notice_body(place: &Value, title: &str) -> Value {
    json!({"place_id": place["id"], "title": title, "body": "本周六上午九点在社区广场开展义诊活动。\n请带好医保卡。", "ends_at": in_days(7)})
}

async fn post_notice(app: &TestApp, token: &str, place: &Value, title: &str) -> Value {
    app.post("/api/v1/notices", token, &notice_body(place, title)).await.expect_status(201).clone()
}

async fn my_titles(app: &TestApp, actor: &Actor) -> Vec<String> {
    let page = app.get("/api/v1/notices", &actor.token).await;
    page.expect_status(200)["items"].as_array().unwrap().iter().map(|n| str_of(n, "title").to_owned()).collect()
}

async fn inbox_titles(app: &TestApp, actor: &Actor) -> Vec<String> {
    let page = app.get("/api/v1/notifications", &actor.token).await;
    let items = page.expect_status(200)["items"].as_array().unwrap().clone();
    let notices: Vec<&Value> = items.iter().filter(|n| n["kind"] == "notice_posted").collect();
    // Each names the notice it announces, so the inbox opens it.
    for n in &notices {
        let id = str_of(n, "notice_id");
        app.get(&format!("/api/v1/notices/{id}"), &actor.token).await.expect_status(200);
    }
    notices.iter().map(|n| str_of(n, "title").to_owned()).collect()
}

/// Asserts who sees notice `notice` (titled `title`): in their list, their inbox and by id.
async fn assert_reaches(app: &TestApp, notice: &Value, title: &str, inside: &[&Actor], outside: &[&Actor]) {
    let path = format!("/api/v1/notices/{}", str_of(notice, "id"));
    for a in inside {
        assert!(my_titles(app, a).await.iter().any(|t| t == title), "{} should list {title}", a.name);
        assert!(inbox_titles(app, a).await.iter().any(|t| t.contains(title)), "{} should be notified", a.name);
        let one = app.get(&path, &a.token).await;
        assert_eq!(one.expect_status(200)["unread"], true, "{} reads it unread", a.name);
    }
    for a in outside {
        assert!(!my_titles(app, a).await.iter().any(|t| t == title), "{} must not list {title}", a.name);
        assert!(!inbox_titles(app, a).await.iter().any(|t| t.contains(title)), "{} must not be notified", a.name);
        assert_error(&app.get(&path, &a.token).await, 404, "not_found");
    }
}

#[tokio::test]
async fn a_notice_reaches_exactly_the_residents_and_members_of_the_addressed_grid_community_or_street() {
    let app = spawn_app().await;
    let t = town(&app).await;

    let to_grid = post_notice(&app, &t.dispatcher.token, &t.grid, "网格停水通知").await;
    assert_eq!(to_grid["place"]["level"], "grid");
    assert_eq!(to_grid["posted_by"]["id"], t.dispatcher.id.as_str());
    assert_reaches(
        &app,
        &to_grid,
        "网格停水通知",
        &[&t.at_grid, &t.at_unit],
        &[&t.at_grid2, &t.at_grid3, &t.homeless, &t.member, &t.member3],
    )
    .await;

    let to_community = post_notice(&app, &t.dispatcher.token, &t.community, "社区义诊").await;
    assert_reaches(
        &app,
        &to_community,
        "社区义诊",
        &[&t.at_grid, &t.at_unit, &t.member],
        &[&t.at_grid2, &t.at_grid3, &t.homeless, &t.member3],
    )
    .await;

    let to_street = post_notice(&app, &t.officer.token, &t.street, "街道防汛演练").await;
    assert_reaches(
        &app,
        &to_street,
        "街道防汛演练",
        &[&t.at_grid, &t.at_unit, &t.at_grid2, &t.member],
        &[&t.at_grid3, &t.homeless, &t.member3],
    )
    .await;

    // The poster hears nothing of their own notice; staff of the place read it (not as audience).
    assert!(inbox_titles(&app, &t.dispatcher).await.is_empty());
    let by_officer = app.get(&format!("/api/v1/notices/{}", str_of(&to_grid, "id")), &t.officer.token).await;
    assert_eq!(by_officer.expect_status(200)["unread"], false);
    assert_error(
        &app.get(&format!("/api/v1/notices/{}", str_of(&to_street, "id")), &t.dispatcher2.token).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn a_resident_sees_pinned_notices_first_then_the_newest_and_pages_through_them() {
    let app = spawn_app().await;
    let t = town(&app).await;
    post_notice(&app, &t.dispatcher.token, &t.community, "一").await;
    let mut pinned = notice_body(&t.grid, "置顶");
    pinned["pinned"] = json!(true);
    app.post("/api/v1/notices", &t.dispatcher.token, &pinned).await.expect_status(201);
    post_notice(&app, &t.dispatcher.token, &t.grid, "二").await;
    post_notice(&app, &t.officer.token, &t.street, "三").await;
    assert_eq!(my_titles(&app, &t.at_unit).await, ["置顶", "三", "二", "一"]);

    let mut titles = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/notices?limit=1&cursor={c}"),
            None => "/api/v1/notices?limit=1".to_owned(),
        };
        let page = app.get(&path, &t.at_unit.token).await.expect_status(200).clone();
        titles.extend(page["items"].as_array().unwrap().iter().map(|n| str_of(n, "title").to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(titles, ["置顶", "三", "二", "一"]);
    assert_invalid_field(&app.get("/api/v1/notices?limit=0", &t.at_unit.token).await, "limit");
    assert_invalid_field(&app.get("/api/v1/notices?limit=", &t.at_unit.token).await, "limit");
    assert_error(&app.get("/api/v1/notices?cursor=zzz", &t.at_unit.token).await, 400, "malformed_request");
}

#[tokio::test]
async fn staff_post_only_within_their_scope_and_a_resident_or_member_never() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let refused = |resp: ApiResponse| assert_error(&resp, 403, "forbidden");
    refused(app.post("/api/v1/notices", &t.dispatcher.token, &notice_body(&t.community2, "越界")).await);
    refused(app.post("/api/v1/notices", &t.dispatcher.token, &notice_body(&t.street, "越界")).await);
    refused(app.post("/api/v1/notices", &t.officer.token, &notice_body(&t.community3, "越界")).await);
    refused(app.post("/api/v1/notices", &t.at_grid.token, &notice_body(&t.grid, "越界")).await);
    refused(app.post("/api/v1/notices", &t.member.token, &notice_body(&t.community, "越界")).await);
    // In scope: a dispatcher at their community's grid, an officer at a community of their street.
    post_notice(&app, &t.dispatcher.token, &t.grid, "网格").await;
    post_notice(&app, &t.officer.token, &t.community2, "光明").await;
    let admin = app.admin_token().await;
    post_notice(&app, &admin, &t.community3, "大湾").await;

    assert!(!my_titles(&app, &t.at_grid).await.iter().any(|x| x == "越界"), "nothing refused was stored");
    let posted = app.get("/api/v1/notices/posted", &t.dispatcher.token).await.expect_status(200).clone();
    let titles: Vec<&str> = posted["items"].as_array().unwrap().iter().map(|n| str_of(n, "title")).collect();
    assert_eq!(titles, ["网格"], "a dispatcher's list: their own and their scope's");
    let posted = app.get("/api/v1/notices/posted", &t.officer.token).await.expect_status(200).clone();
    let titles: Vec<&str> = posted["items"].as_array().unwrap().iter().map(|n| str_of(n, "title")).collect();
    assert_eq!(titles, ["光明", "网格"], "an officer's list covers their street");
    assert_error(&app.get("/api/v1/notices/posted", &t.at_grid.token).await, 403, "forbidden");
}

#[tokio::test]
async fn bad_notices_are_refused_with_the_field_named_and_store_nothing() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"title": ""}), "title"),
        (json!({"title": "标".repeat(51)}), "title"),
        (json!({"body": " "}), "body"),
        (json!({"body": "字".repeat(2001)}), "body"),
        (json!({"ends_at": "明天"}), "ends_at"),
        (json!({"ends_at": in_days(-1)}), "ends_at"),
        (json!({"ends_at": in_days(400)}), "ends_at"),
        (json!({"place_id": "abc"}), "place_id"),
        (json!({"place_id": "999999"}), "place_id"),
        (json!({"place_id": t.unit["id"]}), "place_id"),
        (json!({"photos": ["424242"]}), "photos"),
    ];
    for (change, field) in cases {
        let mut body = notice_body(&t.grid, "坏通知");
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        assert_invalid_field(&app.post("/api/v1/notices", &t.dispatcher.token, &body).await, field);
    }
    let mut unknown = notice_body(&t.grid, "坏通知");
    unknown["colour"] = json!("red");
    assert_eq!(app.post("/api/v1/notices", &t.dispatcher.token, &unknown).await.status, 422);
    assert!(my_titles(&app, &t.at_grid).await.is_empty());
    assert!(inbox_titles(&app, &t.at_grid).await.is_empty());
}

#[tokio::test]
async fn a_notice_with_a_photo_shows_it_to_its_readers_only() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let upload =
        app.upload_photo(&t.dispatcher.token, haolin_tests::sample_jpeg(64, 48, 3), "a.jpg", "image/jpeg").await;
    let photo_id = str_of(upload.expect_status(201), "id").to_owned();
    let mut body = notice_body(&t.grid, "附图通知");
    body["photos"] = json!([photo_id]);
    let notice = app.post("/api/v1/notices", &t.dispatcher.token, &body).await.expect_status(201).clone();
    assert_eq!(notice["photos"][0]["id"], photo_id.as_str());
    let photo_path = format!("/api/v1/photos/{photo_id}");
    assert_eq!(app.get(&photo_path, &t.at_grid.token).await.status, 200, "a reader fetches the photo");
    assert_error(&app.get(&photo_path, &t.at_grid3.token).await, 404, "not_found");
    // The upload is used: it cannot go with another notice.
    let mut again = notice_body(&t.grid, "再附图");
    again["photos"] = json!([photo_id]);
    assert_invalid_field(&app.post("/api/v1/notices", &t.dispatcher.token, &again).await, "photos");
}

#[tokio::test]
async fn a_notice_ends_at_its_end_date() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let mut body = notice_body(&t.grid, "很快结束");
    body["ends_at"] = json!((chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339());
    let notice = app.post("/api/v1/notices", &t.dispatcher.token, &body).await.expect_status(201).clone();
    post_notice(&app, &t.dispatcher.token, &t.grid, "还在").await;
    assert_eq!(my_titles(&app, &t.at_grid).await, ["还在", "很快结束"]);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(my_titles(&app, &t.at_grid).await, ["还在"], "an ended notice is no longer shown");
    let path = format!("/api/v1/notices/{}", str_of(&notice, "id"));
    assert_error(&app.get(&path, &t.at_grid.token).await, 404, "not_found");
    assert_eq!(app.get(&path, &t.dispatcher.token).await.status, 200, "its poster still reads it");
}

#[tokio::test]
async fn marking_a_notice_read_is_idempotent_and_reads_its_notification() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let notice = post_notice(&app, &t.dispatcher.token, &t.community, "读一下").await;
    let read = format!("/api/v1/notices/{}/read", str_of(&notice, "id"));
    let first = app.post(&read, &t.at_grid.token, &json!({})).await.expect_status(200).clone();
    assert_eq!(first["unread"], false);
    let second = app.post(&read, &t.at_grid.token, &json!({})).await.expect_status(200).clone();
    assert_eq!(second, first, "reading again changes nothing");
    let listed = app.get("/api/v1/notices", &t.at_grid.token).await.expect_status(200).clone();
    assert_eq!(listed["items"][0]["unread"], false);
    let others = app.get("/api/v1/notices", &t.at_unit.token).await.expect_status(200).clone();
    assert_eq!(others["items"][0]["unread"], true, "one reader's mark is theirs only");
    let unread = app.get("/api/v1/notifications/unread-count", &t.at_grid.token).await;
    assert_eq!(unread.expect_status(200)["unread"], 0, "its notification is read too");
    assert_error(&app.post(&read, &t.at_grid3.token, &json!({})).await, 404, "not_found");
}

#[tokio::test]
async fn the_poster_edits_and_withdraws_their_notice_and_both_are_audited() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let notice = post_notice(&app, &t.dispatcher.token, &t.grid, "原标题").await;
    let id = str_of(&notice, "id").to_owned();
    let path = format!("/api/v1/notices/{id}");
    let other = app.create_actor(&["dispatcher"], &[str_of(&t.community, "id")]).await;
    assert_error(&app.patch(&path, &other.token, &json!({"title": "改"})).await, 403, "forbidden");
    assert_error(&app.patch(&path, &t.at_grid.token, &json!({"title": "改"})).await, 404, "not_found");
    assert_invalid_field(&app.patch(&path, &t.dispatcher.token, &json!({"title": ""})).await, "title");
    let edited = app.patch(&path, &t.dispatcher.token, &json!({"title": "新标题", "pinned": true})).await;
    assert_eq!(edited.expect_status(200)["title"], "新标题");
    assert_eq!(my_titles(&app, &t.at_grid).await, ["新标题"]);

    let withdraw = format!("{path}/withdraw");
    assert_error(&app.post(&withdraw, &other.token, &json!({})).await, 403, "forbidden");
    let withdrawn = app.post(&withdraw, &t.dispatcher.token, &json!({})).await;
    assert!(withdrawn.expect_status(200)["withdrawn_at"].is_string());
    assert!(my_titles(&app, &t.at_grid).await.is_empty(), "withdrawn: no longer shown");
    assert_error(&app.get(&path, &t.at_grid.token).await, 404, "not_found");
    assert_eq!(app.post(&withdraw, &t.dispatcher.token, &json!({})).await.status, 409);
    assert_eq!(app.patch(&path, &t.dispatcher.token, &json!({"title": "再改"})).await.status, 409);

    let admin = app.admin_token().await;
    let log = app.get(&format!("/api/v1/admin/audit?target_kind=notice&target_id={id}"), &admin).await;
    let actions: Vec<&str> =
        log.expect_status(200)["items"].as_array().unwrap().iter().map(|e| str_of(e, "action")).collect();
    assert_eq!(actions, ["notice_withdrawn", "notice_updated", "notice_posted"]);
}

#[tokio::test]
async fn a_subscribed_resident_gets_a_wechat_message_for_a_notice() {
    const TEMPLATE: &str = "tmpl-notice";
    let wechat = FakeWechat::start();
    let app = spawn_app_with(|env| {
        wechat.configure(env);
        env.set("HAOLIN_WECHAT__TEMPLATES__NOTICE_POSTED__ID", TEMPLATE)
            .set("HAOLIN_WECHAT__OUTBOX_INTERVAL", "100ms")
            .set("HAOLIN_WECHAT__OUTBOX_BACKOFF", "100ms");
    })
    .await;
    let t = town(&app).await;
    let bind =
        app.post("/api/v1/me/wechat", &t.at_grid.token, &json!({"code": wechat.login_code("openid-grid")})).await;
    bind.expect_status(200);
    app.post("/api/v1/me/subscriptions", &t.at_grid.token, &json!({"template_ids": [TEMPLATE]}))
        .await
        .expect_status(200);
    // Bound but not subscribed: the inbox only.
    let bind =
        app.post("/api/v1/me/wechat", &t.at_unit.token, &json!({"code": wechat.login_code("openid-unit")})).await;
    bind.expect_status(200);

    let notice = post_notice(&app, &t.dispatcher.token, &t.grid, "停电检修").await;
    let sent = app
        .eventually(Duration::from_secs(15), "the notice's subscribe message", || async {
            let sent = wechat.sent();
            (!sent.is_empty()).then_some(sent)
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sent_now = wechat.sent();
    assert_eq!(sent_now.len(), 1, "one subscribed reader, one message: {sent_now:?}");
    let message = &sent[0];
    assert_eq!(message["touser"], "openid-grid");
    assert_eq!(message["template_id"], TEMPLATE);
    assert_eq!(message["page"], format!("pages/notice/detail?id={}", str_of(&notice, "id")));
    assert_eq!(message["data"]["thing1"]["value"], "停电检修");
    assert!(inbox_titles(&app, &t.at_unit).await.iter().any(|x| x.contains("停电检修")));
}

#[tokio::test]
async fn a_risky_notice_is_refused_by_the_content_check_and_nothing_is_stored() {
    let wechat = FakeWechat::start();
    let app = spawn_app_with(|env| {
        wechat.configure(env);
        env.set("HAOLIN_WECHAT__CONTENT_CHECK", "true");
    })
    .await;
    let t = town(&app).await;
    let bind =
        app.post("/api/v1/me/wechat", &t.dispatcher.token, &json!({"code": wechat.login_code("openid-disp")})).await;
    bind.expect_status(200);
    wechat.flag_word("赌博", "risky");
    let mut body = notice_body(&t.grid, "通知");
    body["body"] = json!("周末组织赌博活动");
    let details = assert_error(&app.post("/api/v1/notices", &t.dispatcher.token, &body).await, 422, "content_risky");
    assert_eq!(details["field"], "body");
    assert!(my_titles(&app, &t.at_grid).await.is_empty());
    assert!(inbox_titles(&app, &t.at_grid).await.is_empty());
    assert!(wechat.calls("msg_sec_check") >= 1);
    post_notice(&app, &t.dispatcher.token, &t.grid, "正常通知").await;
    assert_eq!(my_titles(&app, &t.at_grid).await, ["正常通知"]);
}

#[tokio::test]
async fn a_new_notice_arrives_live_on_the_streams_of_its_audience_only() {
    let app = spawn_app().await;
    let t = town(&app).await;
    let mut inside = Sse::open_notices(&app, &t.at_unit.token).await;
    let mut member = Sse::open_notices(&app, &t.member.token).await;
    let mut outside = Sse::open_notices(&app, &t.at_grid3.token).await;
    // The feed starts at the table's end shortly after start-up; give it a poll.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let notice = post_notice(&app, &t.dispatcher.token, &t.community, "现场直播").await;
    let got = inside.next(Duration::from_secs(10)).await.expect("the resident's stream carries the notice");
    assert_eq!(got.data["id"], notice["id"]);
    assert_eq!(got.data["title"], "现场直播");
    assert_eq!(got.data["unread"], true);
    let got = member.next(Duration::from_secs(10)).await.expect("the member's stream carries it too");
    assert_eq!(got.data["id"], notice["id"]);
    assert!(outside.next(Duration::from_secs(2)).await.is_none(), "nothing for a resident elsewhere");
}
