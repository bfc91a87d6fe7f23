//! Who sees which wish, in GET and in lists, and who sees `contact_phone`.

use haolin_tests::{assert_error, spawn_app, str_of};
use serde_json::{Value, json};

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|w| str_of(w, "id").to_owned()).collect()
}

#[tokio::test]
async fn a_resident_cannot_see_another_residents_wish() {
    let app = spawn_app().await;
    let w = app.world().await;
    let neighbour = app.register_resident().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    assert_error(&app.get_wish(&neighbour.token, id).await, 404, "not_found");
    assert_error(&app.get(&format!("/api/v1/wishes/{id}/events"), &neighbour.token).await, 404, "not_found");
    assert!(app.list_all_wishes(&neighbour.token, "").await.is_empty());
    // Still hidden once it is open: a plain resident is not a member.
    app.act_ok(&w.dispatcher.token, id, "approve", json!({})).await;
    assert_error(&app.get_wish(&neighbour.token, id).await, 404, "not_found");
    assert!(app.list_all_wishes(&neighbour.token, "").await.is_empty());
    // The owner sees it.
    app.get_wish(&w.resident.token, id).await.expect_status(200);
    assert_eq!(ids(&app.list_all_wishes(&w.resident.token, "").await), [id]);
}

#[tokio::test]
async fn a_malformed_or_unknown_wish_id_is_404() {
    let app = spawn_app().await;
    let w = app.world().await;
    for id in ["no-such-wish", "0", "999999999", "%20", "'%20OR%201=1"] {
        assert_error(&app.get_wish(&w.dispatcher.token, id).await, 404, "not_found");
        assert_error(&app.act(&w.dispatcher.token, id, "approve", json!({})).await, 404, "not_found");
    }
}

#[tokio::test]
async fn a_member_does_not_see_wishes_pending_review() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    assert_error(&app.get_wish(&w.member.token, id).await, 404, "not_found");
    assert!(app.list_all_wishes(&w.member.token, "").await.is_empty());
    // Once approved, it is in the member's pool.
    app.act_ok(&w.dispatcher.token, id, "approve", json!({})).await;
    let seen = app.get_wish(&w.member.token, id).await;
    assert_eq!(seen.expect_status(200)["status"], "open");
    assert_eq!(ids(&app.list_all_wishes(&w.member.token, "").await), [id]);
    assert_eq!(ids(&app.list_all_wishes(&w.member.token, "status=open").await), [id]);
}

#[tokio::test]
async fn a_member_sees_open_wishes_and_what_they_hold_but_not_others_claims() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mine = app.claimed_wish(&w).await; // claimed by member
    let open = app.open_wish(&w).await;
    let pending = app.post_wish(&w.resident.token, &w.community_id).await;
    let mine_id = str_of(&mine, "id");
    let open_id = str_of(&open, "id");

    let mut seen = ids(&app.list_all_wishes(&w.member.token, "").await);
    seen.sort();
    let mut expected = vec![mine_id.to_owned(), open_id.to_owned()];
    expected.sort();
    assert_eq!(seen, expected);
    assert_eq!(ids(&app.list_all_wishes(&w.member.token, "held=true").await), [mine_id]);

    // member2 sees only the open one; the claimed wish has left their view.
    assert_eq!(ids(&app.list_all_wishes(&w.member2.token, "").await), [open_id]);
    assert_error(&app.get_wish(&w.member2.token, mine_id).await, 404, "not_found");
    assert_error(&app.get_wish(&w.member2.token, str_of(&pending, "id")).await, 404, "not_found");
}

#[tokio::test]
async fn a_dispatcher_sees_every_wish_of_their_community_and_filters_by_status() {
    let app = spawn_app().await;
    let w = app.world().await;
    let pending = app.post_wish(&w.resident.token, &w.community_id).await;
    let open = app.open_wish(&w).await;
    let claimed = app.claimed_wish(&w).await;
    // A wish of another community stays out.
    let other = app.create_community().await;
    let other_wish = app.post_wish(&w.resident.token, &other).await;

    let all = ids(&app.list_all_wishes(&w.dispatcher.token, "").await);
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(!all.contains(&str_of(&other_wish, "id").to_owned()));
    let by_status = |s: &str| {
        let s = s.to_owned();
        let app = &app;
        let token = w.dispatcher.token.clone();
        async move { ids(&app.list_all_wishes(&token, &format!("status={s}")).await) }
    };
    assert_eq!(by_status("pending_review").await, [str_of(&pending, "id")]);
    assert_eq!(by_status("open").await, [str_of(&open, "id")]);
    assert_eq!(by_status("claimed").await, [str_of(&claimed, "id")]);
    assert!(by_status("confirmed").await.is_empty());
    let narrowed = ids(&app.list_all_wishes(&w.dispatcher.token, &format!("community_id={}", w.community_id)).await);
    assert_eq!(narrowed.len(), 3);

    // The resident's `mine=true` has all four, including the other community's.
    assert_eq!(app.list_all_wishes(&w.resident.token, "mine=true").await.len(), 4);
}

