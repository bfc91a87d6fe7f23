//! Keyset pagination of `GET /api/v1/wishes`.

use std::collections::HashSet;

use haolin_tests::{spawn_app, str_of, urlencode};
use serde_json::Value;

#[tokio::test]
async fn twenty_five_wishes_come_in_pages_of_ten_ten_and_five_newest_first() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mut posted = Vec::new();
    for _ in 0..25 {
        let wish = app.post_wish(&w.resident.token, &w.community_id).await;
        posted.push(str_of(&wish, "id").to_owned());
    }
    let newest_first: Vec<String> = posted.iter().rev().cloned().collect();

    for token in [&w.resident.token, &w.dispatcher.token] {
        let mut seen = Vec::new();
        let mut sizes = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                None => "/api/v1/wishes?limit=10".to_owned(),
                Some(c) => format!("/api/v1/wishes?limit=10&cursor={}", urlencode(c)),
            };
            let resp = app.get(&path, token).await;
            let page = resp.expect_status(200).clone();
            let items = page["items"].as_array().unwrap();
            sizes.push(items.len());
            seen.extend(items.iter().map(|i| str_of(i, "id").to_owned()));
            match &page["next_cursor"] {
                Value::Null => break,
                Value::String(c) => cursor = Some(c.clone()),
                other => panic!("next_cursor is neither null nor a string: {other}"),
            }
            assert!(sizes.len() < 10, "the cursor does not advance");
        }
        assert_eq!(sizes, [10, 10, 5]);
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), 25, "duplicates across pages");
        assert_eq!(seen, newest_first, "not newest first");
    }
}

#[tokio::test]
async fn the_default_page_is_twenty_and_an_exact_last_page_ends_the_list() {
    let app = spawn_app().await;
    let w = app.world().await;
    for _ in 0..21 {
        app.post_wish(&w.resident.token, &w.community_id).await;
    }
    let resp = app.get("/api/v1/wishes", &w.resident.token).await;
    let page = resp.expect_status(200);
    assert_eq!(page["items"].as_array().unwrap().len(), 20);
    let cursor = str_of(page, "next_cursor");
    let resp = app.get(&format!("/api/v1/wishes?cursor={}", urlencode(cursor)), &w.resident.token).await;
    let page = resp.expect_status(200);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert!(page["next_cursor"].is_null(), "{page}");

    // With exactly `limit` items left, the last page may carry a cursor, but what follows is empty.
    let resp = app.get("/api/v1/wishes?limit=21", &w.resident.token).await;
    let page = resp.expect_status(200).clone();
    assert_eq!(page["items"].as_array().unwrap().len(), 21);
    if let Some(c) = page["next_cursor"].as_str() {
        let resp = app.get(&format!("/api/v1/wishes?limit=21&cursor={}", urlencode(c)), &w.resident.token).await;
        let rest = resp.expect_status(200);
        assert_eq!(rest["items"], serde_json::json!([]));
        assert!(rest["next_cursor"].is_null());
    }
}

#[tokio::test]
async fn a_wish_posted_while_paging_does_not_shift_the_later_pages() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mut posted = Vec::new();
    for _ in 0..6 {
        posted.push(str_of(&app.post_wish(&w.resident.token, &w.community_id).await, "id").to_owned());
    }
    let resp = app.get("/api/v1/wishes?limit=3", &w.resident.token).await;
    let first = resp.expect_status(200).clone();
    let cursor = str_of(&first, "next_cursor").to_owned();
    app.post_wish(&w.resident.token, &w.community_id).await;
    let resp = app.get(&format!("/api/v1/wishes?limit=3&cursor={}", urlencode(&cursor)), &w.resident.token).await;
    let second = resp.expect_status(200);
    let ids: Vec<&str> = second["items"].as_array().unwrap().iter().map(|i| str_of(i, "id")).collect();
    let expected: Vec<&str> = posted[..3].iter().rev().map(String::as_str).collect();
    assert_eq!(ids, expected);
}
