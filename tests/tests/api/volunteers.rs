//! Volunteer teams and activities (docs/TIME-BANK.md): who may create a team, joining and the
//! leaders' decisions, no phone numbers on any list; an activity's fields refused one by one;
//! seats under a race of 100 sign-ups, the waitlist in order and moved up on a withdrawal; check-in
//! with the rotating code (forged, expired, not a participant), attendance marked by hand, and hours
//! confirmed once. Every test ends with the ledger's invariant (`GET /admin/time-bank/check`).

use chrono::TimeDelta;
use futures_util::StreamExt;
use futures_util::future::join_all;
use haolin_shared::domain::time_bank::is_checkin_code;
use haolin_tests::time_bank::{TeamFixture, array_of, assert_no_phones, parse_time, rfc3339_in};
use haolin_tests::{
    Actor, ApiResponse, TestApp, assert_error, assert_invalid_field, int_of, query_sql, run_sql, spawn_app,
    spawn_app_with, str_of,
};
use serde_json::{Value, json};

/// The answer of a refusal: its status is one of `allowed` (status, code) pairs, in the error shape.
fn assert_refused(resp: &ApiResponse, allowed: &[(u16, &str)]) {
    let code = resp.body["error"]["code"].as_str().unwrap_or_default();
    assert!(
        allowed.iter().any(|(s, c)| *s == resp.status && *c == code),
        "expected one of {allowed:?}, got {} {}",
        resp.status,
        resp.text
    );
    assert_error(resp, resp.status, code);
}

fn ids_of(items: &[Value]) -> Vec<String> {
    items.iter().map(|m| str_of(&m["person"], "id").to_owned()).collect()
}

async fn members(app: &TestApp, token: &str, team: &str, role: Option<&str>) -> ApiResponse {
    let query = role.map(|r| format!("?role={r}")).unwrap_or_default();
    app.get(&format!("/api/v1/teams/{team}/members{query}"), token).await
}

async fn decide(app: &TestApp, token: &str, team: &str, user: &str, decision: &str, body: Value) -> ApiResponse {
    app.post(&format!("/api/v1/teams/{team}/members/{user}/{decision}"), token, &body).await
}

/// Asks to join as `actor`, with a note unless `note` is empty (then no note at all).
async fn join(app: &TestApp, actor: &Actor, team: &str, note: &str) -> Value {
    let body = if note.is_empty() { json!({}) } else { json!({"note": note}) };
    let resp = app.post(&format!("/api/v1/teams/{team}/join"), &actor.token, &body).await;
    resp.expect_status(200).clone()
}

