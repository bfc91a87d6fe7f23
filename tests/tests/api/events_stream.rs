//! Live updates: `GET /api/v1/events/stream` sends every change to a wish the caller may see,
//! tells members when a wish leaves their view, and replays what a reconnecting client missed.

use std::time::{Duration, Instant};

use haolin_tests::sse::Sse;
use haolin_tests::{assert_error, spawn_app, str_of};
use serde_json::json;

#[tokio::test]
async fn a_member_sees_an_approved_wish_arrive_live_and_leave_when_another_member_claims_it() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mut member = Sse::open(&app, &w.member.token, None).await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    app.act_ok(&w.dispatcher.token, id, "approve", json!({})).await;

    let arrived = member.next_about(id).await;
    assert_eq!(arrived.data["status"], "open", "the pending wish must not reach members; the open one must");
    assert_eq!(arrived.data["title"], wish["title"]);
    assert!(arrived.data["contact_phone"].is_null(), "members do not see the resident's phone");

    app.act_ok(&w.member2.token, id, "claim", json!({})).await;
    let left = member.next_about(id).await;
    assert_eq!(left.data["status"], "claimed");
    assert!(left.data.get("title").is_none(), "a wish that left the view is sent as id and status only");
    assert!(left.id.parse::<i64>().unwrap() > arrived.id.parse::<i64>().unwrap(), "event ids grow");
}

#[tokio::test]
async fn a_resident_sees_every_change_to_their_wish_and_nothing_of_anyone_elses() {
    let app = spawn_app().await;
    let w = app.world().await;
    let other = app.register_resident().await;
    let mut mine = Sse::open(&app, &w.resident.token, None).await;
    let mut theirs = Sse::open(&app, &other.token, None).await;

    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    let posted = mine.next_about(id).await;
    assert_eq!(posted.data["status"], "pending_review");
    assert_eq!(posted.data["contact_phone"], wish["contact_phone"], "the resident sees their own phone");
    app.act_ok(&w.dispatcher.token, id, "approve", json!({})).await;
    app.act_ok(&w.member.token, id, "claim", json!({})).await;
    assert_eq!(mine.next_about(id).await.data["status"], "open");
    let claimed = mine.next_about(id).await;
    assert_eq!(claimed.data["status"], "claimed");
    assert_eq!(claimed.data["claimant"]["id"], w.member.id.as_str());

    // The other resident's first message is about their own wish: nothing of the first leaked.
    let own = app.post_wish(&other.token, &w.community_id).await;
    let first = theirs.next(Duration::from_secs(10)).await.expect("a message about their own wish");
    assert_eq!(first.data["id"], own["id"]);
}

#[tokio::test]
async fn a_client_reconnecting_with_last_event_id_first_receives_what_it_missed() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    let mut stream = Sse::open(&app, &w.dispatcher.token, None).await;
    app.act_ok(&w.dispatcher.token, id, "approve", json!({})).await;
    let seen = stream.next_about(id).await;
    drop(stream);

    // Missed while disconnected: a claim and a fulfilment.
    app.act_ok(&w.member.token, id, "claim", json!({})).await;
    app.act_ok(&w.member.token, id, "fulfil", json!({"note": "已送到"})).await;

    let mut again = Sse::open(&app, &w.dispatcher.token, Some(&seen.id)).await;
    let caught_up = again.next_about(id).await;
    assert_eq!(caught_up.data["status"], "fulfilled", "the replay carries the wish as it is now");
    assert_eq!(caught_up.data["fulfilment_note"], "已送到");
    assert!(caught_up.id.parse::<i64>().unwrap() > seen.id.parse::<i64>().unwrap());
    // And live changes follow the replay.
    app.act_ok(&w.resident.token, id, "confirm", json!({"rating": 5})).await;
    assert_eq!(again.next_about(id).await.data["status"], "confirmed");
}

#[tokio::test]
async fn the_stream_needs_a_valid_token() {
    let app = spawn_app().await;
    let resp = app.send(app.request(reqwest::Method::GET, "/api/v1/events/stream", None)).await;
    assert_error(&resp, 401, "missing_token");
    let resp = app.send(app.request(reqwest::Method::GET, "/api/v1/events/stream?access_token=forged", None)).await;
    assert_error(&resp, 401, "invalid_token");
}

#[tokio::test]
async fn the_server_shuts_down_promptly_with_streams_open() {
    let mut app = spawn_app().await;
    let w = app.world().await;
    let _a = Sse::open(&app, &w.member.token, None).await;
    let _b = Sse::open(&app, &w.dispatcher.token, None).await;
    let started = Instant::now();
    app.signal("TERM");
    let status = app.stop_after_signal().await.expect("the server must exit while streams are open");
    assert!(status.success(), "exit status {status:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}
