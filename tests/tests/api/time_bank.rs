//! The time bank (docs/TIME-BANK.md): a confirmed wish credits its member once (by the resident,
//! by the auto-confirm job, racing across two instances); paid wishes held in escrow, paid on
//! confirmation and returned on cancel or refusal; 100 spends of one balance at once never
//! overdraw it; gifts to family within the daily limit (nothing written beyond it); minting into a
//! community's pool, reversals; the service record (JSON and CSV) and certificates anyone can
//! verify; and a property test of random operations against a model. Every test ends with the
//! ledger's invariant (`GET /admin/time-bank/check`), and balances are re-summed from the ledger.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::future::join_all;
use haolin_tests::time_bank::{array_of, assert_no_phones, parse_time};
use haolin_tests::{
    Actor, ApiResponse, TestApp, World, assert_conflict, assert_error, assert_invalid_field, int_of, spawn_app_with,
    str_of,
};
use serde_json::{Value, json};

/// What a confirmed wish earns by default (`time_bank.wish_minutes`).
const WISH_MINUTES: i64 = 60;
/// The default daily gift limit (`time_bank.gift_daily_minutes`).
const GIFT_DAILY: i64 = 600;
/// The default cap, 1,500 hours.
const CAP_MINUTES: i64 = 1500 * 60;

/// A server where members may hold many claims (the helpers claim one wish after another).
async fn bank() -> TestApp {
    spawn_app_with(|env| {
        env.set("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "1000");
    })
    .await
}

/// Everything `who` can see of their account: the summary and the whole ledger.
async fn account(app: &TestApp, who: &Actor) -> (Value, Vec<Value>) {
    (app.time_bank(&who.token).await, app.ledger(&who.token).await)
}

/// Posts a wish paying `minutes` as `who` in the world's community.
async fn post_paid(app: &TestApp, w: &World, who: &Actor, minutes: i64) -> ApiResponse {
    let mut body = app.wish_body(&w.community_id);
    body["paid_minutes"] = json!(minutes);
    app.post("/api/v1/wishes", &who.token, &body).await
}

#[tokio::test]
async fn a_confirmed_wish_credits_its_member_once_in_the_confirmation() {
    let app = bank().await;
    let w = app.world().await;
    let wish = app.fulfilled_wish(&w).await;
    let id = str_of(&wish, "id").to_owned();
    assert_eq!(int_of(&wish, "credit_minutes"), WISH_MINUTES, "{wish}");
    assert_eq!(wish["paid"], false, "{wish}");
    assert_eq!(app.balance(&w.member.token).await, 0, "nothing before the confirmation");

    let confirmed = app.act_ok(&w.resident.token, &id, "confirm", json!({"rating": 5})).await;
    assert_eq!(confirmed["status"], "confirmed");
    let summary = app.assert_ledger_adds_up(&w.member.token).await;
    assert_eq!(int_of(&summary, "balance_minutes"), WISH_MINUTES, "{summary}");
    assert_eq!(int_of(&summary, "held_minutes"), 0, "{summary}");
    assert_eq!(int_of(&summary, "lifetime_minutes"), WISH_MINUTES, "{summary}");
    assert_eq!(int_of(&summary, "star"), 0, "{summary}");
    assert_eq!(int_of(&summary, "next_star_minutes"), 100 * 60, "{summary}");
    assert_eq!(int_of(&summary, "cap_minutes"), CAP_MINUTES, "{summary}");
    assert_eq!(int_of(&summary, "gift_left_today_minutes"), GIFT_DAILY, "{summary}");
    let ledger = app.ledger(&w.member.token).await;
    assert_eq!(ledger.len(), 1, "{ledger:?}");
    let entry = &ledger[0];
    assert_eq!(entry["kind"], "wish_credit");
    assert_eq!(int_of(entry, "minutes"), WISH_MINUTES);
    assert_eq!(entry["wish_id"], id.as_str());
    assert!(str_of(entry, "memo").contains(str_of(&wish, "title")), "the memo names the wish: {entry}");
    assert!(!str_of(entry, "counterparty").trim().is_empty(), "{entry}");
    assert!(haolin_tests::is_rfc3339(str_of(entry, "at")), "{entry}");
    // The resident paid nothing for an unpaid wish.
    let resident = app.assert_ledger_adds_up(&w.resident.token).await;
    assert_eq!((int_of(&resident, "balance_minutes"), int_of(&resident, "held_minutes")), (0, 0));

    // Confirming again is refused and credits nothing.
    let before = app.assert_ledger_sound().await;
    assert_conflict(
        &app.act(&w.resident.token, &id, "confirm", json!({"rating": 4})).await,
        "invalid_state",
        "confirmed",
    );
    assert_eq!(app.balance(&w.member.token).await, WISH_MINUTES);
    assert_eq!(app.assert_ledger_sound().await.transfers, before.transfers);

    // A wish that is never confirmed (disputed) credits nothing.
    let disputed = app.fulfilled_wish(&w).await;
    app.act_ok(&w.resident.token, str_of(&disputed, "id"), "dispute", json!({"reason": "没有送到"})).await;
    assert_eq!(app.balance(&w.member.token).await, WISH_MINUTES);
    app.assert_ledger_sound().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_confirmations_of_one_wish_credit_once() {
    let app = bank().await;
    let w = app.world().await;
    let wish = app.fulfilled_wish(&w).await;
    let id = str_of(&wish, "id");
    let answers = join_all((0..10).map(|_| app.act(&w.resident.token, id, "confirm", json!({"rating": 5})))).await;
    assert_eq!(answers.iter().filter(|a| a.status == 200).count(), 1);
    for a in answers.iter().filter(|a| a.status != 200) {
        assert_conflict(a, "invalid_state", "confirmed");
    }
    let summary = app.assert_ledger_adds_up(&w.member.token).await;
    assert_eq!(int_of(&summary, "balance_minutes"), WISH_MINUTES);
    assert_eq!(app.ledger(&w.member.token).await.len(), 1);
    app.assert_ledger_sound().await;
}

#[tokio::test]
async fn the_auto_confirm_job_credits_each_wish_once() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_WISHES__CLAIM_TTL", "1h")
            .set("HAOLIN_WISHES__AUTO_CONFIRM_AFTER", "300ms")
            .set("HAOLIN_JOBS__INTERVAL", "50ms")
            .set("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "1000");
    })
    .await;
    let w = app.world().await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(str_of(&app.fulfilled_wish(&w).await, "id").to_owned());
    }
    for id in &ids {
        app.eventually(Duration::from_secs(15), "the auto-confirmation", || async {
            let wish = app.get_wish(&w.resident.token, id).await;
            (wish.body["status"] == "confirmed").then_some(())
        })
        .await;
    }
    // A few more rounds of the job: still once each.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let summary = app.assert_ledger_adds_up(&w.member.token).await;
    assert_eq!(int_of(&summary, "balance_minutes"), 5 * WISH_MINUTES, "{summary}");
    let credited: Vec<String> =
        app.ledger(&w.member.token).await.iter().map(|e| str_of(e, "wish_id").to_owned()).collect();
    let distinct: BTreeSet<&String> = credited.iter().collect();
    assert_eq!(credited.len(), 5, "{credited:?}");
    assert_eq!(distinct, ids.iter().collect(), "each wish credited once");
    app.assert_ledger_sound().await;
}