#[tokio::test]
async fn admins_create_teams_anywhere_and_dispatchers_only_in_their_own_community() {
    let app = spawn_app().await;
    let w = app.world().await;
    let other = app.create_community().await;
    let admin = app.admin_token().await;
    let leader = app.create_actor(&["member"], &[w.community_id.as_str()]).await;

    let team = app.post_team(&admin, &other, &leader.id).await.expect_status(201).clone();
    assert_eq!(team["place"]["id"], other.as_str(), "{team}");
    assert_eq!(team["leaders"], json!([{"id": leader.id, "name": leader.name}]), "{team}");
    assert_eq!(int_of(&team, "member_count"), 1, "the first leader is a member: {team}");
    assert!(team["my_role"].is_null(), "the admin is not in the team: {team}");
    assert!(haolin_tests::is_rfc3339(str_of(&team, "created_at")), "{team}");
    assert_eq!(str_of(&team, "description"), "帮助邻里，服务社区。");
    let seen = app.get(&format!("/api/v1/teams/{}", str_of(&team, "id")), &leader.token).await;
    assert_eq!(seen.expect_status(200)["my_role"], "leader", "{}", seen.text);

    // A dispatcher in their own community…
    let own = app.post_team(&w.dispatcher.token, &w.community_id, &leader.id).await;
    assert_eq!(own.expect_status(201)["place"]["id"], w.community_id.as_str());
    // …and nowhere else; members and residents nowhere.
    assert_error(&app.post_team(&w.dispatcher.token, &other, &leader.id).await, 403, "forbidden");
    assert_error(&app.post_team(&w.member.token, &w.community_id, &leader.id).await, 403, "forbidden");
    assert_error(&app.post_team(&w.resident.token, &w.community_id, &leader.id).await, 403, "forbidden");
    let at_other = app.get(&format!("/api/v1/teams?place_id={other}"), &admin).await;
    let at_other = array_of(at_other.expect_status(200), "items").clone();
    assert_eq!(at_other.len(), 1, "only the admin's team was created there: {at_other:?}");
    assert_eq!(at_other[0]["id"], team["id"]);

    // A name is unique at its place, not elsewhere.
    let named = |place: &str| json!({"name": "蓝天使救援队", "place_id": place, "leader_id": leader.id});
    app.post("/api/v1/teams", &admin, &named(&w.community_id)).await.expect_status(201);
    assert_error(&app.post("/api/v1/teams", &admin, &named(&w.community_id)).await, 409, "already_exists");
    app.post("/api/v1/teams", &admin, &named(&other)).await.expect_status(201);

    // Every bad field is named, and nothing is created.
    let base =
        json!({"name": "助老服务队", "description": "陪伴老人", "place_id": w.community_id, "leader_id": leader.id});
    let bad: Vec<(&str, Value)> = vec![
        ("name", json!("")),
        ("name", json!("   ")),
        ("name", json!("\u{200b}\u{200b}")),
        ("name", json!("队".repeat(51))),
        ("description", json!("字".repeat(501))),
        ("place_id", json!("999999999")),
        ("leader_id", json!("999999999")),
    ];
    for (field, value) in bad {
        let mut body = base.clone();
        body[field] = value;
        assert_invalid_field(&app.post("/api/v1/teams", &admin, &body).await, field);
    }
    let mut unknown = base.clone();
    unknown["colour"] = json!("red");
    assert_invalid_field(&app.post("/api/v1/teams", &admin, &unknown).await, "colour");
    let listed = app.get(&format!("/api/v1/teams?place_id={}&limit=100", w.community_id), &admin).await;
    let names: Vec<&str> = array_of(listed.expect_status(200), "items").iter().map(|t| str_of(t, "name")).collect();
    assert!(!names.contains(&"助老服务队"), "a refused team was created: {names:?}");
    assert_eq!(names.len(), 2, "{names:?}");
    app.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_street_officer_creates_teams_in_their_street_only() {
    let app = spawn_app().await;
    let [district, street, community, grid, _] = app.small_tree().await;
    let other_street = app.create_place("street", "大湾街道", Some(str_of(&district, "id")), json!({})).await;
    let officer = app.create_actor(&["street_officer"], &[]).await;
    app.grant_at(&officer.id, "street_officer", &street).await;
    let leader = app.register_resident().await;
    for place in [&street, &community] {
        let created = app.post_team(&officer.token, str_of(place, "id"), &leader.id).await;
        assert_eq!(created.expect_status(201)["place"]["id"], place["id"], "{}", created.text);
    }
    assert_error(&app.post_team(&officer.token, str_of(&other_street, "id"), &leader.id).await, 403, "forbidden");
    assert_error(&app.post_team(&officer.token, str_of(&district, "id"), &leader.id).await, 403, "forbidden");
    // A team belongs to a district, street or community, never to a grid.
    let admin = app.admin_token().await;
    assert_invalid_field(&app.post_team(&admin, str_of(&grid, "id"), &leader.id).await, "place_id");
    let at_district = app.post_team(&admin, str_of(&district, "id"), &leader.id).await;
    assert_eq!(at_district.expect_status(201)["place"]["level"], "district");
    app.assert_ledger_sound().await;
}

#[tokio::test]
async fn joining_waits_for_a_leader_and_only_leaders_decide_or_see_the_requests() {
    let app = spawn_app().await;
    let w = app.world().await;
    let t = app.team(&w).await;
    let (asker, refused, outsider) = (w.resident.clone(), app.register_resident().await, app.register_resident().await);
    let member = w.member.clone();
    let mut seen_texts = Vec::new();

    // Asking: pending; asking again answers the same.
    let joined = join(&app, &asker, &t.id, "周末有空，会开车").await;
    assert_eq!(joined["my_role"], "pending", "{joined}");
    assert_eq!(int_of(&joined, "member_count"), 1, "a request is not a member: {joined}");
    let again = join(&app, &asker, &t.id, "周末有空，会开车").await;
    assert_eq!(again["my_role"], "pending");
    assert_eq!(again["member_count"], joined["member_count"]);

    // A member approved by the leader.
    join(&app, &member, &t.id, "").await;
    let approved = decide(&app, &t.leader.token, &t.id, &member.id, "approve", json!({})).await;
    let approved = approved.expect_status(200).clone();
    assert_eq!(approved["role"], "member", "{approved}");
    assert_eq!(approved["person"], json!({"id": member.id, "name": member.name}));
    assert!(haolin_tests::is_rfc3339(str_of(&approved, "joined_at")), "{approved}");
    seen_texts.push(serde_json::to_string(&approved).unwrap());

    // Nobody but a leader decides: not a member, not the asker, not the community's dispatcher.
    for who in [&member, &asker, &outsider, &w.dispatcher] {
        let resp = decide(&app, &who.token, &t.id, &asker.id, "approve", json!({})).await;
        assert_error(&resp, 403, "forbidden");
        let resp = decide(&app, &who.token, &t.id, &asker.id, "refuse", json!({"reason": "人数已满"})).await;
        assert_error(&resp, 403, "forbidden");
    }
    let still = app.get(&format!("/api/v1/teams/{}", t.id), &asker.token).await;
    assert_eq!(still.expect_status(200)["my_role"], "pending", "a refused decision changed the request");

    // Leaders see the requests; members see members and leaders only.
    let by_leader = members(&app, &t.leader.token, &t.id, None).await;
    seen_texts.push(by_leader.text.clone());
    let by_leader = array_of(by_leader.expect_status(200), "items").clone();
    let ids = ids_of(&by_leader);
    for id in [&t.leader.id, &member.id, &asker.id] {
        assert!(ids.contains(id), "the leader's list lacks {id}: {by_leader:?}");
    }
    let pending = members(&app, &t.leader.token, &t.id, Some("pending")).await;
    seen_texts.push(pending.text.clone());
    let pending = array_of(pending.expect_status(200), "items").clone();
    assert_eq!(ids_of(&pending), vec![asker.id.clone()], "{pending:?}");
    assert_eq!(pending[0]["note"], "周末有空，会开车");
    assert!(pending[0]["joined_at"].is_null());
    let by_member = members(&app, &member.token, &t.id, None).await;
    seen_texts.push(by_member.text.clone());
    let by_member = array_of(by_member.expect_status(200), "items").clone();
    assert!(by_member.iter().all(|m| m["role"] != "pending"), "a member sees pending requests: {by_member:?}");
    let mut roles: Vec<(String, String)> =
        by_member.iter().map(|m| (str_of(&m["person"], "id").to_owned(), str_of(m, "role").to_owned())).collect();
    roles.sort();
    let mut expected = vec![(t.leader.id.clone(), "leader".to_owned()), (member.id.clone(), "member".to_owned())];
    expected.sort();
    assert_eq!(roles, expected);
    let asked = members(&app, &member.token, &t.id, Some("pending")).await;
    seen_texts.push(asked.text.clone());
    match asked.status {
        200 => assert!(array_of(&asked.body, "items").is_empty(), "a member sees pending requests: {}", asked.text),
        _ => {
            assert_error(&asked, 403, "forbidden");
        }
    }
    // The one waiting is not a member yet; an outsider is not either.
    for who in [&asker, &outsider] {
        let resp = members(&app, &who.token, &t.id, None).await;
        seen_texts.push(resp.text.clone());
        match resp.status {
            200 => assert!(
                array_of(&resp.body, "items").iter().all(|m| m["role"] != "pending"),
                "a non-member sees pending requests: {}",
                resp.text
            ),
            _ => {
                assert_error(&resp, 403, "forbidden");
            }
        }
    }

    // The leader approves the asker and refuses another.
    let ok = decide(&app, &t.leader.token, &t.id, &asker.id, "approve", json!({})).await;
    assert_eq!(ok.expect_status(200)["role"], "member");
    let team = app.get(&format!("/api/v1/teams/{}", t.id), &asker.token).await;
    let team = team.expect_status(200).clone();
    seen_texts.push(serde_json::to_string(&team).unwrap());
    assert_eq!(team["my_role"], "member");
    assert_eq!(int_of(&team, "member_count"), 3, "leader, member and the approved asker: {team}");
    join(&app, &refused, &t.id, "").await;
    let no = decide(&app, &t.leader.token, &t.id, &refused.id, "refuse", json!({"reason": "暂不招新"})).await;
    assert_eq!(no.status, 204, "{}", no.text);
    let after = app.get(&format!("/api/v1/teams/{}", t.id), &refused.token).await;
    assert!(after.expect_status(200)["my_role"].is_null(), "{}", after.text);
    let listed = members(&app, &t.leader.token, &t.id, None).await;
    assert!(!ids_of(array_of(listed.expect_status(200), "items")).contains(&refused.id), "{}", listed.text);

    // A second leader; then the first may leave, but never the last leader.
    let promoted = decide(&app, &t.leader.token, &t.id, &member.id, "leader", json!({})).await;
    assert_eq!(promoted.expect_status(200)["role"], "leader");
    let team = app.get(&format!("/api/v1/teams/{}", t.id), &member.token).await;
    let leaders = array_of(team.expect_status(200), "leaders").clone();
    assert_eq!(leaders.len(), 2, "{leaders:?}");
    seen_texts.push(team.text.clone());
    let left = app.post(&format!("/api/v1/teams/{}/leave", t.id), &t.leader.token, &json!({})).await;
    assert_eq!(left.status, 204, "{}", left.text);
    let last = app.post(&format!("/api/v1/teams/{}/leave", t.id), &member.token, &json!({})).await;
    assert_eq!(last.status, 409, "the last leader may not leave: {}", last.text);
    assert_error(&last, 409, last.body["error"]["code"].as_str().unwrap_or("?"));
    let team = app.get(&format!("/api/v1/teams/{}", t.id), &asker.token).await;
    assert_eq!(int_of(team.expect_status(200), "member_count"), 2, "{}", team.text);

    // Mine: the asker's teams.
    let mine = app.get("/api/v1/teams?mine=true", &asker.token).await;
    let mine = array_of(mine.expect_status(200), "items").clone();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["id"], t.id.as_str());
    seen_texts.push(serde_json::to_string(&mine).unwrap());

    let phones = [
        asker.phone.as_str(),
        refused.phone.as_str(),
        outsider.phone.as_str(),
        member.phone.as_str(),
        t.leader.phone.as_str(),
    ];
    for text in &seen_texts {
        assert_no_phones(text, &phones, "a team's answer");
    }
    app.assert_ledger_sound().await;
}

