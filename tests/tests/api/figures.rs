//! Figures for leaders (docs/FIGURES.md): after a scripted history (a lost race, a release, a
//! rejection, a cancellation, an expiry, an auto-confirmation, a check-in), a place's figures at
//! every level equal a recount of the event log read through the API; the same figures come back
//! once the job has summed the day, and while it sums today as it goes; members' workload; who may
//! read what.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use haolin_tests::{
    Actor, TestApp, assert_error, assert_invalid_field, int_of, run_sql, spawn_app_with, str_of, testing_postgres,
};
use serde_json::{Value, json};

/// `BUCKET_SQL` of `store/figures.rs`, as docs/FIGURES.md states it.
fn bucket(s: i64) -> i64 {
    match s {
        ..0 => 0,
        0..60 => s,
        60..3600 => s / 60 * 60,
        3600..86400 => s / 600 * 600,
        86400..604800 => s / 3600 * 3600,
        _ => s / 21600 * 21600,
    }
}

/// The nearest-rank percentile of durations (seconds, bucketed).
fn percentile(values: &[i64], p: usize) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut v: Vec<i64> = values.iter().map(|s| bucket(*s)).collect();
    v.sort_unstable();
    let rank = (p * v.len()).div_ceil(100).max(1);
    Some(v[rank - 1])
}

fn ms(rfc3339: &str) -> i64 {
    DateTime::parse_from_rfc3339(rfc3339).unwrap_or_else(|e| panic!("bad time {rfc3339}: {e}")).timestamp_millis()
}

fn today() -> String {
    Utc::now().with_timezone(&FixedOffset::east_opt(8 * 3600).expect("offset")).format("%Y-%m-%d").to_string()
}

/// What the event log of `wishes` says, as the figures count it.
#[derive(Debug, Default, Clone, PartialEq)]
struct Recount {
    counts: BTreeMap<&'static str, i64>,
    claim_seconds: Vec<i64>,
    confirm_seconds: Vec<i64>,
}

async fn recount(app: &TestApp, dispatcher: &Actor, wishes: &[String]) -> Recount {
    let mut r = Recount::default();
    for key in [
        "posted",
        "approved",
        "rejected",
        "claimed",
        "fulfilled",
        "confirmed",
        "auto_confirmed",
        "cancelled",
        "expired",
        "released",
        "revoked",
        "ratings",
        "rating_sum",
    ] {
        r.counts.insert(key, 0);
    }
    for id in wishes {
        let wish = app.get_wish(&dispatcher.token, id).await.expect_status(200).clone();
        let posted = ms(str_of(&wish, "created_at"));
        let mut taken = false;
        for ev in app.events(&dispatcher.token, id).await {
            let at = ms(str_of(&ev, "at"));
            let key = match str_of(&ev, "action") {
                "post" => "posted",
                "approve" => "approved",
                "reject" => "rejected",
                "claim" | "accept" => {
                    if !taken {
                        r.claim_seconds.push((at - posted) / 1000);
                        taken = true;
                    }
                    "claimed"
                }
                "fulfil" => "fulfilled",
                "confirm" | "auto_confirm" => {
                    r.confirm_seconds.push((at - posted) / 1000);
                    if str_of(&ev, "action") == "auto_confirm" {
                        *r.counts.entry("auto_confirmed").or_default() += 1;
                    } else if let Some(rating) = wish["rating"].as_i64() {
                        *r.counts.entry("ratings").or_default() += 1;
                        *r.counts.entry("rating_sum").or_default() += rating;
                    }
                    "confirmed"
                }
                "cancel" => "cancelled",
                "expire" => "expired",
                "release" => "released",
                "revoke" => "revoked",
                _ => continue,
            };
            *r.counts.entry(key).or_default() += 1;
        }
    }
    r
}