/// Two instances on one PostgreSQL and one Redis (whatever HAOLIN_TEST_BACKEND says; the name puts
/// these beside `cluster::`, which the PostgreSQL run of scripts/test.sh skips as already run).
mod cluster {
    use super::*;
    use haolin_tests::TestDatabase;

    const SHARED_REDIS: &str = "redis://127.0.0.1:6379";

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_wish_confirmed_on_one_instance_while_the_job_confirms_it_on_the_other_credits_once() {
        let db = TestDatabase::postgres();
        let prefix = format!("tb{}", std::process::id());
        let start = |auto_confirm: &'static str| {
            let (url, prefix) = (db.url.clone(), prefix.clone());
            spawn_app_with(move |env| {
                env.set("DATABASE_URL", &url)
                    .set("REDIS_URL", SHARED_REDIS)
                    .set("HAOLIN_REDIS_PREFIX", &prefix)
                    .set("HAOLIN_WISHES__AUTO_CONFIRM_AFTER", auto_confirm)
                    .set("HAOLIN_JOBS__INTERVAL", "10ms")
                    .set("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "1000");
            })
        };
        // A: the resident's instance (its job waits an hour); B: the job confirms at once.
        let a = start("1h").await;
        let b = start("1ms").await;
        let w = a.world().await;
        let mut ids = Vec::new();
        let mut by_resident = 0;
        for i in 0..20 {
            let wish = a.claimed_wish(&w).await;
            let id = str_of(&wish, "id").to_owned();
            a.act_ok(&w.member.token, &id, "fulfil", json!({"note": "办好了"})).await;
            tokio::time::sleep(Duration::from_millis((i % 5) * 4)).await;
            let resp = a.act(&w.resident.token, &id, "confirm", json!({"rating": 5})).await;
            match resp.status {
                200 => by_resident += 1,
                _ => {
                    assert_conflict(&resp, "invalid_state", "confirmed");
                }
            }
            ids.push(id);
        }
        for id in &ids {
            let wish = b.get_wish(&w.resident.token, id).await;
            assert_eq!(wish.body["status"], "confirmed", "{}", wish.text);
            let events = a.events(&w.resident.token, id).await;
            let confirmations =
                events.iter().filter(|e| e["action"] == "confirm" || e["action"] == "auto_confirm").count();
            assert_eq!(confirmations, 1, "{events:?}");
        }
        eprintln!("the resident won {by_resident} of 20 races, the job {}", 20 - by_resident);
        // Both instances kept running their jobs; give them a few more rounds.
        tokio::time::sleep(Duration::from_millis(200)).await;
        for app in [&a, &b] {
            let summary = app.assert_ledger_adds_up(&w.member.token).await;
            assert_eq!(int_of(&summary, "balance_minutes"), 20 * WISH_MINUTES, "{summary}");
            let credited: BTreeSet<String> =
                app.ledger(&w.member.token).await.iter().map(|e| str_of(e, "wish_id").to_owned()).collect();
            assert_eq!(credited, ids.iter().cloned().collect(), "each wish credited exactly once");
            app.assert_ledger_sound().await;
        }
    }
}