/// Optional texts, when given, follow the one text rule like any other (`CreateTeamRequest`: "1–500
/// characters, if given"; `JoinTeamRequest`: "1–200, if given"): an empty one is refused naming
/// its field, and nothing is written.
#[tokio::test]
async fn a_team_description_or_a_joining_note_given_empty_is_refused_naming_it() {
    let app = spawn_app().await;
    let w = app.world().await;
    let admin = app.admin_token().await;
    let leader = app.create_actor(&["member"], &[w.community_id.as_str()]).await;
    let body = json!({"name": "助老服务队", "description": "", "place_id": w.community_id, "leader_id": leader.id});
    assert_invalid_field(&app.post("/api/v1/teams", &admin, &body).await, "description");
    let teams = app.get(&format!("/api/v1/teams?place_id={}", w.community_id), &admin).await;
    assert!(array_of(teams.expect_status(200), "items").is_empty(), "a refused team was created: {}", teams.text);
    let t = app.team(&w).await;
    let path = format!("/api/v1/teams/{}/join", t.id);
    assert_invalid_field(&app.post(&path, &w.resident.token, &json!({"note": " "})).await, "note");
    let team = app.get(&format!("/api/v1/teams/{}", t.id), &w.resident.token).await;
    assert!(team.expect_status(200)["my_role"].is_null(), "a refused request was written: {}", team.text);
    let joined = app.post(&path, &w.resident.token, &json!({})).await;
    assert_eq!(joined.expect_status(200)["my_role"], "pending");
    app.assert_ledger_sound().await;
}

/// The activity body with `field` set to `value` (or removed when `value` is `None`).
fn with(body: &Value, field: &str, value: Option<Value>) -> Value {
    let mut out = body.clone();
    match value {
        Some(v) => out[field] = v,
        None => {
            out.as_object_mut().unwrap().remove(field);
        }
    }
    out
}

#[tokio::test]
async fn an_activity_with_any_bad_field_is_refused_naming_it_and_nothing_is_created() {
    let app = spawn_app().await;
    let w = app.world().await;
    let t = app.team(&w).await;
    let other = app.create_community().await;
    let good = app.activity_body(&w.community_id, TimeDelta::hours(1), TimeDelta::hours(2), 10);
    let starts = str_of(&good, "starts_at").to_owned();
    let start = parse_time(&starts);
    let at = |d: TimeDelta| (start + d).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let cases: Vec<(&str, Option<Value>)> = vec![
        ("title", None),
        ("title", Some(json!(""))),
        ("title", Some(json!("\u{200b}  "))),
        ("title", Some(json!("活".repeat(51)))),
        ("title", Some(json!(42))),
        ("description", Some(json!(""))),
        ("description", Some(json!("字".repeat(2001)))),
        ("place_id", Some(json!("999999999"))),
        ("place_id", Some(json!(other))),
        ("address", Some(json!(""))),
        ("address", Some(json!("路".repeat(201)))),
        ("starts_at", Some(json!("明天上午九点"))),
        ("starts_at", Some(json!(rfc3339_in(TimeDelta::hours(-2))))),
        ("ends_at", None),
        ("ends_at", Some(json!("2026-13-01T00:00:00Z"))),
        ("ends_at", Some(json!(starts.clone()))),
        ("ends_at", Some(json!(at(TimeDelta::minutes(-30))))),
        ("ends_at", Some(json!(at(TimeDelta::hours(24) + TimeDelta::minutes(1))))),
        ("capacity", Some(json!(0))),
        ("capacity", Some(json!(-3))),
        ("capacity", Some(json!(10_001))),
        ("capacity", Some(json!("十"))),
        ("skills", Some(json!(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]))),
        ("skills", Some(json!(["技".repeat(21)]))),
        ("skills", Some(json!([""]))),
        ("price", Some(json!(5))),
    ];
    let path = format!("/api/v1/teams/{}/activities", t.id);
    for (field, value) in cases {
        let body = with(&good, field, value.clone());
        let resp = app.post(&path, &t.leader.token, &body).await;
        assert_eq!(resp.status, 422, "{field} = {value:?}: {}", resp.text);
        let named = resp.body["error"]["details"]["field"].as_str().unwrap_or_default().to_owned();
        assert!(named == field || named.starts_with(&format!("{field}[")), "{field} = {value:?}: {}", resp.text);
        assert_error(&resp, 422, "invalid_field");
    }
    // Nobody but a leader of the team publishes: not a member of it, not the community's
    // dispatcher, not the admin.
    let member = app.create_actor(&["member"], &[w.community_id.as_str()]).await;
    join(&app, &member, &t.id, "").await;
    decide(&app, &t.leader.token, &t.id, &member.id, "approve", json!({})).await.expect_status(200);
    let admin = app.admin_token().await;
    for token in [&member.token, &w.dispatcher.token, &w.resident.token, &admin] {
        assert_error(&app.post(&path, token, &good).await, 403, "forbidden");
    }
    let listed = app.get(&format!("/api/v1/activities?team_id={}", t.id), &t.leader.token).await;
    assert!(array_of(listed.expect_status(200), "items").is_empty(), "a refused activity was created: {}", listed.text);

    // The good body, and one lasting exactly 24 hours.
    let created = app.create_activity(&t, &good).await;
    for key in ["title", "description", "address", "capacity", "skills"] {
        assert_eq!(created[key], good[key], "{key} in {created}");
    }
    assert_eq!(parse_time(str_of(&created, "starts_at")), start);
    assert_eq!(created["place"]["id"], w.community_id.as_str());
    assert_eq!(created["team"], json!({"id": t.id, "name": t.team["name"]}));
    assert_eq!(created["organiser"], json!({"id": t.leader.id, "name": t.leader.name}));
    assert_eq!((int_of(&created, "seats_taken"), int_of(&created, "waitlist")), (0, 0));
    assert_eq!(created["status"], "published");
    assert_eq!(created["organising"], true);
    assert!(created["my_signup"].is_null());
    let day = with(&good, "ends_at", Some(json!(at(TimeDelta::hours(24)))));
    app.create_activity(&t, &day).await;
    let listed = app.get(&format!("/api/v1/activities?team_id={}", t.id), &w.resident.token).await;
    let listed = array_of(listed.expect_status(200), "items").clone();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed.iter().all(|a| a["organising"] == false), "the resident organises nothing: {listed:?}");
    app.assert_ledger_sound().await;
}