#[tokio::test]
async fn contact_phone_is_shown_to_the_resident_the_claimant_and_dispatchers_only() {
    let app = spawn_app().await;
    let w = app.world().await;
    let mut body = app.wish_body(&w.community_id);
    body["contact_phone"] = json!("13912340000");
    let resp = app.post("/api/v1/wishes", &w.resident.token, &body).await;
    let wish = resp.expect_status(201).clone();
    let id = str_of(&wish, "id");
    assert_eq!(wish["contact_phone"], "13912340000");
    let phone_as = |token: String| {
        let app = &app;
        let id = id.to_owned();
        async move {
            let resp = app.get_wish(&token, &id).await;
            resp.expect_status(200)["contact_phone"].clone()
        }
    };
    assert_eq!(phone_as(w.dispatcher.token.clone()).await, "13912340000");
    app.act_ok(&w.dispatcher.token, id, "approve", json!({})).await;

    // Open: members see the wish, not the phone; also not in lists.
    assert_eq!(phone_as(w.member.token.clone()).await, Value::Null);
    for item in app.list_all_wishes(&w.member.token, "").await {
        assert!(item["contact_phone"].is_null(), "list leaks the phone: {item}");
    }
    // An admin reads it, without the phone.
    assert_eq!(phone_as(app.admin_token().await).await, Value::Null);

    // Claimed: the claimant sees the phone, in GET and in the list.
    let claimed = app.act_ok(&w.member.token, id, "claim", json!({})).await;
    assert_eq!(claimed["contact_phone"], "13912340000");
    assert_eq!(phone_as(w.member.token.clone()).await, "13912340000");
    let held = app.list_all_wishes(&w.member.token, "held=true").await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["contact_phone"], "13912340000");
    assert_eq!(phone_as(w.resident.token.clone()).await, "13912340000");
    assert_eq!(phone_as(w.dispatcher.token.clone()).await, "13912340000");

    // Released: the former claimant is an ordinary member again.
    app.act_ok(&w.member.token, id, "release", json!({"reason": "没空"})).await;
    assert_eq!(phone_as(w.member.token.clone()).await, Value::Null);
}

#[tokio::test]
async fn an_admin_reads_any_wish() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let admin = app.admin_token().await;
    let seen = app.get_wish(&admin, str_of(&wish, "id")).await;
    assert_eq!(seen.expect_status(200)["id"], wish["id"]);
    let events = app.events(&admin, str_of(&wish, "id")).await;
    assert_eq!(events.len(), 1);
}

#[tokio::test]
async fn filtering_by_a_community_shows_only_what_the_caller_may_see_there() {
    let app = spawn_app().await;
    let w = app.world().await;
    let open = app.open_wish(&w).await;
    let pending = app.post_wish(&w.resident.token, &w.community_id).await;
    let c = &w.community_id;
    let ids = |items: Vec<serde_json::Value>| items.iter().map(|i| i["id"].clone()).collect::<Vec<_>>();
    // A member of the community asking for its open wishes sees the open one only.
    let pool = ids(app.list_all_wishes(&w.member.token, &format!("community_id={c}&status=open")).await);
    assert_eq!(pool, vec![open["id"].clone()]);
    // Its dispatcher sees every wish there.
    let all = ids(app.list_all_wishes(&w.dispatcher.token, &format!("community_id={c}")).await);
    assert!(all.contains(&open["id"]) && all.contains(&pending["id"]));
    // Someone of another community filtering by it sees nothing of it.
    let other = app.create_community().await;
    let outsider = app.create_actor(&["member", "dispatcher"], &[other.as_str()]).await;
    assert!(app.list_all_wishes(&outsider.token, &format!("community_id={c}&status=open")).await.is_empty());
    assert!(app.list_all_wishes(&outsider.token, &format!("community_id={c}")).await.is_empty());
    // A member asking for the community's pending wishes sees none.
    assert!(app.list_all_wishes(&w.member.token, &format!("community_id={c}&status=pending_review")).await.is_empty());
}