#[tokio::test]
async fn a_paid_wish_holds_its_price_in_escrow_until_it_is_paid_or_returned() {
    let app = bank().await;
    let w = app.world().await;
    let (payer, doer) = (&w.member, &w.member2);
    app.earn_by_wishes(&w, payer, 3).await;
    assert_eq!(app.balance(&payer.token).await, 180);

    // Posting holds the price.
    let wish = post_paid(&app, &w, payer, 100).await.expect_status(201).clone();
    assert_eq!(wish["paid"], true, "{wish}");
    assert_eq!(int_of(&wish, "credit_minutes"), 100, "the member earns the price: {wish}");
    let summary = app.assert_ledger_adds_up(&payer.token).await;
    assert_eq!((int_of(&summary, "balance_minutes"), int_of(&summary, "held_minutes")), (80, 100), "{summary}");
    let newest = &app.ledger(&payer.token).await[0];
    assert_eq!((newest["kind"].as_str(), int_of(newest, "minutes")), (Some("escrow_hold"), -100), "{newest}");
    assert_eq!(newest["wish_id"], wish["id"]);

    // More than the balance: refused, nothing written, no wish.
    let mine_before = app.list_all_wishes(&payer.token, "mine=true").await.len();
    let (summary_before, ledger_before) = account(&app, payer).await;
    let check_before = app.assert_ledger_sound().await;
    assert_error(&post_paid(&app, &w, payer, 81).await, 409, "insufficient_hours");
    for bad in [0, -5, 6001] {
        assert_invalid_field(&post_paid(&app, &w, payer, bad).await, "paid_minutes");
    }
    assert_eq!(app.list_all_wishes(&payer.token, "mine=true").await.len(), mine_before, "a refused wish was posted");
    assert_eq!(account(&app, payer).await, (summary_before, ledger_before), "a refused wish moved minutes");
    assert_eq!(app.assert_ledger_sound().await.transfers, check_before.transfers);

    // Cancelled (pending), cancelled (open) and refused wishes return the price.
    let cancelled = post_paid(&app, &w, payer, 50).await.expect_status(201).clone();
    assert_eq!(app.time_bank(&payer.token).await["held_minutes"], 150);
    app.act_ok(&payer.token, str_of(&cancelled, "id"), "cancel", json!({})).await;
    let opened = post_paid(&app, &w, payer, 30).await.expect_status(201).clone();
    app.act_ok(&w.dispatcher.token, str_of(&opened, "id"), "approve", json!({})).await;
    app.act_ok(&payer.token, str_of(&opened, "id"), "cancel", json!({"reason": "不需要了"})).await;
    let refused = post_paid(&app, &w, payer, 20).await.expect_status(201).clone();
    app.act_ok(&w.dispatcher.token, str_of(&refused, "id"), "reject", json!({"reason": "不属于服务范围"})).await;
    let summary = app.assert_ledger_adds_up(&payer.token).await;
    assert_eq!((int_of(&summary, "balance_minutes"), int_of(&summary, "held_minutes")), (80, 100), "{summary}");
    let returns: Vec<(String, i64)> = app
        .ledger(&payer.token)
        .await
        .iter()
        .filter(|e| e["kind"] == "escrow_return")
        .map(|e| (str_of(e, "wish_id").to_owned(), int_of(e, "minutes")))
        .collect();
    let mut expected = vec![
        (str_of(&cancelled, "id").to_owned(), 50),
        (str_of(&opened, "id").to_owned(), 30),
        (str_of(&refused, "id").to_owned(), 20),
    ];
    expected.reverse();
    assert_eq!(returns, expected, "one return per wish, newest first");

    // Confirmed: the member is paid the price from the escrow, nothing is issued.
    let id = str_of(&wish, "id");
    app.act_ok(&w.dispatcher.token, id, "approve", json!({})).await;
    app.act_ok(&doer.token, id, "claim", json!({})).await;
    app.act_ok(&doer.token, id, "fulfil", json!({"note": "修好了"})).await;
    let transfers_before = app.assert_ledger_sound().await.transfers;
    app.act_ok(&payer.token, id, "confirm", json!({"rating": 5})).await;
    assert_eq!(app.assert_ledger_sound().await.transfers, transfers_before + 1, "one transfer: the escrow pays");
    let summary = app.assert_ledger_adds_up(&payer.token).await;
    assert_eq!((int_of(&summary, "balance_minutes"), int_of(&summary, "held_minutes")), (80, 0), "{summary}");
    let earned = app.assert_ledger_adds_up(&doer.token).await;
    assert_eq!(int_of(&earned, "balance_minutes"), 100, "{earned}");
    assert_eq!(int_of(&earned, "lifetime_minutes"), 100, "{earned}");
    let paid = app.ledger(&doer.token).await;
    assert_eq!(paid.len(), 1, "{paid:?}");
    assert_eq!((paid[0]["kind"].as_str(), int_of(&paid[0], "minutes")), (Some("escrow_pay"), 100));
    assert_eq!(paid[0]["wish_id"], id);
    app.assert_ledger_sound().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_paid_wishes_posted_at_once_hold_only_what_the_balance_covers() {
    let app = bank().await;
    let w = app.world().await;
    let payer = &w.member;
    app.earn_by_wishes(&w, payer, 5).await;
    assert_eq!(app.balance(&payer.token).await, 300);
    let answers = join_all((0..100).map(|_| post_paid(&app, &w, payer, 10))).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(created, 30, "300 minutes pay for exactly 30 wishes of 10");
    for a in answers.iter().filter(|a| a.status != 201) {
        assert_error(a, 409, "insufficient_hours");
    }
    let summary = app.time_bank(&payer.token).await;
    assert_eq!((int_of(&summary, "balance_minutes"), int_of(&summary, "held_minutes")), (0, 300), "{summary}");
    let paid = app.list_all_wishes(&payer.token, "mine=true").await;
    assert_eq!(paid.iter().filter(|x| x["paid"] == true).count(), 30, "only the covered wishes exist");
    app.assert_ledger_sound().await;
    // Last, the ledger re-summed (its entries newest first, no balance ever below zero).
    app.assert_ledger_adds_up(&payer.token).await;
}

/// `giver` names `relative` as `relation` (with a birth date for a parent) and the relative
/// accepts; returns the link's id.
async fn family(app: &TestApp, giver: &Actor, relative: &Actor, relation: &str, birth: Option<&str>) -> String {
    let mut body = json!({"phone": relative.phone, "relation": relation});
    if let Some(b) = birth {
        body["birth_date"] = json!(b);
    }
    let link = app.post("/api/v1/me/family", &giver.token, &body).await.expect_status(201).clone();
    let id = str_of(&link, "id").to_owned();
    app.post(&format!("/api/v1/me/family/{id}/accept"), &relative.token, &json!({})).await.expect_status(200);
    id
}

async fn gift(app: &TestApp, giver: &Actor, link: &str, minutes: i64) -> ApiResponse {
    let body = json!({"family_id": link, "minutes": minutes, "note": "给家里人"});
    app.post("/api/v1/me/time-bank/gifts", &giver.token, &body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_gifts_at_once_from_one_balance_never_overdraw_it() {
    let app = bank().await;
    let w = app.world().await;
    let giver = &w.member;
    app.earn_by_wishes(&w, giver, 5).await;
    let link = family(&app, giver, &w.resident, "spouse", None).await;
    let answers = join_all((0..100).map(|_| gift(&app, giver, &link, 10))).await;
    let ok = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(ok, 30, "300 minutes cover exactly 30 gifts of 10");
    for a in answers.iter().filter(|a| a.status != 201) {
        assert_error(a, 409, "insufficient_hours");
    }
    let giver_summary = app.time_bank(&giver.token).await;
    assert_eq!(int_of(&giver_summary, "balance_minutes"), 0, "{giver_summary}");
    assert_eq!(int_of(&giver_summary, "gift_left_today_minutes"), GIFT_DAILY - 300, "{giver_summary}");
    let received = app.time_bank(&w.resident.token).await;
    assert_eq!(int_of(&received, "balance_minutes"), 300, "{received}");
    assert_eq!(int_of(&received, "lifetime_minutes"), 0, "a gift is not service: {received}");
    let gifts = app.ledger(&w.resident.token).await;
    assert_eq!(gifts.iter().filter(|e| e["kind"] == "gift").count(), 30, "{gifts:?}");
    app.assert_ledger_sound().await;
    // Last, each ledger re-summed (its entries newest first, no balance ever below zero).
    app.assert_ledger_adds_up(&giver.token).await;
    app.assert_ledger_adds_up(&w.resident.token).await;
}

/// The China date `years` years before today (`YYYY-MM-DD`; 1 March for 29 February), plus `days`.
fn born(years: i32, days: i64) -> String {
    use chrono::Datelike;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let then = today
        .with_year(today.year() - years)
        .or_else(|| chrono::NaiveDate::from_ymd_opt(today.year() - years, 3, 1))
        .expect("a date");
    (then + chrono::Duration::days(days)).format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn gifts_flow_along_accepted_family_links_within_the_daily_limit_and_nothing_is_written_beyond_it() {
    let app = bank().await;
    let w = app.world().await;
    let giver = &w.member;
    let spouse = &w.resident;
    app.earn_by_wishes(&w, giver, 12).await;
    assert_eq!(app.balance(&giver.token).await, 720);

    // Named by phone: not yet accepted; each side sees it; no phone numbers in either view.
    let named =
        app.post("/api/v1/me/family", &giver.token, &json!({"phone": spouse.phone, "relation": "spouse"})).await;
    let link = named.expect_status(201).clone();
    let id = str_of(&link, "id").to_owned();
    assert_eq!(link["person"], json!({"id": spouse.id, "name": spouse.name}), "{link}");
    assert_eq!((link["relation"].as_str(), link["named_by_me"].as_bool()), (Some("spouse"), Some(true)));
    assert_eq!(link["accepted"], false);
    let theirs = app.get("/api/v1/me/family", &spouse.token).await;
    let theirs = array_of(theirs.expect_status(200), "items").clone();
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert_eq!(theirs[0]["person"], json!({"id": giver.id, "name": giver.name}));
    assert_eq!((theirs[0]["named_by_me"].as_bool(), theirs[0]["accepted"].as_bool()), (Some(false), Some(false)));
    let texts = [serde_json::to_string(&link).unwrap(), serde_json::to_string(&theirs).unwrap()];
    for t in &texts {
        assert_no_phones(t, &[giver.phone.as_str(), spouse.phone.as_str()], "a family link");
    }
    // An unknown phone names nobody.
    let nobody =
        app.post("/api/v1/me/family", &giver.token, &json!({"phone": "13812345678", "relation": "spouse"})).await;
    assert!(matches!(nobody.status, 404 | 422), "{}", nobody.text);

    // Before the relative accepts, nothing flows; only the relative accepts.
    let (before, ledger_before) = account(&app, giver).await;
    let early = gift(&app, giver, &id, 10).await;
    assert!(matches!(early.status, 409 | 422), "a gift along an unaccepted link: {}", early.text);
    assert_eq!(account(&app, giver).await, (before.clone(), ledger_before.clone()));
    for who in [giver, &w.member2] {
        let resp = app.post(&format!("/api/v1/me/family/{id}/accept"), &who.token, &json!({})).await;
        assert!(matches!(resp.status, 403 | 404), "{} accepting: {}", who.id, resp.text);
    }
    let accepted = app.post(&format!("/api/v1/me/family/{id}/accept"), &spouse.token, &json!({})).await;
    let accepted = accepted.expect_status(200).clone();
    assert_eq!((accepted["accepted"].as_bool(), accepted["named_by_me"].as_bool()), (Some(true), Some(false)));

    // Gifts: only the one who named the link gives along it.
    let by_relative = gift(&app, spouse, &id, 1).await;
    assert!(matches!(by_relative.status, 403 | 404 | 409 | 422), "{}", by_relative.text);
    let first = gift(&app, giver, &id, 500).await;
    let first = first.expect_status(201).clone();
    assert_eq!((first["kind"].as_str(), int_of(&first, "minutes")), (Some("gift"), 500), "{first}");
    let summary = app.assert_ledger_adds_up(&giver.token).await;
    assert_eq!(int_of(&summary, "balance_minutes"), 220);
    assert_eq!(int_of(&summary, "gift_left_today_minutes"), 100);
    let received = app.ledger(&spouse.token).await;
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!((received[0]["kind"].as_str(), int_of(&received[0], "minutes")), (Some("gift"), 500));
    assert_eq!(received[0]["transfer_id"], first["id"]);

    // Beyond the daily limit: 409 with what is left, and nothing written anywhere.
    let (giver_before, giver_ledger) = account(&app, giver).await;
    let (spouse_before, spouse_ledger) = account(&app, spouse).await;
    let check = app.assert_ledger_sound().await;
    let over = gift(&app, giver, &id, 200).await;
    let details = assert_error(&over, 409, "hours_limit_reached");
    assert_eq!(details["max"], 100, "{}", over.text);
    assert_eq!(account(&app, giver).await, (giver_before.clone(), giver_ledger.clone()), "the giver's account moved");
    assert_eq!(account(&app, spouse).await, (spouse_before, spouse_ledger), "the relative's account moved");
    assert_eq!(app.assert_ledger_sound().await.transfers, check.transfers, "a refused gift wrote a transfer");
    gift(&app, giver, &id, 100).await.expect_status(201);
    let none_left = gift(&app, giver, &id, 1).await;
    assert_eq!(assert_error(&none_left, 409, "hours_limit_reached")["max"], 0, "{}", none_left.text);
    assert_eq!(app.time_bank(&giver.token).await["gift_left_today_minutes"], 0);
    assert_invalid_field(&gift(&app, giver, &id, 0).await, "minutes");

    // Short of minutes: 409 insufficient_hours, nothing written.
    let poor = &w.member2;
    app.earn_by_wishes(&w, poor, 1).await;
    let wife = app.register_resident().await;
    let link2 = family(&app, poor, &wife, "spouse", None).await;
    let (poor_before, poor_ledger) = account(&app, poor).await;
    assert_error(&gift(&app, poor, &link2, WISH_MINUTES + 1).await, 409, "insufficient_hours");
    assert_eq!(account(&app, poor).await, (poor_before, poor_ledger));

    // A parent: 60 or over on the day; under 60, refused (when named or when given to).
    let old = app.register_resident().await;
    let parent = family(&app, poor, &old, "parent", Some(&born(60, 0))).await;
    gift(&app, poor, &parent, 5).await.expect_status(201);
    let young = app.register_resident().await;
    let (poor_before, poor_ledger) = account(&app, poor).await;
    let body = json!({"phone": young.phone, "relation": "parent", "birth_date": born(60, 1)});
    let named = app.post("/api/v1/me/family", &poor.token, &body).await;
    if named.status == 201 {
        let link = str_of(&named.body, "id").to_owned();
        app.post(&format!("/api/v1/me/family/{link}/accept"), &young.token, &json!({})).await.expect_status(200);
        let resp = gift(&app, poor, &link, 5).await;
        assert_eq!(resp.status, 422, "a gift to a parent under 60: {}", resp.text);
    } else {
        assert_eq!(named.status, 422, "naming a parent under 60: {}", named.text);
    }
    assert_eq!(account(&app, poor).await, (poor_before, poor_ledger));
    assert_eq!(app.balance(&young.token).await, 0);
    let no_birth =
        app.post("/api/v1/me/family", &poor.token, &json!({"phone": young.phone, "relation": "parent"})).await;
    assert_eq!(no_birth.status, 422, "a parent without a birth date: {}", no_birth.text);

    // A link removed carries nothing more.
    let removed = app.delete(&format!("/api/v1/me/family/{link2}"), &wife.token).await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    let after = gift(&app, poor, &link2, 1).await;
    assert!(matches!(after.status, 404 | 409 | 422), "{}", after.text);
    for who in [giver, spouse, poor, &wife, &old] {
        app.assert_ledger_adds_up(&who.token).await;
    }
    app.assert_ledger_sound().await;
}

async fn pool(app: &TestApp, token: &str, community: &str) -> ApiResponse {
    app.get(&format!("/api/v1/communities/{community}/time-bank"), token).await
}

#[tokio::test]
async fn admins_mint_into_a_pool_that_only_its_dispatchers_and_admins_read() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_TIME_BANK__CREDIT_SOURCE", "pool").set("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "1000");
    })
    .await;
    let w = app.world().await;
    let other = app.create_community().await;
    let other_dispatcher = app.create_actor(&["dispatcher"], &[other.as_str()]).await;
    let admin = app.admin_token().await;
    let empty = pool(&app, &w.dispatcher.token, &w.community_id).await;
    let empty = empty.expect_status(200).clone();
    assert_eq!(
        (int_of(&empty, "balance_minutes"), int_of(&empty, "minted_minutes"), int_of(&empty, "credited_minutes")),
        (0, 0, 0),
        "{empty}"
    );

    let mint = |token: String, body: Value| {
        let app = &app;
        async move { app.post("/api/v1/admin/time-bank/mint", &token, &body).await }
    };
    let body = json!({"community_id": w.community_id, "minutes": 100, "reason": "2026年度志愿服务预算"});
    for who in [&w.dispatcher, &w.member, &w.resident] {
        assert_error(&mint(who.token.clone(), body.clone()).await, 403, "forbidden");
    }
    for (field, value) in [
        ("minutes", json!(0)),
        ("minutes", json!(-60)),
        ("minutes", json!(6_000_001)),
        ("reason", json!("")),
        ("community_id", json!("999999999")),
    ] {
        let mut bad = body.clone();
        bad[field] = value;
        assert_invalid_field(&mint(admin.clone(), bad).await, field);
    }
    assert_eq!(int_of(pool(&app, &admin, &w.community_id).await.expect_status(200), "minted_minutes"), 0);
    let minted = mint(admin.clone(), body.clone()).await;
    let minted = minted.expect_status(201).clone();
    assert_eq!((minted["kind"].as_str(), int_of(&minted, "minutes")), (Some("mint"), 100), "{minted}");
    // The mint is in the audit log.
    let audit = app.get("/api/v1/admin/audit?limit=1", &admin).await;
    let newest = array_of(audit.expect_status(200), "items")[0].clone();
    assert_eq!(newest["action"], "hours_minted", "the newest audit entry is not the mint: {newest}");
    assert_eq!(newest["target_kind"], "transfer", "{newest}");
    assert_eq!(newest["details"]["minutes"], 100, "{newest}");

    // Only the community's dispatchers and admins read the pool.
    for token in [&w.dispatcher.token, &admin] {
        let p = pool(&app, token, &w.community_id).await;
        let p = p.expect_status(200).clone();
        assert_eq!(p["community_id"], w.community_id.as_str());
        assert_eq!((int_of(&p, "balance_minutes"), int_of(&p, "minted_minutes")), (100, 100), "{p}");
    }
    for who in [&other_dispatcher, &w.member, &w.resident] {
        let resp = pool(&app, &who.token, &w.community_id).await;
        assert!(matches!(resp.status, 403 | 404), "{} reads the pool: {}", who.id, resp.text);
    }

    // Credits come from the pool while it covers them, then are issued (and the pool stays).
    app.earn_by_wishes(&w, &w.member, 1).await;
    let p = pool(&app, &admin, &w.community_id).await.expect_status(200).clone();
    assert_eq!((int_of(&p, "balance_minutes"), int_of(&p, "credited_minutes")), (40, 60), "{p}");
    app.earn_by_wishes(&w, &w.member, 1).await;
    let p = pool(&app, &admin, &w.community_id).await.expect_status(200).clone();
    assert_eq!(int_of(&p, "balance_minutes"), 40, "a credit the pool cannot cover is issued: {p}");
    assert_eq!(app.assert_ledger_adds_up(&w.member.token).await["balance_minutes"], 2 * WISH_MINUTES);
    app.assert_ledger_sound().await;
}

