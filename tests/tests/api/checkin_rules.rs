//! Who may move a check-in where (the shared check-in state machine, seen from outside), and
//! that a refusal names a status the way the web app does (`haolin_shared::labels`).

use haolin_tests::{Actor, TestApp, assert_conflict, assert_error, spawn_app, str_of};
use serde_json::{Value, json};

async fn check_in(app: &TestApp, who: &Actor, community: &str) -> Value {
    let body =
        json!({"community_id": community, "certificate_no": "FWZ-2026-0002", "letter_ref": "钟组介〔2026〕13号"});
    app.post("/api/v1/checkins", &who.token, &body).await.expect_status(201).clone()
}

fn message(resp: &haolin_tests::ApiResponse) -> String {
    resp.body["error"]["message"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn an_admin_sees_every_check_in_but_decides_and_withdraws_none() {
    let app = spawn_app().await;
    let w = app.world().await;
    let admin = app.admin_token().await;
    let member = app.register_resident().await;
    let id = str_of(&check_in(&app, &member, &w.community_id).await, "id").to_owned();

    let listed = app.get("/api/v1/checkins?status=pending", &admin).await;
    let listed = listed.expect_status(200)["items"].as_array().unwrap().clone();
    assert!(listed.iter().any(|c| c["id"] == id.as_str()), "admins see every check-in");
    for action in ["approve", "withdraw"] {
        let refused = app.post(&format!("/api/v1/checkins/{id}/{action}"), &admin, &json!({})).await;
        assert_error(&refused, 403, "forbidden");
    }
    let reject = app.post(&format!("/api/v1/checkins/{id}/reject"), &admin, &json!({"reason": "不符"})).await;
    assert_error(&reject, 403, "forbidden");
}

#[tokio::test]
async fn only_the_member_withdraws_and_a_decided_check_in_names_its_status() {
    let app = spawn_app().await;
    let w = app.world().await;
    let member = app.register_resident().await;
    let id = str_of(&check_in(&app, &member, &w.community_id).await, "id").to_owned();
    let path = |action: &str| format!("/api/v1/checkins/{id}/{action}");

    let by_dispatcher = app.post(&path("withdraw"), &w.dispatcher.token, &json!({})).await;
    assert_error(&by_dispatcher, 403, "forbidden");
    app.post(&path("approve"), &w.dispatcher.token, &json!({})).await.expect_status(200);
    let again = app.post(&path("reject"), &w.dispatcher.token, &json!({"reason": "重复"})).await;
    assert_error(&again, 409, "invalid_state");
    assert!(message(&again).contains("已通过"), "{}", message(&again));

    app.post(&path("withdraw"), &member.token, &json!({})).await.expect_status(200);
    let twice = app.post(&path("withdraw"), &member.token, &json!({})).await;
    assert_error(&twice, 409, "invalid_state");
    assert!(message(&twice).contains("已撤回"), "{}", message(&twice));
    let withdrawn = app.get("/api/v1/checkins?status=withdrawn", &member.token).await;
    assert_eq!(withdrawn.expect_status(200)["items"][0]["status"], "withdrawn");
}

#[tokio::test]
async fn a_rejected_check_in_cannot_be_withdrawn_and_reads_as_not_passed() {
    let app = spawn_app().await;
    let w = app.world().await;
    let member = app.register_resident().await;
    let id = str_of(&check_in(&app, &member, &w.community_id).await, "id").to_owned();
    let reject =
        app.post(&format!("/api/v1/checkins/{id}/reject"), &w.dispatcher.token, &json!({"reason": "无效"})).await;
    assert_eq!(reject.expect_status(200)["status"], "rejected");
    let withdraw = app.post(&format!("/api/v1/checkins/{id}/withdraw"), &member.token, &json!({})).await;
    assert_error(&withdraw, 409, "invalid_state");
    assert!(message(&withdraw).contains("未通过"), "{}", message(&withdraw));
}

#[tokio::test]
async fn a_branch_check_in_decided_twice_is_a_conflict_naming_its_status() {
    let app = spawn_app().await;
    let w = app.world().await;
    let admin = app.admin_token().await;
    let branch = app.post("/api/v1/unit-branches", &admin, &json!({"name": "区教育局党支部"})).await;
    let branch_path = format!("/api/v1/unit-branches/{}/checkins", str_of(branch.expect_status(201), "id"));
    let body = json!({"community_id": w.community_id, "letter_ref": "钟教函〔2026〕1号"});
    let dispatcher_files = app.post(&branch_path, &w.dispatcher.token, &body).await;
    assert_error(&dispatcher_files, 403, "forbidden");
    let filed = app.post(&branch_path, &admin, &body).await.expect_status(201).clone();
    let decide = |action: &str| format!("{branch_path}/{}/{action}", str_of(&filed, "id"));
    let rejected = app.post(&decide("reject"), &w.dispatcher.token, &json!({"reason": "函号有误"})).await;
    assert_eq!(rejected.expect_status(200)["status"], "rejected");
    let approve = app.post(&decide("approve"), &w.dispatcher.token, &json!({})).await;
    assert_error(&approve, 409, "invalid_state");
    assert!(message(&approve).contains("未通过"), "{}", message(&approve));
}

#[tokio::test]
async fn a_wish_conflict_names_the_status_as_the_web_app_does() {
    let app = spawn_app().await;
    let w = app.world().await;
    let wish = app.post_wish(&w.resident.token, &w.community_id).await;
    let id = str_of(&wish, "id");
    app.act_ok(&w.dispatcher.token, id, "reject", json!({"reason": "不属于微心愿"})).await;
    let approve = app.act(&w.dispatcher.token, id, "approve", json!({})).await;
    assert_conflict(&approve, "invalid_state", "rejected");
    assert!(message(&approve).contains("未通过"), "{}", message(&approve));
}