/// `n` fresh residents, registered a few at a time (each is a password hash on two cores).
async fn people(app: &TestApp, n: usize) -> Vec<Actor> {
    futures_util::stream::iter(0..n).map(|_| app.register_resident()).buffer_unordered(8).collect().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_people_signing_up_at_once_fill_exactly_the_capacity_and_wait_in_order() {
    let app = spawn_app().await;
    let w = app.world().await;
    let t = app.team(&w).await;
    let activity = app
        .create_activity(&t, &app.activity_body(&w.community_id, TimeDelta::hours(3), TimeDelta::hours(2), 10))
        .await;
    let id = str_of(&activity, "id").to_owned();
    let crowd = people(&app, 100).await;

    let answers = join_all(crowd.iter().map(|p| app.signup(&p.token, &id))).await;
    for a in &answers {
        assert_eq!(a.status, 201, "{}", a.text);
        assert_eq!(a.body["activity_id"], id.as_str());
    }
    let seated: Vec<usize> = (0..100).filter(|i| answers[*i].body["status"] == "seated").collect();
    let waiting: Vec<usize> = (0..100).filter(|i| answers[*i].body["status"] == "waitlisted").collect();
    assert_eq!(seated.len(), 10, "exactly the capacity is seated");
    assert_eq!(waiting.len(), 90, "everyone else waits");
    for i in &seated {
        assert!(answers[*i].body["waitlist_position"].is_null(), "{}", answers[*i].text);
    }
    let mut positions: Vec<i64> = waiting.iter().map(|i| int_of(&answers[*i].body, "waitlist_position")).collect();
    positions.sort_unstable();
    assert_eq!(positions, (1..=90).collect::<Vec<i64>>(), "waitlist positions are 1..90, each once");

    // The order written (the sign-ups' ids): the first ten seated, the rest waiting in that order.
    let rows = query_sql(
        &app.database_url,
        &format!("SELECT user_id, status FROM activity_signups WHERE activity_id = {id} ORDER BY id"),
    );
    assert_eq!(rows.len(), 100, "one sign-up per person: {rows:?}");
    let by_user = |user: &str| crowd.iter().position(|p| p.id == user).unwrap_or_else(|| panic!("unknown {user}"));
    for (k, row) in rows.iter().enumerate() {
        let i = by_user(&row[0]);
        if k < 10 {
            assert_eq!(row[1], "seated", "the first ten written take the seats: {rows:?}");
            assert_eq!(answers[i].body["status"], "seated");
        } else {
            assert_eq!(row[1], "waitlisted", "{rows:?}");
            assert_eq!(
                int_of(&answers[i].body, "waitlist_position"),
                k as i64 - 9,
                "the waitlist follows the order of the sign-ups"
            );
        }
    }

    // The roster says the same: seated first, then the waitlist in order.
    let roster = app.roster(&t.leader.token, &id).await;
    assert_eq!(roster.len(), 100);
    for (k, entry) in roster.iter().enumerate() {
        let i = by_user(str_of(&entry["person"], "id"));
        assert_eq!(entry["signup"], answers[i].body, "the roster's line {k} differs from the sign-up's answer");
        if k >= 10 {
            assert_eq!(int_of(&entry["signup"], "waitlist_position"), k as i64 - 9);
        }
    }
    let seen = app.activity(&crowd[0].token, &id).await;
    assert_eq!((int_of(&seen, "seats_taken"), int_of(&seen, "waitlist")), (10, 90), "{seen}");
    assert_eq!(seen["my_signup"], answers[0].body);
    for phone in crowd.iter().map(|p| p.phone.as_str()) {
        let roster_text = serde_json::to_string(&roster).unwrap();
        assert_no_phones(&roster_text, &[phone], "the roster");
    }
    app.assert_ledger_sound().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_person_signing_up_ten_times_at_once_holds_one_sign_up() {
    let app = spawn_app().await;
    let w = app.world().await;
    let t = app.team(&w).await;
    let activity =
        app.create_activity(&t, &app.activity_body(&w.community_id, TimeDelta::hours(3), TimeDelta::hours(2), 1)).await;
    let id = str_of(&activity, "id").to_owned();
    let answers = join_all((0..10).map(|_| app.signup(&w.resident.token, &id))).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    let replayed = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!((created, replayed), (1, 9), "{:?}", answers.iter().map(|a| (a.status, &a.text)).collect::<Vec<_>>());
    for a in &answers {
        assert_eq!(a.body, answers[0].body, "every answer is the one sign-up");
        assert_eq!(a.body["status"], "seated");
    }
    let live = query_sql(&app.database_url, &format!("SELECT COUNT(*) FROM activity_signups WHERE activity_id = {id}"));
    assert_eq!(live[0][0], "1");
    let seen = app.activity(&w.resident.token, &id).await;
    assert_eq!((int_of(&seen, "seats_taken"), int_of(&seen, "waitlist")), (1, 0), "{seen}");
    // And again later: the same.
    let again = app.signup(&w.resident.token, &id).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body, answers[0].body);
    // A second person waits.
    let second = app.signup(&w.member.token, &id).await;
    assert_eq!(second.status, 201);
    assert_eq!(
        (second.body["status"].as_str(), second.body["waitlist_position"].as_i64()),
        (Some("waitlisted"), Some(1))
    );
    app.assert_ledger_sound().await;
}

async fn my_signup(app: &TestApp, who: &Actor, activity: &str) -> Value {
    app.activity(&who.token, activity).await["my_signup"].clone()
}

#[tokio::test]
async fn a_seated_withdrawal_seats_the_first_in_line_and_the_waitlist_moves_up() {
    let app = spawn_app().await;
    let w = app.world().await;
    let t = app.team(&w).await;
    let activity =
        app.create_activity(&t, &app.activity_body(&w.community_id, TimeDelta::hours(3), TimeDelta::hours(2), 2)).await;
    let id = str_of(&activity, "id").to_owned();
    let p = people(&app, 5).await;
    for (k, person) in p.iter().enumerate() {
        let s = app.signup(&person.token, &id).await;
        let s = s.expect_status(201);
        if k < 2 {
            assert_eq!(s["status"], "seated", "{s}");
        } else {
            assert_eq!(
                (s["status"].as_str(), s["waitlist_position"].as_i64()),
                (Some("waitlisted"), Some(k as i64 - 1))
            );
        }
    }
    let path = format!("/api/v1/activities/{id}/withdraw");
    let out = app.post(&path, &p[1].token, &json!({})).await;
    let out = out.expect_status(200).clone();
    assert_eq!(out["status"], "withdrawn", "{out}");
    assert!(out["waitlist_position"].is_null(), "{out}");
    let promoted = my_signup(&app, &p[2], &id).await;
    assert_eq!(promoted["status"], "seated", "the first in line takes the seat: {promoted}");
    assert!(promoted["waitlist_position"].is_null());
    assert_eq!(my_signup(&app, &p[3], &id).await["waitlist_position"], 1);
    assert_eq!(my_signup(&app, &p[4], &id).await["waitlist_position"], 2);
    assert_eq!(my_signup(&app, &p[1], &id).await["status"], "withdrawn", "a withdrawn sign-up stays visible");
    let seen = app.activity(&p[0].token, &id).await;
    assert_eq!((int_of(&seen, "seats_taken"), int_of(&seen, "waitlist")), (2, 2), "{seen}");

    // A waiting person withdraws: the ones behind move up, no seat changes.
    app.post(&path, &p[3].token, &json!({})).await.expect_status(200);
    assert_eq!(my_signup(&app, &p[4], &id).await["waitlist_position"], 1);
    let seen = app.activity(&p[0].token, &id).await;
    assert_eq!((int_of(&seen, "seats_taken"), int_of(&seen, "waitlist")), (2, 1), "{seen}");

    // Withdrawing twice, or without a sign-up, changes nothing.
    let twice = app.post(&path, &p[1].token, &json!({})).await;
    assert!(matches!(twice.status, 404 | 409), "{}", twice.text);
    let never = app.post(&path, &w.member.token, &json!({})).await;
    assert!(matches!(never.status, 404 | 409), "{}", never.text);
    let seen = app.activity(&p[0].token, &id).await;
    assert_eq!((int_of(&seen, "seats_taken"), int_of(&seen, "waitlist")), (2, 1), "{seen}");

    // Signing up again takes a new place at the end.
    let back = app.signup(&p[1].token, &id).await;
    let back = back.expect_status(201);
    assert_eq!((back["status"].as_str(), back["waitlist_position"].as_i64()), (Some("waitlisted"), Some(2)), "{back}");
    let roster = app.roster(&t.leader.token, &id).await;
    let order: Vec<String> = roster
        .iter()
        .filter(|e| e["signup"]["status"] != "withdrawn")
        .map(|e| str_of(&e["person"], "id").to_owned())
        .collect();
    assert_eq!(order, vec![p[0].id.clone(), p[2].id.clone(), p[4].id.clone(), p[1].id.clone()], "{roster:?}");
    app.assert_ledger_sound().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn withdrawals_and_sign_ups_at_once_keep_the_earliest_seated_and_the_waitlist_in_order() {
    let app = spawn_app().await;
    let w = app.world().await;
    let t = app.team(&w).await;
    let body = app.activity_body(&w.community_id, TimeDelta::hours(3), TimeDelta::hours(2), 5);
    let id = str_of(&app.create_activity(&t, &body).await, "id").to_owned();
    let first = people(&app, 20).await;
    for p in &first {
        app.signup(&p.token, &id).await.expect_status(201);
    }
    let late = people(&app, 10).await;
    let leaving: Vec<&Actor> = [0, 1, 2, 6, 8, 10, 12, 14].iter().map(|i| &first[*i]).collect();
    let path = format!("/api/v1/activities/{id}/withdraw");
    let empty = json!({});
    let (withdrawn, joined) = tokio::join!(
        join_all(leaving.iter().map(|p| app.post(&path, &p.token, &empty))),
        join_all(late.iter().map(|p| app.signup(&p.token, &id))),
    );
    for r in &withdrawn {
        assert_eq!(r.expect_status(200)["status"], "withdrawn", "{}", r.text);
    }
    for r in &joined {
        assert_eq!(r.expect_status(201)["status"], "waitlisted", "the waitlist never emptied: {}", r.text);
    }

    // The live sign-ups in the order written: the five earliest seated, the rest waiting in order.
    let rows = query_sql(
        &app.database_url,
        &format!(
            "SELECT user_id, status FROM activity_signups WHERE activity_id = {id} AND status <> 'withdrawn' ORDER BY id"
        ),
    );
    assert_eq!(rows.len(), 22, "{rows:?}");
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row[1], if k < 5 { "seated" } else { "waitlisted" }, "sign-up {k} of {rows:?}");
    }
    let roster = app.roster(&t.leader.token, &id).await;
    let live: Vec<&Value> = roster.iter().filter(|e| e["signup"]["status"] != "withdrawn").collect();
    let order: Vec<&str> = live.iter().map(|e| str_of(&e["person"], "id")).collect();
    assert_eq!(order, rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), "the roster's order");
    for (k, e) in live.iter().enumerate().skip(5) {
        assert_eq!(int_of(&e["signup"], "waitlist_position"), k as i64 - 4, "{e}");
    }
    let everyone: Vec<&Actor> = first.iter().chain(late.iter()).collect();
    for p in everyone {
        let mine = my_signup(&app, p, &id).await;
        match roster.iter().find(|e| e["person"]["id"] == p.id.as_str()) {
            Some(line) => assert_eq!(mine, line["signup"], "{}'s own view differs from the roster", p.id),
            None => assert_eq!(mine["status"], "withdrawn", "{} is missing from the roster: {mine}", p.id),
        }
    }
    let seen = app.activity(&w.resident.token, &id).await;
    assert_eq!((int_of(&seen, "seats_taken"), int_of(&seen, "waitlist")), (5, 17), "{seen}");
    app.assert_ledger_sound().await;
}