/// The transfer that credited `wish` to `who`.
async fn credit_of(app: &TestApp, who: &Actor, wish: &str) -> String {
    let ledger = app.ledger(&who.token).await;
    let entry = ledger.iter().find(|e| e["wish_id"] == wish && e["kind"] == "wish_credit").expect("the wish's credit");
    str_of(entry, "transfer_id").to_owned()
}

async fn reverse(app: &TestApp, token: &str, transfer: &str) -> ApiResponse {
    let body = json!({"transfer_id": transfer, "reason": "误操作，冲正"});
    app.post("/api/v1/admin/time-bank/reversals", token, &body).await
}

#[tokio::test]
async fn an_admin_reverses_a_credit_once_and_a_reversal_never_overdraws() {
    let app = bank().await;
    let w = app.world().await;
    let admin = app.admin_token().await;
    let wishes = app.earn_by_wishes(&w, &w.member, 2).await;
    let (t1, t2) = (credit_of(&app, &w.member, &wishes[0]).await, credit_of(&app, &w.member, &wishes[1]).await);

    assert_error(&reverse(&app, &w.dispatcher.token, &t1).await, 403, "forbidden");
    assert_invalid_field(
        &app.post("/api/v1/admin/time-bank/reversals", &admin, &json!({"transfer_id": t1, "reason": ""})).await,
        "reason",
    );
    let reversal = reverse(&app, &admin, &t1).await;
    let reversal = reversal.expect_status(201).clone();
    assert_eq!((reversal["kind"].as_str(), int_of(&reversal, "minutes")), (Some("reversal"), 60), "{reversal}");
    let summary = app.assert_ledger_adds_up(&w.member.token).await;
    assert_eq!(int_of(&summary, "balance_minutes"), WISH_MINUTES, "{summary}");
    let newest = &app.ledger(&w.member.token).await[0];
    assert_eq!((newest["kind"].as_str(), int_of(newest, "minutes")), (Some("reversal"), -60), "{newest}");

    // Once only.
    let check = app.assert_ledger_sound().await;
    let twice = reverse(&app, &admin, &t1).await;
    assert_eq!(twice.status, 409, "a second reversal of one transfer: {}", twice.text);
    assert_eq!(app.balance(&w.member.token).await, WISH_MINUTES);
    assert_eq!(app.assert_ledger_sound().await.transfers, check.transfers);
    // A reversal of the reversal: refused, or a credit again, never anything else.
    let back = reverse(&app, &admin, str_of(&reversal, "id")).await;
    match back.status {
        201 => assert_eq!(app.balance(&w.member.token).await, 2 * WISH_MINUTES),
        409 | 422 => assert_eq!(app.balance(&w.member.token).await, WISH_MINUTES),
        s => panic!("reversing a reversal answered {s}: {}", back.text),
    }
    let balance = app.balance(&w.member.token).await;
    // An unknown transfer.
    let unknown = reverse(&app, &admin, "999999999").await;
    assert!(matches!(unknown.status, 404 | 422), "{}", unknown.text);

    // The member spends everything (a paid wish): the credit can no longer be taken back, and an
    // escrow hold is settled by its wish, never reversed.
    let paid = post_paid(&app, &w, &w.member, balance).await.expect_status(201).clone();
    let hold = app.ledger(&w.member.token).await[0].clone();
    assert_eq!(hold["kind"], "escrow_hold");
    let (before, ledger_before) = account(&app, &w.member).await;
    let check = app.assert_ledger_sound().await;
    assert_error(&reverse(&app, &admin, &t2).await, 409, "insufficient_hours");
    let held = reverse(&app, &admin, str_of(&hold, "transfer_id")).await;
    assert!(matches!(held.status, 409 | 422), "reversing an escrow hold: {}", held.text);
    assert_eq!(account(&app, &w.member).await, (before, ledger_before), "a refused reversal moved minutes");
    assert_eq!(app.assert_ledger_sound().await.transfers, check.transfers);
    // Once the hold is returned, the credit can be reversed.
    app.act_ok(&w.member.token, str_of(&paid, "id"), "cancel", json!({})).await;
    reverse(&app, &admin, &t2).await.expect_status(201);
    assert_eq!(app.assert_ledger_adds_up(&w.member.token).await["balance_minutes"], balance - WISH_MINUTES);
    app.assert_ledger_sound().await;
}

