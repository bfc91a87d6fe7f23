//! Dual check-in (双报到): a member checks in with certificate and letter, the community approves
//! or rejects; only approved members see and claim the community's wishes; withdrawing releases
//! the member's live claims there back to the pool, recorded as events.

use haolin_tests::{Actor, TestApp, assert_error, assert_invalid_field, run_sql, spawn_app, str_of, testing_postgres};
use serde_json::{Value, json};

async fn check_in(app: &TestApp, who: &Actor, community: &str, branch: Option<&str>) -> haolin_tests::ApiResponse {
    let body = json!({"community_id": community, "unit_branch_id": branch,
        "certificate_no": "FWZ-2026-0001", "letter_ref": "钟组介〔2026〕12号"});
    app.post("/api/v1/checkins", &who.token, &body).await
}

async fn figures(app: &TestApp, token: &str, community: &str) -> Value {
    app.get(&format!("/api/v1/communities/{community}/checkin-stats"), token).await.expect_status(200).clone()
}

#[tokio::test]
async fn an_approved_member_claims_and_withdrawing_releases_the_claims_to_the_pool() {
    let app = spawn_app().await;
    let w = app.world().await;
    let admin = app.admin_token().await;
    let branch = app.post("/api/v1/unit-branches", &admin, &json!({"name": "区财政局党支部"})).await;
    let branch = branch.expect_status(201).clone();
    let member = app.register_resident().await;
    let wish = app.open_wish(&w).await;
    let wish_id = str_of(&wish, "id");

    let filed = check_in(&app, &member, &w.community_id, Some(str_of(&branch, "id"))).await;
    let filed = filed.expect_status(201).clone();
    assert_eq!(filed["status"], "pending");
    assert_eq!(filed["member"]["id"], member.id.as_str());
    assert_eq!(filed["certificate_no"], "FWZ-2026-0001");
    let id = str_of(&filed, "id");

    assert_error(&app.get_wish(&member.token, wish_id).await, 404, "not_found");
    assert_error(&app.act(&member.token, wish_id, "claim", json!({})).await, 404, "not_found");
    let other = app.create_community().await;
    let foreign = app.create_actor(&["dispatcher"], &[other.as_str()]).await;
    assert_error(
        &app.post(&format!("/api/v1/checkins/{id}/approve"), &foreign.token, &json!({})).await,
        404,
        "not_found",
    );
    assert_error(
        &app.post(&format!("/api/v1/checkins/{id}/approve"), &member.token, &json!({})).await,
        403,
        "forbidden",
    );

    let approved = app.post(&format!("/api/v1/checkins/{id}/approve"), &w.dispatcher.token, &json!({})).await;
    let approved = approved.expect_status(200).clone();
    assert_eq!(approved["status"], "approved");
    assert!(approved["decided_at"].is_string());
    assert_error(
        &app.post(&format!("/api/v1/checkins/{id}/approve"), &w.dispatcher.token, &json!({})).await,
        409,
        "invalid_state",
    );

    assert_eq!(app.get_wish(&member.token, wish_id).await.expect_status(200)["status"], "open");
    let claimed = app.act_ok(&member.token, wish_id, "claim", json!({})).await;
    assert_eq!(claimed["claimant"]["id"], member.id.as_str());
    let done = app.open_wish(&w).await;
    app.act_ok(&member.token, str_of(&done, "id"), "claim", json!({})).await;
    app.act_ok(&member.token, str_of(&done, "id"), "fulfil", json!({"note": "已送到"})).await;
    let branch_path = format!("/api/v1/unit-branches/{}/checkins", str_of(&branch, "id"));
    let body = json!({"community_id": w.community_id, "letter_ref": "钟财函〔2026〕3号"});
    let unit = app.post(&branch_path, &admin, &body).await.expect_status(201).clone();
    assert_eq!(unit["status"], "pending");
    assert_eq!(figures(&app, &admin, &w.community_id).await["units_checked_in"], 0, "not until approved");
    let unit_id = str_of(&unit, "id");
    let approve_unit = format!("{branch_path}/{unit_id}/approve");
    assert_error(&app.post(&approve_unit, &foreign.token, &json!({})).await, 404, "not_found");
    assert_error(&app.post(&approve_unit, &admin, &json!({})).await, 403, "forbidden");
    let unit = app.post(&approve_unit, &w.dispatcher.token, &json!({})).await;
    assert_eq!(unit.expect_status(200)["status"], "approved");
    assert_error(&app.post(&branch_path, &admin, &body).await, 409, "already_exists");
    let listed = app.get(&branch_path, &w.dispatcher.token).await;
    assert_eq!(listed.expect_status(200)["items"].as_array().unwrap().len(), 1);
    let hidden = app.get(&branch_path, &foreign.token).await;
    assert!(hidden.expect_status(200)["items"].as_array().unwrap().is_empty());

    let f = figures(&app, &w.dispatcher.token, &w.community_id).await;
    assert_eq!(
        f,
        json!({"community_id": w.community_id, "units_checked_in": 1, "members_checked_in": 1,
               "wishes_claimed": 2, "wishes_fulfilled": 1})
    );

    let withdrawn = app.post(&format!("/api/v1/checkins/{id}/withdraw"), &member.token, &json!({})).await;
    assert_eq!(withdrawn.expect_status(200)["status"], "withdrawn");
    let back = app.get_wish(&w.dispatcher.token, wish_id).await;
    let back = back.expect_status(200);
    assert_eq!(back["status"], "open", "the live claim went back to the pool");
    assert!(back["claimant"].is_null());
    let events = app.events(&w.dispatcher.token, wish_id).await;
    let last = events.last().unwrap();
    assert_eq!(last["action"], "release");
    assert_eq!(last["actor_id"], member.id.as_str());
    assert!(last["reason"].as_str().unwrap().contains("撤回报到"));
    let kept = app.get_wish(&w.dispatcher.token, str_of(&done, "id")).await;
    assert_eq!(kept.expect_status(200)["status"], "fulfilled", "finished work is not taken back");

    assert_error(&app.get_wish(&member.token, wish_id).await, 404, "not_found");
    assert_error(&app.act(&member.token, wish_id, "claim", json!({})).await, 404, "not_found");
    assert_eq!(figures(&app, &admin, &w.community_id).await["members_checked_in"], 0);
    let again = app.post(&format!("/api/v1/checkins/{id}/withdraw"), &member.token, &json!({})).await;
    assert_error(&again, 409, "invalid_state");
    assert_error(
        &app.get(&format!("/api/v1/communities/{}/checkin-stats", w.community_id), &member.token).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn a_rejected_check_in_says_why_and_a_member_may_check_in_to_several_communities() {
    let app = spawn_app().await;
    let w = app.world().await;
    let second = app.create_community().await;
    let second_dispatcher = app.create_actor(&["dispatcher"], &[second.as_str()]).await;
    let member = app.register_resident().await;

    let first = check_in(&app, &member, &w.community_id, None).await.expect_status(201).clone();
    assert_error(&check_in(&app, &member, &w.community_id, None).await, 409, "already_exists");
    let path = format!("/api/v1/checkins/{}/reject", str_of(&first, "id"));
    assert_invalid_field(&app.post(&path, &w.dispatcher.token, &json!({"reason": " "})).await, "reason");
    let rejected = app.post(&path, &w.dispatcher.token, &json!({"reason": "介绍信编号有误"})).await;
    let rejected = rejected.expect_status(200).clone();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["reason"], "介绍信编号有误");
    let wish = app.open_wish(&w).await;
    assert_error(&app.get_wish(&member.token, str_of(&wish, "id")).await, 404, "not_found");

    let retry = check_in(&app, &member, &w.community_id, None).await.expect_status(201).clone();
    let there = check_in(&app, &member, &second, None).await.expect_status(201).clone();
    app.post(&format!("/api/v1/checkins/{}/approve", str_of(&retry, "id")), &w.dispatcher.token, &json!({}))
        .await
        .expect_status(200);
    app.post(&format!("/api/v1/checkins/{}/approve", str_of(&there, "id")), &second_dispatcher.token, &json!({}))
        .await
        .expect_status(200);
    let elsewhere = app.post_wish(&w.resident.token, &second).await;
    app.act_ok(&second_dispatcher.token, str_of(&elsewhere, "id"), "approve", json!({})).await;
    app.act_ok(&member.token, str_of(&wish, "id"), "claim", json!({})).await;
    app.act_ok(&member.token, str_of(&elsewhere, "id"), "claim", json!({})).await;

    app.post(&format!("/api/v1/checkins/{}/withdraw", str_of(&retry, "id")), &member.token, &json!({}))
        .await
        .expect_status(200);
    assert_eq!(app.get_wish(&w.dispatcher.token, str_of(&wish, "id")).await.expect_status(200)["status"], "open");
    let kept = app.get_wish(&member.token, str_of(&elsewhere, "id")).await;
    assert_eq!(kept.expect_status(200)["status"], "claimed", "the claim in the other community stays");

    let mine = app.get("/api/v1/checkins", &member.token).await;
    assert_eq!(mine.expect_status(200)["items"].as_array().unwrap().len(), 3);
    let theirs = app.get("/api/v1/checkins?status=approved", &second_dispatcher.token).await;
    let theirs = theirs.expect_status(200)["items"].as_array().unwrap().clone();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["id"], there["id"]);
    let pending = app.get(&format!("/api/v1/checkins?community_id={}", w.community_id), &second_dispatcher.token).await;
    assert!(
        pending.expect_status(200)["items"].as_array().unwrap().is_empty(),
        "another community's check-ins are hidden"
    );
    assert_invalid_field(&app.get("/api/v1/checkins?status=maybe", &member.token).await, "status");
}