/// A team and an activity of it starting `starts_in` from now, lasting two hours, with `seated`
/// people seated (fresh residents) and `waiting` more on the waitlist.
struct Event {
    t: TeamFixture,
    id: String,
    seated: Vec<Actor>,
    waiting: Vec<Actor>,
    w: haolin_tests::World,
}

async fn event(app: &TestApp, starts_in: TimeDelta, seated: usize, waiting: usize) -> Event {
    let w = app.world().await;
    let t = app.team(&w).await;
    let body = app.activity_body(&w.community_id, starts_in, TimeDelta::hours(2), seated as i64);
    let activity = app.create_activity(&t, &body).await;
    let id = str_of(&activity, "id").to_owned();
    let crowd = people(app, seated + waiting).await;
    for p in &crowd {
        app.signup(&p.token, &id).await.expect_status(201);
    }
    let (seated, waiting) = crowd.split_at(seated);
    Event { t, id, seated: seated.to_vec(), waiting: waiting.to_vec(), w }
}

async fn code(app: &TestApp, e: &Event) -> Value {
    let resp = app.get(&format!("/api/v1/activities/{}/code", e.id), &e.t.leader.token).await;
    resp.expect_status(200).clone()
}

async fn scan(app: &TestApp, who: &Actor, activity: &str, code: &str) -> ApiResponse {
    app.post(&format!("/api/v1/activities/{activity}/scan"), &who.token, &json!({"code": code})).await
}

/// The signed token the QR code's URL carries (its last query value, else its last path segment).
fn token_of(url: &str) -> String {
    let without_fragment = url.split('#').next().unwrap_or(url);
    if let Some((_, query)) = without_fragment.split_once('?') {
        let last = query.split('&').rfind(|kv| !kv.is_empty()).unwrap_or_default();
        return last.split_once('=').map_or(last, |(_, v)| v).to_owned();
    }
    without_fragment.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_owned()
}