#[tokio::test]
async fn the_service_record_lists_each_service_as_json_and_csv_and_certificates_verify() {
    let app = bank().await;
    let w = app.world().await;
    let wishes = app.earn_by_wishes(&w, &w.member, 2).await;
    let mut titles = Vec::new();
    for id in &wishes {
        titles.push(str_of(app.get_wish(&w.member.token, id).await.expect_status(200), "title").to_owned());
    }

    let record = app.get("/api/v1/me/service-record", &w.member.token).await;
    let record = record.expect_status(200).clone();
    assert_eq!(record["holder"], json!({"id": w.member.id, "name": w.member.name}), "{record}");
    assert_eq!(int_of(&record, "total_minutes"), 2 * WISH_MINUTES);
    let items = array_of(&record, "items").clone();
    assert_eq!(items.len(), 2, "{items:?}");
    for (item, title) in items.iter().zip(titles.iter().rev()) {
        assert_eq!(str_of(item, "service"), title, "newest first: {items:?}");
        assert_eq!((item["source"].as_str(), int_of(item, "minutes")), (Some("wish"), WISH_MINUTES));
        for key in ["place", "recorded_by"] {
            assert!(!str_of(item, key).trim().is_empty(), "{key} in {item}");
        }
        for key in ["started_at", "ended_at", "credited_at"] {
            assert!(haolin_tests::is_rfc3339(str_of(item, key)), "{key} in {item}");
        }
        assert!(parse_time(str_of(item, "started_at")) <= parse_time(str_of(item, "ended_at")), "{item}");
    }
    assert_no_phones(&record.to_string(), &[w.member.phone.as_str(), w.resident.phone.as_str()], "the record");

    let csv = app.get("/api/v1/me/service-record.csv", &w.member.token).await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let ct = csv.header("content-type").unwrap_or_default();
    assert!(ct.starts_with("text/csv"), "content-type {ct}");
    assert!(csv.text.starts_with('\u{feff}'), "a BOM for Excel: {:?}", csv.text.get(..12));
    let lines: Vec<&str> = csv.text.trim_start_matches('\u{feff}').lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 3, "a header and one line per service: {lines:?}");
    assert!(!titles.iter().any(|t| lines[0].contains(t.as_str())), "the first line is a header: {lines:?}");
    for title in &titles {
        assert_eq!(lines.iter().filter(|l| l.contains(title.as_str())).count(), 1, "{title} once: {lines:?}");
    }

    // Nobody without service gets a certificate.
    let none = app.post("/api/v1/me/certificates", &w.resident.token, &json!({})).await;
    assert!(matches!(none.status, 409 | 422), "a certificate without service: {}", none.text);
    let cert = app.post("/api/v1/me/certificates", &w.member.token, &json!({})).await;
    let cert = cert.expect_status(201).clone();
    let number = str_of(&cert, "number").to_owned();
    assert!(number.starts_with("HL-") && number.matches('-').count() >= 2, "{number}");
    assert_eq!(str_of(&cert, "holder_name"), w.member.name);
    assert_eq!((int_of(&cert, "total_minutes"), int_of(&cert, "services")), (2 * WISH_MINUTES, 2), "{cert}");
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y-%m-%d").to_string();
    assert_eq!(str_of(&cert, "issued_on"), today);
    assert!(str_of(&cert, "verify_url").ends_with(&format!("/verify/{number}")), "{cert}");
    assert!(str_of(&cert, "qr_svg").contains("<svg"));

    // Anyone verifies it, without signing in: the name masked.
    let seen = app.get_anon(&format!("/api/v1/certificates/{number}")).await;
    let seen = seen.expect_status(200).clone();
    assert_eq!(seen["genuine"], true);
    assert_eq!(str_of(&seen, "number"), number);
    let masked = str_of(&seen, "holder_name").to_owned();
    assert_ne!(masked, w.member.name, "the name is masked");
    assert!(masked.contains('*'), "{masked}");
    assert_eq!(masked.chars().next(), w.member.name.chars().next(), "{masked}");
    assert_eq!((int_of(&seen, "total_minutes"), str_of(&seen, "issued_on")), (2 * WISH_MINUTES, today.as_str()));
    assert_no_phones(&seen.to_string(), &[w.member.phone.as_str()], "the verification");
    let page = app.get_anon(&format!("/verify/{number}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.header("content-type").unwrap_or_default().starts_with("text/html"));
    assert!(page.text.contains(&masked), "the page shows the masked name: {}", page.text);
    assert!(page.text.contains('真') && !page.text.contains("无效"), "the page says it is genuine: {}", page.text);
    assert!(!page.text.contains(&w.member.name), "the page shows the full name");

    // Forged numbers: 404, and the page says so.
    let (head, signature) = number.rsplit_once('-').unwrap();
    let flipped: String =
        signature.chars().enumerate().map(|(i, c)| if i == 0 { if c == 'A' { 'B' } else { 'A' } } else { c }).collect();
    let id: i64 = head.trim_start_matches("HL-").parse().expect("HL-{id}-…");
    let forged = [
        format!("{head}-{flipped}"),
        format!("HL-{}-{signature}", id + 1),
        "HL-1-0000".to_owned(),
        "nonsense".to_owned(),
    ];
    for f in &forged {
        assert_error(&app.get_anon(&format!("/api/v1/certificates/{f}")).await, 404, "not_found");
        let page = app.get_anon(&format!("/verify/{f}")).await;
        assert!(page.status == 404 || page.status == 200, "{f}: {}", page.status);
        assert!(
            ["不是", "无效", "伪", "不真实", "未找到"].iter().any(|w| page.text.contains(w)),
            "the page for {f} does not say it is not genuine: {}",
            page.text
        );
        assert!(!page.text.contains(&masked), "{f} shows a holder");
    }

    // More service later: the certificate keeps the total it was issued with.
    app.earn_by_wishes(&w, &w.member, 1).await;
    let seen = app.get_anon(&format!("/api/v1/certificates/{number}")).await;
    assert_eq!(int_of(seen.expect_status(200), "total_minutes"), 2 * WISH_MINUTES);
    app.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_credit_stops_at_the_cap_and_a_gift_past_the_receivers_cap_is_refused() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_TIME_BANK__CAP_HOURS", "2")
            .set("HAOLIN_TIME_BANK__STAR_HOURS", "1,2")
            .set("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "1000");
    })
    .await;
    let w = app.world().await;
    // Three wishes of an hour: the third finds the account full; the wish is confirmed all the
    // same and nothing goes over the cap.
    let wishes = app.earn_by_wishes(&w, &w.member, 3).await;
    assert_eq!(app.get_wish(&w.resident.token, &wishes[2]).await.body["status"], "confirmed");
    let summary = app.assert_ledger_adds_up(&w.member.token).await;
    assert_eq!(int_of(&summary, "cap_minutes"), 120, "{summary}");
    assert_eq!(int_of(&summary, "balance_minutes"), 120, "nothing over the cap: {summary}");
    assert_eq!(int_of(&summary, "star"), 2, "stars by the configured hours: {summary}");
    assert!(summary["next_star_minutes"].is_null(), "no star above the top: {summary}");

    // A gift past the receiver's cap: 409 with the room left, nothing written.
    app.earn_by_wishes(&w, &w.member2, 1).await;
    let link = family(&app, &w.member, &w.member2, "spouse", None).await;
    let (giver, giver_ledger) = account(&app, &w.member).await;
    let (receiver, receiver_ledger) = account(&app, &w.member2).await;
    let over = gift(&app, &w.member, &link, 61).await;
    assert_eq!(assert_error(&over, 409, "hours_limit_reached")["max"], 60, "{}", over.text);
    assert_eq!(account(&app, &w.member).await, (giver, giver_ledger));
    assert_eq!(account(&app, &w.member2).await, (receiver, receiver_ledger));
    gift(&app, &w.member, &link, 60).await.expect_status(201);
    assert_eq!(app.balance(&w.member2.token).await, 120);
    app.assert_ledger_adds_up(&w.member.token).await;
    app.assert_ledger_adds_up(&w.member2.token).await;
    app.assert_ledger_sound().await;
}