#[tokio::test]
async fn a_check_in_needs_a_real_community_branch_certificate_and_letter() {
    let app = spawn_app().await;
    let w = app.world().await;
    let member = app.register_resident().await;
    let base = json!({"community_id": w.community_id, "certificate_no": "FWZ-1", "letter_ref": "介绍信1"});
    let with = |key: &str, value: Value| {
        let mut b = base.clone();
        b[key] = value;
        b
    };
    for (key, value, field) in [
        ("community_id", json!("987654"), "community_id"),
        ("unit_branch_id", json!("987654"), "unit_branch_id"),
        ("certificate_no", json!(""), "certificate_no"),
        ("certificate_no", json!("FWZ 1"), "certificate_no"),
        ("certificate_no", json!("服务证1"), "certificate_no"),
        ("certificate_no", json!("F".repeat(33)), "certificate_no"),
        ("letter_ref", json!("第1号\n第2号"), "letter_ref"),
        ("letter_ref", json!("x".repeat(65)), "letter_ref"),
    ] {
        assert_invalid_field(&app.post("/api/v1/checkins", &member.token, &with(key, value)).await, field);
    }
    let branch = json!({"name": "区财政局党支部"});
    assert_error(&app.post("/api/v1/unit-branches", &member.token, &branch).await, 403, "forbidden");
    let admin = app.admin_token().await;
    app.post("/api/v1/unit-branches", &admin, &branch).await.expect_status(201);
    assert_error(&app.post("/api/v1/unit-branches", &admin, &branch).await, 409, "already_exists");
    let listed = app.get("/api/v1/unit-branches", &member.token).await;
    assert_eq!(listed.expect_status(200)["items"][0]["name"], "区财政局党支部");
    assert!(
        app.get("/api/v1/checkins", &member.token).await.expect_status(200)["items"].as_array().unwrap().is_empty()
    );
}