/// Checks a figures row against a recount (`checkins` and `service_minutes` given apart).
fn assert_row(row: &Value, r: &Recount, checkins: i64, service_minutes: i64, what: &str) {
    for (key, n) in &r.counts {
        if *key == "rating_sum" {
            continue;
        }
        assert_eq!(int_of(row, key), *n, "{what}: {key} in {row}");
    }
    let ratings = r.counts["ratings"];
    let avg = (ratings > 0).then(|| (r.counts["rating_sum"] as f64 / ratings as f64 * 100.0).round() / 100.0);
    assert_eq!(row["rating_avg"].as_f64(), avg, "{what}: rating_avg in {row}");
    let confirmed = r.counts["confirmed"];
    let share =
        (confirmed > 0).then(|| (r.counts["auto_confirmed"] as f64 / confirmed as f64 * 10_000.0).round() / 10_000.0);
    assert_eq!(row["auto_confirmed_share"].as_f64(), share, "{what}: auto_confirmed_share in {row}");
    assert_eq!(row["claim_p50_seconds"].as_i64(), percentile(&r.claim_seconds, 50), "{what}: claim p50 in {row}");
    assert_eq!(row["claim_p90_seconds"].as_i64(), percentile(&r.claim_seconds, 90), "{what}: claim p90 in {row}");
    assert_eq!(row["confirm_p50_seconds"].as_i64(), percentile(&r.confirm_seconds, 50), "{what}: confirm p50");
    assert_eq!(row["confirm_p90_seconds"].as_i64(), percentile(&r.confirm_seconds, 90), "{what}: confirm p90");
    assert_eq!(int_of(row, "checkins"), checkins, "{what}: checkins in {row}");
    assert_eq!(int_of(row, "service_minutes"), service_minutes, "{what}: service_minutes in {row}");
}

async fn figures(app: &TestApp, token: &str, place: &Value, day: &str) -> Value {
    let path = format!("/api/v1/figures?place={}&from={day}&to={day}", str_of(place, "id"));
    app.get(&path, token).await.expect_status(200).clone()
}

async fn wish_in(app: &TestApp, resident: &Actor, community: &Value, grid: Option<&Value>) -> String {
    let mut body = app.wish_body(str_of(community, "id"));
    if let Some(grid) = grid {
        body["grid_id"] = grid["id"].clone();
    }
    let resp = app.post("/api/v1/wishes", &resident.token, &body).await;
    str_of(resp.expect_status(201), "id").to_owned()
}

/// The minutes credited to `who` for service, from their own ledger.
async fn credited(app: &TestApp, who: &Actor) -> i64 {
    let page = app.get("/api/v1/me/time-bank/ledger?limit=100", &who.token).await.expect_status(200).clone();
    page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|e| matches!(e["kind"].as_str(), Some("wish_credit" | "activity_credit" | "escrow_pay")))
                .map(|e| int_of(e, "minutes"))
                .sum()
        })
        .unwrap_or(0)
}

/// Forgets every summary, as moving a place does: the job sums the (rewritten) history again.
const FORGET_SUMMARIES: &str = "DELETE FROM figure_days; DELETE FROM figure_day_durations; \
     DELETE FROM figure_member_days; DELETE FROM figure_months; DELETE FROM figure_month_durations; \
     DELETE FROM figure_member_months; UPDATE figure_watermark SET day = 0, partial_upto = 0 WHERE id = 1;";

/// Ages every recorded time by `days` days, as if the history had happened that long ago (the log
/// is append-only for the server; the test lifts that for its own database), and runs `then` in
/// the same transaction (the summaries must follow the rewritten history).
fn age_by_days(database_url: &str, days: i64, then: &str) {
    let day = 86_400_000 * days;
    let updates = format!(
        "UPDATE wishes SET created_at = created_at - {day}, updated_at = updated_at - {day}, \
           claim_expires_at = claim_expires_at - {day}, fulfilled_at = fulfilled_at - {day}; \
         UPDATE wish_events SET at = at - {day}; \
         UPDATE checkins SET created_at = created_at - {day}, decided_at = decided_at - {day}; \
         UPDATE ledger_transfers SET at = at - {day}; \
         UPDATE ledger_movements SET at = at - {day};"
    );
    if testing_postgres() {
        let tables = ["wish_events", "ledger_transfers", "ledger_movements"];
        let off: String = tables.iter().map(|t| format!("ALTER TABLE {t} DISABLE TRIGGER USER; ")).collect();
        let on: String = tables.iter().map(|t| format!("ALTER TABLE {t} ENABLE TRIGGER USER; ")).collect();
        run_sql(database_url, &format!("BEGIN; {off} {updates} {on} {then} COMMIT;"));
    } else {
        let triggers: String =
            ["wish_events_no_update", "ledger_transfers_append_only", "ledger_movements_append_only"]
                .iter()
                .map(|t| format!("DROP TRIGGER IF EXISTS {t}; "))
                .collect();
        run_sql(database_url, &format!("BEGIN; {triggers} {updates} {then} COMMIT;"));
    }
}

struct Street {
    district: Value,
    street: Value,
    community: Value,
    grid: Value,
    other_community: Value,
    dispatcher: Actor,
    other_dispatcher: Actor,
    member: Actor,
    member2: Actor,
    resident: Actor,
}