// ---- the property test ------------------------------------------------------------------------

mod model {
    //! Random sequences of time-bank operations over HTTP on one real server, against a model of
    //! the two members' balances, escrow and the community's pool (`credit_source = pool`).

    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    #[derive(Debug, Clone)]
    enum Op {
        /// The admin mints this many hours into the pool.
        Mint(i64),
        /// Member `i` fulfils a wish the resident confirms.
        WishCredit(usize),
        /// Member `i` gives minutes to the other.
        Gift(usize, i64),
        /// Member `i` posts a wish paying minutes.
        PaidPost(usize, i64),
        /// The payer cancels one of the live paid wishes (by index, modulo).
        PaidCancel(usize),
        /// The other member fulfils one of the live paid wishes and the payer confirms.
        PaidConfirm(usize),
        /// The admin reverses one of the credits or gifts not reversed yet (by index, modulo).
        Reverse(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            1 => (1i64..=5).prop_map(|h| Op::Mint(h * 60)),
            3 => (0usize..2).prop_map(Op::WishCredit),
            2 => ((0usize..2), (1i64..=30)).prop_map(|(i, m)| Op::Gift(i, m)),
            2 => ((0usize..2), (1i64..=90)).prop_map(|(i, m)| Op::PaidPost(i, m)),
            1 => (0usize..8).prop_map(Op::PaidCancel),
            1 => (0usize..8).prop_map(Op::PaidConfirm),
            1 => (0usize..8).prop_map(Op::Reverse),
        ]
    }