/// `token` with its last character changed (a signature that no longer matches).
fn tampered(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let last = chars.last_mut().expect("an empty token");
    *last = if *last == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

/// Six digits that are not `code` (each digit moved by 5).
fn wrong_digits(code: &str) -> String {
    code.bytes().map(|b| char::from(b'0' + (b - b'0' + 5) % 10)).collect()
}

#[tokio::test]
async fn the_organisers_code_checks_a_participant_in_then_out_and_forged_codes_are_refused() {
    let app = spawn_app().await;
    let e = event(&app, TimeDelta::minutes(10), 4, 1).await;
    let other = app
        .create_activity(&e.t, &app.activity_body(&e.w.community_id, TimeDelta::minutes(10), TimeDelta::hours(1), 5))
        .await;

    let c = code(&app, &e).await;
    let digits = str_of(&c, "code").to_owned();
    assert!(is_checkin_code(&digits), "{c}");
    let url = str_of(&c, "url").to_owned();
    let token = token_of(&url);
    assert!(!token.is_empty() && token != digits, "the URL carries a signed token: {url}");
    assert!(str_of(&c, "qr_svg").contains("<svg"), "{c}");
    let refresh = parse_time(str_of(&c, "refresh_at"));
    let left = refresh - chrono::Utc::now();
    assert!(left > TimeDelta::zero() && left <= TimeDelta::seconds(61), "refresh_at is {left} away: {c}");
    // Only an organiser sees the code.
    for who in [&e.seated[0], &e.waiting[0], &e.w.dispatcher] {
        let resp = app.get(&format!("/api/v1/activities/{}/code", e.id), &who.token).await;
        assert_error(&resp, 403, "forbidden");
    }

    // The six digits: in, then out.
    let p = &e.seated[0];
    let first = scan(&app, p, &e.id, &digits).await;
    let first = first.expect_status(200).clone();
    assert_eq!(first["status"], "seated");
    let checked_in = parse_time(str_of(&first, "checked_in_at"));
    assert!((chrono::Utc::now() - checked_in).num_seconds().abs() < 30, "{first}");
    assert!(first["checked_out_at"].is_null(), "{first}");
    let second = scan(&app, p, &e.id, &digits).await;
    let second = second.expect_status(200).clone();
    assert_eq!(parse_time(str_of(&second, "checked_in_at")), checked_in, "checking out keeps the check-in");
    let checked_out = parse_time(str_of(&second, "checked_out_at"));
    assert!(checked_out >= checked_in, "{second}");
    assert_eq!(int_of(&second, "minutes"), 0, "seconds of attendance count no minute: {second}");
    assert!(second["confirmed_at"].is_null());
    let third = scan(&app, p, &e.id, &digits).await;
    assert_eq!(third.status, 409, "a third scan is refused: {}", third.text);
    assert_eq!(my_signup(&app, p, &e.id).await, second, "a refused scan changed the sign-up");

    // The token from the QR code's URL works as well.
    let q = &e.seated[1];
    let by_token = scan(&app, q, &e.id, &token).await;
    assert!(by_token.expect_status(200)["checked_in_at"].is_string(), "{}", by_token.text);

    // Forged: other digits, a tampered token, another activity's code, not a code at all.
    let r = &e.seated[2];
    let other_code = app.get(&format!("/api/v1/activities/{}/code", str_of(&other, "id")), &e.t.leader.token).await;
    let other_code = other_code.expect_status(200).clone();
    // The token carries its window (`{window}.{signature}`): one three windows old, signed by
    // anyone but the server, is forged, not expired.
    let window: i64 = token.split('.').next().and_then(|w| w.parse().ok()).expect("the token's window");
    let forged = [
        wrong_digits(&digits),
        tampered(&token),
        str_of(&other_code, "code").to_owned(),
        token_of(str_of(&other_code, "url")),
        format!("{}.{}", window - 3, "0".repeat(20)),
    ];
    for f in &forged {
        if f == &digits {
            continue; // Another activity's digits may equal these one time in a million.
        }
        let resp = scan(&app, r, &e.id, f).await;
        assert_error(&resp, 422, "invalid_checkin_code");
    }
    for junk in ["12345", "abcdef", "x.y.z"] {
        let resp = scan(&app, r, &e.id, junk).await;
        assert_eq!(resp.status, 422, "{junk}: {}", resp.text);
    }
    let untouched = my_signup(&app, r, &e.id).await;
    assert!(untouched["checked_in_at"].is_null(), "a forged code checked in: {untouched}");

    // Only a seated participant scans: not the waitlist, not someone who never signed up.
    for who in [&e.waiting[0], &e.w.member] {
        let resp = scan(&app, who, &e.id, &digits).await;
        assert_refused(&resp, &[(403, "forbidden"), (409, "invalid_state"), (404, "not_found")]);
    }
    let waiting = my_signup(&app, &e.waiting[0], &e.id).await;
    assert!(waiting["checked_in_at"].is_null(), "{waiting}");

    // The organiser's roster shows the attendance; nobody else reads it.
    let roster = app.roster(&e.t.leader.token, &e.id).await;
    let line = roster.iter().find(|l| l["person"]["id"] == p.id.as_str()).expect("p on the roster");
    assert_eq!(line["signup"], second);
    for who in [p, &e.w.dispatcher] {
        let resp = app.get(&format!("/api/v1/activities/{}/roster", e.id), &who.token).await;
        assert_error(&resp, 403, "forbidden");
    }
    // Nothing is credited before the organiser confirms.
    assert_eq!(app.balance(&p.token).await, 0);
    app.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_code_is_accepted_for_its_window_and_the_next_then_refused_as_expired() {
    // The code changes every 4 s here (`time_bank.code_window`, 60 s by default), so expiry needs
    // no minutes of waiting.
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_TIME_BANK__CODE_WINDOW", "4s");
    })
    .await;
    let e = event(&app, TimeDelta::minutes(10), 3, 0).await;
    let c = code(&app, &e).await;
    let (digits, token) = (str_of(&c, "code").to_owned(), token_of(str_of(&c, "url")));
    let refresh = parse_time(str_of(&c, "refresh_at"));
    let left = refresh - chrono::Utc::now();
    assert!(left <= TimeDelta::milliseconds(4100), "refresh_at is {left} away with a 4 s window: {c}");

    // Once the next code took over, this one still counts (the window before the current one).
    wait_until(refresh + TimeDelta::milliseconds(100)).await;
    let (by_digits, by_token) =
        tokio::join!(scan(&app, &e.seated[0], &e.id, &digits), scan(&app, &e.seated[1], &e.id, &token));
    by_digits.expect_status(200);
    by_token.expect_status(200);
    let now = code(&app, &e).await;
    assert!(parse_time(str_of(&now, "refresh_at")) > refresh, "the code did not move on: {now}");

    // One window later it has expired, as digits and as a token.
    wait_until(refresh + TimeDelta::milliseconds(4300)).await;
    assert_error(&scan(&app, &e.seated[2], &e.id, &digits).await, 422, "invalid_checkin_code");
    assert_error(&scan(&app, &e.seated[2], &e.id, &token).await, 422, "invalid_checkin_code");
    // And an expired code does not check out either.
    assert_error(&scan(&app, &e.seated[0], &e.id, &digits).await, 422, "invalid_checkin_code");
    assert!(my_signup(&app, &e.seated[0], &e.id).await["checked_out_at"].is_null());
    assert!(my_signup(&app, &e.seated[2], &e.id).await["checked_in_at"].is_null());
    // The current code works.
    let fresh = code(&app, &e).await;
    scan(&app, &e.seated[2], &e.id, str_of(&fresh, "code")).await.expect_status(200);
    app.assert_ledger_sound().await;
}

async fn wait_until(at: chrono::DateTime<chrono::Utc>) {
    let left = at - chrono::Utc::now();
    if let Ok(d) = left.to_std() {
        tokio::time::sleep(d).await;
    }
}