async fn street(app: &TestApp) -> Street {
    let [district, street, community, grid, _] = app.small_tree().await;
    let other_community = app.create_place("community", "幸福社区", Some(str_of(&street, "id")), json!({})).await;
    let c = [str_of(&community, "id")];
    let dispatcher = app.create_actor(&["dispatcher"], &c).await;
    let other_dispatcher = app.create_actor(&["dispatcher"], &[str_of(&other_community, "id")]).await;
    let member = app.create_actor(&["member"], &c).await;
    let member2 = app.create_actor(&["member"], &c).await;
    let resident = app.register_resident().await;
    Street {
        district,
        street,
        community,
        grid,
        other_community,
        dispatcher,
        other_dispatcher,
        member,
        member2,
        resident,
    }
}

#[tokio::test]
async fn figures_equal_a_recount_of_the_log_at_every_level_and_again_once_the_day_is_summed() {
    let mut app = spawn_app_with(|env| {
        env.set("HAOLIN_WISHES__CLAIM_TTL", "5s")
            .set("HAOLIN_WISHES__AUTO_CONFIRM_AFTER", "3s")
            .set("HAOLIN_JOBS__INTERVAL", "100ms");
    })
    .await;
    let s = street(&app).await;
    let (d, m1, m2, res) = (&s.dispatcher, &s.member, &s.member2, &s.resident);
    let mut ids = Vec::new();

    // w1: approved, claimed by two members at once (one loses the race), fulfilled, confirmed with 4 stars.
    let w1 = wish_in(&app, res, &s.community, Some(&s.grid)).await;
    app.act_ok(&d.token, &w1, "approve", json!({})).await;
    let (a, b) = tokio::join!(app.act(&m1.token, &w1, "claim", json!({})), app.act(&m2.token, &w1, "claim", json!({})));
    assert_eq!([a.status, b.status].iter().filter(|s| **s == 200).count(), 1, "one claim wins: {} {}", a.text, b.text);
    let holder = if a.status == 200 { m1 } else { m2 };
    app.act_ok(&holder.token, &w1, "fulfil", json!({"note": "已经送到"})).await;
    app.act_ok(&res.token, &w1, "confirm", json!({"rating": 4})).await;
    ids.push(w1);
    // w2: rejected.
    let w2 = wish_in(&app, res, &s.community, Some(&s.grid)).await;
    app.act_ok(&d.token, &w2, "reject", json!({"reason": "不属于服务范围"})).await;
    ids.push(w2);
    // w3: claimed by the second member, released, claimed by the first, fulfilled, auto-confirmed later.
    let w3 = wish_in(&app, res, &s.community, None).await;
    app.act_ok(&d.token, &w3, "approve", json!({})).await;
    app.act_ok(&m2.token, &w3, "claim", json!({})).await;
    app.act_ok(&m2.token, &w3, "release", json!({"reason": "临时有事"})).await;
    app.act_ok(&m1.token, &w3, "claim", json!({})).await;
    app.act_ok(&m1.token, &w3, "fulfil", json!({"note": "完成"})).await;
    ids.push(w3.clone());
    // w4: claimed by the first member and left to expire.
    let w4 = wish_in(&app, res, &s.community, Some(&s.grid)).await;
    app.act_ok(&d.token, &w4, "approve", json!({})).await;
    app.act_ok(&m1.token, &w4, "claim", json!({})).await;
    ids.push(w4.clone());
    // w5: cancelled by the resident; w6: still waiting for review.
    let w5 = wish_in(&app, res, &s.community, None).await;
    app.act_ok(&d.token, &w5, "approve", json!({})).await;
    app.act_ok(&res.token, &w5, "cancel", json!({"reason": "不需要了"})).await;
    ids.push(w5);
    ids.push(wish_in(&app, res, &s.community, None).await);
    // A check-in filed to the community.
    let newcomer = app.register_resident().await;
    let body = json!({"community_id": s.community["id"], "certificate_no": "FWZ-2026-0001", "letter_ref": "钟组介〔2026〕12号"});
    app.post("/api/v1/checkins", &newcomer.token, &body).await.expect_status(201);
    // The other community of the street: one wish, counted by the street and the district only.
    let other = wish_in(&app, res, &s.other_community, None).await;

    app.eventually(Duration::from_secs(20), "the job auto-confirms w3 and expires w4", || async {
        let w3 = app.get_wish(&d.token, &w3).await.body.clone();
        let w4 = app.events(&d.token, &w4).await;
        (w3["status"] == "confirmed" && w4.iter().any(|e| e["action"] == "expire")).then_some(())
    })
    .await;

    let day = today();
    let here = recount(&app, d, &ids).await;
    let minutes = credited(&app, m1).await + credited(&app, m2).await;
    assert!(minutes > 0, "confirmed wishes credit their member");
    assert_eq!(here.counts["expired"], 1);
    assert_eq!(here.counts["auto_confirmed"], 1);
    assert_eq!(here.counts["released"], 1);
    let community = figures(&app, &d.token, &s.community, &day).await;
    assert_eq!(community["place"]["id"], s.community["id"]);
    assert_eq!(community["months"].as_array().map(Vec::len), Some(1), "one month: {community}");
    assert_row(&community["total"], &here, 1, minutes, "community total");
    assert_row(&community["months"][0], &here, 1, minutes, "community month");
    assert!(community["total"]["orders"].is_object(), "a community has its work-order scorecard");

    // The grid counts its own wishes (w1, w2, w4), no check-in (they are filed to communities).
    let in_grid: Vec<String> = [0, 1, 3].iter().map(|i| ids[*i].clone()).collect();
    let grid = figures(&app, &d.token, &s.grid, &day).await;
    let grid_recount = recount(&app, d, &in_grid).await;
    assert_eq!(int_of(&grid["total"], "posted"), 3);
    for key in ["claimed", "fulfilled", "confirmed", "expired", "rejected"] {
        assert_eq!(int_of(&grid["total"], key), grid_recount.counts[key], "grid {key}");
    }

    // The street and the district add the other community's wish.
    let admin = app.admin_token().await;
    let mut with_other = ids.clone();
    with_other.push(other);
    let wide = recount(&app, &Actor { token: admin.clone(), ..d.clone() }, &with_other).await;
    for place in [&s.street, &s.district] {
        let f = figures(&app, &admin, place, &day).await;
        assert_row(&f["total"], &wide, 1, minutes, "street/district");
    }
    let district = figures(&app, &admin, &s.district, &day).await;
    assert!(district["total"]["orders"].is_null(), "a district has no work-order scorecard");

    // Workload: the busiest member first.
    let path = format!("/api/v1/figures/workload?place={}&from={day}&to={day}", str_of(&s.community, "id"));
    let load = app.get(&path, &d.token).await.expect_status(200).clone();
    let members = load["members"].as_array().expect("members");
    let m1_claims = 2 + i64::from(holder.id == m1.id);
    assert_eq!(members[0]["member"]["id"], json!(m1.id), "the busiest first: {load}");
    assert_eq!(int_of(&members[0]["load"], "claimed"), m1_claims);
    assert_eq!(int_of(&members[0]["load"], "expired"), 1);
    assert!(members[0]["member"].get("phone").is_none(), "names only");
    let m2_line = members.iter().find(|m| m["member"]["id"] == json!(m2.id)).expect("the second member");
    assert_eq!(int_of(&m2_line["load"], "released"), 1);
    assert_eq!(int_of(&load["distribution"], "claimed"), here.counts["claimed"]);
    assert_eq!(int_of(&load["distribution"], "active_members"), 2);
    assert_eq!(int_of(&load["distribution"], "half_load_members"), 1);
    let mine = app.get(&format!("/api/v1/me/workload?from={day}&to={day}"), &m1.token).await.expect_status(200).clone();
    assert_eq!(mine["total"], members[0]["load"], "a member's own figures are their workload line");

    // Once the day is over and summed, the same figures come back from the summary.
    age_by_days(&app.database_url, 1, FORGET_SUMMARIES);
    app.restart().await;
    let yesterday =
        DateTime::parse_from_rfc3339(&format!("{day}T12:00:00+08:00")).expect("day") - chrono::Duration::days(1);
    let yesterday = yesterday.format("%Y-%m-%d").to_string();
    // Until the job has summed the day, the figures count it from the log: wait for the watermark
    // to move first, then read.
    let summed = app
        .eventually(Duration::from_secs(30), "the job to sum yesterday and move the watermark", || async {
            let watermark = haolin_tests::query_sql(&app.database_url, "SELECT day FROM figure_watermark");
            if watermark.is_empty() || watermark[0][0] == "0" {
                return None;
            }
            let f = figures(&app, &d.token, &s.community, &yesterday).await;
            (int_of(&f["total"], "posted") > 0).then_some(f)
        })
        .await;
    let mut before = community["total"].clone();
    let mut after = summed["total"].clone();
    before["orders"] = Value::Null;
    after["orders"] = Value::Null;
    assert_eq!(after, before, "the summed day equals the day counted from the log");
    let path = format!("/api/v1/figures/workload?place={}&from={yesterday}&to={yesterday}", str_of(&s.community, "id"));
    let summed_load = app.get(&path, &d.token).await.expect_status(200).clone();
    assert_eq!(summed_load["members"], load["members"]);
    assert_eq!(summed_load["distribution"], load["distribution"]);
    for place in [&s.street, &s.district] {
        let f = figures(&app, &admin, place, &yesterday).await;
        assert_row(&f["total"], &wide, 1, minutes, "summed street/district");
    }
    // Today has nothing yet.
    let now = figures(&app, &d.token, &s.community, &day).await;
    assert_eq!(int_of(&now["total"], "posted"), 0);

    // Two months back, summed afresh: a whole finished month is read from the month sums, the
    // days of a partial month from the day sums, and every way of asking gives the same answer.
    age_by_days(&app.database_url, 61, FORGET_SUMMARIES);
    app.restart().await;
    let then = chrono::NaiveDate::parse_from_str(&yesterday, "%Y-%m-%d").expect("day") - chrono::Duration::days(61);
    let first = then.with_day(1).expect("first day");
    let next = first.checked_add_months(chrono::Months::new(1)).expect("next month");
    let last = next.pred_opt().expect("last day");
    let earlier = first.checked_sub_months(chrono::Months::new(1)).expect("month before") + chrono::Duration::days(14);
    let ranged = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
        format!("/api/v1/figures?place={}&from={from}&to={to}", str_of(&s.community, "id"))
    };
    let yesterday_date = chrono::NaiveDate::parse_from_str(&yesterday, "%Y-%m-%d").expect("day");
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let summed_to = (yesterday_date - epoch).num_days().to_string();
    app.eventually(Duration::from_secs(60), "the job sums every day up to yesterday", || async {
        let w = haolin_tests::query_sql(&app.database_url, "SELECT day FROM figure_watermark");
        (w[0][0] == summed_to).then_some(())
    })
    .await;
    let months = haolin_tests::query_sql(&app.database_url, "SELECT COUNT(*) FROM figure_months");
    assert!(months[0][0] != "0", "the job added the days to their months");
    let whole_month = app.get(&ranged(first, last), &d.token).await.expect_status(200).clone();
    for (from, to, what) in [
        (first, last, "the whole month"),
        (then, then, "the day"),
        (earlier, then, "half a month and part of the next"),
        (earlier, yesterday_date, "half a month, whole months and days up to yesterday"),
    ] {
        let f = if (from, to) == (first, last) {
            whole_month.clone()
        } else {
            app.get(&ranged(from, to), &d.token).await.expect_status(200).clone()
        };
        let mut total = f["total"].clone();
        total["orders"] = Value::Null;
        assert_eq!(total, before, "{what} ({from} – {to}) equals the day counted from the log");
        let month = f["months"]
            .as_array()
            .expect("months")
            .iter()
            .find(|m| m["month"] == json!(then.format("%Y-%m").to_string()))
            .expect("the history's month")
            .clone();
        assert_eq!(int_of(&month, "posted"), int_of(&before, "posted"), "{what}: the history's month");
        let path = format!("/api/v1/figures/workload?place={}&from={from}&to={to}", str_of(&s.community, "id"));
        let load_then = app.get(&path, &d.token).await.expect_status(200).clone();
        assert_eq!(load_then["members"], load["members"], "{what}: the workload");
        let mine_then =
            app.get(&format!("/api/v1/me/workload?from={from}&to={to}"), &m1.token).await.expect_status(200).clone();
        assert_eq!(mine_then["total"], mine["total"], "{what}: a member's own figures");
    }
    for place in [&s.street, &s.district] {
        let path = format!("/api/v1/figures?place={}&from={first}&to={last}", str_of(place, "id"));
        let f = app.get(&path, &admin).await.expect_status(200).clone();
        assert_row(&f["total"], &wide, 1, minutes, "a whole month of the street/district");
    }
}