    /// A credit or gift that may be reversed: its transfer, who received it, who gets it back.
    #[derive(Debug, Clone)]
    struct Reversible {
        transfer: String,
        minutes: i64,
        to: usize,
        /// The member it came from, or `None` for the pool (`Some(true)` in `from_pool`) or the
        /// issue account.
        from: Option<usize>,
        from_pool: bool,
    }

    #[derive(Debug, Default)]
    struct Model {
        balance: [i64; 2],
        held: [i64; 2],
        gifted: [i64; 2],
        pool: i64,
        minted: i64,
        /// Live paid wishes: (id, payer, minutes).
        live: Vec<(String, usize, i64)>,
        reversible: Vec<Reversible>,
    }

    struct Case<'a> {
        app: &'a TestApp,
        w: &'a World,
        admin: String,
        members: [Actor; 2],
        links: [String; 2],
        m: Model,
    }

    impl Case<'_> {
        async fn apply(&mut self, op: &Op) {
            let app = self.app;
            match *op {
                Op::Mint(minutes) => {
                    let body = json!({"community_id": self.w.community_id, "minutes": minutes, "reason": "模型测试"});
                    app.post("/api/v1/admin/time-bank/mint", &self.admin, &body).await.expect_status(201);
                    self.m.pool += minutes;
                    self.m.minted += minutes;
                }
                Op::WishCredit(i) => {
                    let member = self.members[i].clone();
                    let id = app.earn_by_wishes(self.w, &member, 1).await.remove(0);
                    let transfer = credit_of(app, &member, &id).await;
                    let from_pool = self.m.pool >= WISH_MINUTES;
                    if from_pool {
                        self.m.pool -= WISH_MINUTES;
                    }
                    self.m.balance[i] += WISH_MINUTES;
                    self.m.reversible.push(Reversible {
                        transfer,
                        minutes: WISH_MINUTES,
                        to: i,
                        from: None,
                        from_pool,
                    });
                }
                Op::Gift(i, minutes) => {
                    let resp = gift(app, &self.members[i], &self.links[i], minutes).await;
                    if self.m.gifted[i] + minutes > GIFT_DAILY {
                        assert_error(&resp, 409, "hours_limit_reached");
                    } else if self.m.balance[i] < minutes {
                        assert_error(&resp, 409, "insufficient_hours");
                    } else {
                        let t = resp.expect_status(201);
                        self.m.balance[i] -= minutes;
                        self.m.balance[1 - i] += minutes;
                        self.m.gifted[i] += minutes;
                        self.m.reversible.push(Reversible {
                            transfer: str_of(t, "id").to_owned(),
                            minutes,
                            to: 1 - i,
                            from: Some(i),
                            from_pool: false,
                        });
                    }
                }
                Op::PaidPost(i, minutes) => {
                    let resp = post_paid(app, self.w, &self.members[i], minutes).await;
                    if self.m.balance[i] < minutes {
                        assert_error(&resp, 409, "insufficient_hours");
                    } else {
                        let wish = resp.expect_status(201);
                        self.m.balance[i] -= minutes;
                        self.m.held[i] += minutes;
                        self.m.live.push((str_of(wish, "id").to_owned(), i, minutes));
                    }
                }
                Op::PaidCancel(k) if !self.m.live.is_empty() => {
                    let (id, i, minutes) = self.m.live.remove(k % self.m.live.len());
                    app.act_ok(&self.members[i].token, &id, "cancel", json!({})).await;
                    self.m.balance[i] += minutes;
                    self.m.held[i] -= minutes;
                }
                Op::PaidConfirm(k) if !self.m.live.is_empty() => {
                    let (id, i, minutes) = self.m.live.remove(k % self.m.live.len());
                    let (payer, doer) = (self.members[i].clone(), self.members[1 - i].clone());
                    app.act_ok(&self.w.dispatcher.token, &id, "approve", json!({})).await;
                    app.act_ok(&doer.token, &id, "claim", json!({})).await;
                    app.act_ok(&doer.token, &id, "fulfil", json!({"note": "办好了"})).await;
                    app.act_ok(&payer.token, &id, "confirm", json!({"rating": 5})).await;
                    self.m.held[i] -= minutes;
                    self.m.balance[1 - i] += minutes;
                }
                Op::Reverse(k) if !self.m.reversible.is_empty() => {
                    let r = self.m.reversible.remove(k % self.m.reversible.len());
                    let resp = reverse(app, &self.admin, &r.transfer).await;
                    if self.m.balance[r.to] < r.minutes {
                        assert_error(&resp, 409, "insufficient_hours");
                        // Still reversible later.
                        self.m.reversible.push(r);
                    } else {
                        resp.expect_status(201);
                        self.m.balance[r.to] -= r.minutes;
                        match r.from {
                            Some(giver) => self.m.balance[giver] += r.minutes,
                            None if r.from_pool => self.m.pool += r.minutes,
                            None => {}
                        }
                    }
                }
                Op::PaidCancel(_) | Op::PaidConfirm(_) | Op::Reverse(_) => {}
            }
        }

        async fn check(&self, after: &str) {
            let app = self.app;
            for (i, member) in self.members.iter().enumerate() {
                let summary = app.assert_ledger_adds_up(&member.token).await;
                assert_eq!(
                    (int_of(&summary, "balance_minutes"), int_of(&summary, "held_minutes")),
                    (self.m.balance[i], self.m.held[i]),
                    "member {i} after {after}: {summary}; model {:?}",
                    self.m
                );
                assert_eq!(int_of(&summary, "gift_left_today_minutes"), GIFT_DAILY - self.m.gifted[i], "{after}");
            }
            let p = pool(app, &self.admin, &self.w.community_id).await;
            let p = p.expect_status(200);
            assert_eq!(
                (int_of(p, "balance_minutes"), int_of(p, "minted_minutes")),
                (self.m.pool, self.m.minted),
                "the pool after {after}: {p}"
            );
            app.assert_ledger_sound().await;
        }
    }

    async fn run(app: &TestApp, w: &World, ops: &[Op]) {
        let admin = app.admin_token().await;
        let c = [w.community_id.as_str()];
        let members = [app.create_actor(&["member"], &c).await, app.create_actor(&["member"], &c).await];
        let links = [
            family(app, &members[0], &members[1], "spouse", None).await,
            family(app, &members[1], &members[0], "spouse", None).await,
        ];
        let p = pool(app, &admin, &w.community_id).await;
        let p = p.expect_status(200).clone();
        let m = Model { pool: int_of(&p, "balance_minutes"), minted: int_of(&p, "minted_minutes"), ..Model::default() };
        let mut case = Case { app, w, admin, members, links, m };
        for (k, op) in ops.iter().enumerate() {
            case.apply(op).await;
            case.check(&format!("operation {k} ({op:?}) of {ops:?}")).await;
        }
    }

    #[test]
    fn random_time_bank_operations_keep_the_ledger_sound_and_agree_with_a_model() {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let app = rt.block_on(spawn_app_with(|env| {
            env.set("HAOLIN_TIME_BANK__CREDIT_SOURCE", "pool").set("HAOLIN_WISHES__MAX_LIVE_CLAIMS", "100000");
        }));
        let w = rt.block_on(app.world());
        let config = Config { cases: 4, failure_persistence: None, max_shrink_iters: 16, ..Config::default() };
        let mut runner = TestRunner::new(config);
        let result = runner.run(&prop::collection::vec(op(), 12..=20), |ops| {
            rt.block_on(run(&app, &w, &ops));
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        rt.block_on(app.assert_ledger_sound());
    }
}
