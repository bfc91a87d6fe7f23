//! Every refused transition: wrong role (403), wrong community or no relation (404), wrong state
//! (409 `invalid_state`), own wish (403 `own_wish`), stale version (409 `version_conflict`), the
//! live-claim limit (409 `claim_limit_reached`). After each refusal the wish is unchanged.

use haolin_tests::{
    TestApp, World, assert_conflict, assert_error, assert_invalid_field, int_of, spawn_app, spawn_app_with, str_of,
};
use serde_json::{Value, json};

/// Checks the wish (as the dispatcher sees it) still has the status, version and event count of `before`.
async fn assert_unchanged(app: &TestApp, w: &World, before: &Value) {
    let id = str_of(before, "id");
    let now = app.get_wish(&w.dispatcher.token, id).await;
    let now = now.expect_status(200);
    assert_eq!(now["status"], before["status"], "status changed: {now}");
    assert_eq!(now["version"], before["version"], "version changed: {now}");
    assert_eq!(now["claimant"], before["claimant"], "claimant changed: {now}");
}

#[tokio::test]
async fn a_resident_cannot_approve_reject_or_dispatch_their_own_wish() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    for (action, body) in [
        ("approve", json!({})),
        ("reject", json!({"reason": "不要了"})),
        ("dispatch", json!({"member_id": w.member.id})),
    ] {
        let resp = app.act(&w.resident.token, id, action, body).await;
        assert_error(&resp, 403, "forbidden");
    }
    assert_unchanged(&app, &w, &wish).await;
    assert_eq!(app.events(&w.dispatcher.token, id).await.len(), 1);
}

#[tokio::test]
async fn a_member_cannot_approve_revoke_or_cancel_an_open_wish() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.open_wish(&w).await;
    let id = str_of(&wish, "id");
    for (action, body) in [
        ("approve", json!({})),
        ("reject", json!({"reason": "x"})),
        ("revoke", json!({"reason": "x"})),
        ("cancel", json!({"reason": "x"})),
        ("fulfil", json!({"note": "x"})),
        ("release", json!({"reason": "x"})),
        ("confirm", json!({"rating": 5})),
    ] {
        let resp = app.act(&w.member.token, id, action, body).await;
        assert_error(&resp, 403, "forbidden");
    }
    assert_unchanged(&app, &w, &wish).await;
}

#[tokio::test]
async fn a_dispatcher_cannot_claim_fulfil_or_confirm() {
    let app = spawn_app().await;
    let w = app.world().await;
    let open = app.open_wish(&w).await;
    let resp = app.act(&w.dispatcher.token, str_of(&open, "id"), "claim", json!({})).await;
    assert_error(&resp, 403, "forbidden");
    assert_unchanged(&app, &w, &open).await;

    let claimed = app.claimed_wish(&w).await;
    let resp = app.act(&w.dispatcher.token, str_of(&claimed, "id"), "fulfil", json!({"note": "替他完成"})).await;
    assert_error(&resp, 403, "forbidden");
    assert_unchanged(&app, &w, &claimed).await;

    let fulfilled = app.fulfilled_wish(&w).await;
    let id = str_of(&fulfilled, "id");
    let resp = app.act(&w.dispatcher.token, id, "confirm", json!({"rating": 5})).await;
    assert_error(&resp, 403, "forbidden");
    let resp = app.act(&w.dispatcher.token, id, "dispute", json!({"reason": "不满意"})).await;
    assert_error(&resp, 403, "forbidden");
    assert_unchanged(&app, &w, &fulfilled).await;
}

#[tokio::test]
async fn a_claimant_cannot_confirm_their_own_fulfilment() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.fulfilled_wish(&w).await;
    let resp = app.act(&w.member.token, str_of(&wish, "id"), "confirm", json!({"rating": 5})).await;
    assert_error(&resp, 403, "forbidden");
    assert_unchanged(&app, &w, &wish).await;
}