/// A trigger that makes the database refuse to put wish `wish_id` back in the pool.
fn refuse_release_of(app: &TestApp, wish_id: &str) {
    let sql = if testing_postgres() {
        format!(
            "CREATE FUNCTION refuse_release() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$ \
             LANGUAGE plpgsql; CREATE TRIGGER refuse_release BEFORE UPDATE ON wishes FOR EACH ROW \
             WHEN (NEW.id = {wish_id} AND NEW.status = 'open') EXECUTE FUNCTION refuse_release();"
        )
    } else {
        format!(
            "CREATE TRIGGER refuse_release BEFORE UPDATE OF status ON wishes \
             WHEN NEW.id = {wish_id} AND NEW.status = 'open' BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
        )
    };
    run_sql(&app.database_url, &sql);
}

#[tokio::test]
async fn a_withdrawal_that_fails_half_way_changes_nothing() {
    let app = spawn_app().await;
    let w = app.world().await;
    let member = app.register_resident().await;
    let filed = check_in(&app, &member, &w.community_id, None).await.expect_status(201).clone();
    let id = str_of(&filed, "id");
    app.post(&format!("/api/v1/checkins/{id}/approve"), &w.dispatcher.token, &json!({})).await.expect_status(200);
    let first = app.open_wish(&w).await;
    let second = app.open_wish(&w).await;
    let (first, second) = (str_of(&first, "id"), str_of(&second, "id"));
    app.act_ok(&member.token, first, "claim", json!({})).await;
    app.act_ok(&member.token, second, "claim", json!({})).await;

    // The first wish is given back, then the database refuses the second: all of it is undone.
    refuse_release_of(&app, second);
    let failed = app.post(&format!("/api/v1/checkins/{id}/withdraw"), &member.token, &json!({})).await;
    assert_error(&failed, 500, "internal");
    let mine = app.get("/api/v1/checkins", &member.token).await;
    let mine = mine.expect_status(200);
    assert_eq!(mine["items"][0]["status"], "approved", "the check-in stands");
    for wish in [first, second] {
        let now = app.get_wish(&member.token, wish).await;
        let now = now.expect_status(200);
        assert_eq!(now["status"], "claimed", "the member still holds wish {wish} and may still see it");
        assert_eq!(now["claimant"]["id"], member.id.as_str());
        let events = app.events(&w.dispatcher.token, wish).await;
        assert_eq!(events.last().unwrap()["action"], "claim", "no release of wish {wish} was recorded");
    }
    assert_eq!(figures(&app, &w.dispatcher.token, &w.community_id).await["members_checked_in"], 1);

    // Without the fault the same withdrawal goes through whole.
    let drop = if testing_postgres() { "DROP TRIGGER refuse_release ON wishes" } else { "DROP TRIGGER refuse_release" };
    run_sql(&app.database_url, drop);
    let done = app.post(&format!("/api/v1/checkins/{id}/withdraw"), &member.token, &json!({})).await;
    assert_eq!(done.expect_status(200)["status"], "withdrawn");
    for wish in [first, second] {
        let back = app.get_wish(&w.dispatcher.token, wish).await;
        assert_eq!(back.expect_status(200)["status"], "open");
        assert_eq!(app.events(&w.dispatcher.token, wish).await.last().unwrap()["action"], "release");
    }
}