/// The watermark and how far the day after it is summed so far.
fn mark(app: &TestApp) -> (i64, i64) {
    let rows = haolin_tests::query_sql(&app.database_url, "SELECT day, partial_upto FROM figure_watermark");
    (rows[0][0].parse().expect("day"), rows[0][1].parse().expect("partial_upto"))
}

/// Waits until the job has summed today past every event recorded so far; returns the watermark.
async fn summed_so_far(app: &TestApp) -> i64 {
    let last = haolin_tests::query_sql(
        &app.database_url,
        "SELECT MAX(m) FROM (SELECT MAX(at) AS m FROM wish_events UNION ALL SELECT MAX(at) FROM ledger_transfers) x",
    );
    let last: i64 = last[0][0].parse().expect("the last event");
    app.eventually(Duration::from_secs(20), "the job sums today past the last event", || async {
        let (watermark, upto) = mark(app);
        (upto > last).then_some(watermark)
    })
    .await
}

/// What a community's dispatcher, an admin and a member read for `from ..= to`: the figures of the
/// community, its grid, the street and the district, the community's workload and the member's own.
async fn readings(app: &TestApp, s: &Street, admin: &str, from: &str, to: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for (place, token) in [
        (&s.community, s.dispatcher.token.as_str()),
        (&s.grid, s.dispatcher.token.as_str()),
        (&s.street, admin),
        (&s.district, admin),
    ] {
        let path = format!("/api/v1/figures?place={}&from={from}&to={to}", str_of(place, "id"));
        out.push(app.get(&path, token).await.expect_status(200)["total"].clone());
    }
    let path = format!("/api/v1/figures/workload?place={}&from={from}&to={to}", str_of(&s.community, "id"));
    let load = app.get(&path, &s.dispatcher.token).await.expect_status(200).clone();
    out.push(json!([load["members"], load["distribution"]]));
    let path = format!("/api/v1/me/workload?from={from}&to={to}");
    out.push(app.get(&path, &s.member.token).await.expect_status(200)["total"].clone());
    out
}