#[tokio::test]
async fn only_the_named_member_may_accept_a_dispatch() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.open_wish(&w).await;
    let wish =
        app.act_ok(&w.dispatcher.token, str_of(&wish, "id"), "dispatch", json!({"member_id": w.member.id})).await;
    let id = str_of(&wish, "id");
    // The dispatcher may not accept on the member's behalf.
    let resp = app.act(&w.dispatcher.token, id, "accept", json!({})).await;
    assert_error(&resp, 403, "forbidden");
    // Another member (in the community, but not named and not allowed to see an assigned wish)
    // gets a refusal: never a success.
    let resp = app.act(&w.member2.token, id, "accept", json!({})).await;
    assert!(resp.status == 403 || resp.status == 404, "{} {}", resp.status, resp.text);
    assert_unchanged(&app, &w, &wish).await;
}

#[tokio::test]
async fn another_resident_gets_404_for_any_action_on_a_wish() {
    let app = spawn_app().await;
    let w = app.world().await;
    let stranger = app.register_resident().await;
    let wish = app.fulfilled_wish(&w).await;
    let id = str_of(&wish, "id");
    for (action, body) in [
        ("confirm", json!({"rating": 1})),
        ("dispute", json!({"reason": "x"})),
        ("cancel", json!({})),
        ("approve", json!({})),
    ] {
        let resp = app.act(&stranger.token, id, action, body).await;
        assert_error(&resp, 404, "not_found");
    }
    assert_unchanged(&app, &w, &wish).await;
}

#[tokio::test]
async fn a_dispatcher_of_another_community_gets_404() {
    let app = spawn_app().await;
    let w = app.world().await;
    let other = app.create_community().await;
    let (_, other_dispatcher) = app.create_user(&["dispatcher"], &[&other]).await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    assert_error(&app.get_wish(&other_dispatcher, id).await, 404, "not_found");
    assert_error(&app.get(&format!("/api/v1/wishes/{id}/events"), &other_dispatcher).await, 404, "not_found");
    for (action, body) in [
        ("approve", json!({})),
        ("reject", json!({"reason": "x"})),
        ("cancel", json!({"reason": "x"})),
        ("dispatch", json!({"member_id": w.member.id})),
    ] {
        let resp = app.act(&other_dispatcher, id, action, body).await;
        assert_error(&resp, 404, "not_found");
    }
    assert_unchanged(&app, &w, &wish).await;
}

#[tokio::test]
async fn a_member_of_another_community_gets_404_for_an_open_wish() {
    let app = spawn_app().await;
    let w = app.world().await;
    let other = app.create_community().await;
    let (_, outsider) = app.create_user(&["member"], &[&other]).await;
    let wish = app.open_wish(&w).await;
    let id = str_of(&wish, "id");
    assert_error(&app.get_wish(&outsider, id).await, 404, "not_found");
    assert_error(&app.act(&outsider, id, "claim", json!({})).await, 404, "not_found");
    assert_unchanged(&app, &w, &wish).await;
    let list = app.list_all_wishes(&outsider, "").await;
    assert!(list.is_empty(), "{list:?}");
}

#[tokio::test]
async fn approving_an_approved_wish_is_invalid_state_with_the_current_status() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.open_wish(&w).await;
    let resp = app.act(&w.dispatcher.token, str_of(&wish, "id"), "approve", json!({})).await;
    let details = assert_conflict(&resp, "invalid_state", "open");
    assert_eq!(details["version"], wish["version"]);
    let resp = app.act(&w.dispatcher.token, str_of(&wish, "id"), "reject", json!({"reason": "晚了"})).await;
    assert_conflict(&resp, "invalid_state", "open");
    assert_unchanged(&app, &w, &wish).await;
}

