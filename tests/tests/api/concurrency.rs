//! Races: of many concurrent claims exactly one wins, and the losers learn the wish is claimed.

use futures_util::future::join_all;
use haolin_tests::{assert_conflict, spawn_app, str_of};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_claims_on_one_wish_have_exactly_one_winner() {
    let app = spawn_app().await;
    let w = app.world().await;
    let c = [w.community_id.as_str()];
    let members = join_all((0..50).map(|_| app.create_actor(&["member"], &c))).await;
    let wish = app.open_wish(&w).await;
    let id = str_of(&wish, "id");

    let responses = join_all(members.iter().map(|m| app.act(&m.token, id, "claim", json!({})))).await;

    let winners: Vec<usize> = (0..responses.len()).filter(|i| responses[*i].status == 200).collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one claim must win: {:?}",
        responses.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for (i, resp) in responses.iter().enumerate() {
        if i != winners[0] {
            assert_conflict(resp, "invalid_state", "claimed");
        }
    }
    let winner = &members[winners[0]];
    let won = &responses[winners[0]].body;
    assert_eq!(won["status"], "claimed");
    assert_eq!(won["claimant"]["id"], winner.id.as_str());

    let seen = app.get_wish(&w.dispatcher.token, id).await;
    let seen = seen.expect_status(200);
    assert_eq!(seen["claimant"]["id"], winner.id.as_str());
    assert_eq!(seen["version"].as_i64(), Some(wish["version"].as_i64().unwrap() + 1));
    let events = app.events(&w.dispatcher.token, id).await;
    let claims: Vec<_> = events.iter().filter(|e| e["action"] == "claim").collect();
    assert_eq!(claims.len(), 1, "{events:?}");
    assert_eq!(claims[0]["actor_id"], winner.id.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approvals_of_one_wish_record_one_transition() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    let responses = join_all((0..10).map(|_| app.act(&w.dispatcher.token, id, "approve", json!({})))).await;
    let ok = responses.iter().filter(|r| r.status == 200).count();
    assert_eq!(ok, 1, "{:?}", responses.iter().map(|r| r.status).collect::<Vec<_>>());
    for resp in responses.iter().filter(|r| r.status != 200) {
        assert_conflict(resp, "invalid_state", "open");
    }
    let events = app.events(&w.dispatcher.token, id).await;
    assert_eq!(events.len(), 2, "{events:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claim_racing_a_cancel_leaves_one_consistent_outcome() {
    let app = spawn_app().await;
    let w = app.world().await;
    for _ in 0..5 {
        let wish = app.open_wish(&w).await;
        let id = str_of(&wish, "id");
        let (claim, cancel) = tokio::join!(
            app.act(&w.member.token, id, "claim", json!({})),
            app.act(&w.resident.token, id, "cancel", json!({"reason": "不需要了"})),
        );
        let seen = app.get_wish(&w.dispatcher.token, id).await;
        let seen = seen.expect_status(200);
        let events = app.events(&w.dispatcher.token, id).await;
        match (claim.status, cancel.status) {
            (200, 409) => {
                assert_eq!(seen["status"], "claimed");
                assert_conflict(&cancel, "invalid_state", "claimed");
            }
            (409, 200) => {
                assert_eq!(seen["status"], "cancelled");
                assert_conflict(&claim, "invalid_state", "cancelled");
            }
            other => panic!("claim and cancel both {other:?}: {} / {}", claim.text, cancel.text),
        }
        assert_eq!(events.len(), 3, "post, approve and one winner: {events:?}");
        // Release the member's claim so the live-claim limit never interferes.
        if seen["status"] == "claimed" {
            app.act_ok(&w.member.token, id, "release", json!({"reason": "测试"})).await;
        }
    }
}