#[tokio::test]
async fn today_summed_so_far_by_the_job_reads_the_same_as_the_log_and_the_finished_day() {
    let app = spawn_app_with(|env| {
        env.set("HAOLIN_JOBS__INTERVAL", "100ms").set("HAOLIN_JOBS__FIGURES_SETTLE", "2s");
    })
    .await;
    let s = street(&app).await;
    let (d, m1, m2, res) = (&s.dispatcher, &s.member, &s.member2, &s.resident);
    let admin = app.admin_token().await;
    let day = today();

    // Some history: a wish confirmed with five stars (a credit to its member), a wish taken and
    // given back, a rejection.
    let w1 = wish_in(&app, res, &s.community, Some(&s.grid)).await;
    app.act_ok(&d.token, &w1, "approve", json!({})).await;
    app.act_ok(&m1.token, &w1, "claim", json!({})).await;
    app.act_ok(&m1.token, &w1, "fulfil", json!({"note": "送到了"})).await;
    app.act_ok(&res.token, &w1, "confirm", json!({"rating": 5})).await;
    let w2 = wish_in(&app, res, &s.community, Some(&s.grid)).await;
    app.act_ok(&d.token, &w2, "approve", json!({})).await;
    app.act_ok(&m2.token, &w2, "claim", json!({})).await;
    app.act_ok(&m2.token, &w2, "release", json!({"reason": "临时有事"})).await;
    let w3 = wish_in(&app, res, &s.community, None).await;
    app.act_ok(&d.token, &w3, "reject", json!({"reason": "不属于服务范围"})).await;
    // Read at once, mostly from the log (it settles for two seconds before the job sums it) …
    let from_the_log = readings(&app, &s, &admin, &day, &day).await;
    // … and again once the job has summed today past all of it: the same answers, from its rows.
    let watermark = summed_so_far(&app).await;
    let rows = haolin_tests::query_sql(
        &app.database_url,
        &format!(
            "SELECT posted, approved, rejected, claimed, released, confirmed, ratings FROM figure_days \
             WHERE place_id = {} AND day = {}",
            str_of(&s.community, "id"),
            watermark + 1
        ),
    );
    assert_eq!(rows, vec![vec!["3", "2", "1", "2", "1", "1", "1"]], "today's rows so far hold the history");
    assert_eq!(readings(&app, &s, &admin, &day, &day).await, from_the_log, "summed so far = counted from the log");

    // More after the rows: the answer is the rows plus the log after them, equal to a recount.
    app.act_ok(&m1.token, &w2, "claim", json!({})).await;
    let w4 = wish_in(&app, res, &s.community, Some(&s.grid)).await;
    app.act_ok(&d.token, &w4, "approve", json!({})).await;
    let ids = [w1.clone(), w2.clone(), w3.clone(), w4.clone()];
    let minutes = credited(&app, m1).await;
    assert!(minutes > 0, "the confirmed wish credited its member");
    let mixed = readings(&app, &s, &admin, &day, &day).await;
    assert_row(&mixed[0], &recount(&app, d, &ids).await, 0, minutes, "today so far and the log after it");
    summed_so_far(&app).await;
    let later = readings(&app, &s, &admin, &day, &day).await;
    assert_eq!(later, mixed, "the same once the job summed the rest");

    // The day ends with its rows summed so far: the job sums it afresh (the rows are replaced,
    // not added to) and the day reads the same.
    age_by_days(
        &app.database_url,
        1,
        "UPDATE figure_days SET day = day - 1; UPDATE figure_day_durations SET day = day - 1; \
         UPDATE figure_member_days SET day = day - 1; \
         UPDATE figure_watermark SET day = day - 1, partial_upto = partial_upto - 86400000 WHERE id = 1;",
    );
    let yesterday = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").expect("day") - chrono::Duration::days(1);
    let yesterday = yesterday.to_string();
    app.eventually(Duration::from_secs(20), "the job sums yesterday", || async {
        (mark(&app).0 >= watermark).then_some(())
    })
    .await;
    let summed = readings(&app, &s, &admin, &yesterday, &yesterday).await;
    let without_orders = |v: &[Value]| {
        v.iter()
            .map(|r| {
                let mut r = r.clone();
                if r.get("orders").is_some() {
                    r["orders"] = Value::Null;
                }
                r
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(without_orders(&summed), without_orders(&later), "the finished day equals the day so far");
    assert_eq!(int_of(&readings(&app, &s, &admin, &day, &day).await[0], "posted"), 0, "today has nothing yet");
}

#[tokio::test]
async fn each_role_reads_only_its_places_and_bad_ranges_are_refused() {
    let app = spawn_app_with(|_| {}).await;
    let s = street(&app).await;
    let day = today();
    let q = |place: &Value| format!("/api/v1/figures?place={}&from={day}&to={day}", str_of(place, "id"));

    // A dispatcher: their community and its grid; not the other community, the street or the district.
    app.get(&q(&s.community), &s.dispatcher.token).await.expect_status(200);
    app.get(&q(&s.grid), &s.dispatcher.token).await.expect_status(200);
    for place in [&s.other_community, &s.street, &s.district] {
        assert_error(&app.get(&q(place), &s.dispatcher.token).await, 404, "not_found");
    }
    assert_error(&app.get(&q(&s.community), &s.other_dispatcher.token).await, 404, "not_found");
    // Without a place: the caller's own.
    let own = app.get("/api/v1/figures", &s.dispatcher.token).await.expect_status(200).clone();
    assert_eq!(own["place"]["id"], s.community["id"]);
    assert_eq!(own["months"].as_array().map(Vec::len), Some(12), "the last twelve months by default");
    // A street officer: the street and everything in it, not the district.
    let officer = app.create_actor(&["street_officer"], &[]).await;
    app.grant_at(&officer.id, "street_officer", &s.street).await;
    for place in [&s.street, &s.community, &s.other_community, &s.grid] {
        app.get(&q(place), &officer.token).await.expect_status(200);
    }
    assert_error(&app.get(&q(&s.district), &officer.token).await, 404, "not_found");
    let picked = app.get("/api/v1/figures/places", &officer.token).await.expect_status(200).clone();
    assert_eq!(picked["places"][0]["id"], s.street["id"]);
    let under = app.get(&format!("/api/v1/figures/places?parent={}", str_of(&s.street, "id")), &officer.token).await;
    assert_eq!(under.expect_status(200)["places"].as_array().map(Vec::len), Some(2), "two communities");
    // An admin: everything.
    let admin = app.admin_token().await;
    app.get(&q(&s.district), &admin).await.expect_status(200);
    // Members and residents read no place, only their own figures.
    for who in [&s.member, &s.resident] {
        assert_error(&app.get(&q(&s.community), &who.token).await, 403, "forbidden");
        assert_error(&app.get("/api/v1/figures/workload", &who.token).await, 403, "forbidden");
        assert_error(&app.get("/api/v1/figures/places", &who.token).await, 403, "forbidden");
        app.get("/api/v1/me/workload", &who.token).await.expect_status(200);
    }
    assert_error(&app.get_anon("/api/v1/figures").await, 401, "missing_token");
    // Bad input.
    let token = &s.dispatcher.token;
    assert_invalid_field(&app.get("/api/v1/figures?from=2026-13-01", token).await, "from");
    assert_invalid_field(&app.get("/api/v1/figures?from=2026-05-02&to=2026-05-01", token).await, "from");
    assert_invalid_field(&app.get("/api/v1/figures?from=2020-01-01&to=2026-01-01", token).await, "to");
    assert_invalid_field(&app.get("/api/v1/figures?place=abc", token).await, "place");
    assert_invalid_field(&app.get("/api/v1/figures/workload?limit=0", token).await, "limit");
    assert_error(&app.get("/api/v1/figures?place=999999", token).await, 404, "not_found");
}

/// Property ratings (docs/PROPERTY.md) in the figures: a period counts in the month it ends (the
/// open period in the range's last month), at the community, street and district of its estate
/// (which it follows when the estate moves to another community); a grid has none.
#[tokio::test]
async fn property_ratings_count_at_their_estates_places_in_the_month_their_period_ends() {
    let app = spawn_app_with(|_| {}).await;
    let e = crate::property::estates(&app).await;
    let rate = |s: [i64; 5]| json!({"security": s[0], "cleaning": s[1], "greening": s[2], "orderly": s[3], "repair": s[4], "comment": null});
    let path = |estate: &str| format!("/api/v1/property/estates/{estate}/rating");
    app.put(&path(&e.estate_a), &e.resident_a.token, &rate([5, 4, 4, 3, 5])).await.expect_status(201);
    app.put(&path(&e.estate_b), &e.resident_b.token, &rate([2, 2, 3, 1, 2])).await.expect_status(201);

    let community_a = str_of(&e.grid_a, "parent_id").to_owned();
    let day = today();
    let month = day[..7].to_owned();
    let read = |place: String, token: String, from: String, to: String| {
        let app = &app;
        async move {
            let path = format!("/api/v1/figures?place={place}&from={from}&to={to}");
            app.get(&path, &token).await.expect_status(200).clone()
        }
    };
    let first = format!("{month}-01");
    let a = read(community_a.clone(), e.dispatcher_a.token.clone(), first.clone(), day.clone()).await;
    let expected_a = json!({"raters": 1, "star_avg": 4.2, "satisfaction": 0.8});
    assert_eq!(a["total"]["property"], expected_a, "community A: {a}");
    let this_month = a["months"].as_array().expect("months").last().expect("a month").clone();
    assert_eq!(this_month["month"], json!(month));
    assert_eq!(this_month["property"], expected_a, "the open period counts in the range's last month");

    let admin = app.admin_token().await;
    let place = app.get(&format!("/api/v1/places/{community_a}"), &admin).await.expect_status(200).clone();
    let street = str_of(&place, "parent_id").to_owned();
    let s = read(street.clone(), e.officer.token.clone(), first.clone(), day.clone()).await;
    assert_eq!(s["total"]["property"], json!({"raters": 2, "star_avg": 3.1, "satisfaction": 0.4}), "street: {s}");

    let grid = read(str_of(&e.grid_a, "id").to_owned(), e.dispatcher_a.token.clone(), first.clone(), day.clone()).await;
    assert!(grid["total"]["property"].is_null(), "a grid has no property figures: {grid}");

    // A changed rating swaps its old stars for the new: the figures follow, and still equal the
    // period's results per estate, which are counted from the ratings themselves.
    app.put(&path(&e.estate_a), &e.resident_a.token, &rate([1, 2, 1, 1, 4])).await.expect_status(200);
    let changed = read(community_a.clone(), e.dispatcher_a.token.clone(), first.clone(), day.clone()).await;
    assert_eq!(changed["total"]["property"], json!({"raters": 1, "star_avg": 1.8, "satisfaction": 0.2}));
    let results = app.get("/api/v1/property/results?limit=100", &e.dispatcher_a.token).await.expect_status(200).clone();
    let estate = results["items"].as_array().expect("items").iter().find(|r| r["estate"]["id"] == json!(e.estate_a));
    let estate = estate.expect("estate A's result").clone();
    assert_eq!(estate["raters"], changed["total"]["property"]["raters"], "{estate}");
    assert_eq!(estate["satisfaction"], changed["total"]["property"]["satisfaction"], "{estate}");

    // An estate moved to another community takes its ratings along: its old community counts
    // none, its new one counts both estates, and the street counts what it did.
    let community_b = str_of(&e.grid_b, "parent_id").to_owned();
    let grid_b2 = app.create_place("grid", "幸福第二网格", Some(&community_b), json!({"kind": "comprehensive"})).await;
    let moved = json!({"place_ids": [str_of(&grid_b2, "id")]});
    app.patch(&format!("/api/v1/admin/property/estates/{}", e.estate_a), &admin, &moved).await.expect_status(200);
    let left = read(community_a.clone(), e.dispatcher_a.token.clone(), first.clone(), day.clone()).await;
    assert_eq!(left["total"]["property"], json!({"raters": 0, "star_avg": null, "satisfaction": null}), "{left}");
    let both = json!({"raters": 2, "star_avg": 1.9, "satisfaction": 0.1});
    let b = read(community_b, e.dispatcher_b.token.clone(), first.clone(), day.clone()).await;
    assert_eq!(b["total"]["property"], both, "community B: {b}");
    let s = read(street.clone(), e.officer.token.clone(), first.clone(), day.clone()).await;
    assert_eq!(s["total"]["property"], both, "street: {s}");

    // A range that ends before the period: nothing rated.
    let earlier = chrono::NaiveDate::parse_from_str(&first, "%Y-%m-%d").expect("day") - chrono::Duration::days(1);
    let before =
        read(community_a, e.dispatcher_a.token.clone(), format!("{}", earlier.format("%Y-%m-01")), earlier.to_string())
            .await;
    assert_eq!(before["total"]["property"], json!({"raters": 0, "star_avg": null, "satisfaction": null}));
}