#[tokio::test]
async fn wrong_state_actions_of_every_role_are_invalid_state() {
    let app = spawn_app().await;
    let w = app.world().await;

    // The resident confirms or disputes a claimed wish, or cancels it after the claim.
    let claimed = app.claimed_wish(&w).await;
    let id = str_of(&claimed, "id");
    for (action, body) in
        [("confirm", json!({"rating": 5})), ("dispute", json!({"reason": "x"})), ("cancel", json!({"reason": "x"}))]
    {
        let resp = app.act(&w.resident.token, id, action, body).await;
        let details = assert_conflict(&resp, "invalid_state", "claimed");
        assert_eq!(details["version"], claimed["version"]);
    }
    // The dispatcher dispatches or approves a claimed wish.
    let resp = app.act(&w.dispatcher.token, id, "dispatch", json!({"member_id": w.member2.id})).await;
    assert_conflict(&resp, "invalid_state", "claimed");
    assert_unchanged(&app, &w, &claimed).await;

    // The claimant releases or fulfils a fulfilled wish.
    let fulfilled = app.fulfilled_wish(&w).await;
    let id = str_of(&fulfilled, "id");
    let resp = app.act(&w.member.token, id, "release", json!({"reason": "x"})).await;
    assert_conflict(&resp, "invalid_state", "fulfilled");
    let resp = app.act(&w.member.token, id, "fulfil", json!({"note": "x"})).await;
    assert_conflict(&resp, "invalid_state", "fulfilled");
    // The dispatcher revokes a fulfilled wish.
    let resp = app.act(&w.dispatcher.token, id, "revoke", json!({"reason": "x"})).await;
    assert_conflict(&resp, "invalid_state", "fulfilled");
    assert_unchanged(&app, &w, &fulfilled).await;

    // A resident's wish still pending review cannot be confirmed.
    let pending = app.post_wish(&w.resident.token, &w.community_id).await;
    let resp = app.act(&w.resident.token, str_of(&pending, "id"), "confirm", json!({"rating": 4})).await;
    assert_conflict(&resp, "invalid_state", "pending_review");
    assert_unchanged(&app, &w, &pending).await;
}

#[tokio::test]
async fn terminal_wishes_refuse_every_action_with_invalid_state() {
    let app = spawn_app().await;
    let w = app.world().await;
    let rejected = app.post_wish(&w.resident.token, &w.community_id).await;
    let rejected =
        app.act_ok(&w.dispatcher.token, str_of(&rejected, "id"), "reject", json!({"reason": "不符合"})).await;
    let cancelled = app.open_wish(&w).await;
    let cancelled = app.act_ok(&w.resident.token, str_of(&cancelled, "id"), "cancel", json!({})).await;
    let confirmed = app.fulfilled_wish(&w).await;
    let confirmed = app.act_ok(&w.resident.token, str_of(&confirmed, "id"), "confirm", json!({"rating": 4})).await;
    for wish in [&rejected, &cancelled, &confirmed] {
        let id = str_of(wish, "id");
        let status = str_of(wish, "status");
        for (action, body) in [
            ("approve", json!({})),
            ("cancel", json!({"reason": "x"})),
            ("dispatch", json!({"member_id": w.member.id})),
        ] {
            let resp = app.act(&w.dispatcher.token, id, action, body).await;
            assert_conflict(&resp, "invalid_state", status);
        }
        assert_unchanged(&app, &w, wish).await;
    }
    let resp = app.act(&w.resident.token, str_of(&confirmed, "id"), "confirm", json!({"rating": 1})).await;
    assert_conflict(&resp, "invalid_state", "confirmed");
}

#[tokio::test]
async fn a_second_claim_on_the_same_wish_is_a_conflict() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.claimed_wish(&w).await;
    let resp = app.act(&w.member2.token, str_of(&wish, "id"), "claim", json!({})).await;
    let details = assert_conflict(&resp, "invalid_state", "claimed");
    assert_eq!(details["version"], wish["version"]);
    // The claimant claiming again is a conflict too.
    let resp = app.act(&w.member.token, str_of(&wish, "id"), "claim", json!({})).await;
    assert_conflict(&resp, "invalid_state", "claimed");
    assert_unchanged(&app, &w, &wish).await;
}