#[tokio::test]
async fn hand_marked_and_scanned_attendance_is_credited_once_capped_by_the_activitys_length() {
    let app = spawn_app().await;
    let e = event(&app, TimeDelta::hours(1), 4, 0).await;
    let [p1, p2, p3, absent] = [&e.seated[0], &e.seated[1], &e.seated[2], &e.seated[3]];
    let confirm = format!("/api/v1/activities/{}/confirm", e.id);

    // Not before the start.
    let early = app.post(&confirm, &e.t.leader.token, &json!({})).await;
    assert_eq!(early.status, 409, "confirming before the start: {}", early.text);

    // The activity started 2.5 hours ago and ended half an hour ago.
    app.shift_activity_back(&e.id, TimeDelta::minutes(210));
    let activity = app.activity(&e.t.leader.token, &e.id).await;
    let (starts, ends) = (parse_time(str_of(&activity, "starts_at")), parse_time(str_of(&activity, "ends_at")));
    let at = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mark = |who: &Actor, from: chrono::DateTime<chrono::Utc>, to: chrono::DateTime<chrono::Utc>| {
        let path = format!("/api/v1/activities/{}/roster/{}", e.id, who.id);
        let body = json!({"checked_in_at": at(from), "checked_out_at": at(to)});
        let token = e.t.leader.token.clone();
        let app = &app;
        async move { app.post(&path, &token, &body).await }
    };

    // By hand: 45 minutes, and the whole activity.
    let m1 = mark(p1, starts + TimeDelta::minutes(10), starts + TimeDelta::minutes(55)).await;
    let m1 = m1.expect_status(200).clone();
    assert_eq!(m1["person"], json!({"id": p1.id, "name": p1.name}));
    assert_eq!(int_of(&m1["signup"], "minutes"), 45, "{m1}");
    let m2 = mark(p2, starts, ends).await;
    assert_eq!(int_of(&m2.expect_status(200)["signup"], "minutes"), 120, "{}", m2.text);
    // Marks far outside the activity, or backwards, are refused by field; nobody else marks.
    assert_invalid_field(
        &mark(p3, starts - TimeDelta::hours(2), starts + TimeDelta::minutes(30)).await,
        "checked_in_at",
    );
    assert_invalid_field(
        &mark(p3, starts + TimeDelta::minutes(30), ends + TimeDelta::hours(2)).await,
        "checked_out_at",
    );
    assert_invalid_field(
        &mark(p3, starts + TimeDelta::minutes(30), starts + TimeDelta::minutes(20)).await,
        "checked_out_at",
    );
    assert!(my_signup(&app, p3, &e.id).await["checked_in_at"].is_null(), "a refused mark was written");
    let by_participant = app
        .post(
            &format!("/api/v1/activities/{}/roster/{}", e.id, p3.id),
            &p3.token,
            &json!({"checked_in_at": at(starts), "checked_out_at": at(ends)}),
        )
        .await;
    assert_error(&by_participant, 403, "forbidden");

    // By scanning: checked in five hours "ago" (moved in the database), out now: capped at the
    // activity's two hours.
    let c = code(&app, &e).await;
    scan(&app, p3, &e.id, str_of(&c, "code")).await.expect_status(200);
    run_sql(
        &app.database_url,
        &format!(
            "UPDATE activity_signups SET checked_in_at = checked_in_at - {} WHERE activity_id = {} AND user_id = {}",
            5 * 3_600_000,
            e.id,
            p3.id
        ),
    );
    let out = scan(&app, p3, &e.id, str_of(&c, "code")).await;
    assert_eq!(int_of(&out.expect_status(200).clone(), "minutes"), 120, "{}", out.text);

    // Nobody but an organiser confirms; the organiser confirms everyone checked out.
    assert_error(&app.post(&confirm, &p1.token, &json!({})).await, 403, "forbidden");
    assert_eq!(app.balance(&p1.token).await, 0, "a refused confirmation credited");
    let confirmed = app.post(&confirm, &e.t.leader.token, &json!({})).await;
    let items = array_of(confirmed.expect_status(200), "items").clone();
    let credited: Vec<(String, i64)> = items
        .iter()
        .filter(|l| l["signup"]["confirmed_at"].is_string())
        .map(|l| (str_of(&l["person"], "id").to_owned(), int_of(&l["signup"], "minutes")))
        .collect();
    for (who, minutes) in [(p1, 45), (p2, 120), (p3, 120)] {
        assert!(credited.contains(&(who.id.clone(), minutes)), "{} not confirmed with {minutes}: {items:?}", who.id);
        let summary = app.assert_ledger_adds_up(&who.token).await;
        assert_eq!(int_of(&summary, "balance_minutes"), minutes, "{summary}");
        assert_eq!(int_of(&summary, "lifetime_minutes"), minutes, "{summary}");
        let ledger = app.ledger(&who.token).await;
        assert_eq!(ledger.len(), 1, "{ledger:?}");
        assert_eq!(ledger[0]["kind"], "activity_credit");
        assert_eq!(ledger[0]["activity_id"], e.id.as_str());
        assert_eq!(int_of(&ledger[0], "minutes"), minutes);
    }
    assert!(!credited.iter().any(|(id, _)| id == &absent.id), "someone absent was credited: {items:?}");
    assert_eq!(app.balance(&absent.token).await, 0);
    assert_eq!(app.activity(&p1.token, &e.id).await["status"], "confirmed");
    // The service record: the activity, where, the attended 45 minutes, recorded by its organiser.
    let record = app.get("/api/v1/me/service-record", &p1.token).await;
    let record = record.expect_status(200).clone();
    assert_eq!(int_of(&record, "total_minutes"), 45, "{record}");
    let item = &array_of(&record, "items")[0];
    assert_eq!((item["source"].as_str(), int_of(item, "minutes")), (Some("activity"), 45), "{item}");
    assert_eq!(item["service"], activity["title"], "{item}");
    assert_eq!(item["recorded_by"], e.t.leader.name.as_str(), "{item}");
    assert!(str_of(item, "place").contains(str_of(&activity, "address")), "{item}");
    let served = parse_time(str_of(item, "ended_at")) - parse_time(str_of(item, "started_at"));
    assert!(served >= TimeDelta::minutes(45) && served <= TimeDelta::hours(2), "{item}");

    // Confirming again credits nobody twice.
    let check = app.assert_ledger_sound().await;
    let again = app.post(&confirm, &e.t.leader.token, &json!({})).await;
    assert!(matches!(again.status, 200 | 409), "{}", again.text);
    let listed = app.post(&confirm, &e.t.leader.token, &json!({"user_ids": [p1.id]})).await;
    assert!(matches!(listed.status, 200 | 409), "{}", listed.text);
    for (who, minutes) in [(p1, 45), (p2, 120), (p3, 120)] {
        assert_eq!(app.balance(&who.token).await, minutes, "confirmed twice");
    }
    assert_eq!(app.assert_ledger_sound().await.transfers, check.transfers, "a second confirmation wrote transfers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_confirmations_credit_each_participant_once() {
    let app = spawn_app().await;
    let e = event(&app, TimeDelta::hours(1), 3, 0).await;
    app.shift_activity_back(&e.id, TimeDelta::minutes(150));
    let activity = app.activity(&e.t.leader.token, &e.id).await;
    let starts = parse_time(str_of(&activity, "starts_at"));
    for p in &e.seated {
        let path = format!("/api/v1/activities/{}/roster/{}", e.id, p.id);
        let body = json!({
            "checked_in_at": starts.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "checked_out_at": (starts + TimeDelta::minutes(90)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        });
        app.post(&path, &e.t.leader.token, &body).await.expect_status(200);
    }
    let confirm = format!("/api/v1/activities/{}/confirm", e.id);
    let empty = json!({});
    let answers = join_all((0..10).map(|_| app.post(&confirm, &e.t.leader.token, &empty))).await;
    assert!(answers.iter().any(|a| a.status == 200), "{:?}", answers.iter().map(|a| &a.text).collect::<Vec<_>>());
    for a in &answers {
        assert!(matches!(a.status, 200 | 409), "{}", a.text);
    }
    for p in &e.seated {
        let summary = app.assert_ledger_adds_up(&p.token).await;
        assert_eq!(int_of(&summary, "balance_minutes"), 90, "{summary}");
        assert_eq!(app.ledger(&p.token).await.len(), 1);
    }
    app.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_cancelled_activity_takes_no_sign_ups_and_credits_nothing() {
    let app = spawn_app().await;
    let e = event(&app, TimeDelta::hours(1), 2, 0).await;
    let cancel = format!("/api/v1/activities/{}/cancel", e.id);
    assert_error(&app.post(&cancel, &e.seated[0].token, &json!({})).await, 403, "forbidden");
    let cancelled = app.post(&cancel, &e.t.leader.token, &json!({})).await;
    assert_eq!(cancelled.expect_status(200)["status"], "cancelled", "{}", cancelled.text);
    let late = app.signup(&e.w.resident.token, &e.id).await;
    assert_eq!(late.status, 409, "a sign-up to a cancelled activity: {}", late.text);
    app.shift_activity_back(&e.id, TimeDelta::minutes(150));
    let confirm = app.post(&format!("/api/v1/activities/{}/confirm", e.id), &e.t.leader.token, &json!({})).await;
    assert_eq!(confirm.status, 409, "confirming a cancelled activity: {}", confirm.text);
    for p in &e.seated {
        assert_eq!(app.balance(&p.token).await, 0);
    }
    app.assert_ledger_sound().await;
}

#[tokio::test]
async fn my_activities_and_the_activities_near_me_list_what_the_caller_may_join() {
    let app = spawn_app().await;
    let e = event(&app, TimeDelta::hours(2), 1, 0).await;
    let p = &e.seated[0];
    let mine = app.get("/api/v1/me/activities", &p.token).await;
    let mine = array_of(mine.expect_status(200), "items").clone();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["id"], e.id.as_str());
    assert_eq!(mine[0]["my_signup"]["status"], "seated");
    let none = app.get("/api/v1/me/activities", &e.w.resident.token).await;
    assert!(array_of(none.expect_status(200), "items").is_empty(), "{}", none.text);
    // The community's member and dispatcher serve there: the activity is near them.
    for who in [&e.w.member, &e.w.dispatcher] {
        let near = app.get("/api/v1/activities", &who.token).await;
        let ids: Vec<&str> = array_of(near.expect_status(200), "items").iter().map(|a| str_of(a, "id")).collect();
        assert!(ids.contains(&e.id.as_str()), "not near {}: {ids:?}", who.id);
    }
    let by_place = app.get(&format!("/api/v1/activities?place_id={}", e.w.community_id), &e.w.resident.token).await;
    let ids: Vec<&str> = array_of(by_place.expect_status(200), "items").iter().map(|a| str_of(a, "id")).collect();
    assert_eq!(ids, vec![e.id.as_str()]);
    app.assert_ledger_sound().await;
}

/// The contract's own words, to the minute: an activity starts "in the future"
/// (`CreateActivityRequest::starts_at`).
#[tokio::test]
async fn an_activity_cannot_start_more_than_an_hour_ago() {
    let app = spawn_app().await;
    let w = app.world().await;
    let t = app.team(&w).await;
    let long_ago = app.activity_body(&w.community_id, TimeDelta::minutes(-70), TimeDelta::hours(2), 5);
    let resp = app.post(&format!("/api/v1/teams/{}/activities", t.id), &t.leader.token, &long_ago).await;
    assert_invalid_field(&resp, "starts_at");
    let listed = app.get(&format!("/api/v1/activities?team_id={}", t.id), &t.leader.token).await;
    assert!(array_of(listed.expect_status(200), "items").is_empty(), "{}", listed.text);
    // One that just began ("not more than an hour ago") can still be recorded.
    let just_begun = app.activity_body(&w.community_id, TimeDelta::minutes(-10), TimeDelta::hours(2), 5);
    let resp = app.post(&format!("/api/v1/teams/{}/activities", t.id), &t.leader.token, &just_begun).await;
    assert_eq!(resp.status, 201, "{}", resp.text);
    app.assert_ledger_sound().await;
}

/// Attendance marked by hand lies "within the activity" (`MarkAttendanceRequest`), not merely
/// within the time scans are accepted.
#[tokio::test]
async fn hand_marks_lie_within_the_activity() {
    let app = spawn_app().await;
    let e = event(&app, TimeDelta::hours(1), 1, 0).await;
    app.shift_activity_back(&e.id, TimeDelta::minutes(210));
    let activity = app.activity(&e.t.leader.token, &e.id).await;
    let (starts, ends) = (parse_time(str_of(&activity, "starts_at")), parse_time(str_of(&activity, "ends_at")));
    let at = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let path = format!("/api/v1/activities/{}/roster/{}", e.id, e.seated[0].id);
    let early = json!({"checked_in_at": at(starts - TimeDelta::minutes(10)), "checked_out_at": at(starts + TimeDelta::minutes(30))});
    assert_invalid_field(&app.post(&path, &e.t.leader.token, &early).await, "checked_in_at");
    let late = json!({"checked_in_at": at(starts + TimeDelta::minutes(30)), "checked_out_at": at(ends + TimeDelta::minutes(10))});
    assert_invalid_field(&app.post(&path, &e.t.leader.token, &late).await, "checked_out_at");
    assert!(my_signup(&app, &e.seated[0], &e.id).await["checked_in_at"].is_null(), "a refused mark was written");
    let exact = json!({"checked_in_at": at(starts), "checked_out_at": at(ends)});
    let marked = app.post(&path, &e.t.leader.token, &exact).await;
    assert_eq!(int_of(&marked.expect_status(200)["signup"], "minutes"), 120, "{}", marked.text);
    app.assert_ledger_sound().await;
}

/// Two instances on one PostgreSQL and one Redis (whatever HAOLIN_TEST_BACKEND says; the name puts
/// these beside `cluster::`, which the PostgreSQL run of scripts/test.sh skips as already run).
mod cluster {
    use super::*;
    use haolin_tests::TestDatabase;

    async fn two_instances(db: &TestDatabase) -> (TestApp, TestApp) {
        let prefix = format!("vol{}", std::process::id());
        let start = || {
            let (url, prefix) = (db.url.clone(), prefix.clone());
            spawn_app_with(move |env| {
                env.set("DATABASE_URL", &url)
                    .set("REDIS_URL", "redis://127.0.0.1:6379")
                    .set("HAOLIN_REDIS_PREFIX", &prefix);
            })
        };
        let a = start().await;
        let b = start().await;
        (a, b)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_hundred_sign_ups_over_two_instances_fill_exactly_the_capacity_and_a_code_works_on_both() {
        let db = TestDatabase::postgres();
        let (a, b) = two_instances(&db).await;
        let w = a.world().await;
        let t = a.team(&w).await;
        let body = a.activity_body(&w.community_id, TimeDelta::minutes(10), TimeDelta::hours(2), 10);
        let id = str_of(&a.create_activity(&t, &body).await, "id").to_owned();
        let crowd = people(&a, 100).await;
        let answers =
            join_all(crowd.iter().enumerate().map(|(i, p)| if i % 2 == 0 { &a } else { &b }.signup(&p.token, &id)))
                .await;
        for r in &answers {
            assert_eq!(r.status, 201, "{}", r.text);
        }
        let seated = answers.iter().filter(|r| r.body["status"] == "seated").count();
        assert_eq!(seated, 10, "exactly the capacity is seated");
        let rows = query_sql(
            &db.url,
            &format!("SELECT user_id, status FROM activity_signups WHERE activity_id = {id} ORDER BY id"),
        );
        assert_eq!(rows.len(), 100);
        for (k, row) in rows.iter().enumerate() {
            let i = crowd.iter().position(|p| p.id == row[0]).expect("a sign-up of the crowd");
            if k < 10 {
                assert_eq!(answers[i].body["status"], "seated", "the first ten written are seated: {rows:?}");
            } else {
                assert_eq!(int_of(&answers[i].body, "waitlist_position"), k as i64 - 9, "the waitlist in order");
            }
        }
        let seen = b.activity(&w.resident.token, &id).await;
        assert_eq!((int_of(&seen, "seats_taken"), int_of(&seen, "waitlist")), (10, 90), "{seen}");

        // The code shown by one instance is accepted by the other: nothing is stored.
        let c = a.get(&format!("/api/v1/activities/{id}/code"), &t.leader.token).await;
        let c = c.expect_status(200).clone();
        let on_b = b.get(&format!("/api/v1/activities/{id}/code"), &t.leader.token).await;
        assert_eq!(on_b.expect_status(200)["code"], c["code"], "the instances agree on the code");
        let seated: Vec<&Actor> =
            (0..100).filter(|i| answers[*i].body["status"] == "seated").map(|i| &crowd[i]).collect();
        scan(&b, seated[0], &id, str_of(&c, "code")).await.expect_status(200);
        scan(&b, seated[1], &id, &token_of(str_of(&c, "url"))).await.expect_status(200);
        let out = scan(&a, seated[0], &id, str_of(&c, "code")).await;
        assert!(out.expect_status(200)["checked_out_at"].is_string(), "{}", out.text);
        for app in [&a, &b] {
            app.assert_ledger_sound().await;
        }
    }
}