#[tokio::test]
async fn a_member_claiming_their_own_wish_is_own_wish() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.member.token, &w.community_id).await;
    let wish = app.act_ok(&w.dispatcher.token, str_of(&wish, "id"), "approve", json!({})).await;
    let resp = app.act(&w.member.token, str_of(&wish, "id"), "claim", json!({})).await;
    assert_error(&resp, 403, "own_wish");
    assert_unchanged(&app, &w, &wish).await;
    // Someone else may claim it.
    app.act_ok(&w.member2.token, str_of(&wish, "id"), "claim", json!({})).await;
}

#[tokio::test]
async fn dispatching_a_wish_to_the_member_who_posted_it_is_own_wish() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.member.token, &w.community_id).await;
    let resp = app.act(&w.dispatcher.token, str_of(&wish, "id"), "dispatch", json!({"member_id": w.member.id})).await;
    assert_error(&resp, 403, "own_wish");
    assert_unchanged(&app, &w, &wish).await;
}

#[tokio::test]
async fn dispatching_to_someone_who_is_not_a_member_of_the_community_is_invalid_member_id() {
    let app = spawn_app().await;
    let w = app.world().await;
    let other = app.create_community().await;
    let (outsider, _) = app.create_user(&["member"], &[&other]).await;
    let neighbour = app.register_resident().await;
    let wish = app.open_wish(&w).await;
    let id = str_of(&wish, "id");
    for member_id in [outsider.as_str(), neighbour.id.as_str(), w.dispatcher.id.as_str(), "no-such-user"] {
        let resp = app.act(&w.dispatcher.token, id, "dispatch", json!({"member_id": member_id})).await;
        assert_invalid_field(&resp, "member_id");
    }
    assert_unchanged(&app, &w, &wish).await;
}

#[tokio::test]
async fn a_stale_version_is_a_version_conflict() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let v = int_of(&wish, "version");
    let id = str_of(&wish, "id");
    let wish = app.act_ok(&w.dispatcher.token, id, "approve", json!({"version": v})).await;
    // A member who saw version v tries to claim.
    let resp = app.act(&w.member.token, id, "claim", json!({"version": v})).await;
    let details = assert_conflict(&resp, "version_conflict", "open");
    assert_eq!(int_of(&details, "version"), v + 1);
    // A version from the future too.
    let resp = app.act(&w.member.token, id, "claim", json!({"version": v + 5})).await;
    assert_conflict(&resp, "version_conflict", "open");
    assert_unchanged(&app, &w, &wish).await;
    assert_eq!(app.events(&w.dispatcher.token, id).await.len(), 2);
}

#[tokio::test]
async fn a_member_at_the_live_claim_limit_gets_claim_limit_reached() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "1");
    })
    .await;
    let w = app.world().await;
    let first = app.claimed_wish(&w).await;
    let second = app.open_wish(&w).await;
    let resp = app.act(&w.member.token, str_of(&second, "id"), "claim", json!({})).await;
    assert_error(&resp, 409, "claim_limit_reached");
    assert_unchanged(&app, &w, &second).await;

    // Fulfilling frees the slot.
    app.act_ok(&w.member.token, str_of(&first, "id"), "fulfil", json!({"note": "完成"})).await;
    app.act_ok(&w.member.token, str_of(&second, "id"), "claim", json!({})).await;
    // Others are not limited by this member's claims.
    let third = app.open_wish(&w).await;
    app.act_ok(&w.member2.token, str_of(&third, "id"), "claim", json!({})).await;
}

#[tokio::test]
async fn an_assigned_wish_counts_against_the_live_claim_limit() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "1");
    })
    .await;
    let w = app.world().await;
    let assigned = app.open_wish(&w).await;
    app.act_ok(&w.dispatcher.token, str_of(&assigned, "id"), "dispatch", json!({"member_id": w.member.id})).await;
    let open = app.open_wish(&w).await;
    let resp = app.act(&w.member.token, str_of(&open, "id"), "claim", json!({})).await;
    assert_error(&resp, 409, "claim_limit_reached");
    assert_unchanged(&app, &w, &open).await;
    // Declining frees the slot.
    app.act_ok(&w.member.token, str_of(&assigned, "id"), "decline", json!({})).await;
    app.act_ok(&w.member.token, str_of(&open, "id"), "claim", json!({})).await;
}
